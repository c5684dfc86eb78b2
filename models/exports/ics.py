"""The research calendar for phones (.ics, RFC 5545) and the activity records as a table
(any table format of :mod:`models.exports.registry`: CSV, XLSX …)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from models.activities import attendance_counts, attendance_names
from models.dates import format_period, period_times
from models.i18n import t
from models.records import Activity, Group, Policy, Teacher, Term
from models.exports.content import Report, as_date, single_table

SCHOOL_TZ = ZoneInfo("Asia/Shanghai")


def select_activities(activities: Iterable[Activity], term: Term, group: Group | None = None) -> list[Activity]:
    chosen = [a for a in activities if a.term_id == term.term_id and (group is None or a.group_id == group.id)]
    return sorted(chosen, key=lambda a: (a.date, a.period, a.id))


def activity_title(activity: Activity, groups: dict[int, Group]) -> str:
    group = groups.get(activity.group_id)
    who = group.name if group else (activity.event or t("calendar.school_wide"))
    return f"{who}：{activity.topic}" if activity.topic else f"{who}·{activity.kind}"


def activity_uid(activity: Activity, school_id: str) -> str:
    """Stable across exports: the record id never changes, so a re-import updates."""
    return f"activity-{activity.id}-{activity.term_id}@{school_id or 'jiaoyan'}"


@dataclass
class CalendarFeed:
    """What an .ics file holds; :func:`ics_bytes` writes it (the registry's "ics")."""

    activities: list[Activity]
    groups: dict[int, Group]
    teachers: dict[int, Teacher]
    policy: Policy
    school_id: str
    school_name: str
    kind: str = "calendar"


def ics_bytes(feed: CalendarFeed) -> bytes:
    return build_ics(feed.activities, groups=feed.groups, teachers=feed.teachers, policy=feed.policy,
                     school_id=feed.school_id, school_name=feed.school_name)


def build_ics(activities: list[Activity], *, groups: dict[int, Group], teachers: dict[int, Teacher],
              policy: Policy, school_id: str, school_name: str) -> bytes:
    """One VEVENT per activity, in Asia/Shanghai time, with VTIMEZONE included."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//jiaoyan//教研日历//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{school_name} {t('calendar.ics_name')}")
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    for activity in activities:
        day = dt.date.fromisoformat(activity.date)
        event = Event()
        event.add("uid", activity_uid(activity, school_id))
        event.add("dtstamp", stamp)
        event.add("summary", activity_title(activity, groups))
        if 1 <= activity.period <= len(policy.periods):
            start, end = period_times(activity.period, policy)
            event.add("dtstart", dt.datetime.combine(day, start, tzinfo=SCHOOL_TZ))
            event.add("dtend", dt.datetime.combine(day, end, tzinfo=SCHOOL_TZ))
        else:
            event.add("dtstart", day)
        if activity.place:
            event.add("location", activity.place)
        event.add("description", _description(activity, teachers, policy))
        event.add("status", {"cancelled": "CANCELLED", "skipped": "CANCELLED"}.get(activity.status, "CONFIRMED"))
        event.add("sequence", max(0, activity.version - 1))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _name(teachers: dict[int, Teacher], teacher_id: int) -> str:
    teacher = teachers.get(teacher_id)
    return teacher.name if teacher else ""


def _description(activity: Activity, teachers: dict[int, Teacher], policy: Policy) -> str:
    lines = [
        f"{t('calendar.field.period')}：{format_period(activity.period, policy)}",
        f"{t('calendar.field.kind')}：{activity.event or activity.kind}",
        f"{t('calendar.field.topic')}：{activity.topic}",
        f"{t('calendar.field.host')}：{_name(teachers, activity.host_id)}",
        f"{t('calendar.field.speaker')}：{_name(teachers, activity.speaker_id)}",
    ]
    if activity.content:
        lines.append(f"{t('calendar.field.content')}：{activity.content}")
    if activity.attendance:
        for mark, names in attendance_names(activity, teachers).items():
            if names:
                lines.append(f"{t('calendar.column.' + mark)}：{'、'.join(names)}")
    if activity.status != "planned":
        lines.append(f"{t('calendar.field.status')}：{t('status.' + activity.status)}"
                     + (f"（{activity.cancel_reason}）" if activity.cancel_reason else ""))
    return "\n".join(lines)


EXPORT_COLUMNS = ("date", "period", "group", "kind", "topic", "place", "host", "speaker", "recorder", "present",
                  "leave", "absent", "present_names", "leave_names", "absent_names", "status", "minutes")


def activity_rows(activities: list[Activity], *, groups: dict[int, Group], teachers: dict[int, Teacher],
                  policy: Policy) -> tuple[list[str], list[list[object]]]:
    header = [t(f"calendar.column.{c}") for c in EXPORT_COLUMNS]
    rows = []
    for activity in activities:
        group = groups.get(activity.group_id)
        counts = attendance_counts(activity)
        status = t("status." + activity.status)
        if activity.status == "cancelled" and activity.cancel_reason:
            status += f"（{activity.cancel_reason}）"
        rows.append([
            activity.date, format_period(activity.period, policy),
            group.name if group else t("calendar.school_wide"), activity.event or activity.kind, activity.topic,
            activity.place, _name(teachers, activity.host_id), _name(teachers, activity.speaker_id),
            _name(teachers, activity.recorder_id),
            counts["present"], counts["leave"], counts["absent"],
            *("、".join(names) for names in attendance_names(activity, teachers).values()),
            status, activity.minutes,
        ])
    return header, rows


# Relative column widths (Excel and Word).
_WIDTHS = {"date": 12, "period": 12, "group": 16, "kind": 10, "topic": 30, "place": 12, "host": 10,
           "speaker": 10, "recorder": 10, "present": 6, "leave": 6, "absent": 6, "present_names": 40,
           "leave_names": 16, "absent_names": 16, "status": 14, "minutes": 60}


def activity_report(header: list[str], rows: list[list[object]], *, title: str, school: str = "",
                    term: str = "") -> Report:
    """The activity records as one table; dates as dates."""
    rows = [[as_date(row[0]), *row[1:]] for row in rows]
    return single_table(title, header, rows, widths=[_WIDTHS[c] for c in EXPORT_COLUMNS], school=school, term=term)
