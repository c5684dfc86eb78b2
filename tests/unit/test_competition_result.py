"""The 评比结果 sheet (issue 18): ranked by mean score with prizes, Word and Excel through the
one builder and the one formula guard, published for all, before that the office's only."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest

from models.errors import PermissionDenied
from models.exports.competition_result import competition_report
from models.exports.registry import render
from models.records import Competition, CompetitionEntry, CompetitionScore, Outcome, Policy, Teacher, Term
from models.store.storage import Store
from tui import cli

TERM = "2025-2026-1"


@pytest.fixture
def school(tmp_path):
    """Three entries scored by two judges: 识字 mean 90, 阅读 mean 80.5, 写话 not scored."""
    path = tmp_path / "school.json"
    store = Store(path, actor="office", create=True)  # bare: the fixture writes what the steps would
    with store.transaction() as tx:
        tx.save_policy(Policy(school_name="育才实验小学"))
        tx.insert(Term(term_id=TERM, name="2025—2026学年第一学期", start="2025-09-01", end="2026-01-20"))
        tx.insert(Teacher(name="教导", login="office", is_admin=True))
        ann = tx.insert(Teacher(name="安然", login="ann"))
        bob = tx.insert(Teacher(name="鲍勃", login="bob"))
        judge = tx.insert(Teacher(name="裁判甲", login="judge"))
        other = tx.insert(Teacher(name="裁判乙", login="other"))
        contest = tx.insert(Competition(term_id=TERM, name="三优评比", kinds=["教学反思", "教学案例"],
                                        deadline="2025-11-20", judge_ids=[judge.id, other.id]))
        made = []
        for teacher, kind, title in ((bob, "教学案例", "阅读案例"), (ann, "教学反思", "=识字反思"),
                                     (ann, "教学案例", "写话案例")):
            outcome = tx.insert(Outcome(teacher_id=teacher.id, term_id=TERM, kind=kind, title=title,
                                        date="2025-10-10"))
            made.append(tx.insert(CompetitionEntry(term_id=TERM, competition_id=contest.id, outcome_id=outcome.id,
                                                   teacher_id=teacher.id, submitted="2025-10-12")))
        reading, literacy, _ = made
        for entry, scores in ((reading, (81, 80)), (literacy, (92, 88))):
            for who, score in zip((judge, other), scores):
                tx.insert(CompetitionScore(term_id=TERM, competition_id=contest.id, entry_id=entry.id,
                                           judge_id=who.id, score=score))
        tx.update(literacy.copy(prize="一等奖", recommended="区/县级"))
        tx.update(reading.copy(prize="二等奖"))
    return path, contest


def publish(path, contest):
    store = Store(path, actor="office")
    with store.transaction() as tx:
        tx.update(store.get(Competition, contest.id).copy(status="published", published="2025-11-25"))


def person(path, login):
    return next(x for x in Store(path, actor=login).all(Teacher) if x.login == login)


def table_rows(document) -> list[list[str]]:
    ranked = next(tb for tb in document.tables if tb.rows[0].cells[0].text == "名次")
    return [[c.text for c in row.cells] for row in ranked.rows]


def test_the_published_word_sheet_ranks_entries_by_mean_with_prizes_and_no_judge_scores(school, tmp_path):
    path, contest = school
    publish(path, contest)
    store = Store(path, actor="ann")
    report = competition_report(store, person(path, "ann"), store.get(Competition, contest.id))
    target = tmp_path / "r.docx"
    target.write_bytes(render(report, "docx"))
    document = docx.Document(target)
    assert any("「三优评比」评比结果" in p.text for p in document.paragraphs)
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    assert "育才实验小学" in header and "2025—2026学年第一学期" in header
    rows = table_rows(document)
    assert rows[0] == ["名次", "题目", "作者", "类型", "均分", "奖项", "推荐"]  # no judge's own score
    assert [r[:2] for r in rows[1:]] == [["1", "=识字反思"], ["2", "阅读案例"], ["", "写话案例"]]
    assert [(r[4], r[5], r[6]) for r in rows[1:]] == [("90", "一等奖", "区/县级"), ("80.5", "二等奖", "—"),
                                                      ("", "—", "—")]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "教导处（盖章）" in text and "88" not in " ".join(" ".join(r) for r in rows)
    facts = " ".join(c.text for row in document.tables[0].rows for c in row.cells)
    assert "裁判甲、裁判乙" in facts and "教学反思、教学案例" in facts and "2025年11月20日" in facts


def test_before_publication_only_the_office_prints_and_its_sheet_shows_each_judge(school, tmp_path):
    path, contest = school
    for login in ("ann", "judge"):
        store = Store(path, actor=login)
        with pytest.raises(PermissionDenied, match="尚未发布"):
            competition_report(store, person(path, login), store.get(Competition, contest.id))
    store = Store(path, actor="office")
    target = tmp_path / "draft.docx"
    target.write_bytes(render(competition_report(store, person(path, "office"), store.get(Competition, contest.id)),
                              "docx"))
    document = docx.Document(target)
    rows = table_rows(document)
    assert rows[0] == ["名次", "题目", "作者", "类型", "裁判甲", "裁判乙", "均分", "奖项", "推荐"]
    assert rows[1][4:7] == ["92", "88", "90"]
    assert any("工作底稿" in p.text for p in document.paragraphs)


def test_the_excel_sheet_keeps_numbers_as_numbers_and_guards_a_formula_title(school, tmp_path):
    path, contest = school
    publish(path, contest)
    store = Store(path, actor="office")
    target = tmp_path / "r.xlsx"
    target.write_bytes(render(competition_report(store, person(path, "office"), store.get(Competition, contest.id)),
                              "xlsx"))
    book = openpyxl.load_workbook(target)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    title = next(c for c in cells if isinstance(c.value, str) and "识字反思" in c.value)
    assert title.data_type == "s" and title.value == "=识字反思"  # text, never a formula
    assert not any(c.data_type == "f" for c in cells)
    row = [c.value for c in cells if c.row == title.row and c.parent is title.parent]
    assert row[0] == 1 and isinstance(row[0], int) and row[4] == 90 and "一等奖" in row
    reading = next(c for c in cells if c.value == "阅读案例")
    assert next(c.value for c in cells if c.row == reading.row and c.parent is reading.parent and c.column == 5) == 80.5
    sheet = title.parent
    assert sheet.print_title_rows and sheet.page_setup.fitToWidth == 1
    assert "育才实验小学" in sheet.oddHeader.center.text


def test_the_command_writes_word_or_excel_and_says_so_for_an_unknown_id(school, tmp_path, monkeypatch, capsys):
    path, contest = school
    monkeypatch.setattr("models.identity.os_login", lambda: "office")
    target = tmp_path / "none.docx"
    assert cli.main(["report", "competition", "999", "-o", str(target), "--db", str(path)]) == 1
    assert f"没有编号为 999 的评比。现有的评比：{contest.id} 三优评比。" in capsys.readouterr().err
    assert not target.exists() and not list(tmp_path.glob("*.docx"))
    monkeypatch.setattr("models.identity.os_login", lambda: "ann")
    assert cli.main(["report", "competition", str(contest.id), "-o", str(target), "--db", str(path)]) != 0
    assert "尚未发布" in capsys.readouterr().err and not target.exists()
    publish(path, contest)
    for name in ("r.docx", "r.xlsx"):
        assert cli.main(["report", "competition", "三优评比", "-o", str(tmp_path / name), "--db", str(path)]) == 0
    assert docx.Document(tmp_path / "r.docx").tables and openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets
    assert cli.main(["report", "competition", str(contest.id), "-o", str(tmp_path / "r.pdf"), "--db", str(path)]) == 2
    assert not (tmp_path / "r.pdf").exists()


def test_the_command_finds_a_competition_of_an_archived_term(school, tmp_path, monkeypatch, capsys):
    """Closing the term moves the competition, its entries, scores and outcomes to the archive;
    the result sheet is still printed from there, by id or by name, and nothing is written back."""
    import datetime as dt

    from models.store.archive import archive_path, close_term

    path, contest = school
    publish(path, contest)
    store = Store(path, actor="office")
    close_term(store, TERM, today=dt.date(2026, 2, 1))
    assert Store(path, actor="office").all(Competition) == [] and archive_path(path, TERM).exists()
    before = (path.read_bytes(), archive_path(path, TERM).read_bytes())
    monkeypatch.setattr("models.identity.os_login", lambda: "ann")
    for ref, name in ((str(contest.id), "a.docx"), ("三优评比", "b.docx"), ("三优评比", "c.xlsx")):
        assert cli.main(["report", "competition", ref, "-o", str(tmp_path / name), "--db", str(path)]) == 0, ref
    assert capsys.readouterr().err.count("「三优评比」评比结果 →") == 3  # the done line (to stderr)
    rows = table_rows(docx.Document(tmp_path / "a.docx"))
    assert [r[1] for r in rows[1:]] == ["=识字反思", "阅读案例", "写话案例"]
    assert rows[1][2] == "安然" and "一等奖" in rows[1]
    header = docx.Document(tmp_path / "b.docx").sections[0].header
    assert "2025—2026学年第一学期" in "\n".join(p.text for p in header.paragraphs)  # the archived term's name
    cells = [c.value for sheet in openpyxl.load_workbook(tmp_path / "c.xlsx").worksheets
             for row in sheet.iter_rows() for c in row]
    assert "阅读案例" in cells and 80.5 in cells
    assert (path.read_bytes(), archive_path(path, TERM).read_bytes()) == before  # read-only
    assert cli.main(["report", "competition", "998", "-o", str(tmp_path / "d.docx"), "--db", str(path)]) == 1
    assert f"现有的评比：{contest.id} 三优评比" in capsys.readouterr().err


def test_both_sheets_end_with_the_lines_a_school_signs(school, tmp_path):
    """评委签名, then 教导处（盖章） and 日期: under the ranked table in Word, and in Excel under
    the entries on their own sheet, after a blank row and inside the print area."""
    path, contest = school
    publish(path, contest)
    store = Store(path, actor="office")
    report = competition_report(store, person(path, "office"), store.get(Competition, contest.id))
    document = docx.Document(io.BytesIO(render(report, "docx")))
    body = [child for child in document.element.body.iterchildren()]
    ranked = next(i for i, child in enumerate(body) if child.tag.endswith("}tbl") and "名次" in
                  "".join(child.itertext()))
    after = ["".join(child.itertext()) for child in body[ranked + 1:]]
    judges = next(i for i, text in enumerate(after) if text.startswith("评委签名："))
    office = next(i for i, text in enumerate(after) if text.startswith("教导处（盖章）："))
    assert judges < office and "日期：" in after[office]
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    entries = next(sheet for sheet in book.worksheets if sheet["A1"].value == "名次")
    column_a = [row[0].value for row in entries.iter_rows()]
    assert column_a[:4] == ["名次", 1, 2, None] and column_a[4] is None  # 写话 has no rank; then a blank row
    lines = column_a[5:]  # one line a row, or one label a row when the line is wider than the table
    assert lines[0].startswith("评委签名：＿") and lines[1].startswith("教导处（盖章）：＿")
    assert any("日期：＿" in line for line in lines[1:]) and len(lines) <= 3
    assert entries.print_area.endswith(f"$A$1:$G${len(column_a)}")  # the lines print with the table
    facts = next(sheet for sheet in book.worksheets if sheet is not entries)
    assert not any("签名" in str(c.value) for row in facts.iter_rows() for c in row)
