"""How long the dashboard takes to build on the large school (bench/large_school.py),
beside reading every record of the term once, in the same run.

    .venv/bin/python bench/dashboard_speed.py [--rounds 9]

- dashboard build: models.dashboard.build_dashboard for the open term, the store warm
  (records already read), median of the rounds;
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

from bench.large_school import OPEN_TERM, SUMMARY, TODAY, large_school  # noqa: E402


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
    args = parser.parse_args()
    from models.clock import Clock
    from models.dashboard import build_dashboard
    from models.records import Activity, Group, MentorMeeting, Observation, Outcome, Pairing, Teacher, Term
    from models.store.storage import Store
    from models.terms import term_by_id

    with tempfile.TemporaryDirectory() as folder:
        db = large_school(Path(folder))
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
        baseline = timed(read_once, args.rounds)
        ours = timed(lambda: build_dashboard(store, term, TODAY), args.rounds)
        teachers = len(build_dashboard(store, term, TODAY).teachers)
        print(f"Large school: {SUMMARY}.")
        print(f"{'':44}{'jiaoyan':>10}{'baseline':>10}{'ratio':>8}")
        print(f"{'dashboard build (median)':44}{ours * 1000:>7.1f} ms{baseline * 1000:>7.1f} ms"
              f"{ours / baseline:>7.1f}×   ({ours / teachers * 1e6:.0f} µs per teacher)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
