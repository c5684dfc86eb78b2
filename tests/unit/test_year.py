"""The school year for the annual review (issue 18): both terms summed per teacher, an
archived first term included; the report through the registry (xlsx, docx)."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from models.exports.registry import render
from models.exports.year_report import year_report
from models.points import points_of
from models.records import Observation, Outcome, Teacher, Term, Training
from models.store.archive import ArchiveView, close_term
from models.store.storage import Store
from models.year import UnknownYear, year_review


def _second_term(store, teacher):
    with store.transaction() as tx:
        second = tx.insert(Term(term_id="2025-2026-2", name="第二学期", start="2026-03-02", end="2026-07-10"))
        tx.insert(Outcome(teacher_id=teacher.id, term_id="2025-2026-2", kind="教学论文", title="第二学期的论文",
                          level="市级", date="2026-04-01"))
        tx.insert(Observation(term_id="2025-2026-2", date="2026-04-02", period=1, observer_id=teacher.id,
                              teacher_id=1, subject="语文", topic="《春晓》", grade_class="1年级1班"))
        tx.insert(Training(teacher_id=teacher.id, term_id="2025-2026-2", title="暑期培训", start="2026-04-10",
                           end="2026-04-10", hours=6))
    return second


def test_the_year_sums_both_terms_with_the_first_one_archived(demo_db):
    store = Store(demo_db, actor="tester")
    first = next(x for x in store.all(Term) if x.term_id == "2025-2026-1")
    teacher = next(x for x in store.all(Teacher) if x.login == "zhangmin")
    first_points = points_of(store, first)[teacher.id].total
    first_observed = sum(1 for o in store.all(Observation) if o.term_id == first.term_id and o.observer_id == teacher.id)
    first_outcomes = sum(1 for o in store.all(Outcome) if o.term_id == first.term_id and o.teacher_id == teacher.id)
    before = {r.teacher.id: r for r in year_review(store, "2025-2026", dt.date(2025, 11, 5)).rows}[teacher.id]
    second = _second_term(store, teacher)
    close_term(store, "2025-2026-1", today=dt.date(2026, 3, 10))
    assert not [o for o in store.all(Observation) if o.term_id == "2025-2026-1"]  # moved to the archive

    review = year_review(store, "2025-2026", dt.date(2026, 7, 20))
    assert [x.term_id for x in review.terms] == ["2025-2026-1", "2025-2026-2"]
    row = {r.teacher.id: r for r in review.rows}[teacher.id]
    second_points = points_of(ArchiveView(store, [second.term_id]), second)[teacher.id].total
    assert second_points > 0
    assert row.points_by_term == {"2025-2026-1": first_points, "2025-2026-2": second_points}
    assert row.points == pytest.approx(first_points + second_points)
    assert row.observed == first_observed + 1 and row.outcomes == first_outcomes + 1
    assert row.hours == pytest.approx(before.hours + 6)
    assert any(term_id == "2025-2026-2" and "第二学期的论文" in line.label for term_id, line in row.point_lines)


def test_the_year_report_goes_through_the_registry(demo_db):
    import docx
    import openpyxl

    store = Store(demo_db, actor="tester")
    review = year_review(store, "2025-2026", dt.date(2025, 11, 5))
    report = year_report(review, "育才实验小学")
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    sheet = book.worksheets[0]
    headers = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=6)) if c.value]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any("张敏" in row for row in rows), rows[:6] + [headers]
    # a name that looks like a formula stays text (the one guard)
    assert not any(isinstance(v, str) and v.startswith("=") for row in rows for v in row)
    word = docx.Document(io.BytesIO(render(report, "docx")))
    cells = {c.text for table in word.tables for row in table.rows for c in row.cells}
    assert "全年积分" in cells and "张敏" in cells


def test_an_unknown_year_is_a_sentence(demo_db):
    with pytest.raises(UnknownYear) as refused:
        year_review(Store(demo_db, actor="tester"), "2030-2031", dt.date(2025, 11, 5))
    assert "2025-2026" in str(refused.value)
