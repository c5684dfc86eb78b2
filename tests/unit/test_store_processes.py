"""The store under real processes: concurrent writers, a writer killed mid-save, a damaged file."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from models.records import Observation, Teacher
from models.store.storage import Store

ROOT = Path(__file__).resolve().parents[2]


def _insert_observations(path: str, worker: int, count: int, start) -> None:
    store = Store(path, actor=f"worker{worker}")
    start.wait()
    for n in range(count):
        with store.transaction() as tx:
            tx.insert(Observation(observer_id=1, teacher_id=2, date="2025-10-16", period=1,
                                  topic=f"w{worker}-{n}"))


def test_eight_processes_inserting_at_once_lose_nothing(tmp_path):
    path = tmp_path / "school.json"
    Store(path, actor="setup", create=True)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    workers = [ctx.Process(target=_insert_observations, args=(str(path), w, 100, start)) for w in range(8)]
    for process in workers:
        process.start()
    start.set()
    for process in workers:
        process.join(timeout=240)
        assert process.exitcode == 0
    data = json.loads(path.read_text(encoding="utf-8"))  # the file parses
    records = Store(path).all(Observation)
    assert len(records) == 800
    assert len({r.id for r in records}) == 800
    assert len({r.topic for r in records}) == 800
    assert len(data["observations"]) == 800


WRITER = """
import sys
from models.records import Teacher
from models.store.storage import Store
store = Store(sys.argv[1], actor="writer")
ack = open(sys.argv[2], "a")
n = 0
while True:
    with store.transaction() as tx:
        tx.insert(Teacher(name=f"师{n}", note="x" * 2000))
    ack.write(f"师{n}\\n"); ack.flush()  # acknowledged only after the save returned
    n += 1
"""


def test_a_writer_killed_mid_save_leaves_a_sound_file_with_every_acknowledged_change(tmp_path):
    path = tmp_path / "school.json"
    acks = tmp_path / "acks.txt"
    store = Store(path, actor="setup", create=True)
    with store.transaction() as tx:
        tx.insert_many([Teacher(name=f"底{n}", note="y" * 500) for n in range(3000)])  # saves take a while
    for round_number in range(3):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(acks)], cwd=ROOT)
        time.sleep(1.5 + 0.37 * round_number)
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    acknowledged = [line for line in acks.read_text(encoding="utf-8").splitlines() if line]
    assert acknowledged, "the writer never got a save through"
    json.loads(path.read_text(encoding="utf-8"))
    names = {t.name for t in Store(path).all(Teacher)}
    missing = [name for name in acknowledged if name not in names]
    assert missing == []


def _run_cli(*args, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "tui", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=120)


def test_garbage_or_truncated_file_makes_check_and_app_exit_2_and_stays_unchanged(tmp_path, demo_db):
    store = Store(demo_db, actor="tester")
    backup = store.backup("manual")
    good = demo_db.read_bytes()
    for damage in (good[: len(good) // 2], b"\x00\x01garbage\xff", b""):
        demo_db.write_bytes(damage)
        for args in (["check", "--db", str(demo_db)], ["--db", str(demo_db)]):
            result = _run_cli(*args)
            assert result.returncode == 2, (args, result.stdout, result.stderr)
            assert "已损坏" in result.stderr
            assert str(backup) in result.stderr
            assert f"jiaoyan restore '{backup}' --db '{demo_db}'" in result.stderr
            assert "Traceback" not in result.stderr
            assert demo_db.read_bytes() == damage


def test_check_backup_and_restore_commands(tmp_path, demo_db):
    import pwd

    # Backups and restores are the admin's: the account running the tests is made one.
    me = pwd.getpwuid(os.getuid()).pw_name
    with Store(demo_db, actor="tester").transaction() as tx:
        tx.insert(Teacher(name="信息老师", login=me, is_admin=True))
    assert _run_cli("check", "--db", str(demo_db)).returncode == 0
    result = _run_cli("backup", "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    backups = sorted((demo_db.parent / "school.json.backups").glob("*manual*.json"))
    assert backups
    # a broken reference is a problem `check` lists (exit 1)
    data = json.loads(demo_db.read_text(encoding="utf-8"))
    first = next(iter(data["observations"]))
    data["observations"][first]["teacher_id"] = 99999
    demo_db.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = _run_cli("check", "--db", str(demo_db))
    assert result.returncode == 1 and "99999" in result.stdout
    result = _run_cli("restore", str(backups[-1]), "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    assert _run_cli("check", "--db", str(demo_db)).returncode == 0
    kept = list((demo_db.parent / "school.json.backups").glob("*before-restore*.json"))
    assert len(kept) == 1 and b"99999" in kept[0].read_bytes()


def test_init_creates_a_file_whose_caller_is_admin_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "new" / "school.json"
    # --admin: the runner (root on CI) is nobody's identity; the first admin is named.
    result = _run_cli("init", "--db", str(path), "--school", "测试小学", "--name", "王老师", "--admin", "wangls")
    assert result.returncode == 0, result.stderr
    store = Store(path)
    [teacher] = store.all(Teacher)
    assert teacher.is_admin and teacher.name == "王老师" and teacher.login == "wangls"
    assert store.policy().school_name == "测试小学"
    before = path.read_bytes()
    again = _run_cli("init", "--db", str(path))
    assert again.returncode == 1 and path.read_bytes() == before


def test_version_help_and_english(tmp_path):
    assert _run_cli("--version").stdout.startswith("jiaoyan ")
    assert "init" in _run_cli("--help").stdout
    result = _run_cli("--lang", "en", "check", "--db", str(tmp_path / "none.json"))
    assert result.returncode == 1 and "No data file" in result.stderr
