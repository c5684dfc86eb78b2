"""Pairings on paper: the CSV/XLSX export and the per-pair record in Markdown and Word."""

from __future__ import annotations

import datetime as dt

import pytest

from models.exports.pairing_report import export_rows, pairing_record, to_markdown, write_docx
from models.records import Pairing, Teacher, Term
from models.store.storage import Store
from tui.cli import main

TODAY = dt.date(2025, 11, 5)


def named(store, name) -> Teacher:
    return next(t for t in store.all(Teacher) if t.name == name)


def pair_of(store, mentee) -> Pairing:
    return next(p for p in store.all(Pairing) if p.mentee_id == named(store, mentee).id)


def this_term(store) -> Term:
    return next(t for t in store.all(Term) if t.term_id == "2025-2026-1")


def test_export_rows_have_progress_for_every_pairing_of_the_term(demo_store):
    rows = export_rows(demo_store, this_term(demo_store), TODAY)
    assert rows[0][:4] == ["编号", "师傅", "徒弟", "学科"]
    assert len(rows) == 1 + len(demo_store.all(Pairing))
    started = {p.id: p.from_term for p in demo_store.all(Pairing)}
    term_names = {x.term_id: x.name for x in demo_store.all(Term)}
    # 起始学期 by the name the school sees elsewhere (2025—2026学年第一学期), not the id 2025-2026-1.
    assert rows[0][4] == "起始学期" and all(r[4] == term_names[started[r[0]]] and "学期" in r[4] for r in rows[1:])
    lagging = next(r for r in rows if r[2] == "周海峰")
    assert lagging[1] == "罗颖" and lagging[8] == 9 and lagging[7] < 5 and lagging[13] == 9 - lagging[7] > 0


def test_record_hides_comments_from_a_viewer_without_the_right(demo_store):
    pairing = pair_of(demo_store, "余梦瑶")
    admin = named(demo_store, "郑娟")
    outsider = named(demo_store, "刘春梅")
    full = pairing_record(demo_store, pairing, this_term(demo_store), admin, TODAY)
    hidden = pairing_record(demo_store, pairing, this_term(demo_store), outsider, TODAY)
    assert full.observations and len(full.observations) == len(hidden.observations)
    assert all(row[-1] != "（无权查看评语）" and row[-2] for row in full.observations)
    assert all(row[-1] == "（无权查看评语）" and row[-2] == "" for row in hidden.observations)
    mentee = named(demo_store, "余梦瑶")
    own = pairing_record(demo_store, pairing, this_term(demo_store), mentee, TODAY)
    assert all(row[-1] != "（无权查看评语）" for row in own.observations)


def test_markdown_is_safe_for_user_text(demo_store):
    pairing = pair_of(demo_store, "刘欣怡")
    with demo_store.transaction() as tx:
        pairing = tx.update(pairing.copy(goals="目标 | 第一行\n第二行"))
    record = pairing_record(demo_store, pairing, this_term(demo_store), None, TODAY)
    text = to_markdown(record)
    assert "# 育才实验小学 师徒结对学期带教记录" in text
    assert "## 带教记录" in text and "## 互相听课" in text and "## 学期考核" in text
    assert "| 师傅 | 张敏 |" in text


def test_docx_opens_with_python_docx_and_holds_the_tables(demo_store, tmp_path):
    import docx

    pairing = pair_of(demo_store, "余梦瑶")
    previous = next(t for t in demo_store.all(Term) if t.term_id == "2024-2025-2")
    record = pairing_record(demo_store, pairing, previous, named(demo_store, "郑娟"), TODAY)
    target = tmp_path / "record.docx"
    write_docx(record, target)
    document = docx.Document(str(target))
    assert round(document.sections[0].page_width.cm, 1) == 21.0  # A4
    assert round(document.sections[0].page_height.cm, 1) == 29.7
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["基本情况", "带教目标", "本学期进度", "带教记录", "互相听课", "学期考核"]
    basics, progress, meetings, observations, evaluation = document.tables
    assert [c.text for c in basics.rows[1].cells] == ["师傅", "张敏"]
    assert [c.text for c in meetings.rows[0].cells] == ["日期", "类型", "分钟", "内容"]
    assert len(meetings.rows) == 1 + len(record.meetings) > 1
    assert observations.rows[0].cells[1].text == "听课人" and len(observations.rows) > 1
    assert [c.text for c in evaluation.rows[2].cells] == ["考核等级", "合格"]


def test_cli_export_csv_with_bom_and_xlsx(demo_db, tmp_path, capsys):
    from openpyxl import load_workbook

    target = tmp_path / "pairings.csv"
    assert main(["--db", str(demo_db), "export", "pairings", "--term", "2025-2026-1", "-o", str(target)]) == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "周海峰" in raw.decode("utf-8-sig")
    book = tmp_path / "pairings.xlsx"
    assert main(["--db", str(demo_db), "export", "pairings", "--format", "xlsx", "-o", str(book)]) == 0
    sheet = load_workbook(book).active
    assert sheet["B1"].value == "师傅" and sheet.freeze_panes == "B2" and sheet.max_row == 6
    assert main(["--db", str(demo_db), "export", "pairings", "--term", "1999-2000-1"]) == 1
    assert "没有学期“1999-2000-1”" in capsys.readouterr().err


def test_cli_report_md_docx_and_bad_id(demo_db, tmp_path, capsys):
    import docx

    pairing_id = pair_of(Store(demo_db), "刘欣怡").id
    assert main(["--db", str(demo_db), "report", "pairing", str(pairing_id)]) == 0
    assert "## 带教记录" in capsys.readouterr().out
    target = tmp_path / "r.docx"
    assert main(["--db", str(demo_db), "report", "pairing", str(pairing_id), "--format", "docx",
                 "-o", str(target)]) == 0
    assert len(docx.Document(str(target)).tables) == 5
    assert main(["--db", str(demo_db), "report", "pairing", "999"]) == 1
    assert "没有编号为 999 的师徒结对" in capsys.readouterr().err
    # 刘欣怡's pairing began this term: the last term is refused with the span.
    assert main(["--db", str(demo_db), "report", "pairing", str(pairing_id), "--term", "2024-2025-2"]) == 1
    assert "没有进行" in capsys.readouterr().err


@pytest.mark.parametrize("login, hidden", [("tester", False), ("caowei", True)])
def test_cli_report_viewer_is_the_os_login(demo_db, monkeypatch, capsys, login, hidden):
    import models.identity

    monkeypatch.setattr(models.identity, "os_login", lambda: login)
    pairing_id = pair_of(Store(demo_db), "余梦瑶").id
    assert main(["--db", str(demo_db), "report", "pairing", str(pairing_id)]) == 0
    assert ("（无权查看评语）" in capsys.readouterr().out) is hidden
