"""The one clock for "today".

A :class:`Clock` is made once, by the command line or the test factory, and travels
in the session (models/session.py) and on the store it opened; nothing reads or
writes the environment to learn the day after that. ``JIAOYAN_TODAY=2025-11-05``
(tests, the demo, a school rehearsing next term) is read once, by
:meth:`Clock.from_environment`.

The module-level :func:`today`, :func:`now` and :func:`stamp` are that environment's
clock, for code that runs without a session: benchmarks, scripts, a bare ``Store``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Clock:
    """Today's date (fixed, or the machine's), and now on that date."""

    fixed: dt.date | None = None

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> "Clock":
        """The clock ``JIAOYAN_TODAY`` (YYYY-MM-DD) asks for; the machine's date when it
        is unset or not a date (a bad value must not stop the app from starting)."""
        value = (os.environ if env is None else env).get("JIAOYAN_TODAY", "").strip()
        return cls(fixed=parse_day(value))

    @classmethod
    def fixed_on(cls, day: dt.date | str | None) -> "Clock":
        """A clock stopped on ``day`` (a date or YYYY-MM-DD); None: the environment's clock."""
        if day is None:
            return cls.from_environment()
        return cls(fixed=day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)))

    def today(self) -> dt.date:
        return self.fixed or dt.date.today()

    def now(self) -> dt.datetime:
        """Now, on today()'s date, to the second; used to stamp changes."""
        real = dt.datetime.now().replace(microsecond=0)
        return dt.datetime.combine(self.today(), real.time())

    def stamp(self) -> str:
        return self.now().isoformat(sep=" ")


def parse_day(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def today() -> dt.date:
    """Today's date, or JIAOYAN_TODAY (YYYY-MM-DD) when it is set (no session at hand)."""
    return Clock.from_environment().today()


def now() -> dt.datetime:
    return Clock.from_environment().now()


def stamp() -> str:
    return Clock.from_environment().stamp()
