"""What the app's own save of one observation costs on the large school, beside its
baselines, all measured in this run on the same data, in interleaved rounds.

    .venv/bin/python bench/store_save.py [--rounds 15]

- jiaoyan, warm: ``models.observations.save_observation`` through the session's store (the
  permission guard, the duplicate check inside the lock, the change log line, the fsynced
  atomic replace), as the admin of bench/large_school.py;
- jiaoyan, after another process saved: the same, right after a second process (its own
  Store on the same file) saved an outcome, so the lock finds a newer file (and takes it in
  from the change log's new line, models/store/feed.py; the run also prints how often the
  whole file was parsed);
- the floor: orjson dump of the same data + write + fsync + replace + folder fsync;
- SQLite in WAL mode (synchronous=FULL): one observation row and one audit row in one
  commit, on a database holding the same observations;
- TinyDB's default JSONStorage inserting the same observation into a copy of the file
  (it rewrites the file in place, without lock or fsync: fast to write, unsafe to share).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.large_school import ADMIN_LOGIN, OPEN_TERM, SUMMARY, TODAY, large_school  # noqa: E402

OTHER_SESSION = """
import sys
from models.records import Outcome
from models.store.storage import Store
store = Store(sys.argv[1], actor="t001")
for n, line in enumerate(sys.stdin):
    with store.transaction() as tx:
        tx.insert(Outcome(teacher_id=2, term_id=sys.argv[2], kind="教学反思", title=f"另一会话{n}", date="2025-11-04"))
    print("saved", flush=True)
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def sample_observation(n: int):
    from models.records import Observation

    # A new (observer, teacher, date, period) each round, so the duplicate check lets it through.
    return Observation(term_id=OPEN_TERM, date=f"2025-11-{1 + n % 4:02d}", period=1 + n % 7,
                       observer_id=1, teacher_id=3 + n, subject="语文", grade_class="四年级（2）班",
                       topic=f"第{n}课", lesson_type="常态课", strengths="好", shortcomings="无", suggestions="继续",
                       rating="良")


def make_sqlite(path: Path, observations: dict) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE observations (id INTEGER PRIMARY KEY, term_id TEXT, date TEXT, period INTEGER, "
               "observer_id INTEGER, teacher_id INTEGER, body TEXT)")
    db.execute("CREATE INDEX dup ON observations (observer_id, teacher_id, date, period)")
    db.execute("CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT, who TEXT, action TEXT, tbl TEXT, "
               "record_id INTEGER, after TEXT)")
    db.execute("BEGIN")
    db.executemany("INSERT INTO observations VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [(int(k), v["term_id"], v["date"], v["period"], v["observer_id"], v["teacher_id"],
                     json.dumps(v, ensure_ascii=False)) for k, v in observations.items()])
    db.execute("COMMIT")
    return db


def sqlite_save(db: sqlite3.Connection, n: int) -> None:
    doc = sample_observation(n).to_dict()
    db.execute("BEGIN IMMEDIATE")
    duplicate = db.execute("SELECT 1 FROM observations WHERE observer_id=? AND teacher_id=? AND date=? AND period=?",
                           (doc["observer_id"], doc["teacher_id"], doc["date"], doc["period"])).fetchone()
    assert duplicate is None
    cursor = db.execute("INSERT INTO observations (term_id, date, period, observer_id, teacher_id, body) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (doc["term_id"], doc["date"], doc["period"], doc["observer_id"],
                                                      doc["teacher_id"], json.dumps(doc, ensure_ascii=False)))
    db.execute("INSERT INTO audit (at, who, action, tbl, record_id, after) VALUES (datetime('now'), ?, ?, ?, ?, ?)",
               (ADMIN_LOGIN, "insert", "observations", cursor.lastrowid, json.dumps(doc, ensure_ascii=False)))
    db.execute("COMMIT")


def line(label: str, times: list[float], floor: float | None = None) -> str:
    median = statistics.median(times) * 1000
    text = f"  {label:<44} median {median:7.1f} ms   p95 {percentile(times, 0.95) * 1000:7.1f} ms"
    if floor:
        text += f"   {median / floor:5.2f}× the floor"
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    os.environ["JIAOYAN_TODAY"] = TODAY.isoformat()
    from tinydb import TinyDB

    from models.observations import save_observation
    from models.session import open_session
    from models.store import jsonio
    from models.store.storage import atomic_write

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        db = large_school(folder / "ours")
        store = open_session(db, login=ADMIN_LOGIN, today=TODAY).store
        store.backup("bench")  # so the day's first backup does not land in the timings
        for name in ("tinydb.json", "floor.json"):
            (folder / name).write_bytes(db.read_bytes())
        floor_data = jsonio.loads((folder / "floor.json").read_bytes())
        sqlite = make_sqlite(folder / "sqlite.db", floor_data["observations"])
        tinydb = TinyDB(folder / "tinydb.json", ensure_ascii=False).table("observations")
        other = subprocess.Popen([sys.executable, "-c", OTHER_SESSION, str(db), OPEN_TERM], cwd=ROOT,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                 env=dict(os.environ, PYTHONPATH=str(ROOT)))
        warm, after, floor, lite, tiny = [], [], [], [], []
        store.refresh()
        save_observation(store, sample_observation(10_000))  # the first save reads the records
        parses = store.storage.parses
        try:
            for n in range(args.rounds):
                other.stdin.write("save\n")
                other.stdin.flush()
                assert other.stdout.readline().strip() == "saved"
                started = time.perf_counter()
                save_observation(store, sample_observation(2 * n))
                after.append(time.perf_counter() - started)
                started = time.perf_counter()
                save_observation(store, sample_observation(2 * n + 1))
                warm.append(time.perf_counter() - started)
                floor_data["observations"][str(10_000_000 + n)] = sample_observation(n).to_dict()
                started = time.perf_counter()
                atomic_write(folder / "floor.json", jsonio.dumps(floor_data))
                floor.append(time.perf_counter() - started)
                started = time.perf_counter()
                sqlite_save(sqlite, n)
                lite.append(time.perf_counter() - started)
                if n % 3 == 0:  # it re-reads and rewrites the whole file: a third of the rounds
                    started = time.perf_counter()
                    tinydb.insert(sample_observation(n).to_dict())
                    tiny.append(time.perf_counter() - started)
        finally:
            other.stdin.close()
            other.wait(30)
        size = db.stat().st_size
        print(f"Large school: {SUMMARY} ({size / 1e6:.1f} MB data file).")
        print(f"Saving one observation, {args.rounds} interleaved rounds:")
        floor_median = statistics.median(floor) * 1000
        print(line("jiaoyan save_observation, warm", warm, floor_median))
        print(line("jiaoyan save_observation, after another save", after, floor_median))
        print(line("floor (orjson + write + fsync + replace)", floor))
        print(line("SQLite WAL, synchronous=FULL, + audit row", lite, floor_median))
        print(line("TinyDB default JSONStorage (no lock, no fsync)", tiny, floor_median))
        print(f"  the whole file parsed again by the app's store: {store.storage.parses - parses} times "
              f"in {args.rounds} saves after another process's")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
