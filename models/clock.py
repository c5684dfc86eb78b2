"""The one clock for "today": tests and the demo set it with JIAOYAN_TODAY."""

from __future__ import annotations

import datetime as dt
import os


def today() -> dt.date:
    """Today's date, or JIAOYAN_TODAY (YYYY-MM-DD) when it is set."""
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
