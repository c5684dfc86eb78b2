"""Dates and periods as staff type them and read them.

Date fields accept ``2025-10-16``, ``10-16``, ``10/16``, ``2025/10/16``,
``今天``, ``昨天``, ``前天``, ``明天``, ``-1`` and ``+3``. Dates show as
``2025-10-16 周四 · 第7周``; periods as ``下午第2节``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from models.i18n import t
from models.errors import InputError
from models.records import Policy, Term
from models.terms import term_of, week_of

_RELATIVE_WORDS = {"今天": 0, "今日": 0, "today": 0, "昨天": -1, "yesterday": -1,
                   "前天": -2, "明天": 1, "tomorrow": 1, "后天": 2}


class BadInput(InputError, ValueError):
    """Input that cannot be understood; the message says what to type instead."""


def parse_date(text: str, today: dt.date) -> dt.date:
    value = text.strip().lower().replace("．", ".").replace("／", "/").replace("－", "-")
    if not value:
        raise BadInput(t("error.date_empty"))
    if value in _RELATIVE_WORDS:
        return today + dt.timedelta(days=_RELATIVE_WORDS[value])
    if re.fullmatch(r"[+-]\d{1,3}", value):
        return today + dt.timedelta(days=int(value))
    match = re.fullmatch(r"(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?", value)
    if match:
        year = int(match.group(1)) if match.group(1) else today.year
        try:
            return dt.date(year, int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise BadInput(t("error.date_no_such_day", value=text.strip())) from None
    raise BadInput(t("error.date_format", value=text.strip()))


def weekday_name(day: dt.date) -> str:
    return t(f"weekday.{day.weekday()}")


def format_date(day: dt.date | str, terms: Iterable[Term] = ()) -> str:
    """``2025-10-16 周四 · 第7周`` (the week only when a term contains the day)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    text = f"{day.isoformat()} {weekday_name(day)}"
    term = term_of(terms, day)
    if term:
        text += " · " + t("week.number", week=week_of(term, day))
    return text


def format_period(period: int, policy: Policy) -> str:
    """Period 6 of a 4+3 day → ``下午第2节``."""
    if not 1 <= period <= len(policy.periods):
        return t("period.unknown", period=period)
    half = policy.periods[period - 1].get("half", "")
    number = sum(1 for p in policy.periods[:period] if p.get("half", "") == half)
    return t("period.label", half=t(f"half.{half}") if half else "", number=number).strip()


def short_period(period: int, policy: Policy) -> str:
    """``下午2`` for the sixth period of a 4+3 day: short enough for a table column."""
    if not 1 <= period <= len(policy.periods):
        return str(period)
    half = policy.periods[period - 1].get("half", "")
    number = sum(1 for p in policy.periods[:period] if p.get("half", "") == half)
    return t("observations.period_short", half=t(f"observations.half.{half}") if half else "", number=number)


_HALF_ALIASES = {"上午": "上午", "上": "上午", "am": "上午", "早": "上午",
                 "下午": "下午", "下": "下午", "pm": "下午", "晚": "晚上", "晚上": "晚上"}


def parse_period(text: str, policy: Policy) -> int:
    """``6``, ``下午2``, ``下午第2节``, ``pm2`` → the period's number in the day."""
    value = text.strip().lower().replace(" ", "").replace("第", "").replace("节", "")
    count = len(policy.periods)
    if not value:
        raise BadInput(t("error.period_empty", count=count))
    if value.isdigit():
        period = int(value)
        if 1 <= period <= count:
            return period
        raise BadInput(t("error.period_range", value=text.strip(), count=count))
    match = re.fullmatch(r"([^\d]+)(\d+)", value)
    if match and match.group(1) in _HALF_ALIASES:
        half = _HALF_ALIASES[match.group(1)]
        numbers = [i for i, p in enumerate(policy.periods, 1) if p.get("half") == half]
        index = int(match.group(2))
        if 1 <= index <= len(numbers):
            return numbers[index - 1]
        raise BadInput(t("error.period_half_range", value=text.strip(), half=half, count=len(numbers)))
    raise BadInput(t("error.period_format", value=text.strip(), count=count))


def period_times(period: int, policy: Policy) -> tuple[dt.time, dt.time]:
    slot = policy.periods[period - 1]
    return dt.time.fromisoformat(slot["start"]), dt.time.fromisoformat(slot["end"])
