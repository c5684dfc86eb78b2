"""A progress line on stderr for long exports and reports, when stderr is a terminal.

    with progress_line(t("exports.progress.report")) as progress:
        payload = render(report, fmt, progress)

Redirected or piped (cron, a test), nothing is printed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from models.i18n import t


class _Line:
    def __init__(self, label: str, stream) -> None:
        self.label = label
        self.stream = stream
        self.shown = False
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.2:
            return
        self.last = now
        percent = 100 * done // total if total else 100
        self.stream.write("\r" + t("exports.progress.line", label=self.label, done=done, total=total,
                                   percent=percent) + "\x1b[K")
        self.stream.flush()
        self.shown = True


@contextmanager
def progress_line(label: str, stream=None) -> Iterator[_Line | None]:
    """Yields a ``progress(done, total)`` callable, or None when ``stream`` (stderr) is not a terminal."""
    stream = stream or sys.stderr
    if not stream.isatty():
        yield None
        return
    line = _Line(label, stream)
    try:
        yield line
    finally:
        if line.shown:
            stream.write("\n")
            stream.flush()
