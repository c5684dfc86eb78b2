"""师徒结对: the rules of a pairing, its guidance meetings, its evaluations and its progress.

Screens, the CLI and the dashboard all ask here; none re-implements a rule or a figure.
Progress is derived, never stored: meetings come from the 带教记录, observations
both ways from the 听课记录 (never typed twice).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from models.i18n import t
from models.records import (
    EVALUATION_GRADES, MEETING_KINDS, MentorMeeting, Observation, Pairing, Policy, Problem, Teacher, Term,
)
from models.store.storage import ValidationFailed
from models.terms import is_archived, school_weeks_between, term_of

# Roles whose holders are usually chosen as mentors; anyone else gets a gentle note, not a refusal.
MENTOR_ROLES = ("骨干教师", "教研组长", "备课组长", "教导主任", "中层领导", "副校长", "校长")
# The lessons a young teacher is expected to teach in a term (DESIGN.md: 展示课 early, 组内研讨课 each term).
SHOWCASE_LESSON_TYPES = ("展示课", "研讨课")
MAX_MEETING_MINUTES = 600


# -- which pairings, which terms -------------------------------------------------------------

def covers_term(pairing: Pairing, term_id: str) -> bool:
    """Whether the pairing ran during the term (term ids sort in time order)."""
    if term_id < pairing.from_term:
        return False
    return not pairing.to_term or term_id <= pairing.to_term


def span_label(pairing: Pairing) -> str:
    """``2025-2026-1 → 2025-2026-2``, or ``2025-2026-1 → 至今`` while it runs."""
    return f"{pairing.from_term} → {pairing.to_term or t('mentoring.until_now')}"


def short_term_label(term_id: str) -> str:
    """``2025-2026-1`` → ``25-26上`` (``2025-2026-2`` → ``25-26下``): narrow enough for a list
    at 80 columns. Anything that is not a term id comes back as it is."""
    parts = term_id.split("-")
    if len(parts) != 3 or not all(part.isdigit() for part in parts) or parts[2] not in ("1", "2"):
        return term_id
    return t(f"mentoring.term_short.{parts[2]}", first=parts[0][-2:], second=parts[1][-2:])


def active_pairings(pairings: Iterable[Pairing]) -> list[Pairing]:
    return [p for p in pairings if p.status == "active"]


def pairings_of_teacher(pairings: Iterable[Pairing], teacher_id: int) -> list[Pairing]:
    return [p for p in pairings if teacher_id in (p.mentor_id, p.mentee_id)]


def active_mentees_of(pairings: Iterable[Pairing], mentor_id: int, *, except_id: int = 0) -> list[Pairing]:
    return [p for p in pairings if p.status == "active" and p.mentor_id == mentor_id and p.id != except_id]


def is_usual_mentor(teacher: Teacher) -> bool:
    return any(role in MENTOR_ROLES for role in teacher.roles)


# -- the rules of a pairing ----------------------------------------------------------------------

@dataclass
class RuleCheck:
    """What the rules say about a pairing: refusals stop the save; warnings and notes do not."""

    refusals: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        return [p.message for p in self.refusals] + self.warnings + self.notes


def _name(teachers: dict[int, Teacher], teacher_id: int) -> str:
    teacher = teachers.get(teacher_id)
    return teacher.name if teacher else f"#{teacher_id}"


def check_pairing(candidate: Pairing, pairings: Iterable[Pairing], teachers: Iterable[Teacher],
                  policy: Policy, terms: Iterable[Term]) -> RuleCheck:
    """Every rule of DESIGN.md and the issue for a new or changed pairing."""
    by_id = {teacher.id: teacher for teacher in teachers}
    term_ids = sorted(term.term_id for term in terms)
    check = RuleCheck(refusals=list(candidate.validate()))
    for field_name, teacher_id in (("mentor_id", candidate.mentor_id), ("mentee_id", candidate.mentee_id)):
        if teacher_id and teacher_id not in by_id:
            check.refusals.append(Problem(field_name, t("mentoring.error.no_teacher", id=teacher_id)))
        elif teacher_id and not by_id[teacher_id].active and candidate.status == "active":
            check.refusals.append(Problem(field_name, t("mentoring.error.inactive", name=by_id[teacher_id].name)))
    if not candidate.subject.strip():
        check.refusals.append(Problem("subject", t("mentoring.error.subject")))
    elif policy.subjects and candidate.subject.strip() not in policy.subjects:
        # A typo here would slip past the one-mentor-per-subject rule, so only the school's subjects go.
        check.refusals.append(Problem("subject", t("mentoring.error.unknown_subject", value=candidate.subject,
                                                   choices="、".join(policy.subjects))))
    if candidate.from_term and term_ids and candidate.from_term not in term_ids:
        check.refusals.append(Problem("from_term", t("mentoring.error.unknown_term", value=candidate.from_term,
                                                     choices="、".join(term_ids))))
    if candidate.to_term and candidate.from_term and candidate.to_term < candidate.from_term:
        check.refusals.append(Problem("to_term", t("mentoring.error.end_before_start", start=candidate.from_term,
                                                   end=candidate.to_term)))
    if check.refusals:
        return check
    others = [p for p in pairings if p.id != candidate.id]
    if candidate.status == "active":
        for other in active_pairings(others):
            if other.mentee_id == candidate.mentee_id and other.subject.strip() == candidate.subject.strip():
                check.refusals.append(Problem("mentee_id", t(
                    "mentoring.error.second_mentor", mentee=_name(by_id, candidate.mentee_id),
                    subject=candidate.subject, mentor=_name(by_id, other.mentor_id), since=other.from_term)))
                return check
        count = len(active_mentees_of(others, candidate.mentor_id)) + 1
        if count > policy.mentees_per_mentor:
            check.warnings.append(t("mentoring.warn.too_many", mentor=_name(by_id, candidate.mentor_id),
                                    count=count, limit=policy.mentees_per_mentor))
    mentor = by_id.get(candidate.mentor_id)
    if mentor is not None and not is_usual_mentor(mentor):
        check.notes.append(t("mentoring.note.not_senior", mentor=mentor.name, roles="、".join(MENTOR_ROLES[:3])))
    return check


def save_pairing(store, pairing: Pairing) -> tuple[Pairing, RuleCheck]:
    """Insert or update a pairing after the rules, checked under the lock against fresh data.
    Raises ValidationFailed (nothing saved) when a rule refuses it."""
    with store.transaction() as tx:
        check = check_pairing(pairing, store.all(Pairing), store.all(Teacher), store.policy(), store.all(Term))
        if check.refusals:
            raise ValidationFailed(check.refusals)
        saved = tx.update(pairing) if pairing.id else tx.insert(pairing)
    return saved, check


def end_pairing(store, pairing: Pairing, to_term: str, today: dt.date) -> Pairing:
    """End a pairing in ``to_term``: its status becomes ended, its meetings, observations and
    evaluations stay as they are (the history is kept)."""
    to_term = to_term.strip()
    if pairing.status == "ended":
        raise ValidationFailed([Problem("status", t("mentoring.error.already_ended", term=pairing.to_term))])
    term_ids = sorted(term.term_id for term in store.all(Term))
    if to_term not in term_ids:
        raise ValidationFailed([Problem("to_term", t("mentoring.error.unknown_term", value=to_term or "—",
                                                     choices="、".join(term_ids)))])
    ended = pairing.copy(status="ended", to_term=to_term, ended=today.isoformat())
    terms = {term.term_id: term for term in store.all(Term)}
    if today > terms[to_term].end_date:
        ended = ended.copy(ended=terms[to_term].end)
    saved, _ = save_pairing(store, ended)
    return saved


# -- evaluations at the end of a term ------------------------------------------------------------

def can_write_summary(store, viewer: Teacher | str | None, pairing: Pairing) -> bool:
    """The mentor writes the term summary; nobody else rewrites it, the admin included.
    Asks models.permissions, the one rule (the store's guard enforces the same on every save)."""
    from models.permissions import can

    return viewer is not None and can(store, viewer, "update", pairing, "evaluation.summary")


def can_grade(store, viewer: Teacher | str | None, pairing: Pairing) -> bool:
    """Only the 教导处 (admin) gives the grade and its comment (models.permissions)."""
    from models.permissions import can

    return viewer is not None and can(store, viewer, "update", pairing, "evaluation.grade")


def evaluation_of(pairing: Pairing, term_id: str) -> dict[str, str]:
    return {"summary": "", "grade": "", "comment": "", **pairing.evaluations.get(term_id, {})}


def set_evaluation(store, pairing: Pairing, term_id: str, viewer: Teacher | None, *,
                   summary: str | None = None, grade: str | None = None, comment: str | None = None) -> Pairing:
    """Store the mentor's summary and/or the admin's grade and comment for one term."""
    problems: list[Problem] = []
    if not covers_term(pairing, term_id):
        problems.append(Problem("term", t("mentoring.error.term_outside", term=term_id, span=span_label(pairing))))
    if summary is not None and not can_write_summary(store, viewer, pairing):
        problems.append(Problem("summary", t("mentoring.error.summary_not_allowed")))
    if (grade is not None or comment is not None) and not can_grade(store, viewer, pairing):
        problems.append(Problem("grade", t("mentoring.error.grade_not_allowed")))
    if grade and grade not in EVALUATION_GRADES:
        problems.append(Problem("grade", t("mentoring.error.bad_grade", value=grade,
                                           choices="、".join(EVALUATION_GRADES))))
    if problems:
        raise ValidationFailed(problems)
    evaluation = evaluation_of(pairing, term_id)
    for key, value in (("summary", summary), ("grade", grade), ("comment", comment)):
        if value is not None:
            evaluation[key] = value.strip()
    evaluations = {**pairing.evaluations, term_id: evaluation}
    with store.transaction() as tx:
        return tx.update(pairing.copy(evaluations=evaluations))


# -- guidance meetings ---------------------------------------------------------------------

def meetings_of(meetings: Iterable[MentorMeeting], pairing_id: int, term_id: str | None = None) -> list[MentorMeeting]:
    """A pairing's meetings, newest first."""
    found = [m for m in meetings if m.pairing_id == pairing_id and (term_id is None or m.term_id == term_id)]
    return sorted(found, key=lambda m: (m.date, m.id), reverse=True)


def parse_minutes(text: str) -> int:
    """``40``, ``40分钟``, ``1小时`` → minutes; raises ValueError with a Chinese message."""
    value = text.strip().replace(" ", "").lower()
    if not value:
        return 0
    for suffix in ("小时", "h"):
        if value.endswith(suffix) and value[: -len(suffix)].replace(".", "", 1).isdigit():
            return round(float(value[: -len(suffix)]) * 60)
    for suffix in ("分钟", "分", "min", "m"):
        if value.endswith(suffix):
            value = value[: -len(suffix)]
            break
    if not value.isdigit():
        raise ValueError(t("mentoring.error.minutes", value=text.strip()))
    return int(value)


def check_meeting(meeting: MentorMeeting, pairing: Pairing | None, terms: Iterable[Term],
                  today: dt.date) -> list[Problem]:
    problems = list(meeting.validate())
    if pairing is None:
        problems.append(Problem("pairing_id", t("mentoring.error.no_pairing")))
        return problems
    if problems:
        return problems
    day = dt.date.fromisoformat(meeting.date)
    if day > today:
        problems.append(Problem("date", t("mentoring.error.meeting_future", date=meeting.date)))
    term = term_of(terms, day)
    if term is None:
        problems.append(Problem("date", t("mentoring.error.meeting_no_term", date=meeting.date)))
    elif is_archived(term):
        # Its records live in the archive file now, read-only (models/store/archive.py).
        problems.append(Problem("date", t("mentoring.error.meeting_archived", date=meeting.date, term=term.name)))
    elif not covers_term(pairing, term.term_id) or (pairing.started and meeting.date < pairing.started) \
            or (pairing.ended and meeting.date > pairing.ended):
        problems.append(Problem("date", t("mentoring.error.meeting_outside", date=meeting.date,
                                          span=span_label(pairing))))
    if meeting.duration_minutes > MAX_MEETING_MINUTES:
        problems.append(Problem("duration_minutes", t("mentoring.error.minutes_range",
                                                      value=meeting.duration_minutes)))
    return problems


def save_meeting(store, meeting: MentorMeeting, today: dt.date) -> MentorMeeting:
    """Insert or update a guidance meeting; its term comes from its date."""
    terms = store.all(Term)
    problems = check_meeting(meeting, store.get(Pairing, meeting.pairing_id), terms, today)
    if problems:
        raise ValidationFailed(problems)
    term = term_of(terms, dt.date.fromisoformat(meeting.date))
    meeting = meeting.copy(term_id=term.term_id if term else "", content=meeting.content.strip())
    with store.transaction() as tx:
        return tx.update(meeting) if meeting.id else tx.insert(meeting)


# -- progress --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    """A pairing's figures for one term."""

    pairing_id: int
    term_id: str
    meetings_held: int
    meetings_expected: int  # by the weeks that have ended (expected_meetings): the one figure
    mentor_observed: int  # lessons of the mentee the mentor observed
    mentee_observed: int  # lessons of the mentor the mentee observed
    showcase_lessons: tuple[str, ...]  # 展示课 / 研讨课 the mentee taught this term
    weeks_since_last_meeting: int | None  # None: no meeting yet
    active: bool

    @property
    def meetings_due(self) -> int:
        return self.meetings_expected

    @property
    def shortfall(self) -> int:
        return max(0, self.meetings_expected - self.meetings_held)

    @property
    def behind(self) -> bool:
        return self.active and self.shortfall > 0


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def pairing_days_in_term(pairing: Pairing, term: Term) -> tuple[dt.date, dt.date]:
    """The first and last day of the term the pairing ran (its start and end day clip the term)."""
    first, last = term.start_date, term.end_date
    started, ended = _day(pairing.started), _day(pairing.ended)
    if started and started > first:
        first = started
    if ended and ended < last:
        last = ended
    return first, last


def _school_weeks_between(term: Term, first: dt.date, until: dt.date) -> int:
    """School weeks of the term with a school day in ``first … until`` (closed weeks do not count)."""
    if until < first:
        return 0
    return school_weeks_between(term, first, until)


def expected_meetings(pairing: Pairing, term: Term, today: dt.date, policy: Policy) -> int:
    """The one figure of meetings a pair should have held in ``term`` by ``today``: one per
    ``mentor_meetings_every_weeks`` school weeks since the pairing began, counting the weeks
    that have ended (a pair that meets on Thursdays is not behind on a Wednesday); once the
    pairing's part of the term is over, every one of its weeks. A week closed for a holiday
    does not count. Every screen, export, report and the dashboard show this number."""
    first, last = pairing_days_in_term(pairing, term)
    until = last if today >= last else today - dt.timedelta(days=today.weekday() + 1)
    weeks = _school_weeks_between(term, first, min(last, until))
    return weeks // max(1, policy.mentor_meetings_every_weeks)


# The same figure: what being behind is measured against.
meetings_due = expected_meetings


class _ProgressIndex:
    """A term's meetings and observations grouped once, so the figures of every pairing
    cost what that pairing's own records cost: the list is linear in the data, not
    pairings × observations."""

    def __init__(self, term_id: str, meetings: list[MentorMeeting], observations: list[Observation]):
        self.term_id = term_id
        self.meetings: dict[int, list[MentorMeeting]] = defaultdict(list)
        for m in meetings:
            self.meetings[m.pairing_id].append(m)
        self.of_teacher: dict[int, list[Observation]] = defaultdict(list)  # observed teacher → the term's observations
        for o in observations:
            if o.term_id == term_id:
                self.of_teacher[o.teacher_id].append(o)

    def between(self, observer_id: int, teacher_id: int) -> list[Observation]:
        return [o for o in self.of_teacher.get(teacher_id, ()) if o.observer_id == observer_id]


# The last index built, with the lists it was built from: screens, the dashboard and the
# reminders call progress_of once per pairing with the same two lists.
_last_index: tuple[list, list, int, int, _ProgressIndex] | None = None


def _index_for(term_id: str, meetings, observations) -> _ProgressIndex:
    global _last_index
    if not isinstance(meetings, list):
        meetings = list(meetings)
    if not isinstance(observations, list):
        observations = list(observations)
    last = _last_index
    if (last is not None and last[0] is meetings and last[1] is observations and last[2] == len(meetings)
            and last[3] == len(observations) and last[4].term_id == term_id):
        return last[4]
    index = _ProgressIndex(term_id, meetings, observations)
    _last_index = (meetings, observations, len(meetings), len(observations), index)
    return index


def progress_of(pairing: Pairing, term: Term, meetings: Iterable[MentorMeeting],
                observations: Iterable[Observation], today: dt.date, policy: Policy) -> Progress | None:
    """The pairing's figures for ``term``, or None when it did not run that term."""
    if not covers_term(pairing, term.term_id):
        return None
    index = _index_for(term.term_id, meetings, observations)
    first, last = pairing_days_in_term(pairing, term)
    first_iso, last_iso, today_iso = first.isoformat(), min(last, today).isoformat(), today.isoformat()
    own = index.meetings.get(pairing.id, [])
    held = sum(1 for m in own if m.term_id == term.term_id and m.date <= today_iso)
    past = [m.date for m in own if m.date <= today_iso]
    last_meeting = _day(max(past)) if past else None
    mentor_observed = sum(1 for o in index.between(pairing.mentor_id, pairing.mentee_id)
                          if first_iso <= o.date <= last_iso)
    mentee_observed = sum(1 for o in index.between(pairing.mentee_id, pairing.mentor_id)
                          if first_iso <= o.date <= last_iso)
    lessons = {o.lesson_type for o in index.of_teacher.get(pairing.mentee_id, ()) if o.date <= today_iso}
    taught = tuple(kind for kind in SHOWCASE_LESSON_TYPES if kind in lessons)
    return Progress(
        pairing_id=pairing.id, term_id=term.term_id, meetings_held=held,
        meetings_expected=expected_meetings(pairing, term, today, policy),
        mentor_observed=mentor_observed, mentee_observed=mentee_observed, showcase_lessons=taught,
        weeks_since_last_meeting=(today - last_meeting).days // 7 if last_meeting else None,
        active=pairing.status == "active",
    )


def records_for_term(store, term: Term | None):
    """Where a term's meetings and observations are read from: the active file, plus the
    term's archive once it is closed (models.store.archive.view_for)."""
    from models.store.archive import view_for

    return view_for(store, term)


def progress_for_store(store, pairing: Pairing, term: Term, today: dt.date) -> Progress | None:
    """Progress in ``term``, archived or not."""
    source = records_for_term(store, term)
    return progress_of(pairing, term, source.all(MentorMeeting), source.all(Observation), today, store.policy())


def behind_first(items: list[tuple[Pairing, Progress | None]]) -> list[tuple[Pairing, Progress | None]]:
    """Most behind first: the largest shortfall, then the longest since a meeting."""
    def key(item):
        pairing, progress = item
        if progress is None:
            return (1, 0, 0, pairing.id)
        since = progress.weeks_since_last_meeting
        return (0 if progress.behind else 1, -progress.shortfall, -(since if since is not None else 999), pairing.id)
    return sorted(items, key=key)


def mutual_observations(pairing: Pairing, observations: Iterable[Observation],
                        term_id: str | None = None) -> list[Observation]:
    """Observations between the two, both ways, oldest first (across terms unless one is given)."""
    pair = {(pairing.mentor_id, pairing.mentee_id), (pairing.mentee_id, pairing.mentor_id)}
    found = [o for o in observations if (o.observer_id, o.teacher_id) in pair
             and (term_id is None or o.term_id == term_id) and covers_term(pairing, o.term_id)]
    return sorted(found, key=lambda o: (o.date, o.period, o.id))


def terms_of_pairing(pairing: Pairing, terms: Iterable[Term]) -> list[Term]:
    """The terms the pairing ran, oldest first."""
    return sorted((term for term in terms if covers_term(pairing, term.term_id)), key=lambda term: term.term_id)


def default_start(term: Term | None, today: dt.date) -> str:
    """A pairing made today starts today when today is inside the term, else at the term's start."""
    if term is None:
        return today.isoformat()
    if term.start_date <= today <= term.end_date:
        return today.isoformat()
    return term.start


__all__ = [
    "MEETING_KINDS", "MENTOR_ROLES", "Progress", "RuleCheck", "SHOWCASE_LESSON_TYPES", "behind_first",
    "can_grade", "can_write_summary", "check_meeting", "check_pairing", "covers_term", "default_start",
    "end_pairing", "evaluation_of", "expected_meetings", "meetings_due", "meetings_of", "mutual_observations", "parse_minutes",
    "progress_for_store", "progress_of", "records_for_term", "save_meeting", "save_pairing", "set_evaluation",
    "short_term_label", "span_label", "terms_of_pairing",
]


def describe_failure(error: BaseException) -> str:
    """The sentence a user sees when a save fails (nothing was saved)."""
    from models.store.storage import ConflictError

    if isinstance(error, ValidationFailed):
        return "\n".join(str(problem) for problem in error.problems)
    if isinstance(error, ConflictError):
        return t("mentoring.error.conflict")
    if isinstance(error, PermissionError):
        return t("mentoring.error.not_allowed", reason=str(error))
    return str(error)  # the data file's or the permission check's own sentence


# What a save may raise that the user should read as a sentence (never a traceback).
def save_failures() -> tuple[type[BaseException], ...]:
    from models.errors import JiaoyanError

    return (JiaoyanError, PermissionError)
