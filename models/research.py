"""课题与学时 (issue 18): research projects with their stages, and teachers' study hours.

Projects (:class:`models.records.Project`) run over years: a number, title, level, a host
and members, a start and a planned end, and four stages (立项, 开题, 中期, 结题), each
with a planned date, a status (planned/done) and documents (text written in jiaoyan or
taken from a .docx/.txt/.md through :func:`models.documents.text_from_file`). A stage
still planned after its date is overdue: the dashboard's attention list names it.

Study hours (学时) are derived where jiaoyan knows them — every held activity a teacher
attended (present) counts its length: the event's own ``study_hours`` when it has one,
else its period's length in the policy divided by ``Policy.study_hour_minutes`` — and
recorded for outside training (:class:`models.records.Training`, 外出学习). Each
teacher's hours this term and this school year stand against the policy's yearly target
(72 by the national rule) and, when the school asks it, a per-term minimum of remote
training. Training that owes a 汇报课 or a report is flagged until it is given.

Who may change what (models/permissions.py): the office everything; a project's host
its stages, documents and note; a teacher their own training records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from models.errors import InputError
from models.i18n import t
from models.records import (PROJECT_STAGES, Activity, Policy, Project, Teacher, Term, Training, normalize_level)
from models.terms import is_archived

STAGE_SPACING_DAYS = {"开题": 60}  # 开题 about two months after 立项; 中期 half way; 结题 at the planned end


class ResearchInputError(InputError, ValueError):
    """Something typed for a project or a training that cannot be used; the message says why."""


# -- projects ------------------------------------------------------------------------------


def default_stages(start: str, planned_end: str) -> list[dict]:
    """The four stages with planned dates: 立项 on the start, 开题 two months later, 中期
    half way, 结题 on the planned end (no date when there is no planned end)."""
    first = dt.date.fromisoformat(start)
    end = dt.date.fromisoformat(planned_end) if planned_end else None
    opening = first + dt.timedelta(days=STAGE_SPACING_DAYS["开题"])
    if end is not None and opening > end:
        opening = end
    middle = first + (end - first) / 2 if end is not None else None
    dates = {"立项": first, "开题": opening, "中期": middle, "结题": end}
    return [{"name": name, "date": dates[name].isoformat() if dates[name] else "", "status": "planned",
             "done_on": "", "documents": []} for name in PROJECT_STAGES]


def stage(project: Project, name: str) -> dict | None:
    return next((s for s in project.stages if s.get("name") == name), None)


def current_stage(project: Project) -> dict | None:
    """The first stage not done yet (None when the project is through 结题)."""
    return next((s for s in project.stages if s.get("status") != "done"), None)


def project_state(project: Project) -> str:
    """``结题`` when done, else the last stage done (``未立项`` before any)."""
    done = [s.get("name", "") for s in project.stages if s.get("status") == "done"]
    return done[-1] if done else t("research.state.none")


def stage_overdue(item: dict, as_of: dt.date) -> bool:
    return item.get("status") != "done" and bool(item.get("date")) and item["date"] < as_of.isoformat()


def overdue_stages(projects: Iterable[Project], as_of: dt.date) -> list[tuple[Project, dict]]:
    """(project, stage) of every stage still planned after its date, oldest first."""
    found = [(p, s) for p in projects for s in p.stages if stage_overdue(s, as_of)]
    return sorted(found, key=lambda pair: (pair[1].get("date", ""), pair[0].id))


def projects_of(projects: Iterable[Project], teacher_id: int) -> list[Project]:
    """The projects a teacher hosts or works on."""
    return [p for p in projects if p.host_id == teacher_id or teacher_id in p.member_ids]


def new_project(*, number: str, title: str, level: str, host_id: int, member_ids: list[int], start: str,
                planned_end: str = "") -> Project:
    """A project with its four stages planned (dates as :func:`default_stages` puts them)."""
    members = [m for m in dict.fromkeys(member_ids) if m and m != host_id]
    project = Project(number=number.strip(), title=title.strip(), level=normalize_level(level), host_id=host_id,
                      member_ids=members, start=start, planned_end=planned_end)
    problems = project.validate()
    if problems:
        raise ResearchInputError("；".join(str(p) for p in problems))
    return project.copy(stages=default_stages(start, planned_end))


def with_stage(project: Project, name: str, **changes) -> Project:
    """The project with one stage changed (a new list: the stored one is left alone)."""
    if stage(project, name) is None:
        raise ResearchInputError(t("research.error.no_stage", name=name, stages="、".join(PROJECT_STAGES)))
    stages = [dict(s, **changes) if s.get("name") == name else dict(s) for s in project.stages]
    return project.copy(stages=stages)


def mark_stage(project: Project, name: str, done: bool, day: dt.date) -> Project:
    """The stage marked done on ``day`` (or back to planned)."""
    if done:
        return with_stage(project, name, status="done", done_on=day.isoformat())
    return with_stage(project, name, status="planned", done_on="")


def add_stage_document(project: Project, name: str, title: str, text: str, source: str = "") -> Project:
    """A document (its text) added to a stage: a 开题报告, a 中期报告 …"""
    if not title.strip():
        raise ResearchInputError(t("error.required", field=t("field.title")))
    item = stage(project, name)
    if item is None:
        raise ResearchInputError(t("research.error.no_stage", name=name, stages="、".join(PROJECT_STAGES)))
    documents = [dict(d) for d in item.get("documents", [])]
    documents.append({"title": title.strip(), "text": text, "source": source})
    return with_stage(project, name, documents=documents)


def replace_stage_document(project: Project, name: str, index: int, title: str, text: str) -> Project:
    item = stage(project, name)
    documents = [dict(d) for d in (item or {}).get("documents", [])]
    if not 0 <= index < len(documents):
        raise ResearchInputError(t("research.error.no_document"))
    documents[index].update(title=title.strip() or documents[index].get("title", ""), text=text)
    return with_stage(project, name, documents=documents)


def edit_project(project: Project, *, number: str | None = None, title: str | None = None,
                 level: str | None = None, host_id: int | None = None, member_ids: list[int] | None = None,
                 start: str | None = None, planned_end: str | None = None) -> Project:
    """The project with its facts changed (``None``: left as it is), checked; nothing is stored.

    The stages follow only where nothing done is touched: 立项 moves with the start and 结题
    with the planned end while they are still planned; a stage done keeps its dates, and the
    other planned stages keep theirs (``e`` on the project's page moves them)."""
    host = project.host_id if host_id is None else host_id
    members = project.member_ids if member_ids is None else member_ids
    changed = project.copy(
        number=project.number if number is None else number.strip(),
        title=project.title if title is None else title.strip(),
        level=project.level if level is None else normalize_level(level), host_id=host,
        member_ids=[m for m in dict.fromkeys(members) if m and m != host],
        start=project.start if start is None else start,
        planned_end=project.planned_end if planned_end is None else planned_end)
    stages = []
    for item in project.stages:
        item = dict(item)
        if item.get("status") != "done":
            if item.get("name") == "立项" and changed.start != project.start:
                item["date"] = changed.start
            if item.get("name") == "结题" and changed.planned_end != project.planned_end:
                item["date"] = changed.planned_end
        stages.append(item)
    changed = changed.copy(stages=stages)
    problems = changed.validate()
    if problems:
        raise ResearchInputError("；".join(str(p) for p in problems))
    return changed


def kept_done_stages(before: Project, after: Project) -> list[str]:
    """The stages done whose dates an edit of the start or planned end did not move."""
    moved = (before.start != after.start, before.planned_end != after.planned_end)
    names = {"立项": moved[0], "结题": moved[1]}
    return [s.get("name", "") for s in before.stages if s.get("status") == "done" and names.get(s.get("name"))]


def _check_number(tx, project: Project) -> None:
    """A project's number is the approving office's: two projects never share one."""
    if not project.number:
        return
    before = tx.get(Project, project.id) if project.id else None
    if before is not None and before.number == project.number:
        return  # unchanged: a stage edit is never refused for an old clash
    if any(p.number == project.number and p.id != project.id for p in tx.all(Project)):
        raise ResearchInputError(t("research.error.duplicate_number", number=project.number))


def save_project(store, project: Project) -> Project:
    with store.transaction() as tx:
        _check_number(tx, project)
        if project.id:
            return tx.update(project)
        return tx.insert(project)


def delete_project(store, project: Project) -> None:
    """The project removed (the office: the store's guard says who)."""
    with store.transaction() as tx:
        tx.delete(project)


def project_by_ref(projects: Iterable[Project], ref: str) -> Project | None:
    """A project by its number, else by its id."""
    ref = ref.strip()
    projects = list(projects)
    found = next((p for p in projects if p.number and p.number == ref), None)
    if found is None and ref.isdigit():
        found = next((p for p in projects if p.id == int(ref)), None)
    return found


# -- study hours ------------------------------------------------------------------------------


def school_year_of(term_id: str) -> str:
    """``2025-2026-1`` → ``2025-2026``."""
    return term_id.rsplit("-", 1)[0]


def terms_of_year(terms: Iterable[Term], year: str) -> list[Term]:
    """The terms of a school year (``2025-2026``), first term first."""
    return sorted((x for x in terms if school_year_of(x.term_id) == year), key=lambda x: x.term_id)


def period_minutes(policy: Policy, period: int) -> int:
    """The length of a period of the school day (the first period's when none is given)."""
    periods = policy.periods or []
    if not periods:
        return policy.study_hour_minutes
    chosen = periods[period - 1] if 1 <= period <= len(periods) else periods[0]
    try:
        start = dt.datetime.strptime(chosen.get("start", ""), "%H:%M")
        end = dt.datetime.strptime(chosen.get("end", ""), "%H:%M")
    except ValueError:
        return policy.study_hour_minutes
    return max(0, int((end - start).total_seconds() // 60))


def activity_hours(activity: Activity, policy: Policy) -> float:
    """学时 one attendee earns at a held activity."""
    if activity.study_hours:
        return float(activity.study_hours)
    return round(period_minutes(policy, activity.period) / max(1, policy.study_hour_minutes), 2)


@dataclass
class HoursLine:
    """One line of a teacher's study hours: where they came from."""

    date: str
    what: str
    hours: float
    source: str  # activity | training
    term_id: str = ""
    remote: bool = False
    record_id: int = 0


def hours_by_teacher(source, term_ids: Iterable[str], policy: Policy | None = None) -> dict[int, list[HoursLine]]:
    """Every teacher's sources of hours in these terms, by date, in one pass over the
    records. ``source`` is the store or an :class:`models.store.archive.ArchiveView`
    (archived terms count too)."""
    from models.records import Group

    wanted = set(term_ids)
    policy = policy or source.policy()
    groups = {g.id: g.name for g in source.all(Group)}
    found: dict[int, list[HoursLine]] = {}
    for a in source.all(Activity):
        if a.term_id not in wanted or a.status != "held":
            continue
        present = [int(k) for k, mark in a.attendance.items() if mark == "present" and str(k).isdigit()]
        if not present:
            continue
        what = groups.get(a.group_id) or a.event or t("calendar.school_wide")
        if a.topic:
            what += " · " + a.topic
        hours = activity_hours(a, policy)
        for teacher_id in present:
            found.setdefault(teacher_id, []).append(HoursLine(a.date, what, hours, "activity", a.term_id,
                                                              record_id=a.id))
    for x in source.all(Training):
        if x.term_id in wanted:
            what = t("research.hours.training", title=x.title, place=x.place) if x.place else x.title
            found.setdefault(x.teacher_id, []).append(HoursLine(x.start, what, float(x.hours), "training",
                                                                x.term_id, remote=x.remote, record_id=x.id))
    for lines in found.values():
        lines.sort(key=lambda line: (line.date, line.source, line.record_id))
    return found


def hours_lines(source, teacher_id: int, term_ids: Iterable[str], policy: Policy | None = None) -> list[HoursLine]:
    """One teacher's sources of hours in these terms, by date."""
    return hours_by_teacher(source, term_ids, policy).get(teacher_id, [])


@dataclass
class TeacherHours:
    teacher: Teacher
    term_hours: float  # this term
    year_hours: float  # this school year, both terms
    year_target: float
    expected_by_now: float  # of the year's target, by the day the figures stand at
    remote_term: float
    remote_minimum: float  # per term; 0 = no such rule
    reports_owed: list[Training] = field(default_factory=list)

    @property
    def behind(self) -> bool:
        return self.year_hours < self.expected_by_now

    @property
    def remote_short(self) -> bool:
        return self.remote_minimum > 0 and self.remote_term < self.remote_minimum


def reports_owed(trainings: Iterable[Training], teacher_id: int | None = None) -> list[Training]:
    """Training after which a 汇报课 or a report is owed and not yet given."""
    return sorted((x for x in trainings if x.report_back and not x.reported_on
                   and (teacher_id is None or x.teacher_id == teacher_id)), key=lambda x: (x.start, x.id))


def year_expected(target: float, year_terms: list[Term], as_of: dt.date) -> float:
    """How much of the year's target should be done by ``as_of``: in proportion to the
    school year's days passed (a term's share is its length; a second term not set up yet
    counts as long as the first)."""
    total = sum((x.end_date - x.start_date).days + 1 for x in year_terms)
    if len(year_terms) == 1 and year_terms[0].term_id.endswith("-1"):
        total *= 2  # the second term is not set up yet: it is taken to be as long as the first
    if total <= 0:
        return 0.0
    passed = 0
    for x in year_terms:
        if as_of >= x.end_date:
            passed += (x.end_date - x.start_date).days + 1
        elif as_of >= x.start_date:
            passed += (as_of - x.start_date).days + 1
    return round(target * passed / total, 1)


def hours_of_teachers(source, term: Term, teachers: Iterable[Teacher], as_of: dt.date) -> list[TeacherHours]:
    """Each teacher's hours this term and this school year (both terms, an archived first
    one too: pass an ArchiveView over the year's terms), against the policy's targets."""
    policy = source.policy()
    year_terms = terms_of_year(source.all(Term), school_year_of(term.term_id)) or [term]
    year_ids = [x.term_id for x in year_terms]
    by_teacher = hours_by_teacher(source, year_ids, policy)
    trainings = [x for x in source.all(Training) if x.term_id in year_ids]
    expected = year_expected(policy.study_hours_per_year, year_terms, as_of)
    figures = []
    for teacher in teachers:
        lines = by_teacher.get(teacher.id, [])
        in_term = [x for x in lines if x.term_id == term.term_id]
        figures.append(TeacherHours(
            teacher=teacher, term_hours=round(sum(x.hours for x in in_term), 2),
            year_hours=round(sum(x.hours for x in lines), 2), year_target=policy.study_hours_per_year,
            expected_by_now=expected,
            remote_term=round(sum(x.hours for x in in_term if x.remote), 2),
            remote_minimum=policy.remote_hours_per_term,
            reports_owed=reports_owed(trainings, teacher.id)))
    return figures


def teacher_hours(source, term: Term, teacher: Teacher, as_of: dt.date) -> TeacherHours:
    return hours_of_teachers(source, term, [teacher], as_of)[0]


def new_training(store, *, teacher_id: int, title: str, place: str, start: str, end: str, hours: float,
                 remote: bool = False, report_back: str = "") -> Training:
    """An outside training, in the term its first day falls in."""
    from models.terms import term_of

    try:
        first = dt.date.fromisoformat(start)
    except ValueError:
        raise ResearchInputError(t("error.bad_date", field=t("field.start"), value=start)) from None
    term = term_of(store.all(Term), first)
    if term is None:
        raise ResearchInputError(t("research.error.no_term_for", date=start))
    if is_archived(term):
        raise ResearchInputError(t("research.error.term_archived", term=term.term_id))
    training = Training(teacher_id=teacher_id, term_id=term.term_id, title=title.strip(), place=place.strip(),
                        start=start, end=end or start, hours=hours, remote=remote, report_back=report_back)
    problems = training.validate()
    if problems:
        raise ResearchInputError("；".join(str(p) for p in problems))
    return training
