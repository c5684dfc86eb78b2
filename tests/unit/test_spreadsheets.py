"""The one way the app writes tables for Excel."""

import csv
import io

from openpyxl import load_workbook

from models.exports.spreadsheets import Sheet, cell_width, csv_bytes, save, xlsx_bytes


def test_csv_has_a_bom_crlf_and_keeps_formulas_as_text():
    data = csv_bytes(["姓名", "备注"], [["张三", "=1+1"], ["[bold]x", "-2"]])
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["姓名", "备注"], ["张三", "'=1+1"], ["[bold]x", "'-2"]]


def test_xlsx_has_bold_frozen_header_widths_and_text_not_formulas(tmp_path):
    payload = xlsx_bytes([Sheet("教师", ["姓名", "学科"], [["曾思远", "=SUM(A1)"]]),
                          Sheet("教师", ["a"], [[1]], heading="标题")])
    path = tmp_path / "t.xlsx"
    save(path, payload)
    book = load_workbook(path)
    first, second = book.worksheets
    assert first.title == "教师" and second.title == "教师_2"
    assert first["A1"].font.bold and first.freeze_panes == "A2"
    assert first["B2"].value == "=SUM(A1)" and first["B2"].data_type == "s"
    assert first.column_dimensions["A"].width >= cell_width("曾思远")
    assert second["A1"].value == "标题" and second.freeze_panes == "A3" and second["A2"].value == "a"
