"""`jiaoyan import rubric` and `observe add --score / --process`, run as the user would (issue 15)."""

from __future__ import annotations

import pytest

from models.records import Observation
from models.rubrics import Rubric
from models.store.storage import Store
from tui import cli

SHEET = "\r\n".join([
    "育才实验小学课堂教学评价表,,",
    "评价项目,评价要点,分值",
    "教学目标,目标明确、具体,15",
    "教学内容,重点突出,20",
    "教学方法,方法得当,20",
    "学生活动,参与面广,25",
    "教学效果,学有所得,20",
    "合计,,100",
])


@pytest.fixture
def as_login(monkeypatch):
    def use(login: str) -> None:
        monkeypatch.setattr("models.identity.os_login", lambda: login)
    use("tester")
    return use


def run(demo_db, *args) -> int:
    return cli.main([*args, "--db", str(demo_db)])


def stored(demo_db, cls):
    return Store(demo_db, actor="check").all(cls)


@pytest.fixture
def sheet(tmp_path):
    path = tmp_path / "评课量表.csv"
    path.write_bytes(SHEET.encode("gbk"))
    return path


def test_import_previews_then_writes_with_yes(demo_db, as_login, sheet, capsys):
    assert run(demo_db, "import", "rubric", str(sheet), "--types", "研讨课,gkk") == 0
    out = capsys.readouterr().out
    assert "评课量表“育才实验小学课堂教学评价表”：5 项，满分 100" in out and "适用：研讨课、公开课" in out
    assert "加 --yes 导入" in out and stored(demo_db, Rubric) == []
    assert run(demo_db, "import", "rubric", str(sheet), "--name", "课堂评价", "--types", "研讨课,公开课", "--yes") == 0
    assert "已导入评课量表“课堂评价”（5 项，满分 100）" in capsys.readouterr().out
    [rubric] = stored(demo_db, Rubric)
    assert rubric.lesson_types == ["研讨课", "公开课"] and rubric.full_marks == 100


def test_import_errors_have_line_numbers_and_write_nothing(demo_db, as_login, tmp_path, capsys):
    path = tmp_path / "坏.csv"
    path.write_text(SHEET.replace("教学内容,重点突出,20", "教学内容,重点突出,二十"), encoding="utf-8")
    before = demo_db.read_bytes()
    assert run(demo_db, "import", "rubric", str(path), "--yes") == 1
    err = capsys.readouterr().err
    assert "第 4 行“教学内容”的分值“二十”不是大于 0 的数字" in err
    assert run(demo_db, "import", "rubric", str(tmp_path / "没有.csv"), "--yes") == 1
    assert "找不到文件" in capsys.readouterr().err
    assert demo_db.read_bytes() == before


def test_import_refuses_an_unknown_lesson_type(demo_db, as_login, sheet, capsys):
    assert run(demo_db, "import", "rubric", str(sheet), "--types", "闲聊课", "--yes") == 1
    assert "没有课型“闲聊课”" in capsys.readouterr().err


def test_only_the_admin_imports(demo_db, as_login, sheet, capsys):
    as_login("zhangmin")
    before = demo_db.read_bytes()
    assert run(demo_db, "import", "rubric", str(sheet), "--yes") != 0
    assert "管理员" in capsys.readouterr().err
    assert demo_db.read_bytes() == before


def test_observe_add_with_scores_and_process_notes(demo_db, as_login, sheet, tmp_path, capsys):
    assert run(demo_db, "import", "rubric", str(sheet), "--types", "研讨课", "--yes") == 0
    notes = tmp_path / "过程.txt"
    notes.write_bytes("一、导入：谈话引入\r\n二、新授：分角色朗读\r\n".encode("gbk"))
    as_login("zhangmin")
    capsys.readouterr()
    code = run(demo_db, "observe", "add", "--teacher", "lxy", "--period", "2", "--type", "ytk", "--topic", "落花生",
               "--process-file", str(notes), "--score", "教学目标=14", "--score", "教学内容=18",
               "--score", "教学方法=17", "--score", "学生活动=22", "--score", "教学效果=18")
    out = capsys.readouterr().out
    assert code == 0, out
    new = max(stored(demo_db, Observation), key=lambda o: o.id)
    assert f"#{new.id}" in out and "总分 89/100，等级 良" in out
    assert new.process == "一、导入：谈话引入\n二、新授：分角色朗读"
    assert new.scores == {"教学目标": 14, "教学内容": 18, "教学方法": 17, "学生活动": 22, "教学效果": 18}
    assert new.rating == "良" and new.rubric["name"] == "育才实验小学课堂教学评价表"
    code = run(demo_db, "observe", "add", "--teacher", "lxy", "--period", "3", "--topic", "桂花雨",
               "--process", "导入\\n新授")
    assert code == 0
    assert max(stored(demo_db, Observation), key=lambda o: o.id).process == "导入\n新授"


@pytest.mark.parametrize("scores, message", [
    (["教学目标=16"], "“教学目标”最高 15 分，不能打 16 分"),
    (["板书=5"], "没有“板书”这一项"),
    (["教学目标"], "应写成 项目=分数"),
])
def test_observe_add_refuses_bad_scores_and_leaves_the_file(demo_db, as_login, sheet, capsys, scores, message):
    assert run(demo_db, "import", "rubric", str(sheet), "--types", "研讨课", "--yes") == 0
    as_login("zhangmin")
    before = demo_db.read_bytes()
    args = [x for score in scores for x in ("--score", score)]
    assert run(demo_db, "observe", "add", "--teacher", "lxy", "--period", "2", "--type", "研讨课",
               "--topic", "落花生", *args) == 1
    assert message in capsys.readouterr().err
    assert demo_db.read_bytes() == before
