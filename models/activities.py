"""Research activities: weekly group meetings generated from a group's slot with
dateutil's rrule, one-off school events, speaker rotation, moving a skipped week,
and conflicts (one teacher or one place booked twice at the same date and period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.rrule import WEEKLY, rrule

from models.records import Activity, Group, Teacher, Term
from models.terms import is_archived, is_school_day, week_of

# School events that are not a group's weekly meeting; the form offers them.
SCHOOL_EVENTS = ("专家讲座", "座谈会", "教师经验交流会", "评比", "汇报课", "教学大练兵", "公开课展示", "读书分享会")
# Statuses that keep a meeting out of the rotation and out of conflicts: nobody meets.
NOT_MEETING = ("skipped", "cancelled")


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


def generate_term_activities(term: Term, group: Group, teachers: Iterable[Teacher] = (),
                             grace_weeks: int = 0) -> list[Activity]:
    """The term's weekly activities of a group with their speakers in rotation."""
    activities = generate_weekly(term, group)
    return assign_speakers(activities, group, teachers, grace_weeks=grace_weeks)


# -- speakers -------------------------------------------------------------------------


def speaker_candidates(group: Group, teachers: Iterable[Teacher] = ()) -> list[int]:
    """Members in rotation order: everyone but the leader (who hosts), the leader
    last; members no longer active are left out."""
    inactive = {t.id for t in teachers if not t.active}
    members = [m for m in group.member_ids if m not in inactive]
    others = [m for m in members if m != group.leader_id]
    return others + [m for m in members if m == group.leader_id]


def _on_leave(activity: Activity) -> set[int]:
    """Marked on leave, or granted leave beforehand (an approved request)."""
    marked = {int(k) for k, mark in activity.attendance.items() if mark == "leave"}
    return marked | {int(k) for k, answer in activity.leave_requests.items() if answer == "approved"}


def too_new_to_speak(teacher: Teacher, day: str, grace_weeks: int) -> bool:
    """A teacher new to the school is not made central speaker in their first
    ``grace_weeks`` weeks (policy ``new_teacher_speaker_weeks``), nor before they came."""
    if not teacher.joined or grace_weeks <= 0:
        return bool(teacher.joined) and day < teacher.joined
    first_turn = dt.date.fromisoformat(teacher.joined) + dt.timedelta(weeks=grace_weeks)
    return day < first_turn.isoformat()


@dataclass(frozen=True)
class Skipped:
    """A member the rotation passed over for one meeting, and why (``leave`` or ``new``)."""

    teacher_id: int
    reason: str
    until: str = ""  # for ``new``: the first day they may speak


def skipped_for(activity: Activity, group: Group, teachers: Iterable[Teacher], grace_weeks: int) -> list[Skipped]:
    """Who the rotation leaves out of this meeting's turn, with the reason: on leave, or
    new to the school (their first weeks)."""
    by_id = {t.id: t for t in teachers}
    away = _on_leave(activity)
    out = []
    for member in speaker_candidates(group, by_id.values()):
        teacher = by_id.get(member)
        if member in away:
            out.append(Skipped(member, "leave"))
        elif teacher is not None and too_new_to_speak(teacher, activity.date, grace_weeks):
            first = dt.date.fromisoformat(teacher.joined) + dt.timedelta(weeks=max(0, grace_weeks))
            out.append(Skipped(member, "new", first.isoformat()))
    return out


def assign_speakers(activities: list[Activity], group: Group, teachers: Iterable[Teacher] = (),
                    fixed: Iterable[Activity] = (), grace_weeks: int = 0) -> list[Activity]:
    """Give each meeting in ``activities`` a central speaker so that everyone speaks
    before anyone speaks twice. ``fixed`` are the group's other activities of the term
    whose speakers stay (held, edited, swapped by hand): they count as turns taken.
    A member on leave for a meeting is skipped for it and keeps their turn; so is a
    teacher in their first ``grace_weeks`` weeks at the school (:func:`skipped_for`)."""
    teachers = list(teachers)
    candidates = speaker_candidates(group, teachers)
    if not candidates:
        return list(activities)
    order = {member: n for n, member in enumerate(candidates)}
    turns = dict.fromkeys(candidates, 0)
    last_turn = dict.fromkeys(candidates, -1)
    for step, activity in enumerate(sorted(fixed, key=lambda a: (a.date, a.period))):
        if activity.status not in NOT_MEETING and activity.speaker_id in turns:
            turns[activity.speaker_id] += 1
            last_turn[activity.speaker_id] = step
    result = []
    step = len(turns)  # later than any fixed turn
    for activity in sorted(activities, key=lambda a: (a.date, a.period)):
        if activity.status in NOT_MEETING:
            result.append(activity)
            continue
        away = {s.teacher_id for s in skipped_for(activity, group, teachers, grace_weeks)}
        available = [m for m in candidates if m not in away] or candidates
        chosen = min(available, key=lambda m: (turns[m], last_turn[m], order[m]))
        turns[chosen] += 1
        step += 1
        last_turn[chosen] = 10_000 + step
        result.append(activity.copy(speaker_id=chosen))
    return result


def _grace_weeks(tx) -> int:
    """The policy's weeks before a new teacher speaks, read through a transaction or a store."""
    store = getattr(tx, "store", tx)
    return int(getattr(store.policy(), "new_teacher_speaker_weeks", 0) or 0)


def is_future_untouched(activity: Activity, today: dt.date) -> bool:
    """Generated, planned or skipped, from today on, and nobody changed it by hand."""
    return (activity.generated and not activity.touched and activity.status in ("planned", "skipped")
            and activity.date >= today.isoformat())


def rebalance_speakers(tx, group: Group, term: Term, today: dt.date) -> int:
    """Re-deal the speakers of the group's future untouched meetings around the ones
    that stay; returns how many changed."""
    mine = [a for a in tx.all(Activity) if a.group_id == group.id and a.term_id == term.term_id]
    movable = [a for a in mine if is_future_untouched(a, today)]
    fixed = [a for a in mine if not is_future_untouched(a, today)]
    changed = 0
    for activity in assign_speakers(movable, group, tx.all(Teacher), fixed=fixed, grace_weeks=_grace_weeks(tx)):
        original = next(a for a in movable if a.id == activity.id)
        if activity.speaker_id != original.speaker_id:
            tx.update(activity)
            changed += 1
    return changed


def swap_speakers(tx, first: Activity, second: Activity, group: Group, term: Term, today: dt.date) -> None:
    """Swap two weeks' speakers; both become hand-edited, and the remaining weeks adapt."""
    if first.group_id != second.group_id:
        raise ValueError("activities of different groups")
    tx.update(first.copy(speaker_id=second.speaker_id, touched=True))
    tx.update(second.copy(speaker_id=first.speaker_id, touched=True))
    rebalance_speakers(tx, group, term, today)


# -- regeneration ----------------------------------------------------------------------


@dataclass(frozen=True)
class Regenerated:
    removed: int
    added: int


def _slot_week(term: Term, activity: Activity) -> int:
    return week_of(term, dt.date.fromisoformat(activity.moved_from or activity.date))


def regenerate_group_activities(tx, group: Group, term: Term, today: dt.date) -> Regenerated:
    """Bring the group's weekly activities in line with its (changed) slot, from today on.

    Only future activities that nobody touched are replaced; held, cancelled or
    hand-edited ones stay as they are, and a week that keeps one gets no new one.
    The topic written for a replaced week carries over to its new date."""
    existing = [a for a in tx.all(Activity) if a.group_id == group.id and a.term_id == term.term_id
                and a.generated]
    replaceable = [a for a in existing if is_future_untouched(a, today)]
    kept_weeks = {_slot_week(term, a) for a in existing if a not in replaceable}
    topics = {_slot_week(term, a): a for a in replaceable}
    fresh = []
    for activity in generate_weekly(term, group):
        if activity.date < today.isoformat():
            continue
        week = week_of(term, dt.date.fromisoformat(activity.date))
        if week in kept_weeks:
            continue
        earlier = topics.get(week)
        if earlier is not None:
            activity = activity.copy(topic=earlier.topic, content=earlier.content, kind=earlier.kind)
        fresh.append(activity)
    fixed = [a for a in tx.all(Activity) if a.group_id == group.id and a.term_id == term.term_id
             and a not in replaceable]
    fresh = assign_speakers(fresh, group, tx.all(Teacher), fixed=fixed, grace_weeks=_grace_weeks(tx))
    for activity in replaceable:
        tx.delete(activity)
    tx.insert_many(fresh)
    return Regenerated(removed=len(replaceable), added=len(fresh))


def later_terms_to_follow(source, group: Group, today: dt.date) -> list[tuple[Term, int]]:
    """Open terms that start after today in which the group already has generated meetings
    nobody touched, with how many: a changed weekly slot offers to move them too."""
    out = []
    for term in sorted(source.all(Term), key=lambda x: x.start):
        if is_archived(term) or term.start_date <= today:
            continue
        count = sum(1 for a in source.all(Activity) if a.group_id == group.id and a.term_id == term.term_id
                    and is_future_untouched(a, term.start_date))
        if count:
            out.append((term, count))
    return out


def generate_for_term(tx, term: Term, since: dt.date) -> int:
    """Generate (or refresh) every active group's weekly activities of a term from
    ``since`` on (a new term: its first day); returns how many were added."""
    added = 0
    for group in tx.all(Group):
        if group.active and group.slot_weekday and group.slot_period:
            added += regenerate_group_activities(tx, group, term, since).added
    return added


def follow_day_status(tx, term: Term, day: dt.date) -> int:
    """After a day was closed or opened by hand: its generated meetings nobody touched
    become skipped (or planned again); returns how many changed."""
    open_day = is_school_day(term, day)
    changed = 0
    for activity in tx.all(Activity):
        if (activity.date != day.isoformat() or activity.term_id != term.term_id or not activity.generated
                or activity.touched or activity.status not in ("planned", "skipped")):
            continue
        status = "planned" if open_day else "skipped"
        if activity.status != status:
            tx.update(activity.copy(status=status))
            changed += 1
    return changed


# -- moving and one-off events ---------------------------------------------------------


def move_activity(activity: Activity, day: dt.date, period: int, term: Term) -> Activity:
    """The activity on another day: a skipped week becomes planned; its slot week is
    remembered so that regeneration does not add the week again."""
    moved_from = activity.moved_from or (activity.date if activity.generated else "")
    status = "planned" if activity.status == "skipped" else activity.status
    return activity.copy(date=day.isoformat(), period=period, status=status, moved_from=moved_from,
                         touched=True, term_id=activity.term_id or term.term_id)


def attendees_of(activity: Activity) -> list[int]:
    """Everyone expected: the attendees, plus host and speaker."""
    people = list(activity.attendee_ids)
    for extra in (activity.host_id, activity.speaker_id):
        if extra and extra not in people:
            people.append(extra)
    return people


def attendance_counts(activity: Activity) -> dict[str, int]:
    counts = {"present": 0, "leave": 0, "absent": 0}
    for mark in activity.attendance.values():
        if mark in counts:
            counts[mark] += 1
    return counts


def attendance_names(activity: Activity, teachers) -> dict[str, list[str]]:
    """The names of those present, on leave and absent (in that order), in the order
    they are expected (:func:`attendees_of`), then anyone else marked. ``teachers`` maps
    id → Teacher (or is a list of them)."""
    by_id = teachers if isinstance(teachers, dict) else {x.id: x for x in teachers}
    order = attendees_of(activity) + [int(k) for k in activity.attendance if int(k) not in attendees_of(activity)]
    names: dict[str, list[str]] = {"present": [], "leave": [], "absent": []}
    for person in order:
        mark = activity.attendance.get(str(person))
        if mark in names:
            teacher = by_id.get(person)
            names[mark].append(teacher.name if teacher else f"#{person}")
    return names


def activities_of_teacher(activities: Iterable[Activity], teacher_id: int) -> list[Activity]:
    return [a for a in activities if teacher_id in attendees_of(a)]


# -- the speaker's coming turn (the agenda's "mine" filter, the home view) -------------------


def coming_turns(activities: Iterable[Activity], teacher_id: int, today: dt.date) -> list[Activity]:
    """The teacher's coming turns as central speaker: planned meetings from today on, in order."""
    return sorted((a for a in activities if a.speaker_id == teacher_id and a.status == "planned"
                   and a.date >= today.isoformat()), key=lambda a: (a.date, a.period, a.id))


def group_short_name(group: Group | None) -> str:
    """语文组 for the 语文教研组; a 备课组 keeps its full name."""
    if group is None:
        return ""
    return group.name[:-3] + "组" if group.name.endswith("教研组") and len(group.name) > 3 else group.name


def relative_day(day: dt.date, today: dt.date) -> str:
    """今天, 明天, 本周四, 下周四, else ``11-20 周四``."""
    from models.i18n import t

    weekday = t(f"weekday.{day.weekday()}")
    if day == today:
        return t("calendar.when.today")
    if day == today + dt.timedelta(days=1):
        return t("calendar.when.tomorrow")
    monday = today - dt.timedelta(days=today.weekday())
    weeks = (day - monday).days // 7
    if weeks == 0:
        return t("calendar.when.this_week", weekday=weekday)
    if weeks == 1:
        return t("calendar.when.next_week", weekday=weekday)
    return f"{day.month:02}-{day.day:02} {weekday}"


def speaker_turn_text(activity: Activity, group: Group | None, today: dt.date, policy) -> str:
    """One line for the speaker: ``本周四下午第2节 你是语文组中心发言人：《观潮》``."""
    from models.dates import format_period
    from models.i18n import t

    when = relative_day(dt.date.fromisoformat(activity.date), today) + format_period(activity.period, policy)
    what = group_short_name(group) or activity.event or t("calendar.school_wide")
    return t("calendar.your_turn", when=when, group=what, topic=activity.topic or t("calendar.topic_to_come"))


def next_turn_text(source, teacher_id: int, today: dt.date) -> str:
    """The home view's line: the teacher's next turn as central speaker, or ``""``.
    ``source`` is the Store (or anything with ``all`` and ``policy``)."""
    turns = coming_turns(source.all(Activity), teacher_id, today)
    if not turns:
        return ""
    groups = {g.id: g for g in source.all(Group)}
    return speaker_turn_text(turns[0], groups.get(turns[0].group_id), today, source.policy())


# -- leave asked for beforehand (policy leave_needs_approval) -----------------------------------


def ask_leave(activity: Activity, teacher_id: int) -> Activity:
    """The teacher asks the office for leave from this activity."""
    return activity.copy(leave_requests={**activity.leave_requests, str(teacher_id): "pending"})


def withdraw_leave(activity: Activity, teacher_id: int) -> Activity:
    requests = dict(activity.leave_requests)
    requests.pop(str(teacher_id), None)
    return activity.copy(leave_requests=requests)


def decide_leave(activity: Activity, teacher_id: int, approve: bool) -> Activity:
    """The office's answer to a teacher's request."""
    return activity.copy(leave_requests={**activity.leave_requests,
                                         str(teacher_id): "approved" if approve else "refused"})


def leave_state(activity: Activity, teacher_id: int) -> str:
    """``pending``, ``approved``, ``refused``, or ``""`` when the teacher did not ask."""
    return activity.leave_requests.get(str(teacher_id), "")


def may_ask_leave(activity: Activity, teacher_id: int, today: dt.date) -> bool:
    """An expected attendee of a meeting still ahead (today included) that is not cancelled."""
    return (activity.status == "planned" and activity.date >= today.isoformat()
            and teacher_id in attendees_of(activity))


def pending_leave(activities: Iterable[Activity]) -> list[tuple[Activity, int]]:
    """(activity, teacher id) of every request waiting for the office, in date order."""
    out = []
    asked = [a for a in activities if a.leave_requests]  # few do: only they are put in order
    for activity in sorted(asked, key=lambda a: (a.date, a.period, a.id)):
        for key, answer in sorted(activity.leave_requests.items()):
            if answer == "pending" and activity.status not in NOT_MEETING:
                out.append((activity, int(key)))
    return out


# -- held means held ---------------------------------------------------------------------

MARK_HELD = "held"  # mark it held with the save
ASK_HELD = "ask"  # the school wants to confirm: ask "标记为已开展？"
NEEDS_ATTENDANCE = "needs_attendance"  # minutes written but no attendance: it stays planned until taken


def is_taken(activity: Activity) -> bool:
    """Attendance taken or minutes written: the meeting evidently took place."""
    return bool(activity.attendance) or bool(activity.minutes.strip())


def held_on_save(activity: Activity, today: dt.date, policy) -> str:
    """What saving ``activity`` should do with its status (issue 16).

    A planned activity whose date has come, with attendance taken or minutes written,
    is held: :data:`MARK_HELD`, or :data:`ASK_HELD` when the policy wants to confirm.
    With minutes but no attendance it cannot be held yet (a held activity needs its
    attendance): :data:`NEEDS_ATTENDANCE`. Anything else: ``""``, the status stays."""
    if activity.status != "planned" or activity.date > today.isoformat() or not is_taken(activity):
        return ""
    if not activity.attendance:
        return NEEDS_ATTENDANCE
    return ASK_HELD if getattr(policy, "confirm_held", False) else MARK_HELD


def recorder_for(before: Activity | None, after: Activity, writer_id: int) -> int:
    """记录人: the one chosen, else whoever first writes the minutes."""
    if after.recorder_id or not after.minutes.strip():
        return after.recorder_id
    if before is not None and before.minutes.strip() and before.recorder_id:
        return before.recorder_id
    return writer_id


# -- conflicts --------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """Two or more activities at one date and period sharing a teacher or a place."""

    kind: str  # "teacher" or "place"
    date: str
    period: int
    activity_ids: tuple[int, ...]
    teacher_id: int = 0
    place: str = ""


def find_conflicts(activities: Iterable[Activity]) -> list[Conflict]:
    """Every double booking among meetings that take place (not skipped or cancelled)."""
    slots: dict[tuple[str, int], list[Activity]] = {}
    for activity in activities:
        if activity.status in NOT_MEETING or not activity.period:
            continue
        slots.setdefault((activity.date, activity.period), []).append(activity)
    conflicts = []
    for (date, period), together in sorted(slots.items()):
        if len(together) < 2:
            continue
        by_teacher: dict[int, list[int]] = {}
        by_place: dict[str, list[int]] = {}
        for activity in together:
            for person in attendees_of(activity):
                by_teacher.setdefault(person, []).append(activity.id)
            place = activity.place.strip()
            if place:
                by_place.setdefault(place, []).append(activity.id)
        for person, ids in sorted(by_teacher.items()):
            if len(ids) > 1:
                conflicts.append(Conflict("teacher", date, period, tuple(ids), teacher_id=person))
        for place, ids in sorted(by_place.items()):
            if len(ids) > 1:
                conflicts.append(Conflict("place", date, period, tuple(ids), place=place))
    return conflicts


def conflicts_with(activity: Activity, others: Iterable[Activity]) -> list[Conflict]:
    """The conflicts ``activity`` (perhaps not saved yet) would have with the others."""
    candidate = activity if activity.id else activity.copy(id=-1)
    pool = [a for a in others if a.id != activity.id and a.date == activity.date and a.period == activity.period]
    return [c for c in find_conflicts([*pool, candidate]) if candidate.id in c.activity_ids]


def conflicted_ids(activities: Iterable[Activity]) -> set[int]:
    return {i for c in find_conflicts(activities) for i in c.activity_ids}
