"""The store's contract, in one process: atomic replace, mode kept, memory reads,
re-reads, migrations, backups, refusals that leave the file as it was."""

from __future__ import annotations

import errno
import json
import os
import stat

import pytest

from models.store import storage
from models.store.paths import backup_dir
from models.records import Observation, Teacher
from models.store.storage import (
    BACKUPS_KEPT, ConflictError, CorruptDataFile, MissingDataFile, NewerSchema, Store, ValidationFailed,
    WriteFailed, restore_from,
)


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "school.json", actor="alice", create=True)


def test_missing_file_is_reported_not_created(tmp_path):
    with pytest.raises(MissingDataFile) as info:
        Store(tmp_path / "nope.json")
    assert "jiaoyan init" in str(info.value)
    assert not (tmp_path / "nope.json").exists()


def test_changes_are_stamped_and_audited_with_the_actor(store):
    with store.transaction() as tx:
        teacher = tx.insert(Teacher(name="张三"))
    assert teacher.id == 1 and teacher.created_by == "alice" and teacher.version == 1
    bob = Store(store.path, actor="bob")
    with bob.transaction() as tx:
        tx.update(bob.get(Teacher, 1).copy(name="张三丰"))
    again = Store(store.path).get(Teacher, 1)
    assert again.updated_by == "bob" and again.created_by == "alice" and again.version == 2
    audit = Store(store.path).audit_entries()
    assert [(a["who"], a["action"]) for a in audit] == [("alice", "insert"), ("bob", "update")]
    assert audit[1]["before"] == {"name": "张三"} and audit[1]["after"] == {"name": "张三丰"}


def test_file_is_readable_utf8_with_chinese_unescaped(store):
    with store.transaction() as tx:
        tx.insert(Teacher(name="曾思远"))
    raw = store.path.read_bytes()
    assert "曾思远".encode() in raw and b"\\u" not in raw
    assert b"\n  " in raw  # indented for a person
    assert json.loads(raw)["teachers"]["1"]["name"] == "曾思远"


def test_save_replaces_the_file_and_keeps_its_mode(store):
    with store.transaction() as tx:
        tx.insert(Teacher(name="甲"))
    os.chmod(store.path, 0o640)
    inode = os.stat(store.path).st_ino
    with store.transaction() as tx:
        tx.insert(Teacher(name="乙"))
    after = os.stat(store.path)
    assert after.st_ino != inode  # a new file moved into place, never rewritten in place
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert not [p for p in store.path.parent.iterdir() if p.name.endswith(".tmp")]


def test_reads_come_from_memory_until_the_file_changes(store, monkeypatch):
    with store.transaction() as tx:
        tx.insert(Teacher(name="甲"))
    reads = []
    real_parse = storage.parse_file
    monkeypatch.setattr(storage, "parse_file", lambda path: reads.append(path) or real_parse(path))
    for _ in range(5):
        assert [t.name for t in store.all(Teacher)] == ["甲"]
    assert reads == []
    other = Store(store.path, actor="bob")
    with other.transaction() as tx:
        tx.insert(Teacher(name="乙"))
    assert [t.name for t in store.all(Teacher)] == ["甲", "乙"]
    assert len(reads) == 1  # the other store's open; ours redid the change log's new line


def test_ids_are_not_reused_across_processes_sharing_a_file(store):
    other = Store(store.path, actor="bob")
    store.all(Teacher)
    other.all(Teacher)
    with store.transaction() as tx:
        a = tx.insert(Teacher(name="甲"))
    with other.transaction() as tx:  # other's cached next id must not hand out 1 again
        b = tx.insert(Teacher(name="乙"))
    with store.transaction() as tx:
        tx.delete(b)
    with store.transaction() as tx:
        c = tx.insert(Teacher(name="丙"))
    assert (a.id, b.id, c.id) == (1, 2, 3)


def test_a_failed_change_leaves_file_and_memory_as_they_were(store):
    with store.transaction() as tx:
        tx.insert(Teacher(name="甲"))
    before = store.path.read_bytes()
    with pytest.raises(ValidationFailed) as info:
        with store.transaction() as tx:
            tx.insert(Teacher(name="乙"))
            tx.insert(Teacher(name=""))  # the second one is bad: the first must not land either
    assert "姓名" in str(info.value)
    assert store.path.read_bytes() == before
    assert [t.name for t in store.all(Teacher)] == ["甲"]


def test_full_disk_gives_a_clear_message_and_changes_nothing(store, monkeypatch):
    with store.transaction() as tx:
        tx.insert(Teacher(name="甲"))
    before = store.path.read_bytes()

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", no_space)
    with pytest.raises(WriteFailed) as info:
        with store.transaction() as tx:
            tx.insert(Teacher(name="乙"))
    assert "保存失败" in str(info.value) and "磁盘空间" in str(info.value)
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    assert [t.name for t in store.all(Teacher)] == ["甲"]
    assert not [p for p in store.path.parent.iterdir() if p.name.endswith(".tmp")]


def test_conflicting_update_carries_both_versions(store):
    with store.transaction() as tx:
        tx.insert(Teacher(name="甲"))
    mine = store.get(Teacher, 1)
    other = Store(store.path, actor="bob")
    with other.transaction() as tx:
        tx.update(other.get(Teacher, 1).copy(note="bob's"))
    with pytest.raises(ConflictError) as info:
        with store.transaction() as tx:
            tx.update(mine.copy(note="mine"))
    assert info.value.theirs.note == "bob's" and info.value.mine.note == "mine"
    assert "bob" in str(info.value)
    assert Store(store.path).get(Teacher, 1).note == "bob's"


def test_a_damaged_file_is_refused_and_names_the_newest_good_backup(store):
    with store.transaction() as tx:
        tx.insert(Teacher(name="甲"))
    good = store.backup("manual")
    store.path.write_bytes(b'{"teachers": {"1": {"name": "')
    damaged = store.path.read_bytes()
    with pytest.raises(CorruptDataFile) as info:
        Store(store.path)
    message = str(info.value)
    assert str(good) in message and f"jiaoyan restore '{good}'" in message
    assert store.path.read_bytes() == damaged


def test_first_change_of_each_day_is_backed_up_and_backups_rotate(store):
    from models.clock import Clock

    for day in range(1, BACKUPS_KEPT + 4):
        store.clock = Clock.fixed_on(f"2025-10-{day:02d}")  # the store's clock, as a session sets it
        with store.transaction() as tx:
            tx.insert(Teacher(name=f"师{day}"))
        with store.transaction() as tx:
            tx.insert(Teacher(name=f"师{day}b"))
    backups = storage.list_backups(store.path)
    assert len(backups) == BACKUPS_KEPT
    assert backups[0].name.startswith(f"school-202510{BACKUPS_KEPT + 3}")
    assert all("daily" in b.name for b in backups)


def test_plain_tinydb_file_is_migrated_after_a_backup(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"teachers": {"3": {"name": "旧"}}}), encoding="utf-8")
    store = Store(path, actor="alice")
    assert store.meta()["schema_version"] == storage.SCHEMA_VERSION
    assert store.get(Teacher, 3).name == "旧"
    assert any(f"before-v{storage.SCHEMA_VERSION}" in b.name for b in storage.list_backups(path))
    with store.transaction() as tx:
        assert tx.insert(Teacher(name="新")).id == 4


def test_a_file_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.json"
    path.write_text(json.dumps({"meta": {"1": {"schema_version": 99}}}), encoding="utf-8")
    with pytest.raises(NewerSchema):
        Store(path)


def test_restore_keeps_what_it_replaces(store):
    with store.transaction() as tx:
        tx.insert(Teacher(name="甲"))
    backup = store.backup("manual")
    with store.transaction() as tx:
        tx.insert(Teacher(name="乙"))
    current = store.path.read_bytes()
    kept = restore_from(store.path, backup)
    assert kept.read_bytes() == current
    assert [t.name for t in Store(store.path).all(Teacher)] == ["甲"]
    assert backup_dir(store.path) == kept.parent


def test_writes_outside_a_transaction_are_refused(store):
    with pytest.raises(RuntimeError):
        store.db.table("teachers").insert({"name": "偷偷"})
    assert store.all(Teacher) == []


def test_observation_round_trip_keeps_lists(store):
    with store.transaction() as tx:
        tx.insert(Observation(observer_id=1, teacher_id=2, date="2025-10-16", topic="《秋天的雨》",
                              followed_up_ids=[4, 5]))
    assert Store(store.path).all(Observation)[0].followed_up_ids == [4, 5]


def test_a_session_sees_its_own_insert_after_another_session_saved(tmp_path):
    """A session saves; another saves; the first, in a new transaction, reads a table it had
    not read yet and inserts into it: it sees its insert afterwards (the typed table read in
    the transaction after the file was re-read must not be kept stale)."""
    from models.records import HandIn, Reading

    path = tmp_path / "school.json"
    mine = Store(path, actor="a", create=True)
    other = Store(path, actor="b")
    with other.transaction() as tx:
        tx.insert(Reading(term_id="2025-2026-1", title="y"))
    with mine.transaction() as tx:
        tx.insert(HandIn(term_id="2025-2026-1", kind="教研计划", audience="research_groups", due="2025-09-12"))
    with mine.transaction() as tx:
        assert mine.all(Teacher) == []
        tx.insert(Teacher(name="张敏", login="zhangmin"))
    assert [x.name for x in mine.all(Teacher)] == ["张敏"] == [x.name for x in Store(path).all(Teacher)]
    assert len(mine.all(HandIn)) == 1 and len(mine.all(Reading)) == 1
