"""Bytes sent to the terminal per key typed in the 听课 form: what an SSH session carries
over a school's Wi-Fi, and what a phone's browser must draw.

    .venv/bin/python bench/keystroke_bytes.py

Opens the app as the admin on the large school (bench/large_school.py) through a
pseudo-terminal of 80×24, as sshd gives, presses ``n`` on the 听课 log, and types: a
name in the teacher field (``zhang``, then Enter to take the match), then a topic. For each
key it counts the bytes the app writes until the terminal has been quiet for 0.25 s (the
cursor blinks every 0.5 s, so a blink may fall into a window). The baseline is the same
keys typed into a bare Textual Input.
"""

from __future__ import annotations

import argparse
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

from bench.first_frame import as_this_login  # noqa: E402
from bench.large_school import SUMMARY, TODAY, large_school  # noqa: E402

BARE = """
from textual.app import App
from textual.widgets import Footer, Header, Input
class Bare(App):
    def compose(self):
        yield Header(); yield Input(placeholder="bare-ready"); yield Footer()
Bare().run()
"""
QUIET = 0.25


def _read_until_quiet(master: int, seconds: float = 5.0, until: bytes | None = None,
                      first: float = 0.0) -> bytes:
    """Read until quiet for QUIET seconds (waiting up to ``first`` seconds for the first
    byte: a loaded machine may take longer than QUIET to answer a key)."""
    seen, deadline = b"", time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], QUIET if seen else max(QUIET, first))
        if not ready:
            if until is None or until in seen:
                break
            continue
        try:
            seen += os.read(master, 65536)
        except OSError:
            break
    return seen


class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str]):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, b"\x18\x00\x50\x00\x00\x00\x00\x00")
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                                        start_new_session=True)
        os.close(slave)

    def wait_for(self, marker: bytes, seconds: float = 60) -> None:
        seen = _read_until_quiet(self.master, seconds, until=marker)
        if marker not in seen:
            raise RuntimeError(f"never drawn: {marker.decode()!r}: {seen[-300:]!r}")

    def key(self, data: bytes) -> int:
        os.write(self.master, data)
        written = _read_until_quiet(self.master, first=2.0)
        if os.environ.get("BENCH_DUMP"):
            with open(os.environ["BENCH_DUMP"], "ab") as dump:
                dump.write(b"\n=====KEY " + data + b"\n" + written)
        return len(written)

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        os.close(self.master)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JIAOYAN_TODAY": TODAY.isoformat(), "TERM": "xterm-256color",
           "LANG": "C.UTF-8"}
    os.environ["JIAOYAN_TODAY"] = TODAY.isoformat()
    with tempfile.TemporaryDirectory() as folder:
        large = large_school(Path(folder) / "large")
        as_this_login(large)
        bare = Terminal([sys.executable, "-c", BARE], env)
        try:
            bare.wait_for(b"bare-ready")
            bare_keys = [bare.key(ch.encode()) for ch in "zhang"]
        finally:
            bare.close()
        teacher: list[int] = []
        take: list[int] = []
        topic: list[int] = []
        for _ in range(args.rounds):  # a new session each round
            app = Terminal([sys.executable, "-m", "tui", "--db", str(large), "--area", "observations"], env)
            try:
                app.wait_for("听课".encode())
                _read_until_quiet(app.master, 3)
                os.write(app.master, b"n")
                app.wait_for("快速录入".encode())  # the form's title: it is drawn
                _read_until_quiet(app.master, 3)
                teacher += [app.key(ch.encode()) for ch in "zhang"]
                take.append(app.key(b"\r"))
                for _ in range(2):  # taking the match moved to the date; then period, topic
                    app.key(b"\t")
                topic += [app.key(ch.encode()) for ch in "qiutian"]
            finally:
                app.close()
    print(f"Large school: {SUMMARY}. Through a pty, 80×24; bytes written per key until quiet for {QUIET} s; "
          f"{args.rounds} sessions.")
    print(f"{'':46}{'median':>9}{'largest':>9}")
    for label, figures in (("teacher field, a key (zhang)", teacher), ("topic field, a key (qiutian)", topic),
                           ("bare Textual Input, a key (zhang)", bare_keys)):
        print(f"{label:<46}{statistics.median(figures):>7.0f} B{max(figures):>7.0f} B")
    print(f"{'teacher field, Enter taking the match':<46}{statistics.median(take):>7.0f} B{max(take):>7.0f} B")
    if os.environ.get("BENCH_VERBOSE"):
        print("per key:", teacher, take, topic, bare_keys)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
