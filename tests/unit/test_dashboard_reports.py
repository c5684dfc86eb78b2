"""Reports (docx, xlsx, md), the term archive and the dashboard's commands, on the demo school."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from models.store.archive import (
    ArchiveView, CannotClose, archive_path, archived_records, close_term, view_for,
)
from models.dashboard import build_dashboard
from models.records import Activity, Observation, Outcome, Teacher, Term
from models.exports.registry import render
from models.exports.term_report import outcomes_booklet, term_report
from models.store.storage import Store

TODAY = dt.date(2025, 11, 5)
PREVIOUS = "2024-2025-2"


def _term(store, term_id):
    return next(x for x in store.all(Term) if x.term_id == term_id)


def _admin(store):
    return next(x for x in store.all(Teacher) if x.is_admin)


def _figures(dash):
    return ([(f.teacher.id, f.given, f.quota, f.expected, f.received, f.research_lessons, f.talks, f.outcomes,
              f.points) for f in dash.teachers],
            [(g.group.id, g.held, g.planned_so_far, g.cancelled, g.attendance_rate, g.theme, g.speakers)
             for g in dash.groups],
            [(p.pairing.id, p.meetings, p.expected) for p in dash.pairings],
            dash.weekly_held, dash.attention.count())


def test_docx_report_opens_and_holds_the_tables(demo_store, tmp_path):
    from docx import Document

    term = _term(demo_store, "2025-2026-1")
    report = term_report(demo_store, term, TODAY, _admin(demo_store))
    path = tmp_path / "term.docx"
    path.write_bytes(render(report, "docx"))
    doc = Document(str(path))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    for title in ("各组研究主题", "教研活动记录", "听课统计", "听课记录", "师徒带教", "教研成果与积分", "语文教研组"):
        assert title in headings
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    themes = doc.tables[0]
    assert [c.text for c in themes.rows[0].cells] == ["教研组", "组长", "研究主题"]
    assert any(row.cells[2].text == "大单元整体教学下的阅读策略研究" for row in themes.rows)
    dash = build_dashboard(demo_store, term, TODAY)
    per_teacher = next(tb for tb in doc.tables if tb.rows[0].cells[0].text == "教师"
                       and tb.rows[0].cells[2].text == "听课")
    first = next(f for f in dash.teachers if f.teacher.id == 1)
    row = next(r for r in per_teacher.rows[1:] if r.cells[0].text == first.teacher.name)
    assert (row.cells[2].text, row.cells[3].text) == (str(first.given), str(first.quota))
    per_group = next(tb for tb in doc.tables if "完成率" in [c.text for c in tb.rows[0].cells])
    rates = [r.cells[4].text for r in per_group.rows[1:]]
    assert rates and all(x == "—" or (x.endswith("%") and x[:-1].isdigit()) for x in rates), rates


def test_xlsx_report_has_one_sheet_per_part_with_the_figures(demo_store, tmp_path):
    from openpyxl import load_workbook

    term = _term(demo_store, "2025-2026-1")
    report = term_report(demo_store, term, TODAY, _admin(demo_store))
    path = tmp_path / "term.xlsx"
    path.write_bytes(render(report, "xlsx"))
    book = load_workbook(path)
    assert book.sheetnames == ["研究主题", "教研活动", "听课统计", "听课统计·按教研组", "听课记录", "师徒带教",
                               "师徒带教·带教记录", "成果积分", "成果积分·积分汇总"]
    activities = book["教研活动"]
    assert [c.value for c in activities[1]] == ["组别", "日期", "主题/课题", "主持人", "中心发言人", "出勤", "记录"]
    assert activities.freeze_panes == "A2"
    held = [a for a in demo_store.all(Activity) if a.term_id == term.term_id and a.status in ("held", "cancelled")]
    assert activities.max_row == 1 + len(held)
    outcomes = book["成果积分"]
    titles = {c.value for c in outcomes["C"]}
    assert {o.title for o in demo_store.all(Outcome) if o.term_id == term.term_id} <= titles
    # 完成率 is a number with a percent format (a school sums and sorts it); Word keeps "66%".
    groups = book["听课统计·按教研组"]
    header = [c.value for c in groups[1]]
    rate, given, quota = (header.index(name) + 1 for name in ("完成率", "听课", "任务"))
    row = next(r for r in range(2, groups.max_row + 1) if groups.cell(r, quota).value)
    cell = groups.cell(row, rate)
    assert cell.data_type == "n" and cell.number_format == "0%"
    assert cell.value == pytest.approx(groups.cell(row, given).value / groups.cell(row, quota).value)
    markdown = render(report, "md").decode("utf-8")
    assert f"| {cell.value:.0%} |" in markdown


def test_observation_comments_in_reports_obey_the_visibility_rule(demo_store):
    term = _term(demo_store, "2025-2026-1")
    teachers = demo_store.all(Teacher)
    plain = next(x for x in teachers if not x.roles and not x.is_admin)
    text = render(term_report(demo_store, term, TODAY, plain), "md").decode()
    admin_text = render(term_report(demo_store, term, TODAY, _admin(demo_store)), "md").decode()
    foreign = next(o for o in demo_store.all(Observation) if o.term_id == term.term_id
                   and plain.id not in (o.observer_id, o.teacher_id) and o.teacher_id != plain.id)
    # the admin sees comments, the plain teacher does not see others' comments
    assert admin_text.count(foreign.strengths) > text.count(foreign.strengths)
    log = text.split("## 听课记录")[1].split("## ")[0]
    assert "| " + foreign.date in log


def test_markdown_report_and_booklet_show_names_literally(demo_store):
    term = _term(demo_store, "2025-2026-1")
    md = render(term_report(demo_store, term, TODAY, _admin(demo_store)), "md").decode()
    assert md.startswith("# 育才实验小学 2025—2026学年第一学期 教研资料")
    assert "[bold]x[/bold]" in md
    booklet = render(outcomes_booklet(demo_store, term), "md").decode()
    assert "教研成果集" in booklet
    kinds = [line[3:] for line in booklet.splitlines() if line.startswith("## ")]
    assert kinds[0] in ("教学反思", "教学案例")


def test_closing_a_term_moves_its_records_and_keeps_the_same_figures(demo_db):
    store = Store(demo_db, actor="tester")
    term = _term(store, PREVIOUS)
    before = _figures(build_dashboard(store, term, TODAY))
    before_report = render(term_report(store, term, TODAY, _admin(store)), "md")
    counts = {cls: sum(1 for r in store.all(cls) if r.term_id == PREVIOUS)
              for cls in (Activity, Observation, Outcome)}
    size_before = demo_db.stat().st_size

    moved = close_term(store, PREVIOUS, today=TODAY)
    assert moved["activities"] == counts[Activity] and moved["observations"] == counts[Observation]

    reopened = Store(demo_db, actor="tester")
    assert not [r for r in reopened.all(Observation) if r.term_id == PREVIOUS]
    assert _term(reopened, PREVIOUS).status == "archived"
    assert demo_db.stat().st_size < size_before * 0.75
    path = archive_path(demo_db, PREVIOUS)
    assert json.loads(path.read_text("utf-8"))["term_id"] == PREVIOUS
    assert len(archived_records(demo_db, PREVIOUS, Observation)) == counts[Observation]

    term = _term(reopened, PREVIOUS)
    after = _figures(build_dashboard(view_for(reopened, term), term, TODAY))
    assert after == before
    assert render(term_report(view_for(reopened, term), term, TODAY, _admin(reopened)), "md") == before_report
    # the open term still reads only the active file, and saves still work
    view = ArchiveView(reopened)
    assert len(view.all(Observation)) == len(Store(demo_db).all(Observation)) + counts[Observation]
    with reopened.transaction() as tx:
        tx.insert(Outcome(teacher_id=1, term_id="2025-2026-1", kind="教学反思", title="新", date="2025-11-05"))
    assert len(archived_records(demo_db, PREVIOUS, Observation)) == counts[Observation]


def test_a_term_can_be_closed_only_once_and_only_when_over(demo_store):
    with pytest.raises(CannotClose, match="结束后才能归档"):
        close_term(demo_store, "2025-2026-1", today=TODAY)
    with pytest.raises(CannotClose, match="没有学期"):
        close_term(demo_store, "2019-2020-1", today=TODAY)
    close_term(demo_store, PREVIOUS, today=TODAY)
    with pytest.raises(CannotClose, match="已经归档"):
        close_term(demo_store, PREVIOUS, today=TODAY)


# -- the commands ---------------------------------------------------------------------------

@pytest.fixture
def as_admin(monkeypatch):
    """The commands ask the OS who is running them; make it the demo's admin."""
    import models.identity

    monkeypatch.setattr(models.identity, "os_login", lambda: "tester")


def test_dashboard_command_prints_the_figures(demo_db, capsys, as_admin):
    from tui.cli import main

    assert main(["dashboard", "--db", str(demo_db), "--plain"]) == 0
    out = capsys.readouterr().out
    assert "第10周 / 共21周" in out and "== 教师 ==" in out and "[bold]x[/bold]" in out
    assert out.isascii() is False and "█" not in out  # ASCII pictures with --plain
    assert main(["dashboard", "--db", str(demo_db), "--term", "2030-2031-1"]) == 1
    assert "没有学期“2030-2031-1”" in capsys.readouterr().err  # the one sentence every --term uses


def test_report_and_close_commands(demo_db, tmp_path, capsys, as_admin):
    from docx import Document
    from openpyxl import load_workbook

    from tui.cli import main

    docx_path, xlsx_path, md_path = tmp_path / "r.docx", tmp_path / "r.xlsx", tmp_path / "b.md"
    assert main(["report", "term", "--db", str(demo_db), "--format", "docx", "-o", str(docx_path)]) == 0
    assert main(["report", "term", "--db", str(demo_db), "--term", PREVIOUS, "--format", "xlsx",
                 "-o", str(xlsx_path)]) == 0
    assert main(["report", "outcomes", "--db", str(demo_db), "--format", "md", "-o", str(md_path)]) == 0
    assert len(Document(str(docx_path)).tables) > 5
    before = [[c.value for c in row] for row in load_workbook(xlsx_path)["听课统计"].iter_rows()]
    assert main(["term", "close", PREVIOUS, "--db", str(demo_db)]) == 0
    assert "已归档" in capsys.readouterr().out
    assert main(["report", "term", "--db", str(demo_db), "--term", PREVIOUS, "--format", "xlsx",
                 "-o", str(xlsx_path)]) == 0
    after = [[c.value for c in row] for row in load_workbook(xlsx_path)["听课统计"].iter_rows()]
    assert after == before
    assert main(["term", "close", PREVIOUS, "--db", str(demo_db)]) == 1


def test_close_command_is_for_admins(demo_db, monkeypatch, capsys):
    import models.identity

    from tui.cli import main

    monkeypatch.setattr(models.identity, "os_login", lambda: "chensiyuan")
    assert main(["term", "close", PREVIOUS, "--db", str(demo_db)]) == 1
    assert "管理员" in capsys.readouterr().err


def test_the_term_reports_observation_log_carries_the_process_notes_for_those_who_may_read_them(demo_store):
    term = _term(demo_store, "2025-2026-1")
    plain = next(x for x in demo_store.all(Teacher) if not x.roles and not x.is_admin)
    foreign = next(o for o in demo_store.all(Observation) if o.term_id == term.term_id
                   and plain.id not in (o.observer_id, o.teacher_id))
    notes = "导入：复习旧知识点甲乙丙"
    with demo_store.transaction() as tx:
        tx.update(foreign.copy(process=notes))
    admin_text = render(term_report(demo_store, term, TODAY, _admin(demo_store)), "md").decode()
    plain_text = render(term_report(demo_store, term, TODAY, plain), "md").decode()
    assert "教学过程" in admin_text.split("## 听课记录")[1]
    assert notes in admin_text and notes not in plain_text
