"""我的: what one teacher owes this week and this term, read from the records.

Built from the existing model queries every time it is shown (nothing is stored):
the next time they speak or host, the activities they attend this week, their
observations against the pace, mentor meetings due, activity minutes they owe,
and the suggestions they made that no later lesson has followed up. Each line says
where it is done (a :class:`Jump`), so the screen can open that very place.

Pure and Textual-free: the screen in ``screens/home/`` and ``jiaoyan remind``
(models/remind.py) both read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.activities import attendees_of
from models.dates import format_period, weekday_name
from models.i18n import t
from models.mentoring import covers_term, progress_of
from models.observations import quota_status
from models.records import Activity, Document, Group, MentorMeeting, Observation, Pairing, Teacher, Term
from models.terms import current_term, week_of, weeks_in

OVERDUE, DUE, OK = "overdue", "due", "ok"
# A line's state as a symbol, so that it reads without colour too.
STATE_MARKS = {OVERDUE: "!", DUE: "·", OK: "✔"}
MINUTES_GRACE_DAYS = 7  # when the policy names no number of days for the minutes
FOLLOW_UPS_SHOWN = 3  # the newest follow-ups get a line each; the rest one line to the log
REVIEWS_SHOWN = 3  # the oldest documents waiting for review get a line each; the rest one line to the area


@dataclass(frozen=True)
class Jump:
    """Where a line is done: ``place`` is one of ``activity`` (the activity form),
    ``observe`` (a new observation, for ``record_id`` = the teacher to observe, 0 = anyone),
    ``meetings`` (a pairing's mentor meetings), ``observations`` (the observation log),
    ``document`` (the document owed: ``due`` is its models.documents.Due, ``record_id`` the
    draft there is, 0 for none), ``competition`` (a 评比 to judge), ``review`` (a document's
    page, ``record_id`` = the document: to review it, or to read why it came back),
    ``documents`` (the documents area), ``outcomes`` (the outcomes area), ``hours`` (the
    学时 tab of 课题与学时)."""

    place: str
    record_id: int = 0
    due: object = None


@dataclass(frozen=True)
class HomeLine:
    section: str  # "week" or "term"
    kind: str  # speak, host, attend, pace, requirement, hours, report, meeting, minutes, document, review,
    #            returned, judge, follow_up
    text: str
    state: str  # overdue, due or ok
    jump: Jump

    @property
    def mark(self) -> str:
        return STATE_MARKS[self.state]


@dataclass
class Home:
    teacher: Teacher
    term: Term | None
    today: dt.date
    week: int = 0
    weeks: int = 0
    lines: list[HomeLine] = field(default_factory=list)

    def section(self, name: str) -> list[HomeLine]:
        return [line for line in self.lines if line.section == name]

    @property
    def owing(self) -> int:
        """Lines that ask for something (not the ones that only say all is well)."""
        return sum(1 for line in self.lines if line.state != OK)


def week_span(today: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of ``today``'s week."""
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def short_day(day: dt.date | str) -> str:
    """``11-06 周四``."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return f"{day:%m-%d} {weekday_name(day)}"


def book_title(topic: str) -> str:
    """A lesson's title in 《》, unless the teacher typed them already."""
    topic = topic.strip()
    return topic if topic.startswith("《") else f"《{topic}》"


def _what(activity: Activity, groups: dict[int, Group]) -> str:
    group = groups.get(activity.group_id)
    where = group.name if group else t("home.school_wide")
    what = activity.topic or activity.event or activity.kind
    return f"{where} · {what}" if what else where


def _when(activity: Activity, policy) -> str:
    return f"{short_day(activity.date)} {format_period(activity.period, policy)}"


def next_turns(activities: list[Activity], teacher_id: int, today: dt.date) -> dict[str, Activity]:
    """The next planned activity (today or later) where the teacher is the central
    speaker (``speak``) and where they host (``host``)."""
    upcoming = sorted((a for a in activities if a.status == "planned" and a.date >= today.isoformat()),
                      key=lambda a: (a.date, a.period, a.id))
    found: dict[str, Activity] = {}
    for activity in upcoming:
        if "speak" not in found and activity.speaker_id == teacher_id:
            found["speak"] = activity
        if "host" not in found and activity.host_id == teacher_id:
            found["host"] = activity
    return found


def attending_this_week(activities: list[Activity], teacher_id: int, today: dt.date) -> list[Activity]:
    """This week's planned activities, from today on, that the teacher is expected at."""
    _, sunday = week_span(today)
    return sorted((a for a in activities if a.status == "planned"
                   and today.isoformat() <= a.date <= sunday.isoformat() and teacher_id in attendees_of(a)),
                  key=lambda a: (a.date, a.period, a.id))


def minutes_owed(activities: list[Activity], groups: dict[int, Group], teacher_id: int,
                 today: dt.date) -> list[Activity]:
    """Past activities the teacher keeps the record of (they lead its group, or host a
    school event) that still have no minutes: held ones without minutes, and planned ones
    whose day has passed without being marked held or cancelled."""
    owed = []
    for activity in activities:
        if activity.date >= today.isoformat() or activity.status not in ("planned", "held"):
            continue
        if activity.minutes.strip():
            continue
        if minutes_keeper(activity, groups) == teacher_id:
            owed.append(activity)
    return sorted(owed, key=lambda a: (a.date, a.period, a.id))


def minutes_keeper(activity: Activity, groups: dict[int, Group]) -> int:
    """Who owes an activity's minutes: its 记录人 when one is named, else its group's leader
    (the host for a school event)."""
    if getattr(activity, "recorder_id", 0):
        return activity.recorder_id
    group = groups.get(activity.group_id)
    return group.leader_id if group else activity.host_id


def suggestions_to_follow_up(observations: list[Observation], teacher_id: int, term_id: str) -> list[Observation]:
    """Suggestions the teacher made this term that no later lesson has followed up,
    the newest for each observed teacher (the form lists them all when they go back)."""
    followed = {i for o in observations for i in o.followed_up_ids}
    waiting: dict[int, Observation] = {}
    for o in observations:
        if o.observer_id != teacher_id or o.term_id != term_id or not o.suggestions.strip() or o.id in followed:
            continue
        kept = waiting.get(o.teacher_id)
        if kept is None or (o.date, o.period, o.id) > (kept.date, kept.period, kept.id):
            waiting[o.teacher_id] = o
    return sorted(waiting.values(), key=lambda o: (o.date, o.period, o.id))


def documents_owed(store, teacher: Teacher, term: Term, today: dt.date) -> list[HomeLine]:
    """Documents (plans, summaries …) the teacher owes, due soon or overdue, from the
    documents model (models/documents.py) once the school keeps documents in jiaoyan."""
    try:
        from models.documents import due_line_text, due_lines
    except ImportError:  # a version without documents: nothing to owe
        return []
    return [HomeLine("term", "document", due_line_text(due, today),
                     OVERDUE if due.status(today) == "overdue" else DUE, Jump("document", due.document_id, due))
            for due in due_lines(store, term, today, teacher.id)]


def reviews_owed(store, teacher: Teacher, term: Term, listed: set[int]) -> list[HomeLine]:
    """Documents of the term waiting for ``teacher``'s review (the oldest hand-in first), and
    the teacher's own documents a reviewer returned, with the reviewer's comment, unless a
    due line in ``listed`` (document ids) already leads to them."""
    from models.documents import author_label, reader, reviewer_ids

    documents = [d for d in reader(store, term.term_id).all(Document) if d.term_id == term.term_id]
    waiting = sorted((d for d in documents if d.state == "submitted" and teacher.id in reviewer_ids(store, d)),
                     key=lambda d: (str(d.history[-1].get("at", "")) if d.history else "", d.id))
    lines = [HomeLine("term", "review", t("home.review", author=author_label(store, d), title=d.title,
                                          when=_stamp_day(d)), DUE, Jump("review", d.id))
             for d in waiting[:REVIEWS_SHOWN]]
    if len(waiting) > REVIEWS_SHOWN:
        lines.append(HomeLine("term", "review", t("home.review_more", count=len(waiting) - REVIEWS_SHOWN), DUE,
                              Jump("documents")))
    for document in documents:
        if document.author_id != teacher.id or document.state != "returned" or document.id in listed:
            continue
        step = document.history[-1] if document.history else {}
        reviewer = store.get(Teacher, step.get("by", 0))
        lines.append(HomeLine("term", "returned", t("home.returned", reviewer=reviewer.name if reviewer else "?",
                                                    title=document.title,
                                                    comment=str(step.get("comment", "")).strip()),
                              OVERDUE, Jump("review", document.id)))
    return lines


REQUIREMENT_PLACES = {"outcome": "outcomes", "document": "documents", "lesson": "observations"}


def requirements_owed(store, teacher: Teacher, term: Term, today: dt.date) -> list[HomeLine]:
    """What the teacher's roles still ask of them this term (四篇随笔, a 示范课 …), each
    against the pace the quotas use (models/pace.py): behind it is overdue."""
    from models.dashboard_text import requirement_label
    from models.pace import teacher_requirements
    from models.store.archive import view_for

    lines = []
    for r in teacher_requirements(view_for(store, term), teacher, term, min(today, term.end_date)):
        if r.met:
            continue
        key = "home.requirement_behind" if r.behind else "home.requirement"
        lines.append(HomeLine("term", "requirement", t(key, what=requirement_label(r), done=r.done, due=r.due,
                                                       expected=r.expected),
                              OVERDUE if r.behind else DUE, Jump(REQUIREMENT_PLACES.get(r.kind, "observations"))))
    return lines


def hours_owed(store, teacher: Teacher, term: Term, today: dt.date) -> list[HomeLine]:
    """The school year's 学时 against the policy's target (an archived first term counts),
    the term's remote training against its minimum, and the 汇报课 or report owed after
    outside training (models/research.py)."""
    from models import research
    from models.store.archive import ArchiveView

    year_ids = [x.term_id for x in research.terms_of_year(store.all(Term), research.school_year_of(term.term_id))]
    figures = research.teacher_hours(ArchiveView(store, year_ids), term, teacher, today)
    lines = []
    if figures.year_target:
        if figures.year_hours >= figures.year_target:
            text, state = t("home.hours_met", hours=f"{figures.year_hours:g}", target=f"{figures.year_target:g}"), OK
        elif figures.behind:
            text, state = t("home.hours_behind", hours=f"{figures.year_hours:g}", target=f"{figures.year_target:g}",
                            expected=f"{figures.expected_by_now:g}"), OVERDUE
        else:
            text, state = t("home.hours_on", hours=f"{figures.year_hours:g}", target=f"{figures.year_target:g}",
                            expected=f"{figures.expected_by_now:g}"), OK
        lines.append(HomeLine("term", "hours", text, state, Jump("hours")))
    if figures.remote_short:
        lines.append(HomeLine("term", "hours", t("home.remote_short", hours=f"{figures.remote_term:g}",
                                                 minimum=f"{figures.remote_minimum:g}"), DUE, Jump("hours")))
    for training in figures.reports_owed:
        lines.append(HomeLine("term", "report", t("home.report_owed", what=training.report_back,
                                                  title=training.title), OVERDUE, Jump("hours", training.id)))
    return lines


def _stamp_day(document: Document) -> str:
    """``11-06``: the day of a document's last step (its hand-in, for one waiting for review)."""
    at = str(document.history[-1].get("at", "")) if document.history else ""
    return at[5:10] if len(at) >= 10 else "?"


def scores_owed(store, teacher: Teacher, term: Term) -> list[HomeLine]:
    """评比 the teacher judges whose entries still lack their score (models/competitions.py)."""
    from models.competitions import competitions_of, entries_of, scores_of

    lines = []
    for competition in competitions_of(store, term.term_id):
        if competition.status == "published" or teacher.id not in competition.judge_ids:
            continue
        scored = {s.entry_id for s in scores_of(store, competition) if s.judge_id == teacher.id}
        waiting = [e for e in entries_of(store, competition) if e.id not in scored]
        if waiting:
            lines.append(HomeLine("term", "judge", t("home.judge", name=competition.name, count=len(waiting)), DUE,
                                  Jump("competition", competition.id)))
    return lines


def build_home(store, teacher: Teacher, today: dt.date, term: Term | None = None) -> Home:
    """Everything ``teacher`` owes on ``today``, in the current term (or ``term``)."""
    term = term or current_term(store.all(Term), today)
    home = Home(teacher=teacher, term=term, today=today)
    if term is None:
        return home
    policy = store.policy()
    tid = term.term_id
    home.week = max(0, week_of(term, today)) if today >= term.start_date else 0
    home.weeks = weeks_in(term)
    groups = {g.id: g for g in store.all(Group)}
    teachers = {x.id: x for x in store.all(Teacher)}
    activities = [a for a in store.all(Activity) if a.term_id == tid]
    lines = home.lines

    # -- this week ---------------------------------------------------------------------
    turns = next_turns(activities, teacher.id, today)
    speak, host = turns.get("speak"), turns.get("host")
    if speak is not None and host is not None and speak.id == host.id:
        lines.append(HomeLine("week", "speak", t("home.speak_and_host", when=_when(speak, policy),
                                                   what=_what(speak, groups)), DUE, Jump("activity", speak.id)))
    else:
        for kind, activity in (("speak", speak), ("host", host)):
            if activity is not None:
                lines.append(HomeLine("week", kind, t(f"home.{kind}", when=_when(activity, policy),
                                                      what=_what(activity, groups)), DUE,
                                      Jump("activity", activity.id)))
    listed = {line.jump.record_id for line in lines}
    for activity in attending_this_week(activities, teacher.id, today):
        if activity.id in listed:
            continue
        place = f" · {activity.place}" if activity.place else ""
        lines.append(HomeLine("week", "attend", t("home.attend", when=_when(activity, policy), place=place,
                                                  what=_what(activity, groups)), DUE, Jump("activity", activity.id)))

    # -- this term ---------------------------------------------------------------------
    if today >= term.start_date:
        status = quota_status(store, teacher, term, today)
        if status.quota:
            if status.done >= status.quota:
                text, state = t("home.pace_met", done=status.done, quota=status.quota), OK
            elif status.behind:
                text, state = t("home.pace_behind", done=status.done, quota=status.quota,
                                expected=status.expected, short=status.expected - status.done), OVERDUE
            else:
                text, state = t("home.pace_on", done=status.done, quota=status.quota, expected=status.expected), OK
            lines.append(HomeLine("term", "pace", text, state, Jump("observe")))
        lines.extend(requirements_owed(store, teacher, term, today))
        lines.extend(hours_owed(store, teacher, term, today))

        meetings = [m for m in store.all(MentorMeeting) if m.term_id == tid]
        observations = [o for o in store.all(Observation) if o.term_id == tid]
        for pairing in store.all(Pairing):
            if teacher.id not in (pairing.mentor_id, pairing.mentee_id) or pairing.status != "active":
                continue
            if not covers_term(pairing, tid):
                continue
            progress = progress_of(pairing, term, meetings, observations, today, policy)
            if progress is None:
                continue
            other = teachers.get(pairing.mentee_id if pairing.mentor_id == teacher.id else pairing.mentor_id)
            name = other.name if other else "?"
            if progress.shortfall:
                lines.append(HomeLine("term", "meeting", t("home.meeting_behind", name=name,
                                                           held=progress.meetings_held,
                                                           due=progress.meetings_due, short=progress.shortfall),
                                      OVERDUE, Jump("meetings", pairing.id)))
            elif progress.meetings_expected > progress.meetings_held:
                lines.append(HomeLine("term", "meeting", t("home.meeting_due", name=name,
                                                           held=progress.meetings_held),
                                      DUE, Jump("meetings", pairing.id)))

        for activity in minutes_owed(activities, groups, teacher.id, today):
            days = (today - dt.date.fromisoformat(activity.date)).days
            # the school's own number of days (policy.minutes_due_days), as the dashboard flags them
            state = DUE if days < getattr(policy, "minutes_due_days", MINUTES_GRACE_DAYS) else OVERDUE
            lines.append(HomeLine("term", "minutes", t("home.minutes", when=short_day(activity.date),
                                                       what=_what(activity, groups), days=days),
                                  state, Jump("activity", activity.id)))

        owed = documents_owed(store, teacher, term, today)
        lines.extend(owed)
        lines.extend(reviews_owed(store, teacher, term, {line.jump.record_id for line in owed}))
        lines.extend(scores_owed(store, teacher, term))

        waiting = suggestions_to_follow_up(observations, teacher.id, tid)
        for observation in reversed(waiting[-FOLLOW_UPS_SHOWN:]):
            other = teachers.get(observation.teacher_id)
            lines.append(HomeLine("term", "follow_up", t("home.follow_up", name=other.name if other else "?",
                                                         when=f"{dt.date.fromisoformat(observation.date):%m-%d}",
                                                         topic=book_title(observation.topic)),
                                  DUE, Jump("observe", observation.teacher_id)))
        if len(waiting) > FOLLOW_UPS_SHOWN:
            lines.append(HomeLine("term", "follow_up", t("home.follow_up_more", count=len(waiting) - FOLLOW_UPS_SHOWN),
                                  DUE, Jump("observations")))
    return home
