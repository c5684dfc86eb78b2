"""Issue 21: each message of the SSH door says what is true and what to do."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from models.downloads import (Request, download_command, export_folder, parse_request, resolve_inside,
                              virtual_path)
from models.doctor import NOTE, OK, PROBLEM, check_identity, run_checks
from models.i18n import set_language
from models.identity import sign_in_problem
from models.mouse import mouse_default, save_choice
from models.records import Teacher
from models.store.storage import Store
from tui.cli import main


@pytest.fixture
def shared(tmp_path, monkeypatch):
    """The shared account is `jiaoyan`, named in a trusted setting file."""
    folder = tmp_path / "etc-jiaoyan"
    folder.mkdir(mode=0o755)
    path = folder / "shared-account"
    path.write_text("jiaoyan\n")
    path.chmod(0o644)
    monkeypatch.setattr("models.identity.shared_account_files", lambda: [path])
    return "jiaoyan"


def _set_login(store: Store, name: str, login: str, **changes) -> Teacher:
    teacher = next(x for x in store.all(Teacher) if x.name == name)
    with store.transaction() as tx:
        tx.update(teacher.copy(login=login, **changes))
    return teacher


# -- signing in ---------------------------------------------------------------------------


def test_a_deactivated_teacher_is_told_she_is_deactivated(demo_store):
    teacher = next(x for x in demo_store.all(Teacher) if x.login == "zhangmin")
    with demo_store.transaction() as tx:
        tx.update(teacher.copy(active=False))
    message = sign_in_problem(demo_store, "zhangmin", by_key=True)
    assert message.startswith(f"你好！你（{teacher.name}，登录名 zhangmin）在教师名册里已被停用")
    assert "按 d 重新启用" in message and "不在" not in message
    set_language("en")
    assert "have been deactivated" in sign_in_problem(demo_store, "zhangmin", by_key=True)


def test_someone_on_the_roster_may_sign_in_and_a_stranger_is_told_which_login(demo_store):
    assert sign_in_problem(demo_store, "zhangmin", by_key=True) is None
    message = sign_in_problem(demo_store, "nobody", by_key=False)
    assert "“nobody”" in message and "登录名" in message


def test_the_shared_account_itself_never_signs_in_and_the_advice_never_adds_it(demo_store, shared):
    # A ForceCommand overrode the key's `--as`: the process runs as `jiaoyan` without --as.
    message = sign_in_problem(demo_store, "jiaoyan", by_key=False)
    assert "共用账号 jiaoyan" in message and "ForceCommand" in message
    assert "Match Group jiaoyan User !jiaoyan" in message and "不要把 jiaoyan 填进教师名册" in message
    assert "填为" not in message  # never "set the login to jiaoyan"
    # The mistake made anyway: the roster holds the shared account's name. Still refused, and named.
    _set_login(demo_store, "张敏", "jiaoyan")
    message = sign_in_problem(demo_store, "jiaoyan", by_key=False)
    assert "名册里 张敏 的登录名是 jiaoyan" in message
    # A key's own --as still works.
    assert sign_in_problem(demo_store, "chenying", by_key=True) is None


def test_doctor_finds_the_shared_account_on_the_roster(demo_db, shared):
    store = Store(demo_db, actor="tester")
    assert not [c for c in check_identity(demo_db, "tester") if c.status == PROBLEM]
    _set_login(store, "张敏", "jiaoyan")
    problems = [c.message for c in check_identity(demo_db, "tester") if c.status == PROBLEM]
    assert len(problems) == 1 and "张敏" in problems[0] and "共用账号 jiaoyan" in problems[0]
    assert "改回这位老师自己的登录名" in problems[0]
    notes = [c.message for c in check_identity(demo_db, "jiaoyan") if c.status == NOTE]
    assert any("你是共用账号 jiaoyan" in m for m in notes)


def test_doctor_names_a_deactivated_login(demo_db):
    store = Store(demo_db, actor="tester")
    teacher = next(x for x in store.all(Teacher) if x.login == "zhangmin")
    with store.transaction() as tx:
        tx.update(teacher.copy(active=False))
    notes = [c.message for c in check_identity(demo_db, "zhangmin") if c.status == NOTE]
    assert any(f"属于已停用的 {teacher.name}" in m for m in notes)


def test_doctor_gives_the_same_verdict_however_started(tmp_path, demo_template):
    import shutil

    folder = tmp_path / "srv"
    folder.mkdir()
    folder.chmod(0o2770)
    db = folder / "school.json"
    shutil.copy(demo_template, db)
    db.chmod(0o660)
    # `jiaoyan doctor` from a login shell (umask 022, no UTF-8, no TERM) and `jiaoyan-ssh doctor`.
    by_hand = run_checks(db, login="tester", env={"LANG": "C"}, fd=99, umask=0o022)
    launched = run_checks(db, login="tester", env={"LANG": "C.UTF-8", "TERM": "xterm-256color"}, fd=99,
                          umask=0o007)
    assert [c.message for c in by_hand if c.status == PROBLEM] == []
    assert [c.message for c in launched if c.status == PROBLEM] == []
    assert any("jiaoyan-ssh 会设置：umask 007" in c.message for c in by_hand)
    assert any("umask 是 022" in c.message and "改用 007" in c.message and c.status == NOTE for c in by_hand)
    assert not any("umask 是" in c.message for c in launched)
    assert any(c.status == OK and "umask 007" in c.message for c in launched)


def test_as_with_a_command_says_what_is_true(demo_db, capsys):
    assert main(["--as", "zhangmin", "backup", "--db", str(demo_db)]) == 1
    err = capsys.readouterr().err
    assert "--as 只用来打开应用" in err and "backup" in err and "系统账号" in err
    assert "SSH" not in err  # the old, false reason: "not started by an SSH login"


# -- init and backups ---------------------------------------------------------------------


def test_init_names_the_first_admin_by_login(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("models.identity.os_login", lambda: "root")
    path = tmp_path / "srv" / "school.json"
    path.parent.mkdir()
    assert main(["init", "--db", str(path)]) == 1
    err = capsys.readouterr().err
    assert "root 不能做学校的管理员" in err and "--admin 登录名 --name 姓名" in err and not path.exists()
    assert main(["init", "--db", str(path), "--admin", "bad login"]) == 1
    assert "不是合法的登录名" in capsys.readouterr().err and not path.exists()
    assert main(["init", "--db", str(path), "--admin", "zhengjuan", "--name", "郑娟", "--school", "育才实验小学"]) == 0
    out = capsys.readouterr().out
    [teacher] = Store(path).all(Teacher)
    assert (teacher.login, teacher.name, teacher.is_admin) == ("zhengjuan", "郑娟", True)
    # A backup right after init, worth restoring: it holds the admin.
    backups = sorted((tmp_path / "srv" / "school.json.backups").glob("school-*-init.json"))
    assert len(backups) == 1 and f"第一份备份：{backups[0]}" in out
    assert "zhengjuan" in backups[0].read_text(encoding="utf-8")


def test_init_refuses_the_shared_account_as_admin(tmp_path, capsys, shared):
    path = tmp_path / "school.json"
    assert main(["init", "--db", str(path), "--admin", "jiaoyan"]) == 1
    assert "jiaoyan 是共用账号，不能做管理员" in capsys.readouterr().err and not path.exists()


def test_backup_to_a_folder_off_the_server(demo_db, tmp_path, capsys, monkeypatch):
    # root's cron job: on no roster, and it needs to be on none to copy the file away.
    monkeypatch.setattr("models.identity.os_login", lambda: "root")
    archive = demo_db.with_name("school.json.archive")
    archive.mkdir()
    (archive / "2024-2025-2.json").write_text("{}", encoding="utf-8")
    nas = tmp_path / "nas"
    assert main(["backup", "--db", str(demo_db), "--to", str(nas)]) == 1
    assert f"备份文件夹 {nas} 不存在" in capsys.readouterr().err
    nas.mkdir()
    assert main(["backup", "--db", str(demo_db), "--to", str(nas)]) == 0
    out = capsys.readouterr().out
    [copy] = nas.glob("school-*-offsite.json")
    assert copy.read_bytes() == demo_db.read_bytes()
    assert not list(demo_db.with_name("school.json.backups").glob("*manual*"))  # nothing changed at home
    assert (nas / (copy.stem + ".archive") / "2024-2025-2.json").read_text() == "{}"
    assert f"已另存到 {copy}（2 个文件）" in out
    # It restores like any backup (restoring is the admin's).
    monkeypatch.setattr("models.identity.os_login", lambda: "tester")
    assert main(["restore", str(copy), "--db", str(demo_db)]) == 0


def test_backup_to_an_unwritable_folder_is_a_sentence(demo_db, tmp_path, capsys, monkeypatch):
    if os.geteuid() == 0:
        # root writes anywhere: stand in a failing write instead.
        def fail(*_args, **_kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("models.store.backup_to.atomic_write", fail)
    nas = tmp_path / "ro"
    nas.mkdir()
    nas.chmod(stat.S_IRUSR | stat.S_IXUSR)
    assert main(["backup", "--db", str(demo_db), "--to", str(nas)]) == 1
    assert f"不能写入备份文件夹 {nas}：Permission denied" in capsys.readouterr().err


# -- the mouse ---------------------------------------------------------------------------


def test_mouse_is_off_over_ssh_on_locally_and_the_persons_choice_wins(tmp_path):
    ssh = {"SSH_CONNECTION": "192.0.2.9 50000 192.0.2.1 22"}
    assert mouse_default(None, {}) is True
    assert mouse_default(None, ssh) is False
    assert mouse_default(None, {**ssh, "JIAOYAN_MOUSE": "1"}) is True
    db = tmp_path / "school.json"
    assert save_choice(db, "zhangmin", True)
    assert mouse_default(None, ssh, db=db, login="zhangmin") is True
    assert mouse_default(None, ssh, db=db, login="chenying") is False
    assert mouse_default(False, ssh, db=db, login="zhangmin") is False  # --no-mouse
    assert mouse_default(True, ssh, db=db, login="chenying") is True  # --mouse


# -- downloads ----------------------------------------------------------------------------


def test_download_requests_are_recognised():
    assert parse_request(None) is None and parse_request("  ") is None
    assert parse_request("/usr/lib/openssh/sftp-server").kind == "sftp"
    assert parse_request("internal-sftp").kind == "sftp"
    assert parse_request("scp -f -- 报告.docx") == Request("scp-get", ("报告.docx",))
    assert parse_request("scp -p -f /x/y.csv") == Request("scp-get", ("/x/y.csv",), times=True)
    assert parse_request("scp -r -f d").recursive
    assert parse_request("scp -t .").kind == "scp-put"
    assert parse_request("bash -i").kind == "other"
    assert parse_request("jiaoyan --as tester").kind == "other"


def test_only_paths_inside_the_persons_folder_resolve(tmp_path):
    db = tmp_path / "srv" / "school.json"
    folder = export_folder(db, "zhangmin")
    folder.mkdir(parents=True)
    (folder / "报告.docx").write_bytes(b"x")
    other = export_folder(db, "chenying")
    other.mkdir()
    (other / "她的.csv").write_bytes(b"y")
    (folder / "link").symlink_to(db.parent)
    assert resolve_inside(folder, "报告.docx") == folder.resolve() / "报告.docx"
    assert resolve_inside(folder, "/报告.docx") == folder.resolve() / "报告.docx"
    assert resolve_inside(folder, str(folder / "报告.docx")) == folder.resolve() / "报告.docx"
    assert resolve_inside(folder, ".") == folder.resolve()
    for outside in ("../chenying/她的.csv", str(other / "她的.csv"), "/etc/passwd", "../../school.json",
                    "link/school.json", "~/../chenying/她的.csv"):
        resolved = resolve_inside(folder, outside)
        assert resolved is None or not resolved.exists(), outside
    assert virtual_path(folder, folder / "报告.docx") == "/报告.docx"
    assert folder.name == "zhangmin" and export_folder(db, "../x").name == "_x"


def test_the_download_command_a_person_types():
    path = Path("/srv/jiaoyan/school.json.exports/zhangmin/报告.docx")
    assert download_command(path, account="jiaoyan", env={"SSH_CONNECTION": "192.0.2.9 5 192.0.2.1 22"}) == (
        "scp jiaoyan@192.0.2.1:/srv/jiaoyan/school.json.exports/zhangmin/报告.docx .")
    assert download_command(path, account="jiaoyan", env={"SSH_CONNECTION": "192.0.2.9 5 192.0.2.1 2222"}) == (
        "scp -P 2222 jiaoyan@192.0.2.1:/srv/jiaoyan/school.json.exports/zhangmin/报告.docx .")
    spaced = Path("/srv/a b/x.csv")
    assert download_command(spaced, account="j", env={"SSH_CONNECTION": "1 2 h 22"}) == 'scp "j@h:/srv/a b/x.csv" .'


def test_doctor_reads_sshds_forcecommand_for_the_shared_account(tmp_path):
    import shutil as sh
    import subprocess

    from models.doctor import check_shared_account_forced, sshd_forced_command

    assert check_shared_account_forced("jiaoyan", None) is None
    problem = check_shared_account_forced("jiaoyan", "jiaoyan-ssh --db /srv/jiaoyan/school.json")
    assert problem.status == PROBLEM and "Match Group jiaoyan User *,!jiaoyan" in problem.message
    sshd = sh.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)
    if sshd is None or os.geteuid() != 0 or not sh.which("ssh-keygen"):
        pytest.skip("reading sshd's configuration needs sshd and root")
    key = tmp_path / "host_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True, timeout=30)
    config = tmp_path / "sshd_config"
    # `daemon` stands for a teacher's account and `root` for the shared one (both exist everywhere).
    block = f"HostKey {key}\nUsePAM no\nMatch Group root,daemon User {{users}}\n    ForceCommand jiaoyan-ssh\n"
    config.write_text(block.format(users="*,!root"))  # the README's block
    assert sshd_forced_command("root", sshd, config) is None
    assert sshd_forced_command("daemon", sshd, config) == "jiaoyan-ssh"
    config.write_text(block.format(users="*"))  # the mistake: the shared account is not left out
    assert sshd_forced_command("root", sshd, config) == "jiaoyan-ssh"
    config.write_text(block.format(users="!root"))  # `!root` alone matches nobody in sshd
    assert sshd_forced_command("daemon", sshd, config) is None
