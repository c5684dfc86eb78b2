"""The school year (学年) for the annual review (年度考核, issue 18): both terms summed per
teacher — points (models/points.py, with how each was earned), study hours
(models/research.py), lessons observed and taught, outcomes — including a first term
that is already archived (read through :class:`models.store.archive.ArchiveView`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from models.errors import InputError
from models.i18n import t
from models.records import Observation, Outcome, Teacher, Term


class UnknownYear(InputError, ValueError):
    """No term of that school year; the message lists the years there are."""


@dataclass
class TeacherYear:
    teacher: Teacher
    points_by_term: dict[str, float] = field(default_factory=dict)  # term id → total
    point_lines: list[tuple[str, object]] = field(default_factory=list)  # (term id, models.points.PointLine)
    hours: float = 0.0
    hours_target: float = 0.0
    observed: int = 0  # lessons observed (听课), both terms
    taught: int = 0  # lessons taught that were observed (上课, 被听课)
    outcomes: int = 0
    outcomes_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def points(self) -> float:
        return round(sum(self.points_by_term.values()), 2)


@dataclass
class YearReview:
    year: str  # 2025-2026
    terms: list[Term]
    rows: list[TeacherYear]


def year_ids(terms: list[Term]) -> list[str]:
    """The school years there are terms of, oldest first."""
    from models.research import school_year_of

    return sorted({school_year_of(x.term_id) for x in terms})


def year_review(store, year: str, today: dt.date) -> YearReview:
    """Every teacher's figures over the school year ``year`` (``2025-2026``)."""
    from models.dashboard import name_sort_key, teachers_of_term
    from models.points import points_of
    from models.research import hours_by_teacher, terms_of_year
    from models.store.archive import ArchiveView

    year = year.strip()
    terms = terms_of_year(store.all(Term), year)
    if not terms:
        raise UnknownYear(t("year.error.no_year", year=year, known="、".join(year_ids(store.all(Term))) or "—"))
    ids = [x.term_id for x in terms]
    source = ArchiveView(store, ids)
    policy = source.policy()
    observations = [o for o in source.all(Observation) if o.term_id in ids]
    outcomes = [o for o in source.all(Outcome) if o.term_id in ids]
    teachers: dict[int, Teacher] = {}
    for term in terms:
        for teacher in teachers_of_term(source, term, [o for o in observations if o.term_id == term.term_id]):
            teachers.setdefault(teacher.id, teacher)
    rows = {x.id: TeacherYear(teacher=x, hours_target=policy.study_hours_per_year) for x in teachers.values()}
    for term in terms:
        if term.start_date > today:
            continue  # a term still ahead has nothing to sum yet
        for teacher_id, points in points_of(source, term).items():
            row = rows.get(teacher_id)
            if row is None:
                continue
            row.points_by_term[term.term_id] = points.total
            row.point_lines.extend((term.term_id, line) for line in points.lines)
    for teacher_id, lines in hours_by_teacher(source, ids, policy).items():
        if teacher_id in rows:
            rows[teacher_id].hours = round(sum(x.hours for x in lines), 2)
    observed = Counter(o.observer_id for o in observations)
    taught = Counter(o.teacher_id for o in observations)
    for row in rows.values():
        row.observed, row.taught = observed[row.teacher.id], taught[row.teacher.id]
    for o in outcomes:
        row = rows.get(o.teacher_id)
        if row is not None:
            row.outcomes += 1
            row.outcomes_by_kind[o.kind] = row.outcomes_by_kind.get(o.kind, 0) + 1
    ordered = sorted(rows.values(), key=lambda r: (name_sort_key(r.teacher.name), r.teacher.id))
    return YearReview(year=year, terms=terms, rows=ordered)
