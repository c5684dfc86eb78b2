"""`jiaoyan doctor` says what to fix; `jiaoyan audit` lists who changed what; the launcher's environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from models.doctor import NOTE, OK, PROBLEM, check_directory, check_file, check_lock, run_checks
from models.records import Teacher
from models.store.storage import Store
from tui.cli import main
from tui.launcher import launch_environment

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server_dir(tmp_path, demo_template):
    folder = tmp_path / "srv-jiaoyan"
    folder.mkdir()
    folder.chmod(0o2770)
    db = folder / "school.json"
    shutil.copy(demo_template, db)
    db.chmod(0o660)
    return db


def statuses(checks):
    return [c.status for c in checks]


def test_a_well_set_up_directory_passes(server_dir):
    old = os.umask(0o007)
    try:
        checks = run_checks(server_dir, login="tester", env={"LANG": "zh_CN.UTF-8", "TERM": "xterm"}, fd=99)
    finally:
        os.umask(old)
    assert PROBLEM not in statuses(checks), [c.message for c in checks if c.status == PROBLEM]
    text = "\n".join(c.message for c in checks)
    assert "郑娟" in text and "加锁正常" in text and "磁盘剩余" in text


def test_each_problem_says_what_to_run(server_dir):
    server_dir.parent.chmod(0o755)
    server_dir.chmod(0o644)
    problems = [c.message for c in check_directory(server_dir, "tester") + check_file(server_dir)
                if c.status == PROBLEM]
    assert any("chmod 2770" in m and "setgid" in m for m in problems)
    assert any("chmod 0660" in m for m in problems)


def test_locale_and_umask_and_colour_system(server_dir):
    # Doctor judges the environment jiaoyan-ssh gives the app: a shell's umask 022 and LANG=C
    # are notes that say what the launcher sets, not problems (issue 21: same verdict).
    checks = run_checks(server_dir, login="x", env={"LANG": "C", "TEXTUAL_COLOR_SYSTEM": "rainbow"}, fd=99,
                        umask=0o022)
    bad = "\n".join(c.message for c in checks if c.status == PROBLEM)
    assert bad == "TEXTUAL_COLOR_SYSTEM=rainbow 无效，可用：auto、standard、256、truecolor"
    notes = "\n".join(c.message for c in checks if c.status == NOTE)
    assert "umask 是 022" in notes and "jiaoyan-ssh" in notes and "007" in notes
    assert "C.UTF-8" in "\n".join(c.message for c in checks if c.status == OK)
    assert any(c.status == NOTE and "x" in c.message for c in checks)  # not on the roster: a note


def test_a_held_lock_is_reported(server_dir):
    import fcntl

    from models.store.paths import lock_path

    fd = os.open(lock_path(server_dir), os.O_RDWR | os.O_CREAT, 0o660)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        # flock locks belong to the open file: another open of the file in this process waits too.
        assert check_lock(server_dir, wait=0.2).status == PROBLEM
    finally:
        os.close(fd)
    assert check_lock(server_dir).status == OK


def test_doctor_command_exit_codes(server_dir, capsys):
    assert main(["doctor", "--db", str(server_dir.parent / "missing" / "x.json")]) == 1
    assert "install -d -m 2770" in capsys.readouterr().out


def test_audit_lists_changes_with_before_and_after(demo_db, monkeypatch, capsys):
    monkeypatch.setattr("models.identity.os_login", lambda: "tester")
    store = Store(demo_db, actor="tester")
    teacher = store.all(Teacher)[3]
    with store.transaction() as tx:
        tx.update(teacher.copy(note="[bold]备注[/bold]"))
    assert main(["audit", "--db", str(demo_db), "--since", "今天", "--who", "tester"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if f"修改  教师名册 #{teacher.id}" in x)
    assert "  郑娟（tester" in line  # the name people know, with the login (and the system account)
    assert "备注: （空） → [bold]备注[/bold]" in out  # the field by its label
    assert main(["audit", "--db", str(demo_db), "--who", "nobody"]) == 0
    assert "没有符合条件" in capsys.readouterr().out
    assert main(["audit", "--db", str(demo_db), "--since", "明年"]) == 1


def test_audit_is_for_the_admin_only(demo_db, monkeypatch, capsys):
    monkeypatch.setattr("models.identity.os_login", lambda: "zhangmin")
    assert main(["audit", "--db", str(demo_db)]) == 1
    assert "管理员" in capsys.readouterr().err


def test_launcher_environment():
    env, restart = launch_environment({"LANG": "C"})
    assert restart and env["LC_ALL"] == "C.UTF-8" and env["TERM"] == "xterm-256color"
    env, restart = launch_environment({"LANG": "zh_CN.UTF-8", "TERM": "screen"})
    assert not restart and env["TERM"] == "screen"


def test_launcher_sets_umask_007_and_utf8(tmp_path):
    code = "import os,sys; m=os.umask(0); print(oct(m), sys.stdout.encoding, os.environ.get('LC_ALL'))"
    result = subprocess.run([sys.executable, "-c",
                             f"import sys; sys.argv=['jiaoyan-ssh','--version']; "
                             f"import tui.launcher as l; import os; os.umask(0o022); "
                             f"l.main(['--version'])"],
                            capture_output=True, text=True, cwd=ROOT, timeout=30,
                            env={"PATH": os.environ["PATH"], "LANG": "C", "PYTHONPATH": str(ROOT)})
    assert "jiaoyan" in result.stdout
    probe = tmp_path / "probe.py"
    probe.write_text("import os\nos.umask(0o022)\nimport tui.launcher as l\nl.main(['doctor', '--db', "
                     f"{str(tmp_path / 'd' / 'x.json')!r}])\n")
    result = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, cwd=ROOT, timeout=30,
                            env={"PATH": os.environ["PATH"], "LANG": "C", "PYTHONPATH": str(ROOT),
                                 "HOME": str(tmp_path)})
    assert "umask 007" in result.stdout and "C.UTF-8" in result.stdout
