"""Signature lines in the one spreadsheet writer: under a part's last table, inside the print
area, never wider than the table (a line too wide becomes one label a row, blanks shortened)."""

from __future__ import annotations

import io

import openpyxl

from models.exports.content import Fields, Part, Report, Signatures, Table, Text
from models.exports.spreadsheets import cell_width, signature_rows, xlsx_bytes


def _column_a(sheet) -> list:
    return [row[0].value for row in sheet.iter_rows()]


def test_a_narrow_table_gets_one_label_a_row_and_nothing_wider_than_the_table():
    lines = [Signatures(["主持人签名", "记录人签名", "日期"]), Signatures(["评委签名"], blank=64)]
    rows = signature_rows(lines, 30)
    assert [r.split("：")[0] for r in rows] == ["主持人签名", "记录人签名", "日期", "评委签名"]
    assert all(cell_width(r) + 2 <= 30 for r in rows)
    wide = signature_rows(lines, 200)
    assert len(wide) == 2 and wide[0].count("＿" * 9) == 3 and wide[1].count("＿") == 32


def test_the_lines_follow_the_parts_last_table_and_a_part_without_one_signs_the_sheet_before():
    report = Report("记录", [
        Part("一", [Fields([("评比", "甲")]), Table("表", ["姓名", "题目"], [["安然", "=1+1"], ["鲍勃", "阅读"]]),
                    Signatures(["教导处（盖章）", "日期"])]),
        Part("二", [Text("只有文字"), Signatures(["师傅签名"])]),
        Part("三", [Table("另表", ["甲"], [["x"]])]),
    ])
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(report)))
    names = [sheet.title for sheet in book.worksheets]
    assert names == ["一", "一·表", "三"]
    assert _column_a(book["一"]) == ["项目", "评比"]  # a Fields sheet: no lines, they follow the table
    table = book["一·表"]
    column_a = _column_a(table)
    assert column_a[:4] == ["姓名", "安然", "鲍勃", None]
    assert column_a[4].startswith("教导处（盖章）：＿") and "日期：＿" in "".join(column_a[4:6])
    assert column_a[-1].startswith("师傅签名：＿")  # part 二 has no table: under the sheet before
    assert table.print_area.endswith(f"$A$1:$B${len(column_a)}")
    assert table.auto_filter.ref == "A1:B3"  # the filter stays on the table
    assert table["B2"].value == "=1+1" and table["B2"].data_type == "s"  # the guard still holds
    assert _column_a(book["三"]) == ["甲", "x"]
