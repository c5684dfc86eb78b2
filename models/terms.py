"""Term arithmetic: which term a date is in, its week number, and which days are school days.

Weeks are numbered from the Monday of the term's first week (第1周). Official
holidays and make-up workdays (调休) come from chinese-calendar for the years it
covers; for other years a school day is a weekday, and the admin adds the
closed days by hand (``Term.holidays``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from models.records import Term

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def calendar_covers(year: int) -> bool:
    """Whether chinese-calendar knows this year's holidays."""
    import chinese_calendar

    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def official_workday(day: dt.date) -> bool | None:
    """chinese-calendar's answer, or None for a year it does not cover."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


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


def school_days(term: Term, until: dt.date | None = None) -> list[dt.date]:
    last = min(term.end_date, until) if until else term.end_date
    days = []
    day = term.start_date
    while day <= last:
        if is_school_day(term, day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def school_weeks_passed(term: Term, today: dt.date) -> int:
    """Weeks of the term up to and including ``today``'s week that had at least one
    school day (a week closed for a holiday does not count)."""
    weeks = {week_of(term, d) for d in school_days(term, today)}
    return len(weeks)


def school_weeks(term: Term) -> int:
    return len({week_of(term, d) for d in school_days(term)})


def suggest_term_id(day: dt.date) -> str:
    """The id of the term a date usually falls in: autumn terms start in August or
    September, spring terms from February."""
    if day.month >= 8:
        return f"{day.year}-{day.year + 1}-1"
    if day.month == 1:
        return f"{day.year - 1}-{day.year}-1"
    return f"{day.year - 1}-{day.year}-2"
