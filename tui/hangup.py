"""The app ends with its terminal: never a session left running without one.

Over SSH the app is a forced command, so ``ssh -T``, ``sftp``, ``scp`` or WinSCP start
it too, without a terminal; Textual's input loop then reads end-of-input forever at
full speed and outlives the connection. So the app is opened only on a terminal
(:func:`has_terminal`; the CLI says in one sentence that it needs ``ssh -t``), and
while it runs :func:`watch_terminal` ends it when the terminal goes away: a hang-up
(SIGHUP, or the terminal reporting POLLHUP/POLLERR: the SSH connection dropped),
SIGTERM, or the parent process changing (it was orphaned). The app is asked to exit
first; if it cannot within a few seconds (writing to a dead terminal can block),
the process ends anyway. Saves are atomic, so nothing is left half-written.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
from collections.abc import Callable, Iterator

HANGUP_EXIT = 129  # 128 + SIGHUP, as a shell reports a hung-up command
GRACE_SECONDS = 3.0
POLL_MS = 500


def has_terminal(stdin=None, stdout=None) -> bool:
    """Both ends are a terminal: the app can draw and read keys."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    try:
        return stdin.isatty() and stdout.isatty()
    except (AttributeError, ValueError, OSError):  # closed or missing streams
        return False


def terminal_gone(fd: int, wait_ms: int = 0) -> bool:
    """The terminal (or pipe) on ``fd`` hung up, failed or was closed. Reads nothing."""
    poller = select.poll()
    try:
        # Hang-up and errors are always reported; asking for no input keeps keys unread.
        poller.register(fd, select.POLLHUP | select.POLLERR)
        events = poller.poll(wait_ms)
    except (OSError, ValueError):
        return True
    return any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _fd, mask in events)


@contextlib.contextmanager
def watch_terminal(ask_to_exit: Callable[[int], None], *, fd: int = 0,
                   grace: float = GRACE_SECONDS) -> Iterator[threading.Event]:
    """While the block runs, end the process when its terminal goes away.

    ``ask_to_exit(code)`` is called from a helper thread to ask the app to stop; if the
    process is still here ``grace`` seconds later it exits with that code. Yields the
    event set once that happened (for tests)."""
    fired = threading.Event()
    done = threading.Event()
    parent = os.getppid()

    def end(code: int) -> None:
        if fired.is_set():
            return
        fired.set()
        killer = threading.Timer(grace, os._exit, args=(code,))
        killer.daemon = True
        killer.start()
        with contextlib.suppress(Exception):
            ask_to_exit(code)

    def on_signal(signum, _frame) -> None:
        # A signal handler runs in the app's own (event-loop) thread: hand over to another.
        threading.Thread(target=end, args=(128 + signum,), daemon=True).start()

    def watch() -> None:
        while not done.is_set() and not fired.is_set():
            if terminal_gone(fd, POLL_MS) or os.getppid() != parent:
                end(HANGUP_EXIT)
                return

    previous = {}
    for signum in (signal.SIGHUP, signal.SIGTERM):
        with contextlib.suppress(ValueError):  # only the main thread may set handlers
            previous[signum] = signal.signal(signum, on_signal)
    watcher = threading.Thread(target=watch, name="jiaoyan-terminal-watch", daemon=True)
    watcher.start()
    try:
        yield fired
    finally:
        done.set()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
