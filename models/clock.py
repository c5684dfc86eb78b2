"""The one clock for "today".

A session's :class:`Clock` is made once, by the command line or the test factory, and
travels on the store it opens (models/session.py); the store stamps changes with it,
and while a change is being made (:meth:`Store.transaction`) it is also the day that
:func:`today` answers, for rules that ask it (a held activity is not in the future).
``JIAOYAN_TODAY=2025-11-05`` (tests, the demo, a school rehearsing a date) is read by
:meth:`Clock.from_environment`, once per session; nothing writes it.

The module-level :func:`today`, :func:`now` and :func:`stamp` answer for code without
a session (benchmarks, scripts, a bare ``Store``): the day of an :func:`as_of` block,
else ``JIAOYAN_TODAY``, else the machine's date.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from models.errors import InputError

# The demo builds a school "as of" a day of its own (models/demo.py), and a store's
# transaction makes changes as of its session's day, so that the rules that ask
# today() (a held activity is not in the future) agree with the day of the change.
_as_of: ContextVar[dt.date | None] = ContextVar("jiaoyan_as_of", default=None)


@contextmanager
def as_of(day: dt.date) -> Iterator[None]:
    """Within the block (and this thread or task), today() is ``day``."""
    token = _as_of.set(day)
    try:
        yield
    finally:
        _as_of.reset(token)


class InvalidToday(InputError, ValueError):
    """JIAOYAN_TODAY is set to something that is not a date. The message says how to fix it."""

    def __init__(self, value: str):
        from models.i18n import t

        self.value = value
        super().__init__(t("fault.today_bad", value=value))


@dataclass(frozen=True)
class Clock:
    """A day fixed for a session, or (``fixed`` None) whatever :func:`today` says."""

    fixed: dt.date | None = None

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> "Clock":
        """The clock ``JIAOYAN_TODAY`` (YYYY-MM-DD) asks for; the machine's date when it is
        unset. A value that is not a date raises :class:`InvalidToday`: silently using the
        real date would file records under a day nobody chose."""
        value = (os.environ if env is None else env).get("JIAOYAN_TODAY", "").strip()
        return cls(fixed=parse_day(value))

    @classmethod
    def fixed_on(cls, day: dt.date | str | None) -> "Clock":
        """A clock stopped on ``day`` (a date or YYYY-MM-DD); None: the environment's clock."""
        if day is None:
            return cls.from_environment()
        return cls(fixed=day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)))

    def today(self) -> dt.date:
        return self.fixed or today()

    def now(self) -> dt.datetime:
        """Now, on today()'s date, to the second; used to stamp changes."""
        real = dt.datetime.now().replace(microsecond=0)
        return dt.datetime.combine(self.today(), real.time())

    def stamp(self) -> str:
        return self.now().isoformat(sep=" ")


def parse_day(value: str) -> dt.date | None:
    """JIAOYAN_TODAY's value as a date; None when empty; :class:`InvalidToday` otherwise."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidToday(value) from None


def today() -> dt.date:
    """Today's date: the day of an :func:`as_of` block (a store's transaction is one),
    else JIAOYAN_TODAY (YYYY-MM-DD) when it is set, else the machine's."""
    pinned = _as_of.get()
    if pinned is not None:
        return pinned
    return parse_day(os.environ.get("JIAOYAN_TODAY", "").strip()) or dt.date.today()


def real_now() -> dt.datetime:
    """The machine's clock, to the second, whatever JIAOYAN_TODAY says: the change log's
    time, which a setting must not backdate."""
    return dt.datetime.now().replace(microsecond=0)


def now() -> dt.datetime:
    return Clock().now()


def stamp() -> str:
    return Clock().stamp()
