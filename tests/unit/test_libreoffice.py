"""LibreOffice as the real client: every kind of document jiaoyan writes is printed to PDF
by LibreOffice headless and read back with pdftotext (issue 14). CI installs LibreOffice
(.ci/run); on a developer machine without it the test is skipped, under CI it fails."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess

import pytest

from models.exports.ics import activity_report, activity_rows, select_activities
from models.exports.pairing_report import pairing_record, record_report
from models.exports.registry import render
from models.exports.templates import default_path, fill
from models.exports.term_report import term_report
from models.records import Activity, Group, Pairing, Teacher, Term

TODAY = dt.date(2025, 11, 5)


def _tools():
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftotext = shutil.which("pdftotext")
    if not (soffice and pdftotext):
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) and pdftotext must be installed in CI: see .ci/run")
        pytest.skip("LibreOffice or poppler-utils is not installed on this machine")
    return soffice


def _to_pdf(soffice: str, folder, names: list[str]) -> None:
    # Its own profile: another soffice running on the machine must not share (and lock) ours.
    profile = (folder / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder / "pdf"), *[str(folder / n) for n in names]],
                   check=True, capture_output=True, timeout=600)


def _pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def _squeeze(text: str) -> str:
    # pdftotext puts spaces between Chinese and Latin runs ("2025 年"); compare without them.
    return re.sub(r"\s+", "", text)


def test_libreoffice_prints_every_document_with_its_chinese_headers_and_page_numbers(demo_store, tmp_path):
    soffice = _tools()
    term = next(x for x in demo_store.all(Term) if x.term_id == "2025-2026-1")
    admin = next(x for x in demo_store.all(Teacher) if x.is_admin)
    report = term_report(demo_store, term, TODAY, admin)
    (tmp_path / "term.docx").write_bytes(render(report, "docx"))
    (tmp_path / "term-sheets.xlsx").write_bytes(render(report, "xlsx"))
    pairing = next(p for p in demo_store.all(Pairing) if p.from_term <= term.term_id)
    (tmp_path / "pairing.docx").write_bytes(render(record_report(
        pairing_record(demo_store, pairing, term, admin, TODAY)), "docx"))
    groups = {g.id: g for g in demo_store.all(Group)}
    teachers = {x.id: x for x in demo_store.all(Teacher)}
    header, rows = activity_rows(select_activities(demo_store.all(Activity), term), groups=groups,
                                 teachers=teachers, policy=demo_store.policy())
    (tmp_path / "activities.xlsx").write_bytes(render(activity_report(
        header, rows, title=term.term_id, school="育才实验小学", term=term.name), "xlsx"))
    (tmp_path / "form.docx").write_bytes(fill(default_path("observation"), "observation",
                                              {"学校": "育才实验小学", "学期": term.name, "课题": "《秋天的雨》",
                                               "授课教师": "张敏", "日期": TODAY}))
    names = ["term.docx", "term-sheets.xlsx", "pairing.docx", "activities.xlsx", "form.docx"]
    _to_pdf(soffice, tmp_path, names)

    for name in ("term", "pairing", "form"):
        pages = _pages(tmp_path / "pdf" / f"{name}.pdf")
        assert pages, name
        for number, page in enumerate(pages, 1):
            flat = _squeeze(page)
            assert "育才实验小学" in flat and "2025—2026学年第一学期" in flat, (name, number)  # the header
            assert f"第{number}页共{len(pages)}页" in flat, (name, number)  # the footer's fields
    term_text = _squeeze("".join(_pages(tmp_path / "pdf" / "term.pdf")))
    for heading in ("各组研究主题", "教研活动记录", "听课统计", "师徒带教", "大单元整体教学下的阅读策略研究"):
        assert heading in term_text
    assert "2025年9月" in term_text  # dates in Chinese
    pairing_pages = _pages(tmp_path / "pdf" / "pairing.pdf")
    assert "带教记录" in _squeeze(pairing_pages[0]) and "师傅签名" in _squeeze("".join(pairing_pages))
    assert "《秋天的雨》" in _squeeze(_pages(tmp_path / "pdf" / "form.pdf")[0])

    # Wide sheets fit one page wide: every column's header is on the first page, and the
    # pages are what the rows need (13 columns, one row a line), not a page per column.
    activities = _pages(tmp_path / "pdf" / "activities.pdf")
    first = _squeeze(activities[0])
    for column in header:
        assert _squeeze(column) in first, column
    assert len(activities) <= len(rows) // 15 + 2
    sheets = _pages(tmp_path / "pdf" / "term-sheets.pdf")
    assert "第1页共" in _squeeze(sheets[0]) and "育才实验小学" in _squeeze(sheets[0])
    assert len(sheets) < 40


def test_a_long_topic_prints_whole_in_its_wrapped_excel_row(tmp_path):
    from models.exports.content import single_table

    soffice = _tools()
    topic = ("在三年级语文阅读教学中运用思维导图提升学生概括能力的实践研究，"
             "结合两篇课文的教学设计、课堂实录与学生作业进行分析，尾句在此结束")
    rows = [["张敏", topic, dt.date(2025, 11, 5)], ["刘欣怡", "短主题", dt.date(2025, 11, 6)]]
    (tmp_path / "topics.xlsx").write_bytes(render(single_table("活动", ["主持人", "主题", "日期"], rows,
                                                               widths=[1, 3, 1]), "xlsx"))
    _to_pdf(soffice, tmp_path, ["topics.xlsx"])
    flat = _squeeze("".join(_pages(tmp_path / "pdf" / "topics.pdf")))
    # Every piece of the topic is printed (pdftotext breaks it into the row's lines).
    for piece in ("在三年级语文", "思维导图", "教学设计", "尾句在此结束"):
        assert piece in flat, piece
    assert "短主题" in flat
