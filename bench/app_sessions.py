"""One save reaching many open app sessions on the large school, beside one session.

    .venv/bin/python bench/app_sessions.py [--sessions 20]

Each session is its own process running the real app headless at 80×24 (as each SSH
login runs it), open on the 听课 log of bench/large_school.py as the admin. When all have
drawn their log, this process saves one observation through its own Store; each session
reports how long after the save its log showed the new row, and the longest its event loop
froze meanwhile (an asyncio task that wakes every 5 ms notes how late it was woken). With
more sessions than cores a late wake-up is mostly waiting for a core, so each session also
notes the CPU its UI thread spent between two wake-ups (``time.thread_time``): the longest
such stretch is how long the session itself kept its UI busy (``busy``). Sessions take in
another's save from the change log in a worker (models/store/feed.py); the run prints how
many parsed the whole file instead. The baseline is the same with one session, in the same
run. (bench/many_sessions.py is the
store-level stress run: processes saving back to back.)

Beside the sessions, one more session is being typed into: it moves the cursor in its log
(↓ then ↑) every 50 ms from before the save until well after it, and notes how long each key
took to be handled (from the key to the app idle again). The figure is the longest of those
waits in the 2.5 s after the save, beside the same typist's longest wait with one other
session open. Sessions nobody types into take another's save in at a random moment within
``JiaoyanApp.TAKE_IN_SPREAD`` seconds (tui/app.py); the typed-into one takes it at once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.large_school import ADMIN_LOGIN, OPEN_TERM, SUMMARY, TODAY, large_school  # noqa: E402

MARK = "多会话基准课"


@contextlib.asynccontextmanager
async def _open_on_the_log(db: str):
    """The real app, headless at 80×24 as the admin, once its 听课 log is drawn."""
    os.environ["JIAOYAN_TODAY"] = TODAY.isoformat()
    sys.path.insert(0, str(ROOT))
    from tui.app import make_app

    app = make_app(db, login=ADMIN_LOGIN, start_area="observations", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        while not getattr(app.screen, "records", None):
            await pilot.pause(0.05)
        yield app, pilot


def _session(db: str, index: int, ready, results) -> None:
    async def main() -> None:
        async with _open_on_the_log(db) as (app, _pilot):
            loop = asyncio.get_running_loop()
            longest = busy = 0.0
            shown = app.screen.records
            parses = app.store.storage.parses
            ready.put(index)
            while True:
                before, cpu = loop.time(), time.thread_time()
                await asyncio.sleep(0.005)
                longest = max(longest, loop.time() - before - 0.005)
                busy = max(busy, time.thread_time() - cpu)
                if app.screen.records is not shown:  # the log was redrawn: is the new row in it?
                    shown = app.screen.records
                    if any(o.topic == MARK for o in shown):
                        results.put((index, time.time(), longest, busy, app.store.storage.parses - parses))
                        return

    asyncio.run(main())


def _typist(db: str, ready, stop, results) -> None:
    async def main() -> None:
        async with _open_on_the_log(db) as (_app, pilot):
            ready.put("typist")
            waits = []
            key = "down"
            while not stop.is_set():
                started, began = time.time(), time.perf_counter()
                await pilot.press(key)
                waits.append((started, time.perf_counter() - began))
                key = "up" if key == "down" else "down"
                await asyncio.sleep(0.05)
            results.put(waits)

    asyncio.run(main())


def one_save_reaches(db: Path, sessions: int) -> tuple[list[float], list[float], list[float], int, list[float]]:
    from models.observations import save_observation
    from models.records import Observation
    from models.store.storage import Store

    context = mp.get_context("spawn")
    ready, results = context.Queue(), context.Queue()
    stop, typed = context.Event(), context.Queue()
    workers = [context.Process(target=_session, args=(str(db), n, ready, results)) for n in range(sessions)]
    workers.append(context.Process(target=_typist, args=(str(db), ready, stop, typed)))
    for worker in workers:
        worker.start()
    for _ in range(sessions + 1):
        ready.get(timeout=600)
    time.sleep(2)  # every session idle on its log
    store = Store(db, actor=ADMIN_LOGIN)
    last = store.all(Observation)[-1]
    saved_at = time.time()
    save_observation(store, last.copy(id=0, version=0, term_id=OPEN_TERM, date="2025-11-04", period=7,
                                      observer_id=2, teacher_id=4, topic=MARK))
    delays, freezes, busy, parsed = [], [], [], 0
    for _ in range(sessions):
        _index, seen, longest, cpu, parses = results.get(timeout=600)
        delays.append(seen - saved_at)
        freezes.append(longest)
        busy.append(cpu)
        parsed += parses > 0
    time.sleep(max(0.0, saved_at + 2.5 - time.time()))
    stop.set()
    waits = [wait for started, wait in typed.get(timeout=600) if saved_at <= started <= saved_at + 2.5]
    for worker in workers:
        worker.join(30)
        if worker.is_alive():
            worker.kill()
    return delays, freezes, busy, parsed, waits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    args = parser.parse_args()
    os.environ["JIAOYAN_TODAY"] = TODAY.isoformat()
    load = os.getloadavg()[0]  # before the sessions start (they load the machine themselves)
    with tempfile.TemporaryDirectory() as folder:
        one = one_save_reaches(large_school(Path(folder) / "one"), 1)
        many = one_save_reaches(large_school(Path(folder) / "many"), args.sessions)
    print(f"Large school: {SUMMARY}. Real app sessions, headless, each its own process; {os.cpu_count()} cores; "
          f"load average {load:.1f} before the run.")
    print(f"{'one save shown in':<28}{'median':>10}{'last':>10}{'longest freeze':>16}{'busy':>10}{'parsed':>8}"
          f"{'typed key waited (median / longest)':>38}")
    for label, (delays, freezes, busy, parsed, waits) in ((f"{args.sessions} open sessions", many),
                                                          ("1 open session (baseline)", one)):
        print(f"{label:<28}{statistics.median(delays) * 1000:>7.0f} ms{max(delays) * 1000:>7.0f} ms"
              f"{max(freezes) * 1000:>13.0f} ms{max(busy) * 1000:>7.0f} ms{parsed:>8}"
              f"{statistics.median(waits) * 1000:>24.0f} ms / {max(waits) * 1000:.0f} ms ({len(waits)} keys)")
    print("longest freeze: the longest an event loop woke late (with more sessions than cores, mostly waiting")
    print("for a core); busy: the most CPU a session's UI thread spent between two wake-ups; parsed: how many")
    print("sessions parsed the whole file instead of taking the save from the change log; typed key waited:")
    print("one more session, typed into every 50 ms: how long its keys took to be handled in the 2.5 s after the save.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
