"""What the calendar views read, gathered once per redraw, and the short forms they show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rich.text import Text

from models.activities import NOT_MEETING, conflicted_ids
from models.i18n import t
from models.store.archive import ArchiveView
from models.permissions import can
from models.records import Activity, Group, Policy, Record, Teacher, Term
from models.terms import archived_ids, is_archived, is_archived_term, is_school_day, official_holiday_name, term_of


class _DaysReadingArchives(dict):
    """Activities by day; asking for a day of an archived term reads that term's archive."""

    def __init__(self, data: "CalendarData"):
        super().__init__()
        self._data = data

    def get(self, day, default=None):
        data = self._data
        if data.archived:
            term = term_of(data.terms, dt.date.fromisoformat(day))
            if term is not None and term.term_id in data.archived:
                data.read_archived([term.term_id])
        return super().get(day, default)


@dataclass
class CalendarData:
    """A snapshot of the store for drawing: activities by day, lookups, conflicts.

    Activities of archived terms come from their archive files (models/store/archive.py), so a
    closed term still shows; they are read-only (:meth:`is_archived`)."""

    terms: list[Term]
    groups: dict[int, Group]
    teachers: dict[int, Teacher]
    policy: Policy
    activities: list[Activity]
    by_day: dict[str, list[Activity]] = field(default_factory=dict)
    conflicts: set[int] = field(default_factory=set)
    archived: set[str] = field(default_factory=set)  # term ids whose records are in an archive

    @classmethod
    def load(cls, store) -> "CalendarData":
        """The open terms' activities now; an archived term's are read from its archive the
        first time a day of it is drawn (:meth:`read_archived`): ten closed terms are not
        parsed to show this month."""
        terms = store.all(Term)
        archived = set(archived_ids(terms))
        activities = sorted(store.all(Activity), key=lambda a: (a.date, a.period, a.group_id, a.id))
        data = cls(terms=terms, groups={g.id: g for g in store.all(Group)},
                   teachers={x.id: x for x in store.all(Teacher)}, policy=store.policy(), activities=activities,
                   archived=archived)
        data.by_day = _DaysReadingArchives(data)
        data._store = store
        data._read = set()
        for activity in activities:
            data.by_day.setdefault(activity.date, []).append(activity)
        data.conflicts = conflicted_ids(activities)
        return data

    def read_archived(self, term_ids) -> None:
        """Add the activities of these archived terms (each read once) to the data."""
        store = getattr(self, "_store", None)
        wanted = [x for x in term_ids if x in self.archived and x not in getattr(self, "_read", set())]
        if store is None or not wanted:
            return
        self._read.update(wanted)
        known = {a.id for a in self.activities}
        added = [a for a in ArchiveView(store, sorted(wanted)).all(Activity)
                 if a.term_id in wanted and a.id not in known]
        if not added:
            return
        self.activities = sorted(self.activities + added, key=lambda a: (a.date, a.period, a.group_id, a.id))
        for activity in sorted(added, key=lambda a: (a.date, a.period, a.group_id, a.id)):
            dict.setdefault(self.by_day, activity.date, []).append(activity)
        for day in {a.date for a in added}:
            self.by_day[day].sort(key=lambda a: (a.date, a.period, a.group_id, a.id))
        self.conflicts |= conflicted_ids(added)

    def read_archived_since(self, since: dt.date) -> None:
        """Every archived term that ends on or after ``since`` (a list from that day on)."""
        self.read_archived([x.term_id for x in self.terms if x.term_id in self.archived and x.end >= since.isoformat()])

    def term_for(self, day: dt.date) -> Term | None:
        return term_of(self.terms, day)

    def is_archived(self, day: dt.date | None = None, activity: Activity | None = None) -> bool:
        """Is this day's term (or this activity's term) closed and archived? Then it is read-only."""
        if activity is not None:
            return activity.term_id in self.archived
        term = self.term_for(day) if day is not None else None
        return term is not None and term.term_id in self.archived

    def day_kind(self, day: dt.date) -> str:
        """``closed`` (a weekday off), ``makeup`` (a weekend school day), ``weekend``,
        ``school`` or ``outside`` (no term)."""
        term = self.term_for(day)
        if term is None:
            return "outside"
        if is_school_day(term, day):
            return "makeup" if day.weekday() >= 5 else "school"
        return "closed" if day.weekday() < 5 else "weekend"

    def teacher_name(self, teacher_id: int) -> str:
        teacher = self.teachers.get(teacher_id)
        return teacher.name if teacher else ""


def short_name(activity: Activity, groups: dict[int, Group]) -> str:
    """语文 for the 语文教研组, 语4备 for the 语文4年级备课组, the event's name otherwise."""
    group = groups.get(activity.group_id)
    if group is None:
        return (activity.event or activity.kind)[:4]
    if group.kind == "prep":
        grade = group.grades[0][:1] if group.grades else ""
        return f"{group.subject[:1]}{grade}备"
    return (group.subject or group.name)[:2]


def activity_style(activity: Activity, conflicts: set[int]) -> str:
    if activity.id in conflicts:
        return "bold red"
    return {"held": "green", "cancelled": "dim strike", "skipped": "dim strike"}.get(activity.status, "")


def activity_chip(activity: Activity, data: CalendarData, width: int) -> Text:
    """An activity in a few cells: name, with ``!`` for a conflict and ``~`` for one that does
    not meet (cancelled, or skipped for a closed day). The ``~`` is there because many SSH
    clients (PuTTY, Windows' console) draw no strikethrough, and a struck chip then reads as held."""
    label = short_name(activity, data.groups)
    if activity.id in data.conflicts:
        label = "!" + label
    elif activity.status in NOT_MEETING:
        label = "~" + label
    text = Text(label, style=activity_style(activity, data.conflicts))
    text.truncate(width)
    return text


def clip(text: str | Text, width: int) -> Text:
    """Text cut to ``width`` terminal cells and padded to it (Chinese is two cells)."""
    out = text.copy() if isinstance(text, Text) else Text(text)
    out.truncate(width, overflow="ellipsis")
    out.pad_right(max(0, width - out.cell_len))
    return out


def read_activity(store, activity_id: int) -> Activity | None:
    """An activity from the active file, or from the archive of a closed term."""
    if not activity_id:
        return None
    found = store.get(Activity, activity_id)
    if found is not None:
        return found
    archived = archived_ids(store.all(Term))
    return ArchiveView(store, archived).get(Activity, activity_id) if archived else None


def may(app, action: str, record: Record, field_name: str | None = None) -> bool:
    """The one rule (models/permissions.py) for the calendar's screens: may this user do
    ``action`` to ``record``? Records of an archived term are read-only for everyone."""
    term_id = getattr(record, "term_id", "")
    if isinstance(record, Activity) and is_archived_term(app.store.all(Term), term_id):
        return False
    if isinstance(record, Term) and is_archived(record):
        return False
    return can(app.store, app.user or app.login, action, record, field_name)


def conflict_text(conflict, data: CalendarData) -> str:
    """One line naming the clash: who or which place is booked twice."""
    if conflict.kind == "teacher":
        return t("calendar.conflict.teacher", name=data.teacher_name(conflict.teacher_id), count=len(conflict.activity_ids))
    return t("calendar.conflict.place", place=conflict.place, count=len(conflict.activity_ids))
