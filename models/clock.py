"""The one clock for "today": tests and the demo set it with JIAOYAN_TODAY."""

from __future__ import annotations

import datetime as dt
import os


class InvalidToday(ValueError):
    """JIAOYAN_TODAY is set to something that is not a date. The message says how to fix it."""

    exit_code = 1

    def __init__(self, value: str):
        from models.i18n import t

        self.value = value
        super().__init__(t("fault.today_bad", value=value))


def today() -> dt.date:
    """Today's date, or JIAOYAN_TODAY (YYYY-MM-DD) when it is set. A value that is not a
    date raises :class:`InvalidToday`: silently using the real date instead would file
    records under a day nobody chose."""
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
