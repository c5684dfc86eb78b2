"""Issue 12: every fault is one sentence and an exit code, never a traceback; files are
never written over by accident. Real processes, real files: the commands run as
another Unix account (setpriv) on folders with the modes a school server has, and on a
small tmpfs for a full disk."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from models.records import Teacher
from models.store import storage
from models.store.paths import backup_dir, lock_path
from models.store.storage import AccessDenied, Store, WriteFailed, hold_lock, list_backups, restore_from

ROOT = Path(__file__).resolve().parents[2]
NOBODY, NOGROUP = 65534, 65534
SHARED_GID = 0  # the folder's group in these tests ("root"): the staff account is, or is not, in it

as_root = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                             reason="needs root and setpriv to act as another account")


@pytest.fixture
def server(demo_template):
    """A school server's data folder /tmp/…/data (root:root 2770, files 0660) holding the
    demo school, with the account `nobody` on the roster as an ordinary teacher and `root`
    as an admin."""
    base = Path(tempfile.mkdtemp(prefix="jiaoyan-safety-", dir="/tmp"))
    base.chmod(0o755)
    data = base / "data"
    data.mkdir()
    db = data / "school.json"
    shutil.copy(demo_template, db)
    shutil.copy(demo_template.with_name(demo_template.name + ".changes"), db.with_name(db.name + ".changes"))
    with Store(db, actor="tester").transaction() as tx:
        tx.insert(Teacher(name="无名", login="nobody"))
        tx.insert(Teacher(name="信息老师", login="root", is_admin=True))  # who runs the server's commands
    for path in (db, lock_path(db), db.with_name(db.name + ".changes")):
        path.touch()
        path.chmod(0o660)
    backup_dir(db).mkdir(exist_ok=True)
    backup_dir(db).chmod(0o2770)
    os.chmod(data, 0o2770)
    yield db
    shutil.rmtree(base, ignore_errors=True)


def run_as(db: Path, *args: str, groups: tuple[int, ...] = (SHARED_GID,), umask: int = 0o007,
           uid: int = NOBODY) -> subprocess.CompletedProcess:
    """`jiaoyan ARGS --db DB` as another account, in a real process."""
    command = []
    if uid != 0:
        command = ["setpriv", f"--reuid={uid}", f"--regid={NOGROUP}",
                   "--groups=" + ",".join(str(g) for g in groups) if groups else "--clear-groups"]
    env = dict(os.environ, HOME=str(db.parent.parent), JIAOYAN_LANG="zh")
    return subprocess.run([*command, sys.executable, "-m", "tui", *args, "--db", str(db)],
                          capture_output=True, text=True, cwd=db.parent.parent, env=env, timeout=120,
                          preexec_fn=lambda: os.umask(umask))


def observe(db: Path, **kwargs) -> subprocess.CompletedProcess:
    return run_as(db, "observe", "add", "--teacher", "lxy", "--period", "3", "--type", "t",
                  "--topic", "秋天的雨", **kwargs)


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr


# -- faults: one sentence and an exit code ------------------------------------------------------


@as_root
def test_a_staff_account_outside_the_group_is_told_the_exact_fix(server):
    for command in (["check"], ["dashboard", "--plain"], ["observe", "add", "--teacher", "lxy", "--period", "3",
                                                         "--type", "t", "--topic", "x"]):
        result = run_as(server, *command, groups=())
        no_traceback(result)
        assert result.returncode == 2, (command, result.stderr)
        assert "nobody" in result.stderr and "sudo usermod -aG root nobody" in result.stderr
    doctor = run_as(server, "doctor", groups=())
    no_traceback(doctor)
    assert doctor.returncode == 1
    assert any(line.startswith("[问题]") and "sudo usermod -aG root nobody" in line
               for line in doctor.stdout.splitlines())


@as_root
def test_a_root_owned_0600_data_file_gets_a_sentence_not_a_traceback(server):
    server.chmod(0o600)
    for command in (["check"], ["dashboard", "--plain"]):
        result = run_as(server, *command)
        no_traceback(result)
        assert result.returncode == 2
        assert "不能读取数据文件" in result.stderr and f"sudo chmod 0660 '{server}'" in result.stderr
    doctor = run_as(server, "doctor")
    no_traceback(doctor)
    assert doctor.returncode == 1 and "sudo chmod 0660" in doctor.stdout


@as_root
def test_a_read_only_folder_before_the_lock_exists(server):
    lock_path(server).unlink()
    os.chmod(server.parent, 0o2750)
    before = server.read_bytes()
    result = observe(server)
    no_traceback(result)
    assert result.returncode == 2
    assert "锁文件" in result.stderr and f"sudo chmod 2770 '{server.parent}'" in result.stderr
    assert server.read_bytes() == before and not lock_path(server).exists()
    reading = run_as(server, "dashboard", "--plain")  # reading takes no lock
    assert reading.returncode == 0, reading.stderr


@as_root
def test_a_lock_left_0644_by_someone_else_still_lets_the_group_save(server):
    lock_path(server).chmod(0o644)  # made by root with umask 022
    result = observe(server)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "秋天的雨" in server.read_text(encoding="utf-8")


@as_root
def test_a_lock_replaced_by_a_folder_is_named_for_saves_and_restores(server):
    good = Store(server, actor="tester").backup("manual")
    lock_path(server).unlink()
    lock_path(server).mkdir()
    before = server.read_bytes()
    saving = observe(server)
    restoring = run_as(server, "restore", str(good), uid=0)
    for result in (saving, restoring):
        no_traceback(result)
        assert result.returncode == 2
        assert "是一个文件夹" in result.stderr and f"sudo rm -r '{lock_path(server)}'" in result.stderr
    assert server.read_bytes() == before


@pytest.fixture
def tiny_disk():
    """A 2 MB tmpfs: a disk that fills."""
    folder = Path(tempfile.mkdtemp(prefix="jiaoyan-tmpfs-", dir="/tmp"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0
    if not mounted:
        folder.rmdir()
        pytest.skip("cannot mount a tmpfs here")
    yield folder
    subprocess.run(["umount", str(folder)], check=False)
    folder.rmdir()


def _fill(folder: Path) -> None:
    with open(folder / "filler", "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    os.sync()


@as_root
def test_backup_on_a_full_disk_is_a_sentence_and_leaves_no_half_backup(tiny_disk, tmp_path):
    db = tiny_disk / "school.json"
    Store(db, actor="tester", create=True)
    with Store(db, actor="tester").transaction() as tx:
        tx.insert(Teacher(name="管理员", login="root", is_admin=True))
    _fill(tiny_disk)
    result = run_as(db, "backup", uid=0)
    no_traceback(result)
    assert result.returncode == 2 and "磁盘已满" in result.stderr
    leftovers = [p.name for p in backup_dir(db).iterdir() if p.stat().st_size == 0 or p.name.endswith(".tmp")]
    assert not leftovers
    assert all(json.loads(p.read_bytes()) for p in backup_dir(db).iterdir())


@as_root
def test_backup_into_an_unwritable_folder_names_that_folder(server):
    with Store(server, actor="tester").transaction() as tx:
        me = next(x for x in tx.all(Teacher) if x.login == "nobody")
        tx.update(me.copy(is_admin=True))
    backup_dir(server).chmod(0o2750)
    result = run_as(server, "backup")
    no_traceback(result)
    assert result.returncode == 2
    assert str(backup_dir(server)) in result.stderr and "备份" in result.stderr


def test_preferences_holding_null_do_not_break_the_observations_area():
    from models.observations import LogFilters

    filters = LogFilters.from_dict({"search": None, "reverse": "false", "lesson_type": None, "week": None})
    assert filters.search == "" and filters.reverse is True and filters.lesson_type == ""
    assert not filters.is_narrowed()


async def test_the_observations_area_opens_with_a_null_search_in_the_preferences(make_test_app, demo_db):
    from models.prefs import prefs_path
    from tests.conftest import TEST_LOGIN

    path = prefs_path(demo_db, TEST_LOGIN)
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"observations_log": {"search": None}}), encoding="utf-8")
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert app.screen.filters.search == ""


# -- files never written over by accident ----------------------------------------------------------


def _export(db: Path, output: str) -> subprocess.CompletedProcess:
    return run_as(db, "export", "teachers", "--format", "csv", "-o", output, uid=0)


@as_root
def test_an_export_to_a_device_writes_to_it_and_leaves_it_a_device(server):
    null = server.parent.parent / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    result = _export(server, str(null))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_an_export_to_a_fifo_is_written_into_it(demo_db, tmp_path):
    from models.store.outputs import write_output

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, b"a,b\n")
    reader.join(10)
    assert got == [b"a,b\n"] and stat.S_ISFIFO(os.lstat(fifo).st_mode)


@as_root
def test_exports_never_write_over_the_school_files(server):
    Store(server, actor="tester").backup("manual")
    backup = list_backups(server)[0]
    outside = server.parent.parent / "elsewhere"
    outside.mkdir()
    link = server.parent.parent / "link.csv"
    link.symlink_to(outside / "x.csv")
    protected = {server: "数据文件", lock_path(server): "属于数据文件", backup: "数据文件",
                 backup_dir(server) / "new.csv": "备份", server.parent: "文件夹", link: "符号链接"}
    before = {p: p.read_bytes() for p in (server, backup)}
    for target, words in protected.items():
        result = _export(server, str(target))
        no_traceback(result)
        assert result.returncode == 1, (target, result.stderr)
        assert words in result.stderr, (target, result.stderr)
    assert {p: p.read_bytes() for p in before} == before
    assert lock_path(server).read_bytes() == b""
    assert not (outside / "x.csv").exists() and not (backup_dir(server) / "new.csv").exists()
    # A copy of the data file under another name is the school's data too.
    copy = server.parent.parent / "copy.json"
    shutil.copy(server, copy)
    assert _export(server, str(copy)).returncode == 1


async def test_the_dashboard_report_replaces_a_file_only_after_a_second_enter(make_test_app, tmp_path):
    target = tmp_path / "报告.md"
    target.write_text("mine", encoding="utf-8")
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        field = app.screen.query_one("#report-path")
        field.value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert "已经存在" in str(app.screen.query_one("#report-error").render())
        assert target.read_text(encoding="utf-8") == "mine"
        await pilot.press("enter")
        for _ in range(50):
            await pilot.pause(0.1)
            if target.read_text(encoding="utf-8") != "mine":
                break
    assert target.read_text(encoding="utf-8") != "mine"


def test_two_restores_in_one_second_keep_both_earlier_files(demo_store, monkeypatch):
    import datetime as dt

    fixed = dt.datetime(2025, 11, 5, 10, 0, 0)
    monkeypatch.setattr(storage.clock, "now", lambda: fixed)
    source = demo_store.backup("manual")
    with demo_store.transaction() as tx:
        tx.insert(Teacher(name="第一次"))
    first = demo_store.path.read_bytes()
    kept_one = restore_from(demo_store.path, source)
    with Store(demo_store.path, actor="tester").transaction() as tx:
        tx.insert(Teacher(name="第二次"))
    second = demo_store.path.read_bytes()
    kept_two = restore_from(demo_store.path, source)
    assert kept_one != kept_two
    assert kept_one.read_bytes() == first and kept_two.read_bytes() == second


def test_manual_backups_do_not_push_out_the_daily_ones(demo_store, monkeypatch):
    import datetime as dt

    for day in range(1, 4):
        monkeypatch.setattr(storage.clock, "now", lambda day=day: dt.datetime(2025, 11, day, 8))
        demo_store.backup("daily")
    monkeypatch.setattr(storage.clock, "now", lambda: dt.datetime(2025, 11, 5, 9))
    for _ in range(storage.BACKUPS_KEPT + 1):
        demo_store.backup("manual")
    backups = list_backups(demo_store.path)
    assert sum(1 for b in backups if "daily" in b.name) >= 3
    assert sum(1 for b in backups if "manual" in b.name) == storage.BACKUPS_KEPT


@as_root
def test_an_unwritable_backups_folder_does_not_stop_the_save(server):
    for old in list_backups(server):
        old.unlink()
    backup_dir(server).chmod(0o2750)
    result = observe(server)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "秋天的雨" in server.read_text(encoding="utf-8")
    assert str(backup_dir(server)) in result.stderr and "已保存" in result.stderr


def test_stale_temporary_files_are_reported_and_removed_by_the_next_save(demo_store):
    from models.doctor import PROBLEM, run_checks

    leftover = demo_store.path.parent / f".{demo_store.path.name}.k1ll3d.tmp"
    leftover.write_bytes(b"{" * 1000)
    checks = run_checks(demo_store.path, login="tester", env={"LANG": "C.UTF-8"}, fd=99)
    assert any(c.status == PROBLEM and "临时文件" in c.message for c in checks)
    with demo_store.transaction() as tx:
        tx.insert(Teacher(name="甲"))
    assert not leftover.exists()


def _hold_then_delete_lock(db: str, ready, release) -> None:
    from models.store.storage import hold_lock

    with hold_lock(Path(db)):
        ready.set()
        release.wait(10)
        os.unlink(lock_path(Path(db)))


def test_a_lock_file_deleted_while_held_is_taken_again_on_the_new_file(demo_store):
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_then_delete_lock, args=(str(demo_store.path), ready, release))
    holder.start()
    assert ready.wait(30)
    got = []

    def wait_for_lock():
        with hold_lock(demo_store.path) as fd:
            got.append((os.fstat(fd).st_ino, os.stat(lock_path(demo_store.path)).st_ino))

    waiter = threading.Thread(target=wait_for_lock)
    waiter.start()
    time.sleep(0.3)
    release.set()
    holder.join(30)
    waiter.join(30)
    assert got and got[0][0] == got[0][1]  # the lock we hold is the file at the path


def test_a_symlinked_lock_is_refused_and_nothing_is_made_at_its_target(demo_store, tmp_path):
    target = tmp_path / "elsewhere" / "planted"
    target.parent.mkdir()
    lock = lock_path(demo_store.path)
    if lock.exists():
        lock.unlink()
    lock.symlink_to(target)
    with pytest.raises(AccessDenied) as info:
        with demo_store.transaction() as tx:
            tx.insert(Teacher(name="甲"))
    assert "符号链接" in str(info.value)
    assert not target.exists()


def test_a_symlinked_data_file_is_followed_and_stays_a_link(demo_db, tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(demo_db)
    store = Store(link, actor="tester")
    with store.transaction() as tx:
        tx.insert(Teacher(name="经由链接"))
    assert link.is_symlink() and "经由链接" in demo_db.read_text(encoding="utf-8")
    assert store.path == demo_db


@as_root
def test_a_read_only_data_file_is_not_replaced_by_a_group_member(server):
    server.chmod(0o444)
    before = server.read_bytes()
    result = observe(server)
    no_traceback(result)
    assert result.returncode == 2 and "不能写入数据文件" in result.stderr
    assert server.read_bytes() == before and stat.S_IMODE(server.stat().st_mode) == 0o444


def test_write_failed_names_the_data_file_for_a_full_disk(demo_store, monkeypatch):
    import errno

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", no_space)
    with pytest.raises(WriteFailed) as info:
        with demo_store.transaction() as tx:
            tx.insert(Teacher(name="乙"))
    assert "磁盘已满" in str(info.value) and str(demo_store.path) in str(info.value)
