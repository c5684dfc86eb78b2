"""The roster survives an Excel round trip: what export writes (所在组, 状态, 入职日期) is read
back by import — group membership, deactivation, joining date — and checked like the rest."""

from __future__ import annotations

import io

import openpyxl

from models.exports.roster import HEADERS, export_roster
from models.records import Group, Teacher
from models.roster_import import apply_preview, parse_date_cell, preview_file


def _sheet(path):
    book = openpyxl.load_workbook(path)
    return book, book.active


def test_export_then_import_changes_nothing(demo_store, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(export_roster(demo_store, "xlsx"))
    preview = preview_file(path, demo_store)
    assert not preview.errors and not preview.to_add and not preview.to_update, (
        preview.errors, [(c.teacher.name, c.changed_fields) for c in preview.to_update])
    assert preview.ignored_columns == []
    assert "入职日期" in HEADERS
    # 入职日期 is a date cell (Excel's date filter and sorting work), read back as the same day.
    sheet = openpyxl.load_workbook(path).active
    column = [c.value for c in sheet[1]].index("入职日期") + 1
    joined = {sheet.cell(r, 1).value: sheet.cell(r, column) for r in range(2, sheet.max_row + 1)}
    zhangmin = next(x for x in demo_store.all(Teacher) if x.name == "张敏")
    assert zhangmin.joined and joined["张敏"].is_date and joined["张敏"].number_format == "yyyy-mm-dd"
    assert joined["张敏"].value.date().isoformat() == zhangmin.joined


def test_edited_groups_state_and_joined_are_imported(demo_store, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(export_roster(demo_store, "xlsx"))
    book, sheet = _sheet(path)
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) + 1 for name in header}
    zhangmin_row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, col["登录名"]).value == "zhangmin")
    zhangmin = next(x for x in demo_store.all(Teacher) if x.login == "zhangmin")
    math = next(g for g in demo_store.all(Group) if g.name == "数学教研组")
    before_groups = [g.name for g in demo_store.all(Group) if zhangmin.id in g.member_ids and g.active]
    assert math.name not in before_groups
    sheet.cell(zhangmin_row, col["所在组"]).value = "、".join(before_groups[:1] + [math.name])
    sheet.cell(zhangmin_row, col["入职日期"]).value = "2019/9/1"
    other_row = zhangmin_row + 1
    other_login = sheet.cell(other_row, col["登录名"]).value
    sheet.cell(other_row, col["状态"]).value = "停用"
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())

    preview = preview_file(path, demo_store)
    assert not preview.errors
    changes = {c.teacher.login: c for c in preview.to_update}
    assert set(changes["zhangmin"].changed_fields) == {"joined", "groups"}
    assert changes[other_login].changed_fields == ["active"]
    apply_preview(demo_store, preview)

    zhangmin = demo_store.get(Teacher, zhangmin.id)
    assert zhangmin.joined == "2019-09-01"
    groups_now = sorted(g.name for g in demo_store.all(Group) if zhangmin.id in g.member_ids and g.active)
    assert groups_now == sorted(before_groups[:1] + [math.name])
    assert not next(x for x in demo_store.all(Teacher) if x.login == other_login).active


def test_bad_cells_are_errors_with_line_numbers_and_nothing_is_written(demo_store, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("姓名,任教学科,所在组,状态,入职日期\n"
                    "新老师甲,语文,没有这个组,在职,2025-09-01\n"
                    "新老师乙,语文,语文教研组,请假,2025-09-01\n"
                    "新老师丙,语文,,在职,去年\n"
                    "新老师丁,语文,语文教研组,在职,2025年9月1日\n", encoding="utf-8")
    preview = preview_file(path, demo_store)
    errors = {e.line: "；".join(e.reasons) for e in preview.errors}
    assert "没有叫“没有这个组”的组" in errors[2]
    assert "状态“请假”" in errors[3]
    assert "入职日期“去年”" in errors[4]
    assert [c.teacher.name for c in preview.to_add] == ["新老师丁"]
    assert preview.to_add[0].teacher.joined == "2025-09-01"
    apply_preview(demo_store, preview)
    new = next(x for x in demo_store.all(Teacher) if x.name == "新老师丁")
    chinese = next(g for g in demo_store.all(Group) if g.name == "语文教研组")
    assert new.id in chinese.member_ids


def test_date_cells():
    assert parse_date_cell("2025-09-01") == "2025-09-01"
    assert parse_date_cell("2025/9/1") == "2025-09-01"
    assert parse_date_cell("2025.9.1") == "2025-09-01"
    assert parse_date_cell("2025年9月1日") == "2025-09-01"
    assert parse_date_cell("2025-02-30") is None
    assert parse_date_cell("九月") is None
