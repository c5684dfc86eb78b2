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

Beside the sessions, one more is being typed into: ``jiaoyan`` itself in a pseudo-terminal,
as a second admin signed in by this OS login. Every 50 ms, from before the save until well
after it, an arrow key (↓ then ↑) is written to the terminal and timed until the frame that
answers it has come back whole. The figure is the longest of those waits in the 2.5 s after
the save, beside the same typist's longest wait with one other session open. Sessions nobody types into take another's save in at a random moment within
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


# Textual asks the terminal whether it draws frames whole (DECRQM 2026) and, when it does,
# sends each frame between a start and this end.
SYNC_QUERY, SYNC_SUPPORTED, FRAME_END = b"\x1b[?2026$p", b"\x1b[?2026;2$y", b"\x1b[?2026l"


def typist_on_the_log(db: Path) -> None:
    """A second admin whose login is this process's own, for ``jiaoyan`` run as it is at a
    school (no --as outside SSH)."""
    from models.identity import os_login
    from models.records import Teacher
    from models.store.storage import Store

    store = Store(db, actor="bench")
    admin = next(x for x in store.all(Teacher) if x.is_admin)
    with store.transaction() as tx:
        tx.insert(admin.copy(id=0, version=0, name="键入者", login=os_login()))


def _typist(db: str, ready, stop, results) -> None:
    """``jiaoyan`` on the log in a real pseudo-terminal at 80×24, as a login over SSH runs it.
    Every 50 ms an arrow key (↓ then ↑) is written to the terminal, timed from the write to
    the end of the first frame that comes back: what the person waits for, the wait for a
    core included. (Pilot's ``press`` measured its own idle wait, at least two 20 ms sleeps,
    longer on a busy machine.)"""
    import fcntl
    import select
    import subprocess
    import termios

    env = {**os.environ, "PYTHONPATH": str(ROOT), "JIAOYAN_TODAY": TODAY.isoformat(), "TERM": "xterm-256color",
           "LANG": "C.UTF-8"}
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, b"\x18\x00\x50\x00\x00\x00\x00\x00")
    process = subprocess.Popen([sys.executable, "-m", "tui", "--db", db, "--area", "observations"], stdin=slave,
                               stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True)
    os.close(slave)

    def read_for(seconds: float, until: bytes | None = None) -> bytes:
        seen, deadline = b"", time.monotonic() + seconds
        while time.monotonic() < deadline and (until is None or until not in seen):
            if select.select([master], [], [], max(0.0, deadline - time.monotonic()))[0]:
                seen += os.read(master, 65536)
                if SYNC_QUERY in seen[-200:]:
                    os.write(master, SYNC_SUPPORTED)  # as a terminal that draws whole frames answers
        return seen

    try:
        read_for(120, FRAME_END)  # the first frame
        read_for(5)  # the log drawn and the start-up over
        ready.put("typist")
        waits, key = [], b"\x1b[B"
        while not stop.is_set():
            read_for(0.05)  # what came meanwhile (another's save drawn) is not this key's
            started, began = time.time(), time.perf_counter()
            os.write(master, key)
            if FRAME_END in read_for(5, FRAME_END):
                waits.append((started, time.perf_counter() - began))
            key = b"\x1b[A" if key == b"\x1b[B" else b"\x1b[B"
        results.put(waits)
    finally:
        process.kill()
        process.wait()
        os.close(master)


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
        schools = [large_school(Path(folder) / name) for name in ("one", "many")]
        for db in schools:
            typist_on_the_log(db)
        one = one_save_reaches(schools[0], 1)
        many = one_save_reaches(schools[1], args.sessions)
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
    print("one more session, typed into every 50 ms: from each key sent to the first frame drawn after its handler")
    print("moved the cursor, in the 2.5 s after the save.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
