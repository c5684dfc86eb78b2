"""How long one save takes on a large school, beside its baselines, and how long the
app takes to draw its first frame beside a bare Textual app.

    .venv/bin/python bench/store_save.py

Figures, all measured in this run on the same data:
- ours: one observation saved through Store.transaction (lock, re-read check, TinyDB
  insert, audit line, orjson dump, fsync, atomic replace, directory fsync);
- TinyDB's default JSONStorage inserting the same observation into the same data
  (it rewrites the file in place, without fsync or lock: fast but unsafe);
- the floor: orjson dump of the same data + write + fsync + replace + directory fsync.
Ours must stay within 2× the floor.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.large_school import large_school  # noqa: E402
from models.store import jsonio  # noqa: E402
from models.records import Observation  # noqa: E402
from models.store.storage import atomic_write  # noqa: E402

ROUNDS = 40


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def sample_observation(n: int) -> Observation:
    return Observation(term_id="2025-2026-1", date="2025-10-16", period=6, observer_id=1, teacher_id=2,
                       subject="语文", grade_class="四年级（2）班", topic=f"第{n}课", lesson_type="常态课",
                       strengths="好", shortcomings="无", suggestions="继续", rating="良")


def time_ours(store) -> list[float]:
    times = []
    for n in range(ROUNDS):
        start = time.perf_counter()
        with store.transaction() as tx:
            tx.insert(sample_observation(n))
        times.append(time.perf_counter() - start)
    return times


def time_tinydb_default(path: Path) -> list[float]:
    from tinydb import TinyDB

    db = TinyDB(path, ensure_ascii=False)
    table = db.table("observations")
    times = []
    for n in range(ROUNDS):
        start = time.perf_counter()
        table.insert(sample_observation(n).to_dict())
        times.append(time.perf_counter() - start)
    db.close()
    return times


def time_floor(path: Path) -> list[float]:
    data = jsonio.loads(path.read_bytes())
    times = []
    for n in range(ROUNDS):
        data["observations"][str(10_000_000 + n)] = sample_observation(n).to_dict()
        start = time.perf_counter()
        atomic_write(path, jsonio.dumps(data))
        times.append(time.perf_counter() - start)
    return times


FIRST_FRAME = """
import sys, time
t0 = float(sys.argv[1])
{setup}
app.call_after_refresh(lambda: app.exit(time.time() - t0))
print(app.run(headless=True, size=(80, 24)))
"""
OURS_APP = "from tui.app import make_app\napp = make_app(sys.argv[2], login='bench')"
BARE_APP = ("from textual.app import App\nfrom textual.widgets import Static\n"
            "class Bare(App):\n    def compose(self):\n        yield Static('hello')\napp = Bare()")


def first_frame(setup: str, db: Path) -> float:
    figures = []
    for _ in range(5):
        result = subprocess.run([sys.executable, "-c", FIRST_FRAME.format(setup=setup), repr(time.time()), str(db)],
                                cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, JIAOYAN_TODAY="2025-11-05"))
        figures.append(float(result.stdout.strip().splitlines()[-1]))
    return statistics.median(figures)


def line(label: str, times: list[float], floor: float | None = None) -> str:
    median = statistics.median(times) * 1000
    text = f"  {label:<34} median {median:7.1f} ms   p95 {percentile(times, 0.95) * 1000:7.1f} ms"
    if floor:
        text += f"   ({median / floor:.2f}× the floor)"
    return text


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        from models.store.storage import Store

        store = Store(large_school(folder / "ours"), actor="bench")
        (folder / "ours.json").write_bytes(store.path.read_bytes())
        size = (folder / "ours.json").stat().st_size
        for name in ("tinydb.json", "floor.json"):
            (folder / name).write_bytes((folder / "ours.json").read_bytes())
        print(f"Large school: 300 teachers, 6,000 observations, 1,500 activities, 120 pairings "
              f"({size / 1e6:.1f} MB). Saving one observation, {ROUNDS} rounds each:")
        floor = time_floor(folder / "floor.json")
        ours = time_ours(store)
        tinydb = time_tinydb_default(folder / "tinydb.json")
        floor_median = statistics.median(floor) * 1000
        print(line("ours (locked, fsync, atomic)", ours, floor_median))
        print(line("TinyDB default JSONStorage", tinydb, floor_median))
        print(line("floor (orjson + fsync + replace)", floor))
        ratio = statistics.median(ours) * 1000 / floor_median
        print(f"  ours is {ratio:.2f}× the floor: {'within' if ratio <= 2 else 'OVER'} the 2× budget")
        print("Process start to first frame (80×24, headless, median of 5):")
        ours_frame = first_frame(OURS_APP, folder / "ours.json")
        bare_frame = first_frame(BARE_APP, folder / "ours.json")
        print(f"  jiaoyan on the large school          {ours_frame * 1000:7.0f} ms")
        print(f"  bare Textual app                     {bare_frame * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
