"""The change feed (models/store/feed.py): a session learns another process's save from the
change log's new lines instead of parsing the data file, and ends up holding exactly what
a fresh parse of the file holds; whenever the log does not line up it parses the file."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models.records import TABLES, Observation, Teacher, Term
from models.store import jsonio
from models.store.changelog import ChangeLog
from models.store.storage import FEED_BATCH, Store, atomic_write, parse_file, restore_from

ROOT = Path(__file__).resolve().parents[2]
TERM = Term(term_id="2025-2026-1", name="2025—2026学年第一学期", start="2025-09-01", end="2026-01-20")

# A second process: each line of stdin is one transaction (a JSON list of operations).
OTHER = """
import json, sys
from models.records import Observation, Teacher
from models.store.storage import Store
store = Store(sys.argv[1], actor="other")
for line in sys.stdin:
    with store.transaction() as tx:
        for op, *args in json.loads(line):
            if op == "insert":
                tx.insert(Observation(term_id="2025-2026-1", date="2025-10-20", period=3, observer_id=1,
                                      teacher_id=2, topic=args[0]))
            elif op == "update":
                tx.update(store.get(Observation, args[0]).copy(topic=args[1], rating="优"))
            elif op == "delete":
                tx.delete(store.get(Observation, args[0]))
            elif op == "teachers":
                tx.insert_many([Teacher(name=name) for name in args[0]])
            elif op == "delete_many":
                tx.delete_many([store.get(Observation, i) for i in args[0]])
            elif op == "insert_delete":
                tx.delete(tx.insert(Observation(term_id="2025-2026-1", date="2025-10-21", period=4,
                                                observer_id=1, teacher_id=2, topic=args[0])))
    print("saved", flush=True)
"""


def other_process_saves(path: Path, *transactions: list) -> None:
    """Run ``transactions`` in a separate Python process, one after another."""
    done = subprocess.run([sys.executable, "-c", OTHER, str(path)], cwd=ROOT, capture_output=True, text=True,
                          input="".join(json.dumps(ops, ensure_ascii=False) + "\n" for ops in transactions),
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["saved"] * len(transactions)


def school(path: Path, count: int = 60) -> Store:
    store = Store(path, actor="t", create=True)
    with store.transaction() as tx:
        tx.insert(TERM)
        a, b = tx.insert_many([Teacher(name="甲"), Teacher(name="乙")])
        tx.insert_many([Observation(term_id=TERM.term_id, date="2025-10-16", period=1 + n % 7, observer_id=a.id,
                                    teacher_id=b.id, topic=f"第{n}课") for n in range(count)])
    return store


def warm(store: Store) -> None:
    for cls in TABLES.values():
        store.all(cls)


def assert_as_the_file(store: Store) -> None:
    """The session's memory copy and typed records are what a fresh parse of the file gives."""
    assert store.storage._data == parse_file(store.path)
    fresh = Store(store.path)
    for cls in TABLES.values():
        assert store.all(cls) == fresh.all(cls), cls.TABLE


def test_another_processes_saves_are_redone_from_the_log_without_parsing(tmp_path):
    store = school(tmp_path / "school.json")
    warm(store)
    ids = [o.id for o in store.all(Observation)]
    kept = store.get(Observation, ids[0])
    parses = store.storage.parses
    other_process_saves(store.path,
                        [["insert", "新的一课"]],
                        [["update", ids[3], "改过的课"], ["delete", ids[4]]],
                        [["teachers", ["丙", "丁", "戊"]]],
                        [["delete_many", ids[10:13]], ["insert_delete", "来了又走"]])
    assert store.refresh()
    assert store.storage.parses == parses  # the log's new lines, not the file
    assert_as_the_file(store)
    assert store.get(Observation, ids[0]) is kept  # a record nobody changed is not built again
    assert store.get(Observation, ids[3]).topic == "改过的课" and store.get(Observation, ids[3]).version == 2
    assert store.get(Observation, ids[4]) is None
    assert [t.name for t in store.all(Teacher)][-3:] == ["丙", "丁", "戊"]
    # Our own save on top of it: nothing of theirs is lost, and the file is what we hold.
    with store.transaction() as tx:
        tx.insert(Observation(term_id=TERM.term_id, date="2025-10-22", period=5, observer_id=1, teacher_id=2,
                              topic="我们的课"))
    assert store.storage.parses == parses
    assert_as_the_file(store)
    topics = {o.topic for o in Store(store.path).all(Observation)}
    assert {"新的一课", "改过的课", "我们的课"} <= topics and "来了又走" not in topics


def test_a_save_right_after_another_process_saved_redoes_its_lines_inside_the_lock(tmp_path):
    from models.observations import save_observation

    store = school(tmp_path / "school.json")
    warm(store)
    parses = store.storage.parses
    for n in range(3):
        other_process_saves(store.path, [["insert", f"他们的课{n}"]])
        save_observation(store, Observation(term_id=TERM.term_id, date="2025-10-23", period=1 + n, observer_id=1,
                                            teacher_id=2, topic=f"我们的课{n}"))
    assert store.storage.parses == parses
    assert_as_the_file(store)
    topics = [o.topic for o in Store(store.path).all(Observation)]
    assert topics[-6:] == ["他们的课0", "我们的课0", "他们的课1", "我们的课1", "他们的课2", "我们的课2"]


def test_the_poll_reads_the_lines_in_a_worker_and_the_session_applies_them(tmp_path):
    store = school(tmp_path / "school.json")
    warm(store)
    generation = store.storage.file_generation
    other_process_saves(store.path, [["insert", "轮询看到的课"]])
    assert store.file_changed()
    newer = store.read_newer()
    assert newer.changes is not None and newer.data is None  # the lines, not the parsed file
    assert store.storage._data != parse_file(store.path)  # nothing taken yet
    assert store.adopt(newer)
    assert store.storage.file_generation == generation + 1  # the app redraws on this
    assert not store.file_changed()
    assert_as_the_file(store)
    # Lines read for a memory copy that has moved on since are not applied to it.
    other_process_saves(store.path, [["insert", "又一课"]])
    stale = store.read_newer()
    store.refresh()
    assert not store.adopt(stale)
    assert_as_the_file(store)


def _insert_and_check(path: str, worker: int, count: int, start, done, results) -> None:
    store = Store(path, actor=f"w{worker}")
    warm(store)
    parses = store.storage.parses
    start.wait()
    for n in range(count):
        with store.transaction() as tx:
            tx.insert(Observation(observer_id=1, teacher_id=2, date="2025-10-16", period=1, topic=f"w{worker}-{n}"))
            if n % 5 == 0:
                mine = [o for o in store.all(Observation) if o.topic.startswith(f"w{worker}-")]
                tx.update(mine[0].copy(rating="良", version=mine[0].version))
    # Compare only once every process has saved its last: one that finished first and
    # compared at once could find a file another had replaced since its look.
    done.wait(timeout=240)
    store.refresh()
    same = store.storage._data == parse_file(Path(path))
    results.put((worker, same, store.storage.parses - parses))


def test_processes_saving_at_once_each_end_as_the_file_and_lose_nothing(tmp_path):
    path = tmp_path / "school.json"
    school(path, count=10)
    ctx = multiprocessing.get_context("spawn")
    start, done, results = ctx.Event(), ctx.Barrier(4), ctx.Queue()
    workers = [ctx.Process(target=_insert_and_check, args=(str(path), w, 25, start, done, results))
               for w in range(4)]
    for process in workers:
        process.start()
    start.set()
    reports = [results.get(timeout=240) for _ in workers]
    for process in workers:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert all(same for _w, same, _parses in reports)  # every session holds exactly the file
    assert sum(parses for _w, _same, parses in reports) <= 2  # the others' saves came from the log
    records = Store(path).all(Observation)
    assert len(records) == 10 + 4 * 25
    assert len({r.topic for r in records}) == len(records)
    assert ChangeLog(path).verify() == []


# -- whatever does not line up is parsed ------------------------------------------------

def _hand_edit(store: Store) -> None:
    other_process_saves(store.path, [["insert", "先保存的课"]])
    data = jsonio.loads(store.path.read_bytes())  # the meta record as it was: log_seq, log_hash
    next(iter(data["observations"].values()))["topic"] = "手改的课题"
    store.path.write_bytes(jsonio.dumps(data))


def _compact_hand_edit(store: Store) -> None:
    data = json.loads(store.path.read_text(encoding="utf-8"))
    next(iter(data["observations"].values()))["topic"] = "手改"
    store.path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _log_cut_short(store: Store) -> None:
    other_process_saves(store.path, [["insert", "甲课"]], [["insert", "乙课"]])
    log = ChangeLog(store.path).path
    raw = log.read_bytes()
    log.write_bytes(raw[:raw.rstrip(b"\n").rfind(b"\n") + 1])  # the last line gone


def _line_missing(store: Store) -> None:
    other_process_saves(store.path, [["insert", "甲课"]], [["insert", "乙课"]])
    log = ChangeLog(store.path).path
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join(lines[:-2] + lines[-1:]))


def _line_changed_by_hand(store: Store) -> None:
    other_process_saves(store.path, [["insert", "真的课题"]])
    log = ChangeLog(store.path).path
    log.write_bytes(log.read_bytes().replace("真的课题".encode(), "假的课题".encode()))


def _restored(store: Store) -> None:
    backup = store.backup("manual")
    other_process_saves(store.path, [["insert", "恢复前的课"]])
    restore_from(store.path, backup, "t")


def _replaced_without_lines(store: Store) -> None:
    other_process_saves(store.path, [["insert", "甲课"]])
    atomic_write(store.path, store.path.read_bytes().replace("甲课".encode(), "乙课".encode()))


def _large_batch_then_a_small_save(store: Store) -> None:
    other = Store(store.path, actor="other")
    with other.transaction() as tx:
        tx.insert_many([Teacher(name=f"新教师{n}") for n in range(FEED_BATCH + 1)])
    other_process_saves(store.path, [["insert", "之后的课"]])  # lines that do line up come after


def _crash_between_log_and_commit(store: Store) -> None:
    from models.store import storage

    other = Store(store.path, actor="other")
    real = storage.LockedJSONStorage.commit
    storage.LockedJSONStorage.commit = lambda self, *args: (_ for _ in ()).throw(OSError(28, "No space"))
    try:
        with pytest.raises(storage.WriteFailed), other.transaction() as tx:
            tx.insert(Teacher(name="没保存上"))
    finally:
        storage.LockedJSONStorage.commit = real
    other_process_saves(store.path, [["insert", "保存上了"]])


def _log_deleted(store: Store) -> None:
    ChangeLog(store.path).path.unlink()
    other_process_saves(store.path, [["insert", "新日志的课"]])


def _archive_move(store: Store) -> None:
    from models.store.archive import close_term

    other = Store(store.path, actor="other")
    with other.transaction() as tx:
        tx.insert(Term(term_id="2024-2025-2", name="上学期", start="2025-02-17", end="2025-07-04"))
        tx.insert(Observation(term_id="2024-2025-2", date="2025-03-03", period=1, observer_id=1, teacher_id=2,
                              topic="上学期的课"))
    store.refresh()
    close_term(Store(store.path, actor="other"), "2024-2025-2")


@pytest.mark.parametrize("change", [
    _hand_edit, _compact_hand_edit, _log_cut_short, _line_missing, _line_changed_by_hand, _restored,
    _replaced_without_lines, _large_batch_then_a_small_save, _crash_between_log_and_commit, _log_deleted,
    _archive_move,
], ids=lambda f: f.__name__.strip("_"))
def test_a_log_that_does_not_line_up_sends_the_session_to_parse_the_file(tmp_path, change):
    store = school(tmp_path / "school.json")
    warm(store)
    change(store)
    parses = store.storage.parses
    assert store.refresh()
    assert store.storage.parses == parses + 1
    assert_as_the_file(store)
    # And it is back on the feed within a save or two (a log cut short is found again
    # only after the next save appends to it).
    other_process_saves(store.path, [["insert", "再一课"]])
    assert store.refresh()
    assert_as_the_file(store)
    parses = store.storage.parses
    other_process_saves(store.path, [["insert", "又一课"]])
    assert store.refresh()
    assert store.storage.parses == parses
    assert_as_the_file(store)


def test_the_poll_falls_back_to_parsing_too(tmp_path):
    store = school(tmp_path / "school.json")
    warm(store)
    _line_changed_by_hand(store)
    newer = store.read_newer()
    assert newer.changes is None and newer.data is not None
    assert store.adopt(newer)
    assert_as_the_file(store)
    assert "假的课题" not in {o.topic for o in store.all(Observation)}


def test_lines_that_do_not_fit_the_memory_copy_are_not_applied(tmp_path):
    """A memory copy that somehow lacks the record a line updates is not patched: the
    file is parsed."""
    store = school(tmp_path / "school.json")
    warm(store)
    target = store.all(Observation)[0]
    other_process_saves(store.path, [["update", target.id, "改过"]])
    del store.storage._data["observations"][str(target.id)]  # as if it had gone astray
    parses = store.storage.parses
    assert store.refresh()
    assert store.storage.parses == parses + 1
    assert_as_the_file(store)


def test_the_meta_record_comes_first_and_names_the_last_line(tmp_path):
    store = school(tmp_path / "school.json")
    raw = store.path.read_bytes()
    assert raw.startswith(b'{\n  "meta": ')
    meta = jsonio.loads(raw)["meta"]["1"]
    log = ChangeLog(store.path)
    tail = log.tail()
    assert meta["log_seq"] == tail.seq and meta["log_hash"] == tail.hash
    from models.store.feed import read_mark
    from models.store.storage import _file_identity

    assert read_mark(store.path)[0] == (_file_identity(store.path), tail.seq, tail.hash)


def test_a_session_still_trusts_the_file_it_opened_while_the_next_save_names_its_own(tmp_path):
    """The next save names its new file in ``.fed`` just before the rename; a session that
    opened the current file in that moment finds it on the mark's second line."""
    from models.store.feed import Position
    from models.store.storage import write_feed_mark

    store = school(tmp_path / "school.json")
    warm(store)
    other_process_saves(store.path, [["insert", "甲课"]])
    write_feed_mark(store.path, (1, 2, 3), Position(99, 0, "f" * 64, (0, 0)))  # a save about to rename
    parses = store.storage.parses
    assert store.refresh()
    assert store.storage.parses == parses
    assert_as_the_file(store)
    write_feed_mark(store.path, (4, 5, 6), Position(100, 0, "e" * 64, (0, 0)))  # and one more: gone
    other_process_saves(store.path, [["insert", "乙课"]])
    write_feed_mark(store.path, (7, 8, 9), Position(101, 0, "d" * 64, (0, 0)))
    write_feed_mark(store.path, (1, 1, 1), Position(102, 0, "c" * 64, (0, 0)))
    assert store.refresh()
    assert store.storage.parses == parses + 1  # not named any more: parsed
    assert_as_the_file(store)
