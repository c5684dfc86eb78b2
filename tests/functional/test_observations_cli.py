"""`jiaoyan observe add` and `jiaoyan export observations`, run as the user would."""

from __future__ import annotations

import csv

import pytest

from models.records import Observation, Teacher
from models.store.storage import Store
from tui import cli


@pytest.fixture
def as_login(monkeypatch):
    def use(login: str) -> None:
        monkeypatch.setattr("models.identity.os_login", lambda: login)
    use("zhangmin")
    return use


def run(demo_db, *args) -> int:
    return cli.main([*args, "--db", str(demo_db)])


def records(demo_db):
    return Store(demo_db, actor="check").all(Observation)


def test_observe_add_saves_with_names_by_pinyin(demo_db, as_login, capsys):
    before = len(records(demo_db))
    code = run(demo_db, "observe", "add", "--teacher", "lxy", "--period", "下午2", "--type", "tm",
               "--topic", "秋天的雨", "--strength", "朗读好", "--shortcoming", "节奏慢", "--suggestion", "多练",
               "--rating", "y")
    out = capsys.readouterr().out
    assert code == 0, out
    assert "张敏 听 刘欣怡《秋天的雨》" in out and "本学期已听" in out
    new = max(records(demo_db), key=lambda o: o.id)
    assert len(records(demo_db)) == before + 1
    assert (new.period, new.lesson_type, new.rating, new.suggestions, new.subject) == (6, "推门课", "优", "多练", "语文")


@pytest.mark.parametrize("args, message", [
    (["--teacher", "qqqq", "--period", "1", "--topic", "x"], "找不到授课教师“qqqq”"),
    (["--teacher", "陈", "--period", "1", "--topic", "x"], "对应多位教师"),
    (["--teacher", "zhangmin", "--period", "1", "--topic", "x"], "不能给自己听课"),
    (["--teacher", "lxy", "--period", "1", "--topic", "x", "--date", "12-20"], "还没到"),
    (["--teacher", "lxy", "--period", "1", "--topic", "x", "--date", "2025-08-01"], "不在任何学期内"),
    (["--teacher", "lxy", "--period", "0", "--topic", "x"], "超出了一天的课时"),
    (["--teacher", "lxy", "--period", "1", "--topic", " "], "请填写课题"),
    (["--teacher", "lxy", "--period", "1", "--topic", "x", "--rating", "超好"], "评价等级“超好”"),
])
def test_observe_add_refuses_bad_input_with_the_form_s_messages(demo_db, as_login, capsys, args, message):
    before = records(demo_db)
    assert run(demo_db, "observe", "add", *args) == 1
    assert message in capsys.readouterr().err
    assert records(demo_db) == before


def test_observe_add_twice_is_a_duplicate(demo_db, as_login, capsys):
    args = ["observe", "add", "--teacher", "lxy", "--period", "2", "--topic", "观潮"]
    assert run(demo_db, *args) == 0
    assert run(demo_db, *args) == 1
    assert "可能重复" in capsys.readouterr().err


def test_observe_add_needs_an_observer_when_the_login_is_unknown(demo_db, as_login, capsys):
    as_login("nobody")
    assert run(demo_db, "observe", "add", "--teacher", "lxy", "--period", "2", "--topic", "x") == 1
    assert "--observer" in capsys.readouterr().err
    # Someone the school has not set up may not log lessons in a teacher's name.
    assert run(demo_db, "observe", "add", "--observer", "zm", "--teacher", "lxy", "--period", "2",
               "--topic", "x") == 1
    assert "nobody" in capsys.readouterr().err


def test_export_csv_has_a_bom_and_hides_comments_from_outsiders(demo_db, as_login, tmp_path, capsys):
    as_login("zengsiyuan")
    target = tmp_path / "obs.csv"
    assert run(demo_db, "export", "observations", "--format", "csv", "-o", str(target)) == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:4] == ["日期", "节次", "听课人", "授课教师"]
    store = Store(demo_db, actor="check")
    current = [o for o in store.all(Observation) if o.term_id == "2025-2026-1"]
    assert len(rows) == len(current) + 1
    zhang_liu = [r for r in rows[1:] if r[2] == "张敏" and r[3] == "刘欣怡"]
    assert zhang_liu and all(r[8] == r[9] == r[10] == r[11] == "" for r in zhang_liu)
    own = [r for r in rows[1:] if r[2] == "曾思远"]
    assert own and all(r[11] for r in own)


def test_export_xlsx_and_all_terms(demo_db, as_login, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "obs.xlsx"
    assert run(demo_db, "export", "observations", "--term", "all", "--format", "xlsx", "-o", str(target)) == 0
    sheet = load_workbook(target).active
    assert sheet.freeze_panes == "A2" and sheet["C1"].value == "听课人"
    assert sheet.max_row == len(records(demo_db)) + 1


def test_export_refuses_an_unknown_term_and_xlsx_without_a_file(demo_db, as_login, capsys):
    assert run(demo_db, "export", "observations", "--term", "2030-2031-1", "--format", "csv") == 1
    assert "没有学期“2030-2031-1”" in capsys.readouterr().err
    assert run(demo_db, "export", "observations", "--format", "xlsx") == 1
    assert "-o" in capsys.readouterr().err
