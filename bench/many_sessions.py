"""Many sessions on one data file: N real processes mixing reads and writes.

Each session is a separate Python process (as each SSH login is) with its own
Store on the same file, acting as a different teacher through the permission
guard. In a loop it re-reads the file, saves an outcome of its own, and every
third round adds one to a shared counter (a read-modify-write inside the lock,
as the admin). At the end every session re-reads the file and reports what it
sees. Nothing may be lost: every outcome saved is in the file once, every
session sees all of them, the counter equals the number of increments, and what
each session holds in memory is exactly what a fresh parse of the file gives
(sessions take the others' saves from the change log, models/store/feed.py; the
run prints how often one parsed the whole file instead).

    .venv/bin/python bench/many_sessions.py                # 20 processes for 60 s, then 1 for 20 s
    .venv/bin/python bench/many_sessions.py --processes 6 --seconds 10
    .venv/bin/python bench/many_sessions.py --large        # on bench/large_school.py (5 MB)

Prints the save latency (median, p95, max) beside a single-process baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.clock import Clock  # noqa: E402 - after the path

TERM_ID = "2025-2026-1"
ADMIN = "tester"
CLOCK = Clock(fixed=dt.date(2025, 11, 5))  # the session value of "today", handed to each store
COUNTER_NOTE_PREFIX = "counter:"


@dataclass
class SessionsResult:
    processes: int
    seconds: float
    written: dict[int, list[str]] = field(default_factory=dict)
    increments: int = 0
    latencies: list[float] = field(default_factory=list)
    seen: dict[int, set[str]] = field(default_factory=dict)
    stored_titles: list[str] = field(default_factory=list)
    counter: int = 0
    errors: list[str] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)  # sessions whose memory copy was not the file
    parses: int = 0  # whole-file parses after the sessions started

    @property
    def all_written(self) -> set[str]:
        return {title for titles in self.written.values() for title in titles}

    def lost(self) -> set[str]:
        return self.all_written - set(self.stored_titles)

    def duplicated(self) -> bool:
        mine = [t for t in self.stored_titles if t.startswith("s")]
        return len(mine) != len(set(mine))

    def blind_sessions(self) -> list[int]:
        """Sessions that did not see every change at the end."""
        return [index for index, seen in self.seen.items() if not self.all_written <= seen]


def _session(db: str, login: str, index: int, seconds: float, counter_id: int, start, all_written, queue,
             admin_login: str = ADMIN, clock: Clock = CLOCK) -> None:
    from models.permissions import check_change, teacher_by_login
    from models.records import Outcome, Teacher
    from models.store.storage import Store, parse_file

    try:
        store = Store(db, actor=login, guard=check_change, clock=clock)
        admin = Store(db, actor=admin_login, guard=check_change, clock=clock)
        me = teacher_by_login(store, login)
        parses = store.storage.parses + admin.storage.parses
        rng = random.Random(index)
        written, latencies, increments = [], [], 0
        start.wait()
        deadline = time.monotonic() + seconds
        round_number = 0
        while time.monotonic() < deadline:
            round_number += 1
            store.refresh()  # a read, as the app's poll does
            sum(1 for o in store.all(Outcome) if o.teacher_id == me.id)
            title = f"s{index}-{round_number}"
            began = time.perf_counter()
            with store.transaction() as tx:
                tx.insert(Outcome(teacher_id=me.id, term_id=TERM_ID, kind="教学反思", title=title,
                                  date="2025-11-05"))
            latencies.append(time.perf_counter() - began)
            written.append(title)
            if round_number % 3 == 0:
                began = time.perf_counter()
                with admin.transaction() as tx:
                    current = tx.get(Teacher, counter_id)  # read inside the lock: never a lost update
                    count = int(current.note.removeprefix(COUNTER_NOTE_PREFIX) or 0)
                    tx.update(current.copy(note=f"{COUNTER_NOTE_PREFIX}{count + 1}"))
                latencies.append(time.perf_counter() - began)
                increments += 1
            time.sleep(rng.uniform(0, 0.02))  # a person's think time is far longer; this is a stress run
        queue.put(("written", index, written, increments, latencies))
        all_written.wait(120)
        store.refresh()
        admin.refresh()
        truth = parse_file(Path(db))
        same = store.storage._data == truth and admin.storage._data == truth
        queue.put(("seen", index, {o.title for o in store.all(Outcome)}, same,
                   store.storage.parses + admin.storage.parses - parses))
    except Exception as error:  # reported to the parent, which fails the run
        queue.put(("error", index, f"{type(error).__name__}: {error}"))


def prepare(db: Path) -> tuple[list[str], int]:
    """The logins the sessions act as, and the id of the teacher whose note is the counter."""
    from models.permissions import check_change
    from models.records import Group, Teacher
    from models.store.storage import Store

    store = Store(db, actor=ADMIN, guard=check_change, clock=CLOCK)
    leaders = {g.leader_id for g in store.all(Group)}
    logins = [x.login for x in store.all(Teacher) if x.login and x.active and x.id not in leaders]
    counter = next(x for x in store.all(Teacher) if x.login not in logins and x.login != ADMIN)
    with store.transaction() as tx:
        tx.update(counter.copy(note=f"{COUNTER_NOTE_PREFIX}0"))
    return logins, counter.id


def run_sessions(db: Path, processes: int, seconds: float) -> SessionsResult:
    from models.records import Outcome, Teacher
    from models.store.storage import Store

    logins, counter_id = prepare(db)
    context = mp.get_context("spawn")  # a fresh interpreter per session, as SSH logins are
    start, all_written, queue = context.Event(), context.Event(), context.Queue()
    workers = [context.Process(target=_session, args=(str(db), logins[n % len(logins)], n, seconds, counter_id,
                                                      start, all_written, queue, ADMIN, CLOCK))
               for n in range(processes)]
    for worker in workers:
        worker.start()
    time.sleep(0.5)
    start.set()
    result = SessionsResult(processes, seconds)
    pending_written = set(range(processes))
    pending_seen = set(range(processes))
    deadline = time.monotonic() + seconds + 180
    while pending_seen and time.monotonic() < deadline:
        try:
            message = queue.get(timeout=5)
        except Exception:
            if not any(w.is_alive() for w in workers):
                break
            continue
        kind, index = message[0], message[1]
        if kind == "written":
            result.written[index] = message[2]
            result.increments += message[3]
            result.latencies.extend(message[4])
            pending_written.discard(index)
            if not pending_written:
                all_written.set()
        elif kind == "seen":
            result.seen[index] = message[2]
            if not message[3]:
                result.stale.append(index)
            result.parses += message[4]
            pending_seen.discard(index)
        else:
            result.errors.append(f"session {index}: {message[2]}")
            pending_written.discard(index)
            pending_seen.discard(index)
            if not pending_written:
                all_written.set()
    for worker in workers:
        worker.join(30)
        if worker.is_alive():
            worker.kill()
    store = Store(db, clock=CLOCK)
    result.stored_titles = [o.title for o in store.all(Outcome)]
    result.counter = int(store.get(Teacher, counter_id).note.removeprefix(COUNTER_NOTE_PREFIX))
    return result


def figures(latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    if not ms:
        return "no saves"
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"{len(ms):5d} saves  median {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  max {ms[-1]:7.1f} ms"


def fresh_demo(folder: Path) -> Path:
    from models.demo import build_demo

    db = folder / "school.json"
    build_demo(db, ADMIN, dt.date(2025, 11, 5))
    return db


def fresh_large(folder: Path) -> Path:
    from bench.large_school import large_school

    return large_school(folder / "large")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=20)
    parser.add_argument("--large", action="store_true", help="the large school of bench/large_school.py")
    args = parser.parse_args()
    global ADMIN, CLOCK
    fresh = fresh_demo
    if args.large:
        from bench.large_school import ADMIN_LOGIN, TODAY

        ADMIN, CLOCK, fresh = ADMIN_LOGIN, Clock(fixed=TODAY), fresh_large
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        db = fresh(Path(folder))
        size = db.stat().st_size
        print(f"data file: {'the large school' if args.large else 'the demo school'}, {size / 1024:.0f} KB; "
              f"{os.cpu_count()} CPU cores; load average {load:.1f} before the run")
        baseline = run_sessions(db, 1, args.baseline_seconds)
    with tempfile.TemporaryDirectory() as folder:
        db = fresh(Path(folder))
        many = run_sessions(db, args.processes, args.seconds)
    print(f"baseline   1 process  × {args.baseline_seconds:.0f} s: {figures(baseline.latencies)}")
    print(f"sessions {args.processes:3d} processes × {args.seconds:.0f} s: {figures(many.latencies)}")
    ok = True
    for name, result in (("baseline", baseline), ("sessions", many)):
        problems = []
        if result.errors:
            problems.append(f"errors: {result.errors[:3]}")
        if result.lost():
            problems.append(f"{len(result.lost())} saves lost")
        if result.duplicated():
            problems.append("duplicates in the file")
        if result.blind_sessions():
            problems.append(f"sessions that missed changes: {result.blind_sessions()}")
        if result.counter != result.increments:
            problems.append(f"counter {result.counter} != {result.increments} increments")
        if result.stale:
            problems.append(f"sessions whose memory copy was not the file: {result.stale}")
        print(f"{name}: {len(result.all_written)} outcomes saved, counter {result.counter}/{result.increments}: "
              + ("nothing lost, every session saw every change and held exactly the file"
                 if not problems else "; ".join(problems))
              + f"; the whole file parsed {result.parses} times (the rest from the change log)")
        ok = ok and not problems
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
