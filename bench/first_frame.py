"""Start to first frame, through a pseudo-terminal of 80×24 (as sshd gives), beside a bare
Textual app, in one run.

    .venv/bin/python bench/first_frame.py [--runs 5]

Each run starts a new process and times from just before it starts until the terminal has
received the first frame of the screen the person lands on: the admin lands on the
dashboard, whose first frame is its header, the line saying the term's figures are being
worked out, and its footer (up to the footer's 历年 key); then, still timed from the start,
until the figures are shown (their top line's 每周活动). On the large school
(bench/large_school.py) and on the demo school. The baseline is a bare Textual app (a
header, a line of text, a footer). Runs are interleaved; medians printed.
"""

from __future__ import annotations

import argparse
import compileall
import fcntl
import os
import select
import statistics
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.large_school import SUMMARY, TODAY, large_school  # noqa: E402

BARE = """
from textual.app import App
from textual.widgets import Footer, Header, Static
class Bare(App):
    def compose(self):
        yield Header(); yield Static("bare-ready"); yield Footer()
Bare().run()
"""
MARKER = "历年".encode()
FIGURES = "每周活动".encode()


def first_frame(argv: list[str], marker: bytes, env: dict[str, str], seconds: float = 120,
                then: bytes | None = None) -> float | tuple[float, float]:
    """Seconds from the start until ``marker`` reached the terminal; with ``then``, also
    until ``then`` came after it."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, b"\x18\x00\x50\x00\x00\x00\x00\x00")
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                               start_new_session=True)
    os.close(slave)
    seen = b""
    first = None
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
                if first is None and marker in seen:
                    first = time.perf_counter() - started
                    if then is None:
                        return first
                if first is not None and then in seen[seen.find(marker):]:
                    return first, time.perf_counter() - started
        raise RuntimeError(f"no first frame: {seen[-400:]!r}")
    finally:
        process.kill()
        process.wait()
        os.close(master)


def as_this_login(db: Path) -> None:
    """The admin of the copy signs in as whoever runs the bench (no --as outside SSH)."""
    from models.identity import os_login
    from models.records import Teacher
    from models.store.storage import Store

    store = Store(db, actor="bench")
    admin = next(x for x in store.all(Teacher) if x.is_admin)
    with store.transaction() as tx:
        tx.update(admin.copy(login=os_login()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JIAOYAN_TODAY": TODAY.isoformat(), "TERM": "xterm-256color",
           "LANG": "C.UTF-8"}
    os.environ["JIAOYAN_TODAY"] = TODAY.isoformat()
    from models.demo import build_demo
    from models.identity import os_login

    # An installed jiaoyan has its bytecode (pip compiles it at install; README, "Deployment");
    # a working copy may not (PYTHONDONTWRITEBYTECODE), and compiling 300 modules at every
    # start is not what a school's server does. Textual, the baseline, is installed compiled.
    for package in ("tui", "models", "screens"):
        compileall.compile_dir(ROOT / package, quiet=1)

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        large = large_school(folder / "large")
        as_this_login(large)
        demo = folder / "demo" / "school.json"
        demo.parent.mkdir()
        build_demo(demo, os_login(), TODAY)
        app = [sys.executable, "-m", "tui", "--db"]
        figures: dict[str, list[float]] = {"large": [], "demo": [], "bare": [], "large figures": [],
                                           "demo figures": []}
        for _ in range(args.runs):
            figures["bare"].append(first_frame([sys.executable, "-c", BARE], b"bare-ready", env))
            for school, db in (("large", large), ("demo", demo)):
                frame, shown = first_frame(app + [str(db)], MARKER, env, then=FIGURES)
                figures[school].append(frame)
                figures[f"{school} figures"].append(shown)
    bare = statistics.median(figures["bare"])
    print(f"Large school: {SUMMARY}. Through a pty, 80×24; medians of {args.runs} interleaved runs.")
    print(f"{'start → first frame':<52}{'median':>10}{'vs bare':>9}")
    for name, label in (("large", "jiaoyan, admin on the dashboard, large school"),
                        ("demo", "jiaoyan, admin on the dashboard, demo school"), ("bare", "bare Textual app")):
        median = statistics.median(figures[name])
        print(f"{label:<52}{median * 1000:>7.0f} ms{median / bare:>8.1f}×")
    print(f"{'start → the dashboard figures shown':<52}")
    for name, label in (("large figures", "jiaoyan, large school"), ("demo figures", "jiaoyan, demo school")):
        median = statistics.median(figures[name])
        print(f"{label:<52}{median * 1000:>7.0f} ms{median / bare:>8.1f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
