"""Term arithmetic: which term a date is in, its week number, and which days are school days.

Weeks are numbered from the Monday of the term's first week (第1周). Official
holidays and make-up workdays (调休) come from chinese-calendar for the years it
covers; for other years a school day is a weekday, and the admin adds the
closed days by hand (``Term.holidays``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable

from models.records import Term

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@functools.lru_cache(maxsize=64)
def calendar_covers(year: int) -> bool:
    """Whether chinese-calendar knows this year's holidays."""
    import chinese_calendar

    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@functools.lru_cache(maxsize=8192)
def official_workday(day: dt.date) -> bool | None:
    """chinese-calendar's answer, or None for a year it does not cover. Cached: the
    library scans its whole table on every call, and the answer for a day never changes."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


@functools.lru_cache(maxsize=8192)
def official_holiday_name(day: dt.date) -> str | None:
    import chinese_calendar

    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return name if on_holiday and name else None


def is_school_day(term: Term, day: dt.date) -> bool:
    """Open for lessons: inside the term, not closed, or a make-up workday."""
    if not term.start_date <= day <= term.end_date:
        return False
    iso = day.isoformat()
    if iso in term.workdays:
        return True
    if iso in term.holidays:
        return False
    official = official_workday(day)
    if official is None:
        return day.weekday() < 5
    if official and iso in term.not_workdays:
        return False
    if not official and iso in term.not_holidays:
        return True
    return official


def is_makeup_workday(term: Term, day: dt.date) -> bool:
    """A weekend day the school works on (调休)."""
    return day.weekday() >= 5 and is_school_day(term, day)




def week_one_monday(term: Term) -> dt.date:
    start = term.start_date
    return start - dt.timedelta(days=start.weekday())


def week_of(term: Term, day: dt.date) -> int:
    """The week number of ``day`` in ``term`` (1-based, may fall outside the term)."""
    return (day - week_one_monday(term)).days // 7 + 1


def weeks_in(term: Term) -> int:
    return week_of(term, term.end_date)




def term_by_id(terms: Iterable[Term], term_id: str | None) -> Term | None:
    """The term called ``term_id`` (like ``2025-2026-1``), or None."""
    if not term_id:
        return None
    return next((term for term in terms if term.term_id == term_id), None)


def is_archived(term: Term | None) -> bool:
    """Whether ``term`` is closed: its records live in its archive file (models/store/archive.py)
    and are read-only for everyone. No term (None) is not archived."""
    return term is not None and term.status == "archived"


def is_archived_term(terms: Iterable[Term], term_id: str | None) -> bool:
    """Whether the term called ``term_id`` is closed; an id no term has is not."""
    return is_archived(term_by_id(terms, term_id))


def archived_ids(terms: Iterable[Term]) -> list[str]:
    """The ids of the closed terms among ``terms``, in their order."""
    return [term.term_id for term in terms if is_archived(term)]


def term_of(terms: Iterable[Term], day: dt.date) -> Term | None:
    """The term that contains ``day``."""
    for term in terms:
        if term.start_date <= day <= term.end_date:
            return term
    return None


def current_term(terms: Iterable[Term], day: dt.date) -> Term | None:
    """The term containing ``day``; between terms the one that ended last (or the next one)."""
    terms = sorted(terms, key=lambda t: t.start)
    containing = term_of(terms, day)
    if containing:
        return containing
    past = [t for t in terms if t.end_date < day]
    if past:
        return past[-1]
    return terms[0] if terms else None


def _days_key(term: Term) -> tuple:
    """What decides a term's school days: its bounds and the admin's corrections."""
    return (term.start, term.end, tuple(term.workdays), tuple(term.holidays),
            tuple(term.not_workdays), tuple(term.not_holidays))


@functools.lru_cache(maxsize=64)
def _term_days(key: tuple) -> tuple[tuple[dt.date, ...], tuple[int, ...], tuple[int, ...]]:
    """A term's school days in order, the week of each, and for each day how many distinct
    school weeks there are up to it: counted once per term, not once per teacher."""
    start, end, workdays, holidays, not_workdays, not_holidays = key
    term = Term(start=start, end=end, workdays=list(workdays), holidays=list(holidays),
                not_workdays=list(not_workdays), not_holidays=list(not_holidays))
    days, weeks, distinct = [], [], []
    day, last = term.start_date, term.end_date
    while day <= last:
        if is_school_day(term, day):
            week = week_of(term, day)
            distinct.append((distinct[-1] if distinct else 0) + (not weeks or weeks[-1] != week))
            days.append(day)
            weeks.append(week)
        day += dt.timedelta(days=1)
    return tuple(days), tuple(weeks), tuple(distinct)


def school_days(term: Term, until: dt.date | None = None) -> list[dt.date]:
    days = _term_days(_days_key(term))[0]
    if until is None:
        return list(days)
    return list(days[:bisect.bisect_right(days, until)])


def school_weeks_between(term: Term, first: dt.date, last: dt.date) -> int:
    """Weeks of the term with at least one school day between two days, both included."""
    days, _weeks, distinct = _term_days(_days_key(term))
    low, high = bisect.bisect_left(days, first), bisect.bisect_right(days, last) - 1
    if high < low:
        return 0
    # Days are in order, so their weeks are too: the weeks in days[low..high] are the
    # distinct weeks up to ``high`` less those before ``low``'s week.
    return distinct[high] - distinct[low] + 1


def school_weeks_passed(term: Term, today: dt.date) -> int:
    """Weeks of the term up to and including ``today``'s week that had at least one
    school day (a week closed for a holiday does not count)."""
    return school_weeks_between(term, term.start_date, today)


def school_weeks(term: Term) -> int:
    return school_weeks_between(term, term.start_date, term.end_date)


def suggest_term_id(day: dt.date) -> str:
    """The id of the term a date usually falls in: autumn terms start in August or
    September, spring terms from February."""
    if day.month >= 8:
        return f"{day.year}-{day.year + 1}-1"
    if day.month == 1:
        return f"{day.year - 1}-{day.year}-1"
    return f"{day.year - 1}-{day.year}-2"
