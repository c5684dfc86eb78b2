"""积分: each teacher's points in a term, with how every point was earned.

One function, :func:`points_of`, gives them for the dashboard, the teacher's page, the
term report and anything that sums a year. Points are derived from the records and
the term's policy every time (an archived term answers with the policy it closed with):

* an outcome (教研成果) earns its kind's own points, plus what its level adds
  (``Policy.level_points``) — or, when it won an award, what an award at that level
  adds (``Policy.award_points``: a district award more than a school one);
* a 评比 result (models/competitions.py), once the office publishes it, earns the
  award points of the competition's level for a prize, and what the level adds for
  each entry recommended upward (区/县, 市 …);
* a deduction, if the school turns it on (``Policy.absence_deduction`` above 0), takes
  points for each held research activity the teacher missed without leave.

``source`` is the Store or an archive view (``models.store.archive.view_for``); both
answer ``all(cls)`` and ``policy()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.i18n import t
from models.records import Activity, Group, Outcome, Term

OUTCOME, COMPETITION, DEDUCTION = "outcome", "competition", "deduction"


@dataclass(frozen=True)
class PointLine:
    """One reason for points: what it was, on which day, and how many (negative: a deduction)."""

    source: str  # OUTCOME, COMPETITION or DEDUCTION
    date: str
    label: str  # what earned it: 教学反思《…》, 评比《…》一等奖, 缺席 语文教研组·…
    detail: str  # how the figure is made: 教学反思 0.5 + 区/县级 1
    points: float
    record_id: int = 0


@dataclass
class Points:
    """A teacher's points in a term: the total and its lines, oldest first."""

    teacher_id: int
    lines: list[PointLine] = field(default_factory=list)

    @property
    def total(self) -> float:
        return round(sum(line.points for line in self.lines), 2)

    @property
    def earned(self) -> float:
        return round(sum(line.points for line in self.lines if line.points > 0), 2)

    @property
    def deducted(self) -> float:
        return round(-sum(line.points for line in self.lines if line.points < 0), 2)

    def of(self, source: str) -> list[PointLine]:
        return [line for line in self.lines if line.source == source]


def _figure(value: float) -> str:
    return f"{value:g}"


def outcome_line(policy, outcome: Outcome) -> PointLine:
    """An outcome's points and how they are made, from the policy's point table."""
    own, level_added, award_added = policy.points_parts(outcome.kind, outcome.award, outcome.level)
    parts = [f"{outcome.kind} {_figure(own)}"]
    if level_added:
        parts.append(f"{outcome.level} {_figure(level_added)}")
    if award_added:
        parts.append(t("points.detail.award", level=outcome.level, award=outcome.award.strip(),
                       points=_figure(award_added)))
    label = t("points.label.outcome", kind=outcome.kind, title=outcome.title.replace("《", "〈").replace("》", "〉"))
    return PointLine(OUTCOME, outcome.date, label, " + ".join(parts), round(own + level_added + award_added, 2),
                     outcome.id)


def absence_lines(policy, activities: list[Activity], groups: dict[int, Group], teacher_key: str) -> list[PointLine]:
    """A deduction for each held activity the teacher was marked absent from (without leave)."""
    deduction = float(policy.absence_deduction or 0)
    if deduction <= 0:
        return []
    lines = []
    for activity in activities:
        if activity.status != "held" or activity.attendance.get(teacher_key) != "absent":
            continue
        group = groups.get(activity.group_id)
        where = group.name if group else t("points.school_wide")
        what = activity.topic or activity.event or activity.kind
        lines.append(PointLine(DEDUCTION, activity.date, t("points.label.absent", where=where, what=what),
                               t("points.detail.absent", points=_figure(deduction)), -deduction, activity.id))
    return lines


def points_of(source, term: Term) -> dict[int, Points]:
    """Every teacher's points in ``term`` who has any (teacher id → :class:`Points`)."""
    policy = source.policy()
    tid = term.term_id
    result: dict[int, Points] = {}

    def add(teacher_id: int, line: PointLine) -> None:
        result.setdefault(teacher_id, Points(teacher_id)).lines.append(line)

    for outcome in source.all(Outcome):
        if outcome.term_id == tid:
            add(outcome.teacher_id, outcome_line(policy, outcome))
    for teacher_id, line in _competition_lines(source, policy, tid):
        add(teacher_id, line)
    if float(policy.absence_deduction or 0) > 0:
        activities = [a for a in source.all(Activity) if a.term_id == tid and a.status == "held"]
        groups = {g.id: g for g in source.all(Group)}
        absent = {int(key) for a in activities for key, mark in a.attendance.items()
                  if mark == "absent" and key.isdigit()}
        for teacher_id in absent:
            for line in absence_lines(policy, activities, groups, str(teacher_id)):
                add(teacher_id, line)
    for points in result.values():
        points.lines.sort(key=lambda line: (line.date, line.source, line.record_id))
    return result


def teacher_points(source, term: Term, teacher_id: int) -> Points:
    """One teacher's points in ``term`` (an empty :class:`Points` when they have none)."""
    return points_of(source, term).get(teacher_id) or Points(teacher_id)


def _competition_lines(source, policy, term_id: str) -> list[tuple[int, PointLine]]:
    """The published 评比 results' points (models/competitions.py), when that area is there."""
    try:
        from models.competitions import result_lines
    except ImportError:
        return []
    return result_lines(source, policy, term_id)


def describe(points: Points) -> list[str]:
    """The breakdown as plain lines (the CLI, a text report)."""
    return [f"{line.date}  {line.label}  {line.detail}  {line.points:+g}" for line in points.lines]


__all__ = ["COMPETITION", "DEDUCTION", "OUTCOME", "PointLine", "Points", "describe", "outcome_line", "points_of",
           "teacher_points"]
