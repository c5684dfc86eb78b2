"""How long the dashboard takes to build on the large school (bench/large_school.py),
beside reading every record of the term once, in the same run.

    .venv/bin/python bench/dashboard_speed.py [--rounds 9] [--teachers 300,1200]

- dashboard build: models.dashboard.build_dashboard for the open term, the store warm
  (records already read), median of the rounds; for the 300-teacher school and the same
  school at 1,200 teachers (every count 4×; built once, a few minutes, then cached);
- the baseline: one pass over every record the dashboard reads (the term's activities,
  observations, outcomes, meetings, the teachers, groups and pairings);
- history (the dashboard's ``h``, 300 teachers): one teacher's figures in each of the 11 terms
  as a new session, median of the rounds, wall time, this process's CPU and the workers' CPU:
  with nothing kept beside the archives (the ten closed terms' figures worked out from their
  archives, in other processes, and kept beside them), with the figures kept, and with the
  figures out of date (the policy's quota changed) but the cut of the archives' records kept;
  beside one dashboard build of the open term (models/ compiled first, as installed);
- closing a term (the same school with its ten past terms still open, closed oldest first):
  the median close keeping the term's figures (as the 看板's ``c`` and ``jiaoyan term close``
  do) beside the plain close, and the history as a new session after each kind of close:
  read from the figures the closes kept, or worked out as before.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.large_school import OPEN_TERM, TODAY, large_school, summary  # noqa: E402


def timed(work, rounds: int) -> tuple[float, float]:
    """The median wall time of ``work`` over the rounds, and its median CPU time (which a
    loaded machine inflates less)."""
    times, cpu = [], []
    for _ in range(rounds):
        started, cpu_started = time.perf_counter(), time.process_time()
        work()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return statistics.median(times), statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--teachers", default="300,1200", help="the school sizes, comma-separated")
    parser.add_argument("--history-only", action="store_true", help="only the history h (no builds, no closes)")
    args = parser.parse_args()
    # An installed jiaoyan has its bytecode (pip compiles it at install); a working copy may
    # not (PYTHONDONTWRITEBYTECODE), and the history's workers would compile models/ each time.
    compileall.compile_dir(Path(__file__).resolve().parents[1] / "models", quiet=1)
    print(f"Load average {os.getloadavg()[0]:.1f} at the start (the machine's other work inflates wall times); "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.")
    print(f"{'':44}{'jiaoyan':>10}{'baseline':>10}{'ratio':>8}")
    for teachers in (int(x) for x in args.teachers.split(",")) if not args.history_only else ():
        build_figures(teachers, args.rounds)
    history_figures(args.rounds)
    if not args.history_only:
        close_figures()
    return 0


def close_figures() -> None:
    from models.clock import Clock
    from models.dashboard import dashboard_of, term_over_term_teacher, terms_up_to
    from models import dashboard_history
    from models.dashboard_history import close_term_keeping_figures
    from models.records import Teacher, Term
    from models.store import archive
    from models.store.storage import Store
    from models.terms import term_by_id

    from bench.large_school import past_term_ids

    closes, histories, keeping, keeping_in_closes = {}, {}, [], []
    work_out = dashboard_history._work_out

    def timed_work_out(*args):  # the share of the close that keeps the figures
        started = time.perf_counter()
        try:
            return work_out(*args)
        finally:
            keeping.append(time.perf_counter() - started)

    dashboard_history._work_out = timed_work_out
    with tempfile.TemporaryDirectory() as folder:
        for name, close in (("plain", archive.close_term), ("keeping", close_term_keeping_figures)):
            db = large_school(Path(folder) / name, archived=False)
            store = Store(db, actor="bench", clock=Clock(fixed=TODAY))
            walls = []
            keeping.clear()
            for term_id in past_term_ids():
                started = time.perf_counter()
                close(store, term_id, today=TODAY)
                walls.append(time.perf_counter() - started)
            closes[name] = statistics.median(walls)
            keeping_in_closes += keeping  # the closes' own share, not the history's afterwards
            archive._cache.clear()  # a new session: nothing in memory
            store = Store(db, actor="bench", clock=Clock(fixed=TODAY))
            terms = store.all(Term)
            open_term = term_by_id(terms, OPEN_TERM)
            dashboard_of(store, open_term, TODAY)  # on screen when `h` is pressed
            started = time.perf_counter()
            term_over_term_teacher(store, store.all(Teacher)[5].id, terms_up_to(terms, open_term), TODAY)
            histories[name] = time.perf_counter() - started
    dashboard_history._work_out = work_out
    print(f"{'close a term, keeping its figures (median)':44}{closes['keeping'] * 1000:>7.0f} ms"
          f"{closes['plain'] * 1000:>7.0f} ms{closes['keeping'] / closes['plain']:>7.2f}×   "
          f"(baseline: the plain close; keeping the figures: median "
          f"{statistics.median(keeping_in_closes) * 1000:.0f} ms of it)")
    print(f"{'history h after those closes (new session)':44}{histories['keeping'] * 1000:>7.0f} ms"
          f"{histories['plain'] * 1000:>7.0f} ms{histories['keeping'] / histories['plain']:>7.2f}×   "
          f"(baseline: after plain closes, worked out)")


def history_figures(rounds: int) -> None:
    """The history ``h`` as a new session, median of the rounds, in three states of what is
    kept beside the archives: nothing (each round starts without the ``.figures`` folder: the
    first history after this program is installed, or after terms closed by an older one);
    the figures (the round before kept them); the figures out of date but the cut of the
    archives' records kept (the policy's quota changed before each round, as after a change of
    a group's members, a teacher's role or day of joining, or an upgrade of the program). Wall
    time, this process's CPU and the CPU of the processes that worked the terms out."""
    import resource
    import shutil

    from models.clock import Clock
    from models.dashboard import build_dashboard, dashboard_of, term_over_term_teacher, terms_up_to
    from models.records import Teacher, Term
    from models.store import archive
    from models.store.paths import archive_dir
    from models.store.storage import Store
    from models.terms import term_by_id

    def children_cpu() -> float:
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        return used.ru_utime + used.ru_stime

    cases = ("nothing kept", "figures kept", "out of date, cut kept")
    results: dict[str, list[tuple[float, float, float]]] = {case: [] for case in cases}
    with tempfile.TemporaryDirectory() as folder:
        db = large_school(Path(folder))
        for round_ in range(rounds):
            for case in cases:
                if case == "nothing kept":
                    shutil.rmtree(archive_dir(db) / ".figures", ignore_errors=True)
                elif case.startswith("out of date"):
                    store = Store(db, actor="bench", clock=Clock(fixed=TODAY))
                    policy = store.policy()
                    with store.transaction() as tx:  # another quota each round
                        tx.save_policy(policy.copy(observation_quota=policy.observation_quota + (1 if round_ % 2 == 0 else -1)))
                archive._cache.clear()  # a new session: nothing in memory
                store = Store(db, actor="bench", clock=Clock(fixed=TODAY))
                terms = store.all(Term)
                open_term = term_by_id(terms, OPEN_TERM)
                teacher = store.all(Teacher)[5]
                dashboard_of(store, open_term, TODAY)  # on screen when `h` is pressed (kept, as the screen keeps it)
                wall, cpu, workers = time.perf_counter(), time.process_time(), children_cpu()
                term_over_term_teacher(store, teacher.id, terms_up_to(terms, open_term), TODAY)
                results[case].append((time.perf_counter() - wall, time.process_time() - cpu, children_cpu() - workers))
        started = time.perf_counter()
        build_dashboard(store, open_term, TODAY)
        one = time.perf_counter() - started
    for case in cases:
        wall, cpu, workers = (statistics.median(x[n] for x in results[case]) for n in range(3))
        walls = ", ".join(f"{x[0] * 1000:.0f}" for x in results[case])
        print(f"{'history h, 11 terms: ' + case:44}{wall * 1000:>7.0f} ms{one * 1000:>7.1f} ms{wall / one:>7.1f}×   "
              f"(CPU here {cpu * 1000:.0f} ms, in the workers {workers * 1000:.0f} ms; rounds {walls} ms; "
              f"baseline: one dashboard build)")


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
        baseline, _ = timed(read_once, rounds)
        ours, cpu = timed(lambda: build_dashboard(store, term, TODAY), rounds)
        shown = len(build_dashboard(store, term, TODAY).teachers)
        print(f"School: {summary(teachers)}.")
        print(f"{f'dashboard build, {teachers:,} teachers (median)':44}{ours * 1000:>7.1f} ms"
              f"{baseline * 1000:>7.1f} ms{ours / baseline:>7.1f}×   (CPU {cpu * 1000:.1f} ms; "
              f"{ours / shown * 1e6:.0f} µs per teacher)")


if __name__ == "__main__":
    raise SystemExit(main())
