"""The admin's hand corrections to a term's school days, and what chinese-calendar does
not know. A day's status is decided in :func:`models.terms.is_school_day`; here we
only flip it, choosing the right list so the official data stays the default."""

from __future__ import annotations

import datetime as dt

from models.records import Term
from models.terms import calendar_covers, is_school_day, official_workday


def uncovered_years(term: Term) -> list[int]:
    """Years of the term whose official holidays chinese-calendar does not have."""
    return [year for year in range(term.start_date.year, term.end_date.year + 1) if not calendar_covers(year)]


def _without(days: list[str], iso: str) -> list[str]:
    return [d for d in days if d != iso]


def toggle_school_day(term: Term, day: dt.date) -> Term:
    """Close a school day, or open a closed one (a make-up workday on a weekend).

    Removing the admin's own entry comes first, so toggling twice gives back the
    term as it was; otherwise the official answer is overridden."""
    iso = day.isoformat()
    if not term.start_date <= day <= term.end_date:
        raise ValueError("outside the term")
    if is_school_day(term, day):
        if iso in term.workdays:
            return term.copy(workdays=_without(term.workdays, iso))
        if iso in term.not_holidays:
            return term.copy(not_holidays=_without(term.not_holidays, iso))
        official = official_workday(day)
        if official and day.weekday() >= 5:
            return term.copy(not_workdays=sorted({*term.not_workdays, iso}))
        return term.copy(holidays=sorted({*term.holidays, iso}))
    if iso in term.holidays:
        return term.copy(holidays=_without(term.holidays, iso))
    if iso in term.not_workdays:
        return term.copy(not_workdays=_without(term.not_workdays, iso))
    official = official_workday(day)
    if official is False and day.weekday() < 5:
        return term.copy(not_holidays=sorted({*term.not_holidays, iso}))
    return term.copy(workdays=sorted({*term.workdays, iso}))
