"""Pace through a term: how many of a quota should be done by a given week, and each
teacher's progress on the policy's requirements by role."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass


def expected_by_week(quota: int, week: int, weeks: int) -> int:
    """quota × week / weeks, rounded down, within 0 … quota."""
    if weeks <= 0 or quota <= 0:
        return 0
    week = max(0, min(week, weeks))
    return min(quota, math.floor(quota * week / weeks))


def behind_pace(done: int, quota: int, week: int, weeks: int) -> bool:
    return done < expected_by_week(quota, week, weeks)


# -- requirements by role (issue 18) ---------------------------------------------------------
# Beyond the observation quota, the policy lists per-role requirements of any countable kind
# (Policy.requirements): outcomes by kind (four 教学随笔 a term), lessons taught by type (a
# 过关课 for every teacher, a 示范课 for 骨干教师), documents by kind. Each is a number per
# term, paced through the term's school weeks like the quota (expected_by_week).

REQUIREMENT_KINDS = ("outcome", "lesson", "document")


@dataclass(frozen=True)
class RequirementProgress:
    role: str  # "" for every teacher
    kind: str  # outcome | lesson | document
    what: str  # the outcome kind, lesson type or document kind
    due: int  # this term (in proportion for a teacher who joined during it)
    done: int
    expected: int  # by the day the figures stand at

    @property
    def behind(self) -> bool:
        return self.done < self.expected

    @property
    def met(self) -> bool:
        return self.done >= self.due


def requirements_for(requirements: list[dict], roles: list[str]) -> list[dict]:
    """The policy's requirements that apply to a teacher with these roles: those for every
    teacher and those of their roles; the same thing asked twice (every teacher one 过关课,
    骨干教师 two) counts once, at its highest number."""
    chosen: dict[tuple[str, str], dict] = {}
    for requirement in requirements:
        if not isinstance(requirement, dict) or requirement.get("kind") not in REQUIREMENT_KINDS:
            continue
        role = requirement.get("role", "")
        if role and role not in roles:
            continue
        key = (requirement["kind"], str(requirement.get("what", "")))
        if key not in chosen or int(requirement.get("per_term", 0)) > int(chosen[key].get("per_term", 0)):
            chosen[key] = requirement
    return list(chosen.values())


def paced(quota: int, term, joined: str, as_of: dt.date) -> tuple[int, int]:
    """(due this term, expected by ``as_of``) of a number per term: in proportion to the
    school weeks left for someone who joined during the term (rounded up), and paced from
    their first week — the same rule as the observation quota (models/dashboard.py)."""
    from models.terms import school_weeks_between

    start = term.start_date
    due = quota
    if joined and term.start < joined <= term.end:
        start = dt.date.fromisoformat(joined)
        total = school_weeks_between(term, term.start_date, term.end_date)
        left = school_weeks_between(term, start, term.end_date)
        due = math.ceil(quota * left / total) if total else quota
    weeks = school_weeks_between(term, start, term.end_date)
    passed = school_weeks_between(term, start, as_of) if as_of >= start else 0
    return due, expected_by_week(due, passed, weeks)


def requirement_counts(outcomes, observations, documents) -> Counter:
    """What each teacher did that a requirement can count, keyed (kind, what, teacher id):
    outcomes by kind, lessons they taught by type (observations of them), documents they
    handed in (submitted or approved) by kind."""
    counts: Counter = Counter()
    for o in outcomes:
        counts[("outcome", o.kind, o.teacher_id)] += 1
    for o in observations:
        counts[("lesson", o.lesson_type, o.teacher_id)] += 1
    for d in documents:
        if d.state in ("submitted", "approved"):
            counts[("document", d.kind, d.author_id)] += 1
    return counts


def requirement_progress(requirements: list[dict], teacher, term, as_of: dt.date,
                         counts: Counter) -> list[RequirementProgress]:
    """The teacher's progress on each requirement of their roles this term."""
    progress = []
    for requirement in requirements_for(requirements, teacher.roles):
        due, expected = paced(int(requirement.get("per_term", 0)), term, teacher.joined, as_of)
        what = str(requirement.get("what", ""))
        progress.append(RequirementProgress(role=requirement.get("role", ""), kind=requirement["kind"], what=what,
                                            due=due, done=counts[(requirement["kind"], what, teacher.id)],
                                            expected=expected))
    return progress


def teacher_requirements(source, teacher, term, as_of: dt.date) -> list[RequirementProgress]:
    """One teacher's requirement progress read from ``source`` (the store or an ArchiveView)."""
    from models.records import Document, Observation, Outcome

    policy = source.policy()
    if not policy.requirements:
        return []
    tid = term.term_id
    counts = requirement_counts(
        [o for o in source.all(Outcome) if o.term_id == tid and o.teacher_id == teacher.id],
        [o for o in source.all(Observation) if o.term_id == tid and o.teacher_id == teacher.id],
        [d for d in source.all(Document) if d.term_id == tid and d.author_id == teacher.id])
    return requirement_progress(policy.requirements, teacher, term, as_of, counts)
