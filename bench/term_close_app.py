"""Closing the open term from the 看板 (c, then y) on the large school: how long until the
screen shows it archived, and the longest the screen froze meanwhile, beside the same close
made outside the app (``close_term_keeping_figures`` in this process, the way the 看板 did it
on its UI thread before) in the same run.

    .venv/bin/python bench/term_close_app.py [--rounds 3]

The real app runs headless at 80×24 as the admin, on a day after the term's end. The close
runs in a process of its own behind a box saying so (models/term_close.py); the freeze is the
longest an asyncio task that wakes every 5 ms was woken late (bench/screens_speed.py).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.large_school import ADMIN_LOGIN, OPEN_TERM, SUMMARY, large_school  # noqa: E402
from bench.screens_speed import Freezes, settle  # noqa: E402

AFTER_THE_TERM = dt.date(2026, 2, 20)  # the winter holiday: the open term is over


async def close_in_the_app(db: Path) -> tuple[float, float]:
    from tui.app import make_app

    app = make_app(db, login=ADMIN_LOGIN, today=AFTER_THE_TERM)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot, lambda: getattr(app.screen, "dashboard", None) is not None)
        await pilot.press("c")
        await settle(app, pilot, lambda: type(app.screen).__name__ == "CloseTermDialog")
        screen = app.screen_stack[-2]
        freezes = Freezes()
        freezes.start()
        began = time.perf_counter()
        await pilot.press("y")
        while not (app.screen is screen and screen.viewed_term().status == "archived"
                   and screen.dashboard is not None and screen.dashboard.term.status == "archived"):
            await asyncio.sleep(0.005)
        return time.perf_counter() - began, freezes.stop()


def close_outside(db: Path) -> float:
    from models.dashboard_history import close_term_keeping_figures
    from models.session import open_session

    store = open_session(db, login=ADMIN_LOGIN, today=AFTER_THE_TERM).store
    began = time.perf_counter()
    close_term_keeping_figures(store, OPEN_TERM, today=AFTER_THE_TERM)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    app_walls, app_freezes, outside = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for number in range(args.rounds):  # interleaved: the machine's load falls on both
            wall, freeze = asyncio.run(close_in_the_app(large_school(Path(folder) / f"app{number}")))
            app_walls.append(wall)
            app_freezes.append(freeze)
            outside.append(close_outside(large_school(Path(folder) / f"outside{number}")))
    print(f"Large school: {SUMMARY}. Load average {load:.1f} before the run; medians of {args.rounds} rounds.")
    print(f"{'closing the open term':<44}{'wall':>10}{'longest freeze':>18}")
    print(f"{'the 看板, c then y, until shown archived':<40}{statistics.median(app_walls) * 1000:>10.0f} ms"
          f"{statistics.median(app_freezes) * 1000:>15.0f} ms (longest {max(app_freezes) * 1000:.0f} ms)")
    print(f"{'the same close on the UI thread (baseline)':<44}{statistics.median(outside) * 1000:>10.0f} ms"
          f"{'all of it':>18}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
