"""No runaway sessions (issue 21): without a terminal the app says it needs one and exits;
with one, it exits when the terminal hangs up or reports end of input — in real processes
on a real pseudo-terminal, as sshd gives one."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.functional.waiting import read_terminal_until

ROOT = Path(__file__).resolve().parents[2]
WAIT = 30.0


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "JIAOYAN_TODAY": "2025-11-05", "TERM": "xterm-256color",
            "LANG": "C.UTF-8", **extra}


def test_without_a_terminal_one_sentence_and_exit_at_once(demo_db):
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "tui", "--demo"], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, env=_env(), timeout=WAIT, cwd=ROOT)
    assert result.returncode == 1
    assert result.stderr.strip() == ("jiaoyan 需要一个终端才能打开：请用 ssh -t 登录（PuTTY、Windows 终端直接连接即可），"
                                     "下载文件请用 scp 或 sftp。")
    assert time.monotonic() - started < WAIT
    # Closed standard input (not even /dev/null) ends the same way.
    result = subprocess.run([sys.executable, "-c", "import os, sys; os.close(0); sys.argv=['jiaoyan','--demo'];"
                             "from tui.cli import main; sys.exit(main())"],
                            capture_output=True, text=True, env=_env(), timeout=WAIT, cwd=ROOT)
    assert result.returncode == 1 and "ssh -t" in result.stderr
    english = subprocess.run([sys.executable, "-m", "tui", "--lang", "en", "--demo"], stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, env=_env(), timeout=WAIT, cwd=ROOT)
    assert "needs a terminal" in english.stderr and "ssh -t" in english.stderr


def _start_on_pty(controlling: bool) -> tuple[subprocess.Popen, int]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, b"\x18\x00\x50\x00\x00\x00\x00\x00")  # 24 rows, 80 columns

    def become_session_leader() -> None:
        os.setsid()
        if controlling:
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen([sys.executable, "-m", "tui", "--demo", "--area", "observations"],
                               stdin=slave, stdout=slave, stderr=slave, env=_env(), cwd=ROOT,
                               preexec_fn=become_session_leader, close_fds=True)
    os.close(slave)
    return process, master


def _read_until(master: int, text: bytes, seconds: float = WAIT) -> bytes:
    return read_terminal_until(master, text, seconds)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize("controlling", [True, False], ids=["hang-up", "end-of-input"])
def test_the_app_ends_with_its_terminal(controlling):
    process, master = _start_on_pty(controlling)
    try:
        _read_until(master, "听课".encode())  # the app is up and drawing
        os.close(master)  # the SSH connection drops: sshd closes the terminal
        master = -1
        started = time.monotonic()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            cpu = _cpu_seconds(process.pid)
            pytest.fail(f"the app outlived its terminal (cpu {cpu:.1f} s)")
        assert time.monotonic() - started < 15
        assert process.returncode != 0
    finally:
        if master >= 0:
            os.close(master)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
