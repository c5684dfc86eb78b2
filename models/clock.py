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


class InvalidToday(ValueError):
    """JIAOYAN_TODAY is set to something that is not a date. The message says how to fix it."""

    exit_code = 1

    def __init__(self, value: str):
        from models.i18n import t

        self.value = value
        super().__init__(t("fault.today_bad", value=value))


def today() -> dt.date:
    """Today's date: the day of an :func:`as_of` block, else JIAOYAN_TODAY (YYYY-MM-DD)
    when it is set, else the machine's. A JIAOYAN_TODAY that is not a date raises
    :class:`InvalidToday`: silently using the real date would file records under a day
    nobody chose."""
    pinned = _as_of.get()
    if pinned is not None:
        return pinned
    fixed = os.environ.get("JIAOYAN_TODAY", "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            raise InvalidToday(fixed) from None
    return dt.date.today()


def real_now() -> dt.datetime:
    """The machine's clock, to the second, whatever JIAOYAN_TODAY says: the change log's
    time, which a setting must not backdate."""
    return dt.datetime.now().replace(microsecond=0)


def now() -> dt.datetime:
    """Now, on today()'s date, to the second; used to stamp changes."""
    real = dt.datetime.now().replace(microsecond=0)
    return dt.datetime.combine(today(), real.time())


def stamp() -> str:
    return now().isoformat(sep=" ")
