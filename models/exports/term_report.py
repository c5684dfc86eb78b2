"""End-of-term materials: the figures and records a school hands in, as Word, Excel or Markdown.

:func:`term_report` gathers the parts (themes, each group's activity records,
observation statistics per teacher and group, the observation log, mentoring,
outcomes and points) as plain tables; the writers below lay them out. The
observation log shows comments only where :mod:`models.permissions` lets the
reader see them. Reads go through a source (the Store or an ArchiveView), so an
archived term reports exactly as it did before it was closed. The result is a
:class:`~models.exports.content.Report`; :func:`models.exports.registry.render`
writes it as Word, Excel or Markdown.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from models.dashboard import build_dashboard
from models.i18n import t
from models.permissions import readable
from models.exports.content import Part, Percent, Report, Table, as_date
from models.exports.registry import formats_for, render, save
from models.exports.word import cn_date
from models.points import outcome_line
from models.records import (
    OUTCOME_KINDS, Activity, Group, MentorMeeting, Observation, Outcome, Pairing, Teacher, Term,
)

KIND = "report"
FORMATS = formats_for(KIND)


def _names(source) -> dict[int, str]:
    return {x.id: x.name for x in source.all(Teacher)}


def _pct(value: float | None) -> Percent | str:
    return "—" if value is None else Percent(value)


def attendance_cell(activity: Activity, teachers: dict[int, Teacher]) -> str:
    """``12/14`` with the names of those on leave and absent (issue 16: names, not only counts)."""
    from models.activities import attendance_names

    if not activity.attendance:
        return "—"
    names = attendance_names(activity, teachers)
    cell = f"{len(names['present'])}/{len(activity.attendance)}"
    for mark in ("leave", "absent"):
        if names[mark]:
            cell += f"\n{t('calendar.column.' + mark)}：{'、'.join(names[mark])}"
    return cell


def term_report(source, term: Term, today: dt.date, viewer: Teacher | None) -> Report:
    """The term's hand-in materials as tables."""
    dash = build_dashboard(source, term, today)
    names = _names(source)
    groups = {g.id: g for g in source.all(Group)}
    teachers = {x.id: x for x in source.all(Teacher)}
    tid = term.term_id
    parts: list[Part] = []

    themes = Table(t("dashboard.report.themes"),
                   [t("dashboard.col.group"), t("dashboard.col.leader"), t("dashboard.col.theme")],
                   [[g.group.name, names.get(g.group.leader_id, ""), g.theme or t("dashboard.theme_missing")]
                    for g in dash.groups], [3, 2, 7])
    parts.append(Part(t("dashboard.report.themes"), sheet=t("dashboard.sheet.themes"), blocks=[themes]))

    activities = sorted((a for a in source.all(Activity) if a.term_id == tid and a.status in ("held", "cancelled")),
                        key=lambda a: (a.date, a.period))
    tables = []
    headers = [t("dashboard.col.date"), t("dashboard.col.topic"), t("dashboard.col.host"),
               t("dashboard.col.speaker"), t("dashboard.col.attendance"), t("dashboard.col.minutes")]
    for group_id in [g.group.id for g in dash.groups] + [0]:
        mine = [a for a in activities if a.group_id == group_id]
        if not mine:
            continue
        title = groups[group_id].name if group_id in groups else t("dashboard.school_events")
        rows = []
        for a in mine:
            attendance = attendance_cell(a, teachers)
            minutes = a.minutes if a.status == "held" else t("dashboard.cancelled_because", reason=a.cancel_reason)
            rows.append([as_date(a.date), a.topic or a.event, names.get(a.host_id, ""), names.get(a.speaker_id, ""),
                         attendance, minutes])
        tables.append(Table(title, headers, rows, [2, 4, 1.5, 1.5, 1.2, 7]))
    parts.append(Part(t("dashboard.report.activities"), sheet=t("dashboard.sheet.activities"), blocks=tables))

    per_teacher = Table(
        t("dashboard.report.obs_teachers"),
        [t("dashboard.col.teacher"), t("dashboard.col.groups"), t("dashboard.col.given"), t("dashboard.col.quota"),
         t("dashboard.col.pace"), t("dashboard.col.received"), t("dashboard.col.research"), t("dashboard.col.talk")],
        [[f.teacher.name, "、".join(f.groups), f.given, f.quota, f.pace_marker, f.received,
          f.research_lessons, f.talks] for f in sorted(dash.teachers, key=lambda f: f.teacher.id)],
        [2, 4, 1, 1, 1, 1, 1, 1])
    per_group_rows = []
    for g in dash.groups:
        members = [f for f in dash.teachers if f.teacher.id in g.group.member_ids]
        given = sum(f.given for f in members)
        quota = sum(f.quota for f in members)
        per_group_rows.append([g.group.name, len(members), given, quota, _pct(given / quota if quota else None),
                               sum(f.received for f in members)])
    per_group = Table(t("dashboard.report.obs_groups"),
                      [t("dashboard.col.group"), t("dashboard.col.members"), t("dashboard.col.given"),
                       t("dashboard.col.quota"), t("dashboard.col.done_rate"), t("dashboard.col.received")],
                      per_group_rows, [3, 1, 1, 1, 1, 1])
    parts.append(Part(t("dashboard.report.observations"), sheet=t("dashboard.sheet.observations"), blocks=[per_teacher, per_group]))

    log_rows = []
    for o in sorted((o for o in source.all(Observation) if o.term_id == tid), key=lambda o: (o.date, o.period)):
        shown = readable(source, viewer, o)
        log_rows.append([as_date(o.date), names.get(o.observer_id, ""), names.get(o.teacher_id, ""), o.topic, o.lesson_type,
                         shown.process, shown.strengths, shown.shortcomings, shown.suggestions, shown.rating])
    log = Table(t("dashboard.report.obs_log"),
                [t("dashboard.col.date"), t("dashboard.col.observer"), t("dashboard.col.teacher"),
                 t("dashboard.col.topic"), t("dashboard.col.lesson_type"), t("observations.col.process"),
                 t("dashboard.col.strengths"), t("dashboard.col.shortcomings"), t("dashboard.col.suggestions"),
                 t("dashboard.col.rating")],
                log_rows, [2, 1.5, 1.5, 3, 1.2, 4, 3, 3, 3, 1])
    parts.append(Part(t("dashboard.report.obs_log"), sheet=t("dashboard.sheet.obs_log"), blocks=[log],
                      note=t("dashboard.report.obs_log_note")))

    pair_rows = [[names.get(p.pairing.mentor_id, ""), names.get(p.pairing.mentee_id, ""), p.pairing.subject,
                  p.meetings, p.expected] for p in dash.pairings]
    pairings = {p.id: p for p in source.all(Pairing)}
    meeting_rows = []
    for m in sorted((m for m in source.all(MentorMeeting) if m.term_id == tid), key=lambda m: m.date):
        p = pairings.get(m.pairing_id)
        meeting_rows.append([as_date(m.date), names.get(p.mentor_id, "") if p else "", names.get(p.mentee_id, "") if p else "",
                             m.kind, m.content])
    parts.append(Part(t("dashboard.report.mentoring"), sheet=t("dashboard.sheet.mentoring"), blocks=[
        Table(t("dashboard.report.pairings"),
              [t("dashboard.col.mentor"), t("dashboard.col.mentee"), t("dashboard.col.subject"),
               t("dashboard.col.meetings"), t("dashboard.col.expected")], pair_rows, [2, 2, 2, 1, 1]),
        Table(t("dashboard.report.meetings"),
              [t("dashboard.col.date"), t("dashboard.col.mentor"), t("dashboard.col.mentee"),
               t("dashboard.col.kind"), t("dashboard.col.content")], meeting_rows, [2, 1.5, 1.5, 1.5, 7]),
    ]))

    outcomes = sorted((o for o in source.all(Outcome) if o.term_id == tid), key=lambda o: (o.teacher_id, o.date))
    policy = source.policy()
    outcome_rows = [[names.get(o.teacher_id, ""), o.kind, o.title, o.level, o.award, as_date(o.date),
                     outcome_line(policy, o).points] for o in outcomes]
    points_rows = [[f.teacher.name, f.outcomes, f.points]
                   for f in sorted(dash.teachers, key=lambda f: (-f.points, f.teacher.id)) if f.outcomes or f.points]
    parts.append(Part(t("dashboard.report.outcomes"), sheet=t("dashboard.sheet.outcomes"), blocks=[
        Table(t("dashboard.report.outcome_list"),
              [t("dashboard.col.teacher"), t("dashboard.col.kind"), t("dashboard.col.title"), t("dashboard.col.level"),
               t("dashboard.col.award"), t("dashboard.col.date"), t("dashboard.col.points")],
              outcome_rows, [1.5, 1.5, 5, 1, 1, 2, 1]),
        Table(t("dashboard.report.points"),
              [t("dashboard.col.teacher"), t("dashboard.col.outcomes"), t("dashboard.col.points")],
              points_rows, [2, 1, 1]),
    ]))
    school = source.policy().school_name
    return Report(t("dashboard.report.title", school=school, term=term.name), parts,
                  subtitle=t("dashboard.report.subtitle", day=cn_date(dash.as_of)), school=school, term=term.name)


# The booklet puts reflections and cases first, as schools bind them.
BOOKLET_ORDER = ("教学反思", "教学案例", "教学随笔", "教学论文", "教学设计", "读书笔记", "课题", "获奖", "公开课")


def outcomes_booklet(source, term: Term) -> Report:
    """The term's outcomes collected by kind, reflections and cases first."""
    names = _names(source)
    outcomes = [o for o in source.all(Outcome) if o.term_id == term.term_id]
    parts = []
    for kind in BOOKLET_ORDER + tuple(k for k in OUTCOME_KINDS if k not in BOOKLET_ORDER):
        mine = sorted((o for o in outcomes if o.kind == kind), key=lambda o: (o.date, o.id))
        if not mine:
            continue
        rows = [[o.title, names.get(o.teacher_id, ""), o.level, o.award, as_date(o.date), o.points] for o in mine]
        parts.append(Part(kind, sheet=kind, blocks=[Table(kind, [t("dashboard.col.title"), t("dashboard.col.teacher"),
                                                   t("dashboard.col.level"), t("dashboard.col.award"),
                                                   t("dashboard.col.date"), t("dashboard.col.points")],
                                             rows, [5, 1.5, 1, 1, 2, 1])]))
    school = source.policy().school_name
    return Report(t("dashboard.booklet.title", school=school, term=term.name), parts,
                  subtitle=t("dashboard.booklet.subtitle", count=len(outcomes)), school=school, term=term.name)


def default_report_name(kind: str, term_id: str, fmt: str) -> str:
    return t(f"dashboard.file.{kind}", term=term_id) + f".{fmt}"


def write_report(path: Path, payload: bytes) -> None:
    """Write through a temporary file, so a half-written report never replaces a good one."""
    save(Path(path), payload)


__all__ = ["FORMATS", "KIND", "Part", "Report", "Table", "default_report_name", "outcomes_booklet", "render",
           "term_report", "write_report"]
