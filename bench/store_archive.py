"""What a save costs with ten archived terms of a 300-teacher school, beside the same school
with every term in one file (DESIGN.md, storage contract 7).

    .venv/bin/python bench/store_archive.py [--saves 30]

Builds the school once, copies it, closes the ten past terms in one copy, then times
the same save (one observation in the open term) in both files; prints the medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.clock import Clock  # noqa: E402 - after the path

TEACHERS = 300
GROUPS = 24
PAST_TERMS = 10
TODAY = dt.date(2025, 11, 5)
CLOCK = Clock(fixed=TODAY)  # the session value of "today", handed to each store


def term_bounds(term_id: str) -> tuple[dt.date, dt.date]:
    first, second, half = (int(x) for x in term_id.split("-"))
    if half == 1:
        return dt.date(first, 9, 1), dt.date(second, 1, 20)
    return dt.date(second, 3, 1), dt.date(second, 7, 10)


def term_ids() -> list[str]:
    ids = []
    for year in range(2020, 2025):
        ids += [f"{year}-{year + 1}-1", f"{year}-{year + 1}-2"]
    return ids[-PAST_TERMS:] + ["2025-2026-1"]


def build(path: Path) -> None:
    from models.records import (
        Activity, Group, MentorMeeting, Observation, Outcome, Pairing, Policy, Teacher, Term,
    )
    from models.store.storage import Store

    rng = random.Random(7)
    store = Store(path, actor="bench", create=True, clock=CLOCK)
    with store.transaction() as tx:
        tx.save_policy(Policy())
        terms = tx.insert_many([Term(term_id=x, name=x, start=term_bounds(x)[0].isoformat(),
                                     end=term_bounds(x)[1].isoformat()) for x in term_ids()])
        teachers = tx.insert_many([Teacher(name=f"教师{n:03d}", login=f"t{n:03d}", subjects=["语文"],
                                           joined="2010-09-01") for n in range(TEACHERS)])
        ids = [x.id for x in teachers]
        groups = tx.insert_many([Group(name=f"第{n}组", member_ids=ids[n::GROUPS], leader_id=ids[n])
                                 for n in range(GROUPS)])
        pairings = tx.insert_many([Pairing(mentor_id=ids[n], mentee_id=ids[n + 150], from_term=term_ids()[0])
                                   for n in range(40)])
    for term in terms:
        start, end = term.start_date, min(term.end_date, TODAY - dt.timedelta(days=1))
        mondays = [start + dt.timedelta(days=7 * w) for w in range(((end - start).days // 7) + 1)]
        with store.transaction() as tx:
            tx.insert_many([Activity(term_id=term.term_id, group_id=g.id, date=day.isoformat(), status="held",
                                     topic="课例研讨", speaker_id=g.member_ids[w % len(g.member_ids)],
                                     attendance={str(m): "present" for m in g.member_ids},
                                     minutes="围绕主题交流，形成共识。" * 3)
                            for g in groups for w, day in enumerate(mondays)])
            tx.insert_many([Observation(term_id=term.term_id, date=rng.choice(mondays).isoformat(),
                                        observer_id=observer, teacher_id=rng.choice([x for x in ids if x != observer]),
                                        topic="《秋天的雨》", strengths="目标明确，重难点突出",
                                        shortcomings="学生思考时间偏少", suggestions="留足独立思考时间", rating="良")
                            for observer in ids for _ in range(10)])
            tx.insert_many([MentorMeeting(pairing_id=p.id, term_id=term.term_id, date=day.isoformat(),
                                          content="指导徒弟修改教学设计。") for p in pairings for day in mondays])
            tx.insert_many([Outcome(teacher_id=rng.choice(ids), term_id=term.term_id, kind="教学反思",
                                    title="教学反思", date=start.isoformat(), points=0.5) for _ in range(150)])


def median_save(path: Path, saves: int) -> float:
    from models.records import Observation
    from models.store.storage import Store

    store = Store(path, actor="bench", clock=CLOCK)
    store.backup("bench")  # so the daily backup does not land in the timings
    times = []
    for n in range(saves):
        started = time.perf_counter()
        with store.transaction() as tx:
            tx.insert(Observation(term_id="2025-2026-1", date="2025-11-04", observer_id=1, teacher_id=2 + n % 50,
                                  topic="两位数加两位数"))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=30)
    args = parser.parse_args()
    from models.store.archive import close_term

    folder = Path(tempfile.mkdtemp(prefix="jiaoyan-bench-"))
    try:
        archived, single = folder / "archived" / "school.json", folder / "single" / "school.json"
        archived.parent.mkdir()
        single.parent.mkdir()
        started = time.perf_counter()
        build(single)
        built = time.perf_counter() - started
        shutil.copy(single, archived)
        from models.store.storage import Store

        store = Store(archived, actor="bench", clock=CLOCK)
        for term_id in term_ids()[:-1]:
            close_term(store, term_id, today=TODAY)
        size_single, size_archived = single.stat().st_size, archived.stat().st_size
        one_file = median_save(single, args.saves)
        with_archive = median_save(archived, args.saves)
        print(f"school: {TEACHERS} teachers, {PAST_TERMS} past terms + the open one (built in {built:.1f} s)")
        print(f"{'':34}{'file size':>12}{'median save':>14}")
        print(f"{'everything in one file (baseline)':34}{size_single / 1e6:>10.1f} MB{one_file * 1000:>11.1f} ms")
        print(f"{'ten terms archived':34}{size_archived / 1e6:>10.1f} MB{with_archive * 1000:>11.1f} ms")
        print(f"a save with the archive costs {with_archive / one_file:.0%} of the one-file save "
              f"(medians of {args.saves} saves)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
