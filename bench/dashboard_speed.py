"""How long the dashboard takes to build on the large school (bench/large_school.py),
beside reading every record of the term once, in the same run.

    .venv/bin/python bench/dashboard_speed.py [--rounds 9] [--teachers 300,1200]

- dashboard build: models.dashboard.build_dashboard for the open term, the store warm
  (records already read), median of the rounds; for the 300-teacher school and the same
  school at 1,200 teachers (every count 4×; built once, a few minutes, then cached);
- the baseline: one pass over every record the dashboard reads (the term's activities,
  observations, outcomes, meetings, the teachers, groups and pairings);
- history (the dashboard's ``h``): one teacher's figures in each of the 11 terms, ten of them
  read from their archives, first time and again (cached per term).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.large_school import OPEN_TERM, TODAY, large_school, summary  # noqa: E402


def timed(work, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--teachers", default="300,1200", help="the school sizes, comma-separated")
    args = parser.parse_args()
    print(f"{'':44}{'jiaoyan':>10}{'baseline':>10}{'ratio':>8}")
    for teachers in (int(x) for x in args.teachers.split(",")):
        build_figures(teachers, args.rounds)
    return 0


def build_figures(teachers: int, rounds: int) -> None:
    from models.clock import Clock
    from models.dashboard import build_dashboard
    from models.records import Activity, Group, MentorMeeting, Observation, Outcome, Pairing, Teacher, Term
    from models.store.storage import Store
    from models.terms import term_by_id

    with tempfile.TemporaryDirectory() as folder:
        db = large_school(Path(folder), teachers=teachers)
        store = Store(db, actor="bench", clock=Clock(fixed=TODAY))  # the day, handed down
        term = term_by_id(store.all(Term), OPEN_TERM)

        def read_once():
            seen = 0
            for cls in (Activity, Observation, Outcome, MentorMeeting):
                seen += sum(1 for r in store.all(cls) if r.term_id == OPEN_TERM)
            for cls in (Teacher, Group, Pairing):
                seen += sum(1 for r in store.all(cls) if r.id)
            return seen

        read_once()  # the store's typed lists are warm for both
        build_dashboard(store, term, TODAY)
        baseline = timed(read_once, rounds)
        ours = timed(lambda: build_dashboard(store, term, TODAY), rounds)
        shown = len(build_dashboard(store, term, TODAY).teachers)
        print(f"School: {summary(teachers)}.")
        print(f"{f'dashboard build, {teachers:,} teachers (median)':44}{ours * 1000:>7.1f} ms"
              f"{baseline * 1000:>7.1f} ms{ours / baseline:>7.1f}×   ({ours / shown * 1e6:.0f} µs per teacher)")


if __name__ == "__main__":
    raise SystemExit(main())
