"""The term's figures, computed from the records every time (never stored counters).

Everything reads from a *source*: the Store, or an :class:`models.store.archive.ArchiveView`
when the term is archived; both answer ``all(cls)`` and ``policy()``.

Pace counts school weeks, not calendar weeks: a week closed for a holiday (国庆)
neither adds to what is expected nor to the weeks of the term. A teacher who
joined during the term has a quota in proportion to the school weeks left when
they came, and their pace starts at their first week.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import weakref
from collections import Counter
from dataclasses import dataclass, field

from models.activities import pending_leave
from models.mentoring import progress_of
from models.pace import RequirementProgress, paced, requirement_counts, requirement_progress
from models.pinyin import name_syllables
from models.points import points_of
from models.records import (Activity, Group, MentorMeeting, Observation, Outcome, Pairing, Project, Teacher, Term,
                            Training)
from models.research import overdue_stages, reports_owed
from models.terms import is_archived, school_weeks_between, week_of, week_one_monday, weeks_in

RESEARCH_LESSON = "研讨课"
DEMO_LESSON = "展示课"
NEW_TEACHER_ROLE = "新教师"
SPARK_CHARS = "▁▂▃▄▅▆▇█"


@dataclass
class TopLine:
    term_id: str
    term_name: str
    week: int  # the calendar week of the term we are in (0 before it starts)
    weeks: int
    days_left: int
    this_week: list[Activity]  # this week's activities that are not cancelled or skipped
    archived: bool = False


@dataclass
class GroupFigures:
    group: Group
    held: int
    planned_so_far: int  # scheduled on or before today, whatever became of them
    cancelled: int
    attendance_rate: float | None  # present / marked, over the held activities; None when none marked
    theme: str
    speakers: int  # members who have been the central speaker of a held activity
    members: int


@dataclass
class TeacherFigures:
    teacher: Teacher
    groups: list[str]
    given: int
    quota: int
    expected: int  # how many of the quota should be done by now
    received: int
    research_lessons: int  # observations of them with lesson type 研讨课
    talks: int  # central speaker of a held activity or at a school event
    demo_lessons: int
    outcomes: int
    points: float
    research_lessons_due: int = 1
    talks_due: int = 1
    requirements: list[RequirementProgress] = field(default_factory=list)  # the policy's, by role (issue 18)

    @property
    def behind(self) -> bool:
        return self.given < self.expected

    @property
    def quota_met(self) -> bool:
        return self.given >= self.quota

    @property
    def research_lesson_done(self) -> bool:
        return self.research_lessons >= self.research_lessons_due

    @property
    def talk_done(self) -> bool:
        return self.talks >= self.talks_due

    @property
    def pace_marker(self) -> str:
        """✔ quota met · ○ on pace · ▼ behind — a symbol so it reads without colour."""
        if self.quota_met:
            return "✔"
        return "▼" if self.behind else "○"


@dataclass
class PairingFigures:
    pairing: Pairing
    mentor: Teacher | None
    mentee: Teacher | None
    meetings: int
    expected: int  # models.mentoring.expected_meetings: the same figure everywhere
    active: bool = True

    @property
    def behind(self) -> bool:
        return self.active and self.meetings < self.expected


@dataclass
class Attention:
    behind_pace: list[TeacherFigures] = field(default_factory=list)
    not_observed: list[TeacherFigures] = field(default_factory=list)
    demo_missing: list[TeacherFigures] = field(default_factory=list)
    pairings_behind: list[PairingFigures] = field(default_factory=list)
    groups_without_theme: list[Group] = field(default_factory=list)  # 教研组 and 备课组 alike
    # Issue 16: nothing slips through. Past activities still 计划 (attendance never taken),
    # and held ones still without minutes the policy's days after.
    activities_not_closed: list[Activity] = field(default_factory=list)
    minutes_missing: list[Activity] = field(default_factory=list)
    leave_asked: list[tuple[Activity, int]] = field(default_factory=list)  # (activity, teacher id) to answer
    # Issue 17: documents due soon or overdue and not handed in (models.documents.Due), gathered
    # by state and kind (models.documents.due_groups): one attention line per group.
    documents_due: list[list] = field(default_factory=list)
    # Issue 18: 课题 stages still planned after their date (models/research.py).
    stages_overdue: list[tuple[Project, dict]] = field(default_factory=list)
    # Issue 18: teachers behind the pace on a requirement of their role (models/pace.py).
    requirements_behind: list[tuple[TeacherFigures, RequirementProgress]] = field(default_factory=list)
    reports_owed: list[Training] = field(default_factory=list)  # 汇报课 or report after outside training

    def count(self) -> int:
        return (len(self.behind_pace) + len(self.not_observed) + len(self.demo_missing)
                + len(self.pairings_behind) + len(self.groups_without_theme)
                + len(self.activities_not_closed) + len(self.minutes_missing) + len(self.leave_asked)
                + len(self.documents_due)  # lines, like the tab shows them
                + len(self.stages_overdue) + len(self.requirements_behind) + len(self.reports_owed))


@dataclass
class Dashboard:
    term: Term
    as_of: dt.date
    top: TopLine
    groups: list[GroupFigures]
    teachers: list[TeacherFigures]
    pairings: list[PairingFigures]
    attention: Attention
    weekly_held: list[int]  # held activities per week of the term, weeks 1 … the current one

    def teacher(self, teacher_id: int) -> TeacherFigures | None:
        return next((f for f in self.teachers if f.teacher.id == teacher_id), None)

    def group(self, group_id: int) -> GroupFigures | None:
        return next((f for f in self.groups if f.group.id == group_id), None)


def name_sort_key(name: str) -> tuple:
    """Where a name goes in a school list: by pinyin, syllable by syllable (李明 li·ming
    before 林 lin), surname first; the same reading ordered by the characters. A name that
    does not start with a letter or a Chinese character ("[bold]…", "3班") goes after the
    others, whatever its first punctuation sorts like."""
    stripped = name.strip()
    readable = bool(stripped) and stripped[0].isalpha()
    return (not readable, name_syllables(stripped), stripped)


def as_of_day(term: Term, today: dt.date) -> dt.date:
    """The day a term's figures stand at: today within it, its last day once it is over,
    the day before it starts while it is still ahead."""
    if today > term.end_date:
        return term.end_date
    if today < term.start_date:
        return term.start_date - dt.timedelta(days=1)
    return today


def joined_during(teacher: Teacher, term: Term) -> bool:
    return bool(teacher.joined) and term.start < teacher.joined <= term.end


def teacher_quota(policy, teacher: Teacher, term: Term) -> int:
    """The quota for this term; in proportion to the school weeks left for a teacher who
    joined during the term (rounded up, so a partial week still asks for a lesson)."""
    return paced(policy.quota_for(teacher.roles), term, teacher.joined, term.start_date)[0]


def teacher_expected(policy, teacher: Teacher, term: Term, as_of: dt.date) -> int:
    """How many observations the teacher should have given by ``as_of`` (models.pace.paced:
    the one rule the policy's requirements by role are paced by too)."""
    return paced(policy.quota_for(teacher.roles), term, teacher.joined, as_of)[1]


def teachers_of_term(source, term: Term, observations: list[Observation] | None = None) -> list[Teacher]:
    """Teachers who belong in a term's figures: active ones who had joined by its end,
    and anyone (even since gone) with an observation in it."""
    observations = observations or []
    involved = {o.observer_id for o in observations} | {o.teacher_id for o in observations}
    return [x for x in source.all(Teacher)
            if (x.active and (not x.joined or x.joined <= term.end)) or x.id in involved]


def pairing_in_term(pairing: Pairing, term_id: str) -> bool:
    if pairing.from_term and pairing.from_term > term_id:
        return False
    if pairing.to_term:
        return term_id <= pairing.to_term
    # An open-ended pairing that was ended without an end term: only its terms with meetings count.
    return pairing.status == "active"


def counted_groups(source) -> list[Group]:
    """The groups the dashboard's figures count: the active 教研组 and 备课组 (not the office)."""
    return [g for g in source.all(Group) if g.active and g.kind in ("research", "prep")]


def group_names_by_teacher(groups: list[Group]) -> dict[int, list[str]]:
    """Each member's groups by name, in the groups' order (a teacher's 所在组)."""
    names: dict[int, list[str]] = {}
    for group in groups:
        for member in group.member_ids:
            names.setdefault(member, []).append(group.name)
    return names


def people_figures(source, term: Term, today: dt.date, records: tuple[list, list, list] | None = None
                   ) -> tuple[list[TeacherFigures], list[GroupFigures]]:
    """Each teacher's and each group's figures of the term: the dashboard's two tables, and
    what its history shows term by term (models/dashboard_history.py). They read the policy,
    the roster, the groups and the term's activities, observations and outcomes (with its
    documents when the policy has requirements, and its 评比 for points); ``records`` are
    the term's (activities, observations, outcomes) when the caller has them."""
    policy = source.policy()
    as_of = as_of_day(term, today)
    tid = term.term_id
    if records is None:
        records = ([a for a in source.all(Activity) if a.term_id == tid],
                   [o for o in source.all(Observation) if o.term_id == tid],
                   [o for o in source.all(Outcome) if o.term_id == tid])
    activities, observations, outcomes = records
    groups = counted_groups(source)
    teachers = teachers_of_term(source, term, observations)

    held = [a for a in activities if a.status == "held"]
    by_group: dict[int, list[Activity]] = {}
    for a in activities:
        by_group.setdefault(a.group_id, []).append(a)
    group_figures = [_group_figures(g, tid, by_group.get(g.id, []), as_of) for g in groups]

    given = Counter(o.observer_id for o in observations)
    received = Counter(o.teacher_id for o in observations)
    research = Counter(o.teacher_id for o in observations if o.lesson_type == RESEARCH_LESSON)
    demo = Counter(o.teacher_id for o in observations if o.lesson_type == DEMO_LESSON)
    talks = Counter(a.speaker_id for a in held if a.speaker_id)
    outcome_count = Counter(o.teacher_id for o in outcomes)
    # One computation of points (models/points.py): by level, 评比 results, deductions.
    points = {teacher_id: p.total for teacher_id, p in points_of(source, term).items()}
    group_names = group_names_by_teacher(groups)

    if policy.requirements:
        from models.records import Document

        counts = requirement_counts(outcomes, observations, [d for d in source.all(Document) if d.term_id == tid])
    paces: dict[tuple[int, str], tuple[int, int]] = {}  # (quota, joined during the term) → (due, expected)

    def pace(x: Teacher) -> tuple[int, int]:
        key = (policy.quota_for(x.roles), x.joined if joined_during(x, term) else "")
        if key not in paces:
            paces[key] = paced(key[0], term, key[1], as_of)
        return paces[key]

    teacher_figures = [
        TeacherFigures(
            teacher=x, groups=group_names.get(x.id, []), given=given[x.id],
            quota=due, expected=expected,
            received=received[x.id], research_lessons=research[x.id], talks=talks[x.id],
            demo_lessons=demo[x.id], outcomes=outcome_count[x.id], points=round(points.get(x.id, 0.0), 2),
            research_lessons_due=policy.research_lessons_per_term, talks_due=policy.talks_per_term,
            requirements=requirement_progress(policy.requirements, x, term, as_of, counts) if policy.requirements
            else [])
        for x in sorted(teachers, key=lambda x: (name_sort_key(x.name), x.id))
        for due, expected in (pace(x),)
    ]
    return teacher_figures, group_figures


def build_dashboard(source, term: Term, today: dt.date) -> Dashboard:
    """Every figure of the term, as it stands on ``today`` (or the term's end once over)."""
    policy = source.policy()
    as_of = as_of_day(term, today)
    tid = term.term_id
    activities = [a for a in source.all(Activity) if a.term_id == tid]
    observations = [o for o in source.all(Observation) if o.term_id == tid]
    outcomes = [o for o in source.all(Outcome) if o.term_id == tid]
    meetings = [m for m in source.all(MentorMeeting) if m.term_id == tid]
    by_id = {x.id: x for x in source.all(Teacher)}

    week = week_of(term, as_of) if as_of >= term.start_date else 0
    weeks = weeks_in(term)
    # today's week, Monday to Sunday (the term's weeks start on Mondays): dates compared as text
    monday = today - dt.timedelta(days=today.weekday())
    first_day, last_day = monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat()
    this_week = [a for a in activities if a.status in ("planned", "held") and week > 0
                 and first_day <= a.date <= last_day]
    this_week.sort(key=lambda a: (a.date, a.period))
    top = TopLine(term_id=tid, term_name=term.name, week=week, weeks=weeks,
                  days_left=max(0, (term.end_date - today).days), this_week=this_week,
                  archived=is_archived(term))

    held = [a for a in activities if a.status == "held"]
    teacher_figures, group_figures = people_figures(source, term, today, (activities, observations, outcomes))
    groups = [g.group for g in group_figures]

    pairing_figures = []
    # One computation for the pair's figures (models/mentoring.py), as the pairing's page,
    # its record and the export show them.
    for p in source.all(Pairing):
        if not pairing_in_term(p, tid):
            continue
        progress = progress_of(p, term, meetings, observations, as_of, policy)
        met = progress.meetings_held if progress else sum(1 for m in meetings if m.pairing_id == p.id)
        expected = progress.meetings_expected if progress else 0
        pairing_figures.append(PairingFigures(p, by_id.get(p.mentor_id), by_id.get(p.mentee_id), met, expected,
                                              active=p.status == "active"))

    attention = Attention(
        behind_pace=[f for f in teacher_figures if f.behind],
        not_observed=[f for f in teacher_figures if f.received == 0 and _present_by(f.teacher, as_of)],
        demo_missing=[f for f in teacher_figures if _demo_due(f, term, as_of, policy.demo_lesson_deadline_weeks)],
        pairings_behind=[p for p in pairing_figures if p.behind],
        groups_without_theme=[g for g in groups if not g.themes.get(tid, "").strip()],
        activities_not_closed=activities_not_closed(activities, as_of),
        minutes_missing=minutes_missing(activities, as_of, policy.minutes_due_days),
        leave_asked=pending_leave(activities),
        stages_overdue=overdue_stages(source.all(Project), as_of),
        requirements_behind=[(f, r) for f in teacher_figures for r in f.requirements if r.behind],
        reports_owed=reports_owed(x for x in source.all(Training) if x.term_id == tid),
    )
    attention.behind_pace.sort(key=lambda f: (f.given - f.expected, f.teacher.id))
    # Documents owed: an archived term keeps the lines of what was never handed in, so its
    # figures read the same before and after it was closed.
    from models.documents import due_groups, due_lines

    attention.documents_due = due_groups(due_lines(source, term, as_of), as_of)

    last_week = week_of(term, as_of) if as_of >= term.start_date else 0
    weekly = [0] * max(0, min(last_week, weeks))
    monday_one = week_one_monday(term)
    for day, count in Counter(a.date for a in held).items():
        w = (dt.date.fromisoformat(day) - monday_one).days // 7 + 1  # week_of, once a day
        if 1 <= w <= len(weekly):
            weekly[w - 1] += count

    return Dashboard(term=term, as_of=as_of, top=top, groups=group_figures, teachers=teacher_figures,
                     pairings=pairing_figures, attention=attention, weekly_held=weekly)


def _in_order(activities: list[Activity]) -> list[Activity]:
    return sorted(activities, key=lambda a: (a.date, a.period, a.group_id, a.id))


def activities_not_closed(activities: list[Activity], as_of: dt.date) -> list[Activity]:
    """Activities whose day has passed and that are still 计划: neither held nor cancelled."""
    return _in_order([a for a in activities if a.status == "planned" and a.date < as_of.isoformat()])


def minutes_missing(activities: list[Activity], as_of: dt.date, due_days: int) -> list[Activity]:
    """Held activities without minutes ``due_days`` days (or more) after their day."""
    last = (as_of - dt.timedelta(days=max(0, due_days))).isoformat()
    return _in_order([a for a in activities if a.status == "held" and not a.minutes.strip() and a.date <= last])


def _present_by(teacher: Teacher, as_of: dt.date) -> bool:
    return not teacher.joined or teacher.joined <= as_of.isoformat()


def is_new_teacher(teacher: Teacher, term: Term) -> bool:
    """新教师 by role, or new to the school this term."""
    return NEW_TEACHER_ROLE in teacher.roles or (bool(teacher.joined) and term.start <= teacher.joined <= term.end)


def _demo_due(figures: TeacherFigures, term: Term, as_of: dt.date, deadline_weeks: int) -> bool:
    """A new teacher whose demo lesson (展示课) is still missing after the deadline's
    school weeks, counted from the later of the term's start and their joining."""
    teacher = figures.teacher
    if not is_new_teacher(teacher, term) or figures.demo_lessons > 0:
        return False
    start = term.start_date
    if joined_during(teacher, term):
        start = dt.date.fromisoformat(teacher.joined)
    if as_of < start:
        return False
    return school_weeks_between(term, start, as_of) > deadline_weeks


def _group_figures(group: Group, term_id: str, activities: list[Activity], as_of: dt.date) -> GroupFigures:
    mine = [a for a in activities if a.group_id == group.id]
    held = [a for a in mine if a.status == "held"]
    as_of_iso = as_of.isoformat()
    so_far = [a for a in mine if a.status != "skipped" and a.date <= as_of_iso]
    present = marked = 0
    for a in held:
        marks = list(a.attendance.values())
        marked += len(marks)
        present += marks.count("present")
    members = set(group.member_ids)
    speakers = {a.speaker_id for a in held if a.speaker_id in members}
    return GroupFigures(group=group, held=len(held), planned_so_far=len(so_far),
                        cancelled=sum(1 for a in mine if a.status == "cancelled"),
                        attendance_rate=present / marked if marked else None,
                        theme=group.themes.get(term_id, "").strip(), speakers=len(speakers),
                        members=len(members))


# -- pictures drawn with the terminal's own characters -------------------------------------

def sparkline(values: list[int]) -> str:
    """One character per value, ▁ (none) to █ (the most)."""
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return SPARK_CHARS[0] * len(values)
    return "".join(SPARK_CHARS[0] if v <= 0 else SPARK_CHARS[max(1, round(v / top * (len(SPARK_CHARS) - 1)))]
                   for v in values)


def quota_bar(done: int, quota: int, expected: int, width: int = 10, *, ascii_only: bool = False) -> str:
    """``█████┆····`` : filled for done, ┆ where the pace expects us to be, · for the rest.
    Past the quota the bar is full. ASCII: ``#####|....``."""
    fill, mark, rest = ("#", "|", ".") if ascii_only else ("█", "┆", "·")
    if quota <= 0:
        return fill * width if done else rest * width
    filled = min(width, round(width * done / quota))
    cells = [fill] * filled + [rest] * (width - filled)
    at = min(width - 1, max(0, math.ceil(width * expected / quota) - 1)) if expected > 0 else -1
    if at >= filled:
        cells[at] = mark
    return "".join(cells)


# -- term over term --------------------------------------------------------------------------

def terms_up_to(terms: list[Term], term: Term) -> list[Term]:
    """The term and every earlier one, oldest first."""
    return sorted((x for x in terms if x.start <= term.start), key=lambda x: x.start)


# store → {(term id, day): (what the figures were built from, the Dashboard)}: the history
# view builds eleven terms, and an archived term's figures change only with the data.
_term_figures: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()


def term_dashboard(store, term: Term, today: dt.date) -> Dashboard:
    """The term's dashboard for the history (:func:`dashboard_of`: the same one the screen
    shows, kept)."""
    return dashboard_of(store, term, today)


def dashboard_of(store, term: Term, today: dt.date) -> Dashboard:
    """The term's dashboard read from the term's own records only (its archive once it is
    closed, never every archive), kept until the data in memory changes: the screen and
    the history share it. Safe to call from a worker thread: it reads the store's memory
    copy without re-reading the file."""
    from models.store.archive import archive_path, view_for

    if not hasattr(store, "storage"):  # a view over the store rather than the store itself
        store = getattr(store, "store", store)
    archived = is_archived(term)
    identity = None
    if archived:
        with contextlib.suppress(OSError):
            st = os.stat(archive_path(store.path, term.term_id))
            identity = (st.st_ino, st.st_size, st.st_mtime_ns)
    made_from = (store.storage.generation, identity, term)
    cached = _term_figures.setdefault(store, {})
    hit = cached.get((term.term_id, today))
    if hit is not None and hit[0] == made_from:
        return hit[1]
    dashboard = build_dashboard(view_for(store, term), term, today)
    cached[(term.term_id, today)] = (made_from, dashboard)
    return dashboard


def term_over_term_teacher(source, teacher_id: int, terms: list[Term], today: dt.date
                           ) -> list[tuple[Term, TeacherFigures | None]]:
    """The teacher's figures in each term (None where they were not on the staff); an archived
    term's are kept beside its archive (models/dashboard_history.py)."""
    from models.dashboard_history import history_figures

    terms = sorted(terms, key=lambda x: x.start)
    return [(term, figures.teacher(teacher_id)) for term, figures in zip(terms, history_figures(source, terms, today))]


def term_over_term_group(source, group_id: int, terms: list[Term], today: dt.date
                         ) -> list[tuple[Term, GroupFigures | None]]:
    from models.dashboard_history import history_figures

    terms = sorted(terms, key=lambda x: x.start)
    return [(term, figures.group(group_id)) for term, figures in zip(terms, history_figures(source, terms, today))]
