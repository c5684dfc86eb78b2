"""Issue 12: the change log is worth trusting — an append-only file beside the data file,
each line with the real uid's login, the real clock's time and the hash of the line
before; `jiaoyan check` names the first broken line; old files are migrated forward."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from models.records import Teacher
from models.store import storage
from models.store.changelog import GENESIS, ChangeLog, line_hash
from models.store.paths import changelog_path
from models.store.storage import Store, WriteFailed, list_backups, restore_from
from tui.cli import main


def lines(db: Path) -> list[dict]:
    return [json.loads(x) for x in changelog_path(db).read_text(encoding="utf-8").splitlines()]


def test_a_change_goes_to_the_log_file_and_not_into_the_data_file(demo_store):
    with demo_store.transaction() as tx:
        tx.insert(Teacher(name="日志里的人"))
    data = json.loads(demo_store.path.read_text(encoding="utf-8"))
    assert "audit" not in data
    last = lines(demo_store.path)[-1]
    assert last["action"] == "insert" and last["after"]["name"] == "日志里的人"
    assert data["meta"]["1"]["log_seq"] == last["seq"]


def test_each_line_has_the_real_clock_and_is_chained_to_the_one_before(demo_store):
    # The fixed test clock (JIAOYAN_TODAY=2025-11-05) must not backdate the log.
    with demo_store.transaction() as tx:
        tx.insert(Teacher(name="甲"))
    entries = lines(demo_store.path)
    assert entries[-1]["at"][:10] == dt.date.today().isoformat() != os.environ["JIAOYAN_TODAY"]
    raw = changelog_path(demo_store.path).read_bytes().splitlines()
    assert entries[0]["prev"] == GENESIS
    for number in range(1, len(raw)):
        assert entries[number]["prev"] == line_hash(raw[number - 1])
        assert entries[number]["seq"] == entries[number - 1]["seq"] + 1


def test_a_script_naming_any_actor_still_leaves_the_real_login(tmp_path):
    """Store(db, actor="root") run by the account `nobody`: the line says who really ran it."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run as another account")
    base = Path(tempfile.mkdtemp(prefix="jiaoyan-log-", dir="/tmp"))
    try:
        base.chmod(0o777)
        db = base / "school.json"
        Store(db, actor="setup", create=True)
        for path in base.iterdir():
            path.chmod(0o666)
        script = ("from models.store.storage import Store\nfrom models.records import Teacher\n"
                  f"s = Store({str(db)!r}, actor='root')\n"
                  "with s.transaction() as tx:\n    tx.insert(Teacher(name='冒名'))\n")
        result = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
                                 "-c", script], capture_output=True, text=True, cwd=base, timeout=120,
                                env=dict(os.environ, HOME=str(base)))
        assert result.returncode == 0, result.stderr
        last = lines(db)[-1]
        assert last["who"] == "root" and last["uid"] == "nobody"
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_check_names_the_first_line_removed_or_changed_by_hand(demo_store, capsys):
    for n in range(3):
        with demo_store.transaction() as tx:
            tx.insert(Teacher(name=f"第{n}位"))
    assert main(["check", "--db", str(demo_store.path)]) == 0
    log = changelog_path(demo_store.path)
    good = log.read_bytes()
    raw = good.splitlines()
    # a line removed
    log.write_bytes(b"\n".join(raw[:-3] + raw[-2:]) + b"\n")
    assert main(["check", "--db", str(demo_store.path)]) == 1
    out = capsys.readouterr().out
    assert f"第 {len(raw) - 2} 行" in out and "删掉" in out
    # a line changed (the one before the last): the last one no longer follows from it
    changed = json.loads(raw[-2])
    changed["after"]["name"] = "改过的名字"
    log.write_bytes(b"\n".join(raw[:-2] + [json.dumps(changed, ensure_ascii=False).encode(), raw[-1]]) + b"\n")
    assert main(["check", "--db", str(demo_store.path)]) == 1
    assert f"第 {len(raw)} 行" in capsys.readouterr().out


def test_a_save_that_failed_after_logging_is_marked_abandoned(demo_store, monkeypatch):
    def refuse(self, *args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.LockedJSONStorage, "commit", refuse)
    with pytest.raises(WriteFailed):
        with demo_store.transaction() as tx:
            tx.insert(Teacher(name="没保存上"))
    monkeypatch.undo()
    assert lines(demo_store.path)[-1]["after"]["name"] == "没保存上"  # logged first …
    with demo_store.transaction() as tx:
        tx.insert(Teacher(name="保存上了"))
    shown = [e.get("after", {}) or {} for e in Store(demo_store.path).audit_entries()]
    assert {"保存上了"} == {x.get("name") for x in shown} & {"保存上了", "没保存上"}
    assert any(e["action"] == "abandoned" for e in lines(demo_store.path))
    assert ChangeLog(demo_store.path).verify() == []


def test_restore_and_manual_backup_leave_a_line(demo_store):
    backup = demo_store.backup("manual")
    restore_from(demo_store.path, backup, "tester")
    actions = [e["action"] for e in lines(demo_store.path)]
    assert actions[-2:] == ["backup", "restore"]
    # the restored file holds the log up to the restore: the next save abandons nothing
    with Store(demo_store.path, actor="tester").transaction() as tx:
        tx.insert(Teacher(name="恢复之后"))
    assert "abandoned" not in [e["action"] for e in lines(demo_store.path)]


def test_a_schema_1_file_is_migrated_forward_after_a_backup(tmp_path):
    path = tmp_path / "old.json"
    audit = {str(n): {"at": f"2025-10-0{n} 08:00:00", "who": "tester", "action": "insert", "table": "teachers",
                      "record_id": n, "before": None, "after": {"name": f"老{n}"}} for n in range(1, 4)}
    old = {"meta": {"1": {"schema_version": 1, "created_at": "2025-09-01 08:00:00",
                          "next_ids": {"teachers": 4, "audit": 4}}},
           "teachers": {str(n): {"name": f"老{n}", "login": f"old{n}", "is_admin": n == 1} for n in range(1, 4)},
           "audit": audit}
    path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    store = Store(path, actor="tester")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["meta"]["1"]["schema_version"] == storage.SCHEMA_VERSION and "audit" not in data
    assert any("before-v2" in b.name for b in list_backups(path))
    assert "audit" in json.loads(next(b for b in list_backups(path) if "before-v2" in b.name).read_text())
    migrated = lines(path)
    assert [e["legacy_id"] for e in migrated] == [1, 2, 3]
    assert [e["after"]["name"] for e in store.audit_entries()] == ["老1", "老2", "老3"]
    assert ChangeLog(path).verify() == []
    Store(path, actor="tester")  # opening again moves nothing twice
    assert len(lines(path)) == 3


def test_open_sessions_read_only_what_is_new(demo_store):
    _, offset = demo_store.changes_since(0)
    with Store(demo_store.path, actor="tester").transaction() as tx:
        tx.insert(Teacher(name="新来的"))
    new, after = demo_store.changes_since(offset)
    assert [(e["action"], e["table"]) for e in new] == [("insert", "teachers")]
    assert demo_store.changes_since(after) == ([], after)


def test_a_deleted_log_is_noticed_and_stays_noticed(demo_store, capsys):
    changelog_path(demo_store.path).unlink()
    assert main(["check", "--db", str(demo_store.path)]) == 1
    assert "被删掉" in capsys.readouterr().out
    with demo_store.transaction() as tx:
        tx.insert(Teacher(name="删日志之后"))
    assert main(["check", "--db", str(demo_store.path)]) == 1  # numbering goes on: the gap shows
    assert "应为 1" in capsys.readouterr().out
