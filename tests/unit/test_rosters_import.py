"""Roster import and export, with files made here: encodings, Excel quirks, bad rows,
files that are not rosters, and the data file left byte-for-byte alone when it fails."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from models.records import Policy, Teacher
from models.exports.registry import render
from models.exports.roster import HEADERS, roster_report, roster_rows
from models.roster_import import (
    RosterFileError, apply_preview, build_preview, generate_login, normalise_grade, normalise_role,
    preview_file, read_roster, split_values,
)
from models.store.storage import Store
from tui.cli import main

SAMPLE = Path(__file__).parent.parent / "data" / "roster.csv"
HEADER = "序号,姓名,性别,任教学科,任教年级,职务,备注\n"
ROWS = "1,张三,男,语文,4年级,语文教研组长,\n2,李四,女,数学、科学,五年级,骨干教师；青年教师,好老师\n"


@pytest.fixture
def empty_store(tmp_path) -> Store:
    """A school with only its admin, as `jiaoyan init` leaves it."""
    store = Store(tmp_path / "school.json", actor="admin", create=True)
    with store.transaction() as tx:
        tx.save_policy(Policy(school_name="测试小学"))
        tx.insert(Teacher(name="管理员", login="admin", is_admin=True))
    return store


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def names(changes) -> list[str]:
    return [c.teacher.name for c in changes]


# -- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding, label", [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8-BOM"),
                                             ("gbk", "GB18030/GBK"), ("gb18030", "GB18030/GBK")])
def test_csv_encodings_are_detected_without_asking(tmp_path, empty_store, encoding, label):
    path = write(tmp_path, "名册.csv", (HEADER + ROWS).encode(encoding))
    preview = preview_file(path, empty_store)
    assert preview.encoding == label
    assert not preview.errors
    assert names(preview.to_add) == ["张三", "李四"]
    zhang, li = (c.teacher for c in preview.to_add)
    assert zhang.roles == ["教研组长"] and zhang.subjects == ["语文"] and zhang.grades == ["4年级"]
    assert li.subjects == ["数学", "科学"] and li.grades == ["5年级"]
    assert li.roles == ["骨干教师", "青年教师"] and li.note == "好老师" and li.gender == "女"


def test_gbk_file_with_crlf_and_title_line(tmp_path, empty_store):
    text = "育才实验小学2025学年教师名册\r\n\r\n" + (HEADER + ROWS).replace("\n", "\r\n") + ",,,,,,\r\n\r\n"
    path = write(tmp_path, "roster.csv", text.encode("gbk"))
    preview = preview_file(path, empty_store)
    assert names(preview.to_add) == ["张三", "李四"]
    assert [c.line for c in preview.to_add] == [4, 5]  # the lines the user sees in their editor
    assert not preview.errors


def test_sample_roster_imports_cleanly_into_a_new_school(tmp_path, empty_store):
    preview = preview_file(SAMPLE, empty_store)
    assert not preview.errors
    assert not preview.ignored_columns  # 序号 is known and skipped
    assert len(preview.to_add) == 42
    logins = [c.teacher.login for c in preview.to_add]
    assert len(set(logins)) == 42 and "zengsiyuan" in logins  # 曾 read as a surname
    roles = {c.teacher.name: c.teacher.roles for c in preview.to_add}
    assert roles["郑娟"] == ["教导主任", "教研组长"]
    assert roles["吴文博"] == ["副校长", "中层领导"]
    added, updated = apply_preview(empty_store, preview)
    assert (added, updated) == (42, 0)
    reopened = Store(empty_store.path)
    assert len(reopened.all(Teacher)) == 43


def test_sample_roster_against_the_demo_changes_nothing(demo_store):
    preview = preview_file(SAMPLE, demo_store)
    assert not preview.errors and not preview.to_add and not preview.to_update
    assert len(preview.unchanged) == 42


# -- Excel --------------------------------------------------------------------------------


def make_xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["A1"] = "育才实验小学教师名册（2025年9月）"
    sheet.merge_cells("A1:G1")
    sheet.append([])
    sheet.append(["序号", "姓名", "性别", "学科", "年级", "职务", "联系电话"])
    sheet.append([1, "王芳", "女", "语文", 3, "备课组长", "13800000000"])
    sheet.append([2, "赵强", "男", None, 3, "班主任", "13900000000"])
    sheet.append([3, "孙丽", "女", "数学", "四年级", "", ""])
    sheet.merge_cells("D4:D5")  # the subject cell spans 王芳 and 赵强, as schools do
    sheet.append([])
    sheet.append([])
    book.save(path)
    return path


def test_xlsx_with_title_row_merged_cells_and_blank_rows(tmp_path, empty_store):
    path = make_xlsx(tmp_path / "名册.xlsx")
    preview = preview_file(path, empty_store)
    assert not preview.errors
    assert preview.ignored_columns == ["联系电话"]
    assert names(preview.to_add) == ["王芳", "赵强", "孙丽"]
    wang, zhao, sun = (c.teacher for c in preview.to_add)
    assert zhao.subjects == ["语文"]  # from the merged cell
    assert wang.grades == ["3年级"] and sun.grades == ["4年级"]
    assert zhao.roles == [] and "班主任" in zhao.note  # a title the app has no role for is kept
    assert [c.line for c in preview.to_add] == [4, 5, 6]


def test_xlsx_renamed_csv_is_still_read_as_a_workbook(tmp_path, empty_store):
    path = make_xlsx(tmp_path / "book.xlsx")
    renamed = tmp_path / "book.csv"
    shutil.copy(path, renamed)
    assert names(preview_file(renamed, empty_store).to_add) == ["王芳", "赵强", "孙丽"]


# -- bad rows and bad files ------------------------------------------------------------------


def test_bad_rows_are_listed_with_line_and_reason(tmp_path, empty_store):
    text = HEADER + ("1,张三,男,语文,4年级,,\n"
                     "2,,女,数学,3年级,,\n"
                     "3,李四,女,书法,3年级,,\n"
                     "4,张三,男,语文,4年级,,\n"
                     "5,王五,男,数学,九年级,,\n"
                     "6,周六,不详,数学,1年级,,\n"
                     "7,吴七,女,英语,2年级,,\n")
    preview = preview_file(write(tmp_path, "bad.csv", text.encode("utf-8")), empty_store)
    assert names(preview.to_add) == ["张三", "吴七"]
    errors = {e.line: "；".join(e.reasons) for e in preview.errors}
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "缺少姓名" in errors[3]
    assert "未知学科“书法”" in errors[4]
    assert "与第 2 行重复" in errors[5]
    assert "未知年级“九年级”" in errors[6]
    assert "性别" in errors[7]


def test_login_clashes_and_duplicates(tmp_path, empty_store):
    text = "姓名,学科,登录名\n张伟,语文,\n张伟,数学,\n钱一,语文,admin\n孙二,语文,sun\n孙三,数学,sun\n"
    preview = preview_file(write(tmp_path, "x.csv", text.encode()), empty_store)
    assert [c.teacher.login for c in preview.to_add] == ["zhangwei", "zhangwei2", "sun"]
    reasons = {e.line: "；".join(e.reasons) for e in preview.errors}
    assert "已被管理员使用" in reasons[4]
    assert "与第 5 行相同" in reasons[6]


def test_same_name_and_subject_updates_the_existing_teacher(tmp_path, demo_store):
    text = "姓名,学科,年级,职务,备注\n张敏,语文,3年级、4年级,骨干教师,区学科带头人\n张敏,数学,1年级,,\n"
    preview = preview_file(write(tmp_path, "u.csv", text.encode()), demo_store)
    assert len(preview.to_update) == 1
    change = preview.to_update[0]
    assert change.before.name == "张敏" and change.teacher.grades == ["3年级", "4年级"]
    assert set(change.changed_fields) == {"grades", "note"}
    assert change.teacher.login == change.before.login
    assert names(preview.to_add) == ["张敏"]  # same name, other subject: a namesake
    assert any("同名" in note for note in preview.to_add[0].notes)
    apply_preview(demo_store, preview)
    stored = [x for x in Store(demo_store.path).all(Teacher) if x.name == "张敏"]
    assert len(stored) == 2 and stored[0].note == "区学科带头人"


@pytest.mark.parametrize("name, data, word", [
    ("empty.csv", b"", "空文件"),
    ("blank.csv", b"\r\n\r\n  \n", "空文件"),
    ("photo.csv", bytes(range(256)) * 20, "不是文本格式"),
    ("noheader.csv", "张三,语文\n李四,数学\n".encode(), "找不到表头行"),
    ("fake.xlsx", "姓名\n张三\n".encode(), "不是 Excel 文件"),
    ("old.xls", "姓名\n张三\n".encode(), "不是 Excel 文件"),
    ("damaged.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "无法作为旧版 Excel"),
])
def test_files_that_are_not_rosters_get_a_clear_error(tmp_path, empty_store, name, data, word):
    with pytest.raises(RosterFileError) as caught:
        read_roster(write(tmp_path, name, data))
    assert word in str(caught.value)


def test_an_old_xls_roster_reads_like_an_xlsx():
    """Excel 97–2003 files (made here by LibreOffice from an .xlsx): a merged title row above
    the header, a date column, an empty cell."""
    from pathlib import Path

    table = read_roster(Path(__file__).parents[1] / "data" / "roster-old.xls")
    assert table.columns == {"name": 0, "subjects": 1, "login": 2, "joined": 3}  # 入职日期 is read back too
    assert [row.cells for row in table.rows] == [
        ["张三", "语文", "zhangsan", "2020-09-01"], ["李四", "数学", "lisi", "2024-09-01"], ["王五", "英语", "wangwu", ""]]
    assert [row.line for row in table.rows] == [3, 4, 5]


def test_missing_file(tmp_path):
    with pytest.raises(RosterFileError, match="找不到文件"):
        read_roster(tmp_path / "nope.csv")


# -- the command line ----------------------------------------------------------------------


@pytest.fixture
def as_admin(monkeypatch):
    """Commands run as the OS login; stand in for the demo's admin."""
    monkeypatch.setattr("models.identity.os_login", lambda: "tester")


def test_cli_previews_and_writes_only_with_yes(tmp_path, demo_db, capsys, as_admin):
    path = write(tmp_path, "new.csv", (HEADER + "1,新老师,女,语文,1年级,新教师,\n").encode("gbk"))
    before = demo_db.read_bytes()
    assert main(["import", "teachers", str(path), "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "新增 1 人" in out and "新老师" in out and "--yes" in out
    assert demo_db.read_bytes() == before
    assert main(["import", "teachers", str(path), "--db", str(demo_db), "--yes", "--dry-run"]) == 0
    assert demo_db.read_bytes() == before
    assert main(["import", "teachers", str(path), "--db", str(demo_db), "--yes"]) == 0
    assert "已导入：新增 1 人" in capsys.readouterr().out
    stored = [x for x in Store(demo_db).all(Teacher) if x.name == "新老师"]
    assert len(stored) == 1 and stored[0].login == "xinlaoshi" and stored[0].roles == ["新教师"]


def test_cli_with_bad_rows_imports_only_the_good_ones(tmp_path, demo_db, capsys, as_admin):
    path = write(tmp_path, "mixed.csv", (HEADER + "1,好行,女,语文,1年级,,\n2,,女,语文,1年级,,\n").encode())
    assert main(["import", "teachers", str(path), "--db", str(demo_db), "--yes"]) == 1
    out = capsys.readouterr().out
    assert "第 3 行" in out and "缺少姓名" in out and "没有导入" in out
    assert [x.name for x in Store(demo_db).all(Teacher)].count("好行") == 1


@pytest.mark.parametrize("name, data", [("empty.csv", b""), ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00" * 50)])
def test_failed_import_leaves_the_data_file_byte_for_byte(tmp_path, demo_db, capsys, name, data):
    path = write(tmp_path, name, data)
    before = demo_db.read_bytes()
    assert main(["import", "teachers", str(path), "--db", str(demo_db), "--yes"]) == 1
    assert capsys.readouterr().err.strip()
    assert demo_db.read_bytes() == before


def test_failed_write_leaves_the_data_file_unchanged(tmp_path, demo_store):
    """A row that only fails the store's own validation aborts the whole transaction."""
    preview = preview_file(SAMPLE, Store(tmp_path / "x.json", actor="a", create=True))
    preview.to_add[5].teacher = preview.to_add[5].teacher.copy(roles=["不存在的职务"])
    before = demo_store.path.read_bytes()
    from models.store.storage import ValidationFailed

    with pytest.raises(ValidationFailed):
        apply_preview(demo_store, preview)
    assert demo_store.path.read_bytes() == before


def test_export_csv_has_bom_and_round_trips(tmp_path, demo_db, capsys):
    out = tmp_path / "teachers.csv"
    assert main(["export", "teachers", "--format", "csv", "-o", str(out), "--db", str(demo_db)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == HEADERS and len(rows) == 45
    assert ["[bold]x[/bold]"] == [r[0] for r in rows if r[0] == "[bold]x[/bold]"]
    preview = preview_file(out, Store(demo_db))
    assert not preview.errors and not preview.to_add and not preview.to_update


def test_export_xlsx_has_header_frozen_panes_and_widths(tmp_path, demo_db):
    from openpyxl import load_workbook

    out = tmp_path / "teachers.xlsx"
    assert main(["export", "teachers", "--format", "xlsx", "-o", str(out), "--db", str(demo_db)]) == 0
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]] == list(HEADERS)
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 6
    assert sheet.max_row == 45


def test_export_keeps_formula_like_names_as_text_and_the_import_reads_them_back(tmp_path):
    from openpyxl import load_workbook

    from models.roster_import import read_roster

    rows = roster_rows([Teacher(id=1, name="=1+1", subjects=["语文"]), Teacher(id=2, name="@李", subjects=["数学"])])
    sheet = load_workbook(io.BytesIO(render(roster_report(rows), "xlsx"))).active
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    data = render(roster_report(rows), "csv")
    assert data.decode("utf-8-sig").splitlines()[1].startswith("'=1+1,")
    assert data.decode("utf-8-sig").splitlines()[2].startswith("'@李,")
    target = tmp_path / "back.csv"
    target.write_bytes(data)
    table = read_roster(target)
    assert [row.cells[0] for row in table.rows] == ["=1+1", "@李"]


# -- the small pieces ------------------------------------------------------------------------


def test_values_roles_grades_and_logins():
    assert split_values("语文;数学；英语,科学，音乐、美术/体育 ") == ["语文", "数学", "英语", "科学", "音乐", "美术", "体育"]
    assert normalise_role("语文教研组长") == "教研组长"
    assert normalise_role("数学备课组长") == "备课组长"
    assert normalise_role("班主任") is None
    grades = Policy().grades
    assert normalise_grade("四年级", grades) == "4年级" and normalise_grade("6", grades) == "6年级"
    assert normalise_grade("七年级", grades) is None
    assert generate_login("单田芳", set()) == "shantianfang"
    assert generate_login("张三", {"zhangsan", "zhangsan2"}) == "zhangsan3"
    assert generate_login("[bold]", set()) == "bold"


def test_build_preview_with_english_headers():
    from models.roster_import import RosterTable, SourceRow

    table = RosterTable(columns={"name": 0, "subjects": 1}, ignored_columns=[], rows=[SourceRow(2, ["Amy", "英语"])])
    preview = build_preview(table, [], Policy())
    assert names(preview.to_add) == ["Amy"] and preview.to_add[0].teacher.login == "amy"
