"""The one clock for "today": tests and the demo set it with JIAOYAN_TODAY."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# The demo builds a school "as of" a day of its own (models/demo.py), so that the rule
# "a held activity is not in the future" holds for the history it writes.
_as_of: ContextVar[dt.date | None] = ContextVar("jiaoyan_as_of", default=None)


@contextmanager
def as_of(day: dt.date) -> Iterator[None]:
    """Within the block (and this thread or task), today() is ``day``."""
    token = _as_of.set(day)
    try:
        yield
    finally:
        _as_of.reset(token)


def today() -> dt.date:
    """Today's date: the day of an :func:`as_of` block, else JIAOYAN_TODAY (YYYY-MM-DD)
    when it is set, else the machine's."""
    pinned = _as_of.get()
    if pinned is not None:
        return pinned
    fixed = os.environ.get("JIAOYAN_TODAY", "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            pass  # a bad value falls back to the real date rather than crash start-up
    return dt.date.today()


def now() -> dt.datetime:
    """Now, on today()'s date, to the second; used to stamp changes."""
    real = dt.datetime.now().replace(microsecond=0)
    return dt.datetime.combine(today(), real.time())


def stamp() -> str:
    return now().isoformat(sep=" ")
