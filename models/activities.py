"""Weekly group activities generated from a group's slot with dateutil's rrule."""

from __future__ import annotations

import datetime as dt

from dateutil.rrule import WEEKLY, rrule

from models.records import Activity, Group, Term
from models.terms import is_school_day


def weekly_dates(term: Term, weekday: int) -> list[dt.date]:
    """Every ``weekday`` (1 = Monday) of the term, school day or not."""
    rule = rrule(WEEKLY, byweekday=weekday - 1, dtstart=dt.datetime.combine(term.start_date, dt.time()),
                 until=dt.datetime.combine(term.end_date, dt.time()))
    return [moment.date() for moment in rule]


def generate_weekly(term: Term, group: Group) -> list[Activity]:
    """One activity per week on the group's slot; a closed day gives a *skipped* one,
    so the week shows as skipped and can be moved to another day."""
    if not group.slot_weekday or not group.slot_period:
        return []
    activities = []
    for day in weekly_dates(term, group.slot_weekday):
        activities.append(Activity(
            term_id=term.term_id, group_id=group.id, date=day.isoformat(), period=group.slot_period,
            place=group.slot_place, kind="主题研讨" if group.kind == "research" else "集体备课",
            attendee_ids=list(group.member_ids), host_id=group.leader_id,
            status="planned" if is_school_day(term, day) else "skipped", generated=True,
        ))
    return activities
