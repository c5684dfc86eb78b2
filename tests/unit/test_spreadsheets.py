"""The one way the app writes tables for Excel, and the one formula guard."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from models.exports.content import Part, Report, Table, single_table
from models.exports.registry import FORMATS, format_for_path, formats_for, render
from models.exports.spreadsheets import cell_width, needs_guard


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"x\")"])
def test_the_guard_covers_every_formula_start(text):
    assert needs_guard(text)
    raw = render(single_table("t", ["a"], [[text]]), "csv").decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(raw)))[1] == ["'" + text]
    sheet = load_workbook(io.BytesIO(render(single_table("t", ["a"], [[text]]), "xlsx"))).active
    assert sheet["A2"].value == text and sheet["A2"].data_type == "s"


def test_csv_has_a_bom_crlf_typed_values_and_keeps_formulas_as_text():
    data = render(single_table("t", ["姓名", "备注", "日期", "数"], [["张三", "=1+1", dt.date(2025, 11, 5), 3],
                                                               ["[bold]x", "-2", None, 2.5]]), "csv")
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["姓名", "备注", "日期", "数"], ["张三", "'=1+1", "2025-11-05", "3"], ["[bold]x", "'-2", "", "2.5"]]


def test_xlsx_is_print_ready_with_typed_cells_and_text_not_formulas():
    report = Report("教研资料", [
        Part("教师", [Table("教师", ["姓名", "学科", "日期", "次数"], [["曾思远", "=SUM(A1)", dt.date(2025, 9, 1), 4]])]),
        Part("宽表", [Table("宽表", [f"第{i}列很长的标题" for i in range(14)], [["x" * 20] * 14])]),
    ], school="育才实验小学", term="2025—2026学年第一学期")
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    first, wide = book.worksheets
    assert first.title == "教师" and wide.title == "宽表"
    assert first["A1"].font.bold and first.freeze_panes == "A2" and first.auto_filter.ref == "A1:D2"
    assert first["B2"].value == "=SUM(A1)" and first["B2"].data_type == "s"
    assert first["C2"].is_date and first["D2"].value == 4 and first["D2"].data_type == "n"
    assert first.column_dimensions["A"].width >= cell_width("曾思远")
    assert first.print_title_rows == "$1:$1"
    assert first.page_setup.paperSize == 9 and first.page_setup.orientation == "portrait"
    assert first.page_setup.fitToWidth == 1 and first.page_setup.fitToHeight == 0
    assert first.sheet_properties.pageSetUpPr.fitToPage
    assert "育才实验小学" in first.oddHeader.center.text and "&P" in first.oddFooter.center.text
    assert wide.page_setup.orientation == "landscape"


def test_the_registry_offers_formats_by_kind_and_by_file_name():
    assert formats_for("table") == ("csv", "xlsx", "docx", "md")
    assert formats_for("report") == ("xlsx", "docx", "md")
    assert formats_for("calendar") == ("ics",)
    assert format_for_path("a/b.XLSX", "table") == "xlsx" and format_for_path("a.csv", "report") is None
    assert FORMATS["csv"].text and not FORMATS["docx"].text
    with pytest.raises(ValueError, match="csv"):
        render(Report("x", []), "csv")


LONG_TOPIC = ("在三年级语文阅读教学中运用思维导图提升学生概括能力的实践研究，"
              "结合《秋天的雨》《听听，秋的声音》两篇课文的教学设计、课堂实录与学生作业进行分析，尾句在此结束")


def test_a_row_whose_text_wraps_is_given_the_height_of_its_lines():
    rows = [["张敏", LONG_TOPIC, dt.date(2025, 11, 5)], ["刘欣怡", "短", dt.date(2025, 11, 6)],
            ["郑娟", "第一行\n第二行\n第三行", dt.date(2025, 11, 7)]]
    sheet = load_workbook(io.BytesIO(render(single_table("活动", ["主持人", "主题", "日期"], rows,
                                                              widths=[1, 3, 1]), "xlsx"))).active
    width = sheet.column_dimensions["B"].width
    assert sheet["B2"].alignment.wrap_text and width < cell_width(LONG_TOPIC)
    lines = -(-cell_width(LONG_TOPIC) // (width - 1))  # the lines the topic needs at its width
    assert lines >= 3 and sheet.row_dimensions[2].height >= lines * 15
    assert sheet["A2"].alignment.vertical == "top" and sheet["C2"].is_date  # beside it, at the top
    assert sheet.row_dimensions[3].height is None  # one line: the default height
    assert sheet.row_dimensions[4].height >= 3 * 15  # line breaks count
    huge = render(single_table("活动", ["主持人", "主题"], [["张敏", LONG_TOPIC * 40]], widths=[1, 3]), "xlsx")
    assert load_workbook(io.BytesIO(huge)).active.row_dimensions[2].height <= 409  # Excel's limit


def test_the_format_help_of_every_export_names_the_registrys_formats(capsys):
    from models.exports.registry import format_help
    from models.i18n import set_language
    from tui.cli import main

    for argv in (["export", "teachers"], ["export", "activities"], ["report", "term"]):
        with pytest.raises(SystemExit):
            main([*argv, "--help"])
        help_text = " ".join(capsys.readouterr().out.split())
        kind = "report" if argv[0] == "report" else "table"
        assert format_help(kind, "csv" if kind == "table" else None) in help_text, argv
        assert "csv 或 xlsx" not in help_text
    assert format_help("table", "csv") == "格式：csv（默认）、xlsx、docx、md"
    set_language("en")
    try:
        assert format_help("table", "csv") == "format: csv (default), xlsx, docx, md"
        assert format_help("calendar") == "format: ics"
    finally:
        set_language("zh")
