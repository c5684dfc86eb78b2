"""Requirements by role (issue 18): the policy's countable requirements per term, paced
through the term like the observation quota, and named on the dashboard when behind."""

from __future__ import annotations

import datetime as dt

from models.dashboard import build_dashboard
from models.dashboard_text import attention_lines
from models.pace import paced, requirements_for, teacher_requirements
from models.records import Observation, Outcome, Teacher, Term
from models.store.archive import ArchiveView

REQUIREMENTS = [
    {"role": "", "kind": "outcome", "what": "教学随笔", "per_term": 4},
    {"role": "", "kind": "lesson", "what": "过关课", "per_term": 1},
    {"role": "骨干教师", "kind": "lesson", "what": "示范课", "per_term": 1},
    {"role": "骨干教师", "kind": "lesson", "what": "过关课", "per_term": 2},
]
TODAY = dt.date(2025, 11, 5)


def _term(store):
    return next(x for x in store.all(Term) if x.term_id == "2025-2026-1")


def test_requirements_apply_by_role_and_the_higher_number_wins():
    chosen = requirements_for(REQUIREMENTS, ["骨干教师"])
    assert {(r["what"], r["per_term"]) for r in chosen} == {("教学随笔", 4), ("过关课", 2), ("示范课", 1)}
    assert {r["what"] for r in requirements_for(REQUIREMENTS, ["青年教师"])} == {"教学随笔", "过关课"}


def test_progress_counts_outcomes_lessons_and_is_paced_like_the_quota(demo_store):
    term = _term(demo_store)
    with demo_store.transaction() as tx:
        tx.update(demo_store.policy().copy(requirements=REQUIREMENTS))
    teacher = next(x for x in demo_store.all(Teacher) if x.login == "zhangmin")
    with demo_store.transaction() as tx:
        teacher = tx.update(teacher.copy(roles=["骨干教师"]))
        tx.insert(Outcome(teacher_id=teacher.id, term_id=term.term_id, kind="教学随笔", title="一次作业讲评",
                          date="2025-10-10"))
        tx.insert(Observation(term_id=term.term_id, date="2025-10-15", period=2, observer_id=1,
                              teacher_id=teacher.id, subject="语文", topic="《繁星》", grade_class="4年级2班",
                              lesson_type="示范课"))
    progress = {r.what: r for r in teacher_requirements(demo_store, teacher, term, TODAY)}
    # Week 10 of 21 school weeks: 4 a term expects 1 by now, 2 expects 0 (rounded down).
    due, expected = paced(4, term, "", TODAY)
    assert (progress["教学随笔"].done, progress["教学随笔"].due, progress["教学随笔"].expected) == (1, 4, expected)
    assert due == 4 and expected == 1 and not progress["教学随笔"].behind
    assert (progress["示范课"].done, progress["示范课"].met) == (1, True)
    assert progress["过关课"].due == 2
    # At the term's end everything not met is behind; the dashboard's attention list names them.
    dash = build_dashboard(ArchiveView(demo_store, []), term, term.end_date)
    mine = [r for f, r in dash.attention.requirements_behind if f.teacher.id == teacher.id]
    assert {r.what for r in mine} == {"教学随笔", "过关课"}
    names = {x.id: x.name for x in demo_store.all(Teacher)}
    lines = [line for kind, line, _ in attention_lines(dash, names) if kind == "requirement"]
    assert any("过关课（骨干教师）" in line and "张敏" in line for line in lines), lines
    assert any(line.startswith("教学随笔（每学期 4）落后") for line in lines), lines  # many behind: one line


def test_a_teacher_who_joined_mid_term_owes_a_share(demo_store):
    term = _term(demo_store)
    due, expected = paced(4, term, "2025-12-01", dt.date(2025, 12, 1))
    assert 0 < due < 4 and expected == 0


def test_no_requirements_no_figures(demo_store):
    term = _term(demo_store)
    dash = build_dashboard(ArchiveView(demo_store, []), term, TODAY)
    assert dash.attention.requirements_behind == [] and all(f.requirements == [] for f in dash.teachers)
