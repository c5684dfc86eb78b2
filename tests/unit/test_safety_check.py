"""Issue 12: a hand-edited data file is checked, not trusted."""

from __future__ import annotations

import json

import pytest

from models.records import Teacher
from models.store.storage import Store
from tui.cli import main


def _edit(path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _first(data, table):
    key = sorted(data[table], key=int)[0]
    return key, data[table][key]


def _set(table, field, value):
    def change(data):
        _key, record = _first(data, table)
        record[field] = value
    return change


def _as_list(data):
    key, record = _first(data, "observations")
    data["observations"][key] = list(record.values())


def _bad_id(data):
    key, record = _first(data, "teachers")
    data["teachers"]["abc"] = record


HAND_EDITS = {
    "roles null": (_set("teachers", "roles", None), ("teachers", "roles")),
    "record stored as a list": (_as_list, ("observations",)),
    "id abc": (_bad_id, ("abc",)),
    "start 0000-01-01": (_set("terms", "start", "0000-01-01"), ("start",)),
    "name a number": (_set("teachers", "name", 5), ("name",)),
    "member ids as text": (_set("groups", "member_ids", "1,2"), ("member_ids",)),
    "attendance a list": (_set("activities", "attendance", []), ("attendance",)),
    "evaluation a string": (_set("pairings", "evaluations", {"2025-2026-1": "优秀"}), ("evaluations",)),
    "period as text": (_set("observations", "period", "3"), ("period",)),
    "is_admin the string false": (_set("teachers", "is_admin", "false"), ("is_admin",)),
    "points as text": (_set("outcomes", "points", "2"), ("points",)),
    "active as 1": (_set("teachers", "active", 1), ("active",)),
}


@pytest.mark.parametrize("name", sorted(HAND_EDITS))
def test_check_lists_each_hand_edit_with_its_table_id_and_field(name, demo_db, capsys):
    change, words = HAND_EDITS[name]
    _edit(demo_db, change)
    code = main(["check", "--db", str(demo_db)])
    out = capsys.readouterr()
    assert code == 1, out
    assert "Traceback" not in out.err
    for word in words:
        assert word in out.out, (name, out.out)


def test_an_empty_object_is_not_a_sound_school(tmp_path, capsys):
    path = tmp_path / "school.json"
    path.write_text("{}", encoding="utf-8")
    assert main(["check", "--db", str(path)]) == 1
    assert "meta" in capsys.readouterr().out


def test_the_string_false_never_grants_admin(demo_db):
    def change(data):
        for record in data["teachers"].values():
            if record.get("login") == "zhangmin":
                record["is_admin"] = "false"
    _edit(demo_db, change)
    store = Store(demo_db, actor="zhangmin")
    teacher = next(x for x in store.all(Teacher) if x.login == "zhangmin")
    assert teacher.is_admin is False


def test_the_app_and_commands_refuse_a_hand_damaged_file_with_the_list_and_the_restore_hint(demo_db, capsys,
                                                                                          monkeypatch):
    Store(demo_db, actor="tester").backup("manual")
    _edit(demo_db, _set("teachers", "roles", None))
    before = demo_db.read_bytes()
    monkeypatch.setattr("tui.commands.core.command_login", lambda: "tester")
    monkeypatch.setattr("models.identity.os_login", lambda: "tester")
    for argv in ([], ["dashboard", "--plain"], ["export", "teachers", "--format", "csv"]):
        code = main([*argv, "--db", str(demo_db)])
        err = capsys.readouterr().err
        assert code == 2, argv
        assert "roles" in err and "jiaoyan restore" in err, (argv, err)
    assert demo_db.read_bytes() == before


def test_a_sound_file_is_still_sound(demo_db, capsys):
    assert main(["check", "--db", str(demo_db)]) == 0


# -- imports that cannot hang ---------------------------------------------------------------------


def test_an_xlsx_with_one_stray_cell_far_below_reads_only_its_used_rows(tmp_path):
    import time

    from openpyxl import Workbook

    from models.roster_import import read_roster

    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "学科"])
    sheet.append(["张三", "语文"])
    sheet.append(["李四", "数学"])
    sheet["A1048576"] = "stray"
    path = tmp_path / "名册.xlsx"
    book.save(path)
    started = time.monotonic()
    table = read_roster(path)
    assert time.monotonic() - started < 10  # it took 44 s when every row up to 1048576 was built
    names = [row.cells[0] for row in table.rows]
    assert names[:2] == ["张三", "李四"]
    assert len(table.rows) <= 3


def test_a_csv_with_an_unclosed_quote_is_refused_with_its_line(tmp_path):
    from models.roster_import import RosterFileError, read_roster

    path = tmp_path / "名册.csv"
    path.write_text('姓名,学科\n王五,语文\n"张三,语文\n李四,数学\n', encoding="utf-8")
    with pytest.raises(RosterFileError) as info:
        read_roster(path)
    assert "第 3 行" in str(info.value) and "引号" in str(info.value)


def test_a_file_found_sound_is_not_checked_again_until_it_changes_outside_jiaoyan(demo_store, monkeypatch):
    from models.store import integrity

    integrity.refuse_if_unsound(demo_store)  # checked in full, and remembered
    with demo_store.transaction() as tx:  # the store's own save keeps the verdict
        tx.insert(Teacher(name="新同事"))
    calls = []
    monkeypatch.setattr(integrity, "structure_problems", lambda data, full=True: calls.append(1) or [])
    integrity.refuse_if_unsound(Store(demo_store.path, actor="tester"))
    assert calls == []
    monkeypatch.undo()
    _edit(demo_store.path, _set("teachers", "roles", None))  # a hand edit: checked again, refused
    with pytest.raises(integrity.UnsoundDataFile):
        integrity.refuse_if_unsound(Store(demo_store.path, actor="tester"))
