"""How long the collector's full passes hold the screen while someone types, with the tidy
after a pause (tui/app.py TIDY_AFTER_SECONDS) and, as the baseline in the same run, without it.

    .venv/bin/python bench/collector_pauses.py [--rounds 6]

The real app runs headless at 80×24 as the admin on the large school. It visits every area
(as a morning's work does), the person pauses 3 s, then types: a new 听课 record with 52
letters in its topic, escape, and a round of the areas, ``--rounds`` times. Every full
collection (generation 2) is timed through ``gc.callbacks``: the one in the pause (the
tidy's, while nobody types) is printed apart from those while typing, which each hold the
screen for as long as they take.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.large_school import ADMIN_LOGIN, SUMMARY, TODAY, large_school  # noqa: E402

FULL_PASSES: list[float] = []
_started: list[float] = []


def _time_full_passes(phase: str, info: dict) -> None:
    if info["generation"] != 2:
        return
    if phase == "start":
        _started[:] = [time.perf_counter()]
    elif _started:
        FULL_PASSES.append(time.perf_counter() - _started[0])


async def session(db: Path, rounds: int, tidy: bool) -> tuple[list[float], list[float]]:
    from tui.app import make_app

    app = make_app(db, login=ADMIN_LOGIN, today=TODAY)
    if not tidy:
        app.TIDY_AFTER_SECONDS = float("inf")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(1.5)
        for key in "12346053":
            await pilot.press(key)
            await pilot.pause(0.3)
        FULL_PASSES.clear()
        await pilot.pause(3.0)  # the person pauses
        in_pause = list(FULL_PASSES)
        FULL_PASSES.clear()
        for number in range(rounds):
            await pilot.press("n")
            await pilot.pause(0.2)
            await pilot.press(*"abcdefghijklmnopqrstuvwxyz" * 2)
            await pilot.press("escape")
            await pilot.pause(0.2)
            await pilot.press(*("1234605" if number % 2 else ""), "3")
        typing = list(FULL_PASSES)
    return in_pause, typing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    os.environ["JIAOYAN_TODAY"] = TODAY.isoformat()
    gc.callbacks.append(_time_full_passes)
    load = os.getloadavg()[0]
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for number, tidy in enumerate((False, True, False, True)):  # interleaved: the load falls on both
            in_pause, typing = asyncio.run(session(large_school(Path(folder) / str(number)), args.rounds, tidy))
            got = results.setdefault(tidy, ([], []))
            got[0].extend(in_pause)
            got[1].extend(typing)
    print(f"Large school: {SUMMARY}. Headless, 80×24, as the admin; load average {load:.1f} before the run.")
    print(f"{'full collections':<34}{'in the pause':>16}{'while typing: count':>22}{'median':>9}{'longest':>10}")
    for tidy, label in ((True, "tidied after a 2 s pause"), (False, "not tidied (baseline)")):
        in_pause, typing = results[tidy]
        pause = ", ".join(f"{x * 1000:.0f}" for x in in_pause) or "none"
        median = f"{statistics.median(typing) * 1000:.0f} ms" if typing else "—"
        longest = f"{max(typing) * 1000:.0f} ms" if typing else "—"
        print(f"{label:<34}{pause + ' ms' if in_pause else pause:>16}{len(typing):>22}{median:>9}{longest:>10}")
    print("Two sessions of each, interleaved; a full collection holds the screen for as long as it takes.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
