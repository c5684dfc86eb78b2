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


# The lunar festivals of years chinese-calendar does not cover yet. Only the day itself is
# listed (the State Council announces the days off and the make-up workdays each November);
# the admin closes what the announcement says.
LUNAR_FESTIVALS = {
    2027: {"春节": "2027-02-06", "端午节": "2027-06-09", "中秋节": "2027-09-15"},
    2028: {"春节": "2028-01-26", "端午节": "2028-05-28", "中秋节": "2028-10-03"},
    2029: {"春节": "2029-02-13", "端午节": "2029-06-16", "中秋节": "2029-09-22"},
    2030: {"春节": "2030-02-03", "端午节": "2030-06-05", "中秋节": "2030-09-12"},
}


def likely_holidays(year: int) -> list[tuple[dt.date, str]]:
    """The days a year's official holidays usually fall on: 元旦, 春节 (eve and a week),
    清明, 劳动节 (1–5 May), 端午, 中秋 and 国庆 (1–7 October)."""
    import chinese_calendar

    days: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    festivals = LUNAR_FESTIVALS.get(year, {})
    if "春节" in festivals:
        new_year = dt.date.fromisoformat(festivals["春节"])
        for n in range(-1, 7):
            days.setdefault(new_year + dt.timedelta(days=n), "春节")
    try:
        for day, name in chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10)):
            if name == "清明":
                days[day] = "清明节"
    except Exception:  # noqa: BLE001 - no solar terms for this year: 清明 is nearly always 4 or 5 April
        days[dt.date(year, 4, 5)] = "清明节"
    for n in range(1, 6):
        days[dt.date(year, 5, n)] = "劳动节"
    for name in ("端午节", "中秋节"):
        if name in festivals:
            days.setdefault(dt.date.fromisoformat(festivals[name]), name)
    for n in range(1, 8):
        days[dt.date(year, 10, n)] = "国庆节"
    return sorted(days.items())


def unchecked_days(term: Term) -> list[tuple[dt.date, str]]:
    """Weekdays of the term that look like official holidays in a year chinese-calendar does
    not cover: the admin is asked to close them, since nobody could check them."""
    out = []
    for year in uncovered_years(term):
        for day, name in likely_holidays(year):
            if term.start_date <= day <= term.end_date and day.weekday() < 5:
                out.append((day, name))
    return out


def close_days(term: Term, days: list[dt.date]) -> Term:
    """The term with these days closed by hand (in ``holidays``)."""
    return term.copy(holidays=sorted({*term.holidays, *(d.isoformat() for d in days)}))
