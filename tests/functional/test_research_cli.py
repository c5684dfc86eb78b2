"""`jiaoyan project / training / hours / requirements / report year` run as a user would (issue 18)."""

from __future__ import annotations

import docx
import openpyxl
import pytest

from models.records import Project, Teacher, Training
from models.store.storage import Store
from tui import cli


@pytest.fixture
def as_login(monkeypatch):
    def use(login: str) -> None:
        monkeypatch.setattr("models.identity.os_login", lambda: login)
    use("tester")
    return use


def run(demo_db, *args) -> int:
    return cli.main([*args, "--db", str(demo_db)])


def test_projects_from_the_command_line(demo_db, as_login, tmp_path, capsys):
    assert run(demo_db, "project", "add", "--title", "作业设计研究", "--host", "陈思远", "--members", "zhangmin",
               "--start", "2025-03-01", "--end", "2027-06-30", "--number", "区2025-017", "--level", "区级") == 0
    project = Store(demo_db).all(Project)[0]
    assert (project.level, project.number, len(project.stages)) == ("区/县级", "区2025-017", 4)
    assert run(demo_db, "project", "list") == 0
    assert "立项 2025-03-01 逾期" in capsys.readouterr().out
    report = tmp_path / "开题报告.txt"
    report.write_text("一、研究背景\n作业要少而精。", encoding="utf-8")
    assert run(demo_db, "project", "stage", "区2025-017", "立项", "--done", "--date", "2025-03-01") == 0
    assert run(demo_db, "project", "stage", "区2025-017", "开题", "--file", str(report)) == 0
    stages = Store(demo_db).all(Project)[0].stages
    assert stages[0]["status"] == "done" and stages[1]["documents"][0]["text"] == "一、研究背景\n作业要少而精。"
    # Back to not done, planned for another day: both stored (the day was dropped before).
    assert run(demo_db, "project", "stage", "区2025-017", "立项", "--planned", "--date", "2025-04-01") == 0
    first = Store(demo_db).all(Project)[0].stages[0]
    assert (first["status"], first["done_on"], first["date"]) == ("planned", "", "2025-04-01")
    assert run(demo_db, "project", "stage", "区2025-017", "立项", "--done", "--date", "2025-03-01") == 0
    target = tmp_path / "课题.docx"
    assert run(demo_db, "project", "print", "区2025-017", "-o", str(target)) == 0
    text = "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert "作业要少而精。" in text
    # Bad input: a sentence, nothing saved.
    capsys.readouterr()
    assert run(demo_db, "project", "stage", "区2099-1", "开题", "--done") == 1
    assert "没有编号或序号为“区2099-1”的课题" in capsys.readouterr().err
    # A teacher may not add a project.
    as_login("zhangmin")
    assert run(demo_db, "project", "add", "--title", "x", "--host", "张敏", "--start", "2025-09-01") != 0
    assert len(Store(demo_db).all(Project)) == 1


def test_training_hours_and_requirements(demo_db, as_login, capsys):
    as_login("zhangmin")
    assert run(demo_db, "training", "add", "--title", "省级骨干培训", "--place", "杭州", "--start", "2025-10-20",
               "--hours", "12") == 0
    training = Store(demo_db).all(Training)[0]
    assert (training.hours, training.report_back, training.term_id) == (12.0, "汇报课", "2025-2026-1")
    capsys.readouterr()
    assert run(demo_db, "hours", "--teacher", "zhangmin") == 0
    out = capsys.readouterr().out
    assert "外出学习：省级骨干培训（杭州）" in out and "待汇报课：省级骨干培训" in out
    assert run(demo_db, "training", "reported", str(training.id)) == 0
    assert Store(demo_db).all(Training)[0].reported_on == "2025-11-05"
    as_login("tester")
    assert run(demo_db, "requirements", "--seed") == 0
    assert len(Store(demo_db).policy().requirements) == 3
    capsys.readouterr()
    assert run(demo_db, "requirements", "--progress", "--teacher", "zhangmin") == 0
    assert "教学随笔" in capsys.readouterr().out
    assert run(demo_db, "requirements", "--add", "x", "--per-term", "0") == 1  # refused with a sentence
    assert len(Store(demo_db).policy().requirements) == 3


def test_report_year(demo_db, as_login, tmp_path, capsys):
    target = tmp_path / "学年.xlsx"
    assert run(demo_db, "report", "year", "--year", "2025-2026", "-o", str(target)) == 0
    sheet = openpyxl.load_workbook(target).worksheets[0]
    assert any("张敏" in [c.value for c in row] for row in sheet.iter_rows())
    assert run(demo_db, "report", "year", "--year", "1999-2000") == 1
    assert "没有 1999-2000 学年的学期" in capsys.readouterr().err


def test_project_edit_from_the_command_line(demo_db, as_login, capsys):
    assert run(demo_db, "project", "add", "--title", "作业设计研究", "--host", "陈思远", "--start", "2025-03-01",
               "--end", "2027-06-30", "--number", "区2025-017") == 0
    assert run(demo_db, "project", "add", "--title", "阅读", "--host", "陈思远", "--start", "2025-03-01",
               "--number", "区2025-018") == 0
    assert run(demo_db, "project", "stage", "区2025-017", "结题", "--done", "--date", "2025-10-01") == 0
    capsys.readouterr()
    assert run(demo_db, "project", "edit", "区2025-017", "--title", "作业设计与评价研究", "--host", "zhangmin",
               "--members", "陈思远", "--level", "市级", "--end", "2027-12-31") == 0
    out = capsys.readouterr().out
    assert "已保存课题《作业设计与评价研究》" in out and "已完成的结题阶段日期不变" in out
    project = next(p for p in Store(demo_db).all(Project) if p.number == "区2025-017")
    zhang = next(x for x in Store(demo_db).all(Teacher) if x.login == "zhangmin")
    assert (project.title, project.level, project.host_id, project.planned_end) == (
        "作业设计与评价研究", "市级", zhang.id, "2027-12-31")
    assert len(project.member_ids) == 1 and project.member_ids[0] != zhang.id
    assert project.stages[3]["date"] == "2027-06-30"  # 结题 was done: its date is not moved
    before = Store(demo_db).all(Project)
    # Bad input: a sentence on standard error, nothing stored.
    for bad, said in ((("--end", "2020-01-01"), "结束日期早于开始日期"), (("--number", "区2025-018"), "另一个课题"),
                      (("--members", "没这个人"), "没这个人"), (("--title", " "), "请填写标题"), ((), "没有要修改的内容")):
        assert run(demo_db, "project", "edit", "区2025-017", *bad) == 1, bad
        assert said in capsys.readouterr().err, bad
    # A member reads the project and changes nothing.
    as_login("chensiyuan")
    assert run(demo_db, "project", "edit", "区2025-017", "--title", "别的") == 1
    assert "只有课题主持人（张敏）或教导处可以修改这个课题" in capsys.readouterr().err
    assert Store(demo_db).all(Project) == before
    # The host keeps the project's record (title, members, dates) but does not hand it on.
    as_login("zhangmin")
    assert run(demo_db, "project", "edit", "区2025-017", "--host", "陈思远") == 1
    assert "更换课题主持人由教导处办理" in capsys.readouterr().err
    assert Store(demo_db).all(Project) == before
    assert run(demo_db, "project", "edit", "区2025-017", "--title", "作业设计与评价的行动研究", "--members", "",
               "--end", "2028-01-31") == 0
    project = next(p for p in Store(demo_db).all(Project) if p.number == "区2025-017")
    assert (project.title, project.member_ids, project.planned_end, project.host_id) == (
        "作业设计与评价的行动研究", [], "2028-01-31", zhang.id)


def test_project_delete_from_the_command_line(demo_db, as_login, tmp_path, capsys):
    assert run(demo_db, "project", "add", "--title", "作业设计研究", "--host", "陈思远", "--start", "2025-03-01",
               "--number", "区2025-017") == 0
    report = tmp_path / "开题报告.txt"
    report.write_text("开题报告的正文", encoding="utf-8")
    assert run(demo_db, "project", "stage", "区2025-017", "开题", "--file", str(report)) == 0
    capsys.readouterr()
    # Without --yes: what would go, nothing deleted.
    assert run(demo_db, "project", "delete", "区2025-017") == 0
    out = capsys.readouterr().out
    assert "将删除课题《作业设计研究》（区2025-017）及其各阶段材料（1 份）" in out and "确认请加 --yes" in out
    assert len(Store(demo_db).all(Project)) == 1
    # The host and a teacher are refused with the app's sentence; nothing deleted.
    for login in ("chensiyuan", "zhangmin"):
        as_login(login)
        assert run(demo_db, "project", "delete", "区2025-017", "--yes") == 1
        assert "只有教导处可以删除课题；主持人（陈思远）" in capsys.readouterr().err
        assert len(Store(demo_db).all(Project)) == 1
    as_login("tester")
    assert run(demo_db, "project", "delete", "区2099-1", "--yes") == 1
    assert "区2099-1" in capsys.readouterr().err
    assert run(demo_db, "project", "delete", "区2025-017", "--yes") == 0
    assert "已删除课题《作业设计研究》" in capsys.readouterr().out
    assert Store(demo_db).all(Project) == []
