"""How much memory one open session takes: the figure a school sizes its server by.

Each SSH login is one process running the app. This opens the app on the demo school
(44 teachers, two terms of records) and on the large school of bench/large_school.py, on a
pseudo-terminal of 80×24, as sshd would, waits until it has drawn its first screen and
visited every area, and reads the process's resident memory (VmRSS) and its peak (VmHWM).
The baseline is a bare Textual app on the same terminal, measured in the same run.

    .venv/bin/python bench/session_memory.py            # 3 sessions, one after the other
    .venv/bin/python bench/session_memory.py --sessions 5
"""

from __future__ import annotations

import argparse
import fcntl
import os
import select
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE = """
from textual.app import App
from textual.widgets import Footer, Header, Static
class Bare(App):
    def compose(self):
        yield Header(); yield Static("听课 ready"); yield Footer()
Bare().run()
"""


def _status(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, amount, _unit = line.split()
            values[name.rstrip(":")] = int(amount) * 1024
    return values


def _drain(master: int, seconds: float, until: bytes | None = None) -> bytes:
    seen, deadline = b"", time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            seen += chunk
            if until is not None and until in seen:
                break
    return seen


def measure(argv: list[str], keys: list[bytes], env: dict[str, str],
            then: list[bytes] = ()) -> dict[str, int]:
    """The process's memory after ``keys``; with ``then``, also (as ``then:VmRSS`` …) after those."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, b"\x18\x00\x50\x00\x00\x00\x00\x00")
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                               start_new_session=True)
    os.close(slave)
    try:
        _drain(master, 60, until="听课".encode())
        for key in keys:  # visit the areas, as a person does in the first minutes
            os.write(master, key)
            _drain(master, 3)
        _drain(master, 2)
        status = _status(process.pid)
        for key in then:
            os.write(master, key)
            _drain(master, 3)
        if then:
            _drain(master, 2)
            status.update({f"then:{name}": value for name, value in _status(process.pid).items()})
        return status
    finally:
        process.kill()
        process.wait()
        os.close(master)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.first_frame import as_this_login
    from bench.large_school import SUMMARY, TODAY, large_school
    from models.areas import AREAS, HOME_KEY

    env = {**os.environ, "PYTHONPATH": str(ROOT), "JIAOYAN_TODAY": TODAY.isoformat(), "TERM": "xterm-256color",
           "LANG": "C.UTF-8"}
    os.environ["JIAOYAN_TODAY"] = TODAY.isoformat()
    folder = Path(tempfile.mkdtemp(prefix="jiaoyan-bench-"))
    demo = folder / "demo" / "school.json"
    demo.parent.mkdir()
    subprocess.run([sys.executable, "-m", "tui", "init", "--demo", "--db", str(demo)], check=True, env=env,
                   capture_output=True)
    large = large_school(folder / "large")
    as_this_login(large)
    # Every area, then 我的, as a person does in the first minutes.
    keys = [area.key.encode() for area in AREAS] + [HOME_KEY.encode()]
    # Then the command palette (ctrl+p), asked for 新学期 (xxq) and closed.
    palette = [b"\x10", b"xxq", b"\x1b", b"\x1b"]
    bare = measure([sys.executable, "-c", BARE], [], env)
    rows: dict[str, list[dict[str, int]]] = {"demo": [], "large": []}
    for _ in range(args.sessions):
        for name, db in (("demo", demo), ("large", large)):
            rows[name].append(measure([sys.executable, "-m", "tui", "--db", str(db), "--area", "observations"],
                                      keys, env, then=palette))
    mib = 1024 * 1024
    print(f"One app session, 80×24, every area visited (keys {b''.join(keys).decode()}).")
    print(f"Large school: {SUMMARY}; demo school {demo.stat().st_size / 1e6:.1f} MB.")
    print(f"{'':34}{'resident':>12}{'peak':>12}{'vs bare':>9}")
    print(f"{'bare Textual app (baseline)':34}{bare['VmRSS'] / mib:>9.0f} MB{bare['VmHWM'] / mib:>9.0f} MB{1:>8.1f}×")
    for name, label in (("demo", "jiaoyan, demo school"), ("large", "jiaoyan, large school")):
        for number, row in enumerate(rows[name], 1):
            print(f"{f'{label}, session {number}':34}{row['VmRSS'] / mib:>9.0f} MB{row['VmHWM'] / mib:>9.0f} MB"
                  f"{row['VmRSS'] / bare['VmRSS']:>8.1f}×")
            print(f"{'  then the palette opened':34}{row['then:VmRSS'] / mib:>9.0f} MB{row['then:VmHWM'] / mib:>9.0f} MB"
                  f"{row['then:VmRSS'] / bare['VmRSS']:>8.1f}×")
    peak = max(row["then:VmHWM"] for row in rows["large"]) / mib
    print(f"Plan {peak:.0f} MB per person logged in at the same time on the large school, plus the system.")


if __name__ == "__main__":
    main()
