"""评课量表 and scoring (issue 15): rubrics, the school's lesson types and ratings, the
rating the thresholds give, records keeping their rubric, the import of a school's sheet."""

from __future__ import annotations

import datetime as dt

import pytest

from models.observations import Entry, check_entry, export_table, save_observation
from models.records import Observation, Policy, Teacher
from models.rubrics import (
    Rubric, RubricFileError, import_rubric, parse_criteria_text, read_rubric_file, rubric_for, save_rubric,
)
from models.store.storage import Store, ValidationFailed

TODAY = dt.date(2025, 11, 5)
CRITERIA = [
    {"name": "教学目标", "max": 15, "descriptor": "目标明确、具体"},
    {"name": "教学内容", "max": 20, "descriptor": ""},
    {"name": "教学方法", "max": 20, "descriptor": ""},
    {"name": "学生活动", "max": 25, "descriptor": ""},
    {"name": "教学效果", "max": 20, "descriptor": ""},
]


def person(store, name):
    return next(x for x in store.all(Teacher) if x.name == name)


@pytest.fixture
def rubric(demo_store) -> Rubric:
    return save_rubric(demo_store, Rubric(name="课堂教学评价表", criteria=CRITERIA, lesson_types=["研讨课", "公开课"]))


def entry(store, **changes):
    values = dict(observer=person(store, "张敏"), teacher=person(store, "刘欣怡"), date_text="今天", period_text="3",
                  subject="语文", topic="秋天的雨", lesson_type="研讨课", strengths="好")
    values.update(changes)
    return Entry(**values)


def test_scores_give_the_total_and_the_rating_from_the_thresholds(demo_store, rubric):
    scores = {"教学目标": "14", "教学内容": "18", "教学方法": "17", "学生活动": "22", "教学效果": "18"}
    observation, problems = check_entry(demo_store, entry(demo_store, scores=scores), TODAY)
    assert problems == []
    assert observation.total == 89 and observation.rating == "良"  # 89 < 90
    assert observation.rubric["name"] == "课堂教学评价表" and observation.rubric["criteria"] == CRITERIA
    observation, _ = check_entry(demo_store, entry(demo_store, scores={**scores, "教学效果": "19"}), TODAY)
    assert observation.total == 90 and observation.rating == "优"
    # Picked by the observer: the pick stands.
    observation, _ = check_entry(demo_store, entry(demo_store, scores=scores, rating="中"), TODAY)
    assert observation.rating == "中"
    # Not every criterion scored: no rating is made up.
    observation, _ = check_entry(demo_store, entry(demo_store, scores={"教学目标": "14"}), TODAY)
    assert observation.total == 14 and observation.rating == ""


def test_thresholds_are_the_school_s(demo_store, rubric):
    with demo_store.transaction() as tx:
        tx.save_policy(demo_store.policy().copy(rating_thresholds=[{"rating": "优", "min": 85},
                                                                   {"rating": "良", "min": 70}]))
    scores = {"教学目标": "14", "教学内容": "18", "教学方法": "17", "学生活动": "20", "教学效果": "18"}  # 87
    observation, _ = check_entry(demo_store, entry(demo_store, scores=scores), TODAY)
    assert observation.rating == "优"
    low = dict.fromkeys(scores, "1")
    observation, _ = check_entry(demo_store, entry(demo_store, scores=low), TODAY)
    assert observation.rating == "待改进"  # below every threshold: the last rating


@pytest.mark.parametrize("scores, message", [
    ({"教学目标": "16"}, "“教学目标”最高 15 分，不能打 16 分"),
    ({"教学目标": "十"}, "“教学目标”的分数“十”不是数字"),
    ({"板书设计": "5"}, "评课量表“课堂教学评价表”中没有“板书设计”这一项"),
])
def test_bad_scores_are_refused(demo_store, rubric, scores, message):
    observation, problems = check_entry(demo_store, entry(demo_store, scores=scores), TODAY)
    assert observation is None and message in " ".join(p.message for p in problems)


def test_a_lesson_type_without_a_rubric_cannot_be_scored(demo_store, rubric):
    observation, problems = check_entry(demo_store, entry(demo_store, lesson_type="推门课",
                                                          scores={"教学目标": "10"}), TODAY)
    assert observation is None and "没有评课量表" in problems[0].message
    observation, problems = check_entry(demo_store, entry(demo_store, lesson_type="推门课"), TODAY)
    assert problems == [] and observation.rubric == {} and observation.scores == {}


def test_the_store_refuses_a_score_over_the_maximum_whoever_writes_it(demo_store, rubric):
    observation, _ = check_entry(demo_store, entry(demo_store, scores={"教学目标": "14"}), TODAY)
    with pytest.raises(ValidationFailed, match="最高 15 分"):
        save_observation(demo_store, observation.copy(scores={"教学目标": 30}))


def test_a_scored_record_keeps_the_rubric_as_it_was(demo_store, rubric):
    scores = {"教学目标": "14", "教学内容": "18", "教学方法": "17", "学生活动": "22", "教学效果": "18"}
    observation, _ = check_entry(demo_store, entry(demo_store, scores=scores), TODAY)
    saved = save_observation(demo_store, observation)
    changed = rubric.copy(criteria=[{"name": "教学目标", "max": 10, "descriptor": ""},
                                    {"name": "板书设计", "max": 90, "descriptor": ""}])
    save_rubric(demo_store, changed)
    again = demo_store.get(Observation, saved.id)
    assert again.rubric["criteria"] == CRITERIA and again.total == 89
    # Editing the record later still scores it on its own copy.
    edited, problems = check_entry(demo_store, entry(demo_store, scores={**scores, "教学目标": "15"},
                                                     strengths="更好"), TODAY, editing=again)
    assert problems == [] and edited.rubric["criteria"] == CRITERIA and edited.total == 90


def test_the_most_specific_rubric_applies(demo_store, rubric):
    general = save_rubric(demo_store, Rubric(name="通用", criteria=CRITERIA))
    chinese = save_rubric(demo_store, Rubric(name="语文研讨课", criteria=CRITERIA, lesson_types=["研讨课"],
                                             subjects=["语文"]))
    rubrics = demo_store.all(Rubric)
    assert rubric_for(rubrics, "研讨课", "语文").id == chinese.id
    assert rubric_for(rubrics, "研讨课", "数学").id == rubric.id
    assert rubric_for(rubrics, "推门课", "数学").id == general.id
    save_rubric(demo_store, general.copy(active=False))
    assert rubric_for(demo_store.all(Rubric), "推门课", "数学") is None


def test_rubric_names_are_unique_and_only_the_admin_edits_them(demo_db, demo_store, rubric):
    with pytest.raises(ValidationFailed, match="已有名为"):
        save_rubric(demo_store, Rubric(name="课堂教学评价表", criteria=CRITERIA))
    from models.permissions import PermissionDenied, check_change

    teacher_store = Store(demo_db, actor="zhangmin", guard=check_change)
    with pytest.raises(PermissionDenied, match="管理员"):
        save_rubric(teacher_store, Rubric(name="我的量表", criteria=CRITERIA))


def test_lesson_types_are_policy_and_a_retired_one_stays_on_its_records(demo_store):
    observation, problems = check_entry(demo_store, entry(demo_store, lesson_type="闲聊课"), TODAY)
    assert observation is None and "推门课" in problems[0].message
    saved = save_observation(demo_store, check_entry(demo_store, entry(demo_store, lesson_type="赛课"), TODAY)[0])
    policy = demo_store.policy()
    with demo_store.transaction() as tx:
        tx.save_policy(policy.copy(lesson_types=[x for x in policy.lesson_types if x != "赛课"] + ["家常课"],
                                   retired_lesson_types=["赛课"]))
    _, problems = check_entry(demo_store, entry(demo_store, lesson_type="赛课", period_text="4"), TODAY)
    assert problems and "赛课" in problems[0].message  # retired: not for a new record
    observation, problems = check_entry(demo_store, entry(demo_store, lesson_type="家常课", period_text="4"), TODAY)
    assert problems == [] and observation.lesson_type == "家常课"
    edited, problems = check_entry(demo_store, entry(demo_store, lesson_type="赛课", strengths="改"), TODAY,
                                   editing=saved)
    assert problems == [] and edited.lesson_type == "赛课"  # its own value stays valid


def test_policy_lists_are_checked():
    policy = Policy(lesson_types=[], ratings=["优", "优"], rating_thresholds=[{"rating": "甲", "min": 120}])
    messages = " ".join(str(p) for p in policy.validate())
    assert "至少要有一种课型" in messages and "“优”出现了两次" in messages
    assert "等级“甲”" in messages and "0–100" in messages
    assert Policy().validate() == []
    assert Policy().rating_for(74.5, 100) == "中" and Policy().rating_for(45, 50) == "优"


def test_exports_carry_process_notes_scores_and_total_as_numbers(demo_store, rubric, tmp_path, monkeypatch):
    scores = {"教学目标": "14", "教学内容": "18", "教学方法": "17", "学生活动": "22", "教学效果": "18.5"}
    observation, _ = check_entry(demo_store, entry(demo_store, scores=scores, process="导入：谈话\r\n新授：朗读"), TODAY)
    saved = save_observation(demo_store, observation)
    assert saved.process == "导入：谈话\n新授：朗读"
    admin = person(demo_store, "郑娟")
    header, rows = export_table(demo_store, admin, "2025-2026-1")
    row = next(r for r in rows if r[6] == "秋天的雨" and r[2] == "张敏")
    at = {name: index for index, name in enumerate(header)}
    assert row[at["教学过程"]] == "导入：谈话\n新授：朗读" and row[at["评课量表"]] == "课堂教学评价表"
    assert row[at["教学目标"]] == 14 and row[at["教学效果"]] == 18.5 and row[at["总分"]] == 89.5
    outsider = person(demo_store, "曾思远")
    _, rows = export_table(demo_store, outsider, "2025-2026-1")
    hidden = next(r for r in rows if r[6] == "秋天的雨" and r[2] == "张敏")
    assert hidden[at["教学过程"]] == "" and hidden[at["教学目标"]] == "" and hidden[at["总分"]] == ""
    # Through the command, whichever writer it uses: the total is a number cell in Excel.
    from openpyxl import load_workbook

    from tui import cli

    path = tmp_path / "o.xlsx"
    monkeypatch.setattr("models.identity.os_login", lambda: "tester")
    assert cli.main(["export", "observations", "--format", "xlsx", "-o", str(path), "--db", str(demo_store.path)]) == 0
    sheet = load_workbook(path).active
    header_row = next(r for r in range(1, 4) if sheet.cell(r, 1).value == "日期")
    cells = {sheet.cell(header_row, c).value: c for c in range(1, sheet.max_column + 1)}
    line = next(r for r in range(header_row + 1, sheet.max_row + 1) if sheet.cell(r, 7).value == "秋天的雨"
                and sheet.cell(r, 3).value == "张敏")
    assert sheet.cell(line, cells["总分"]).value == 89.5 and sheet.cell(line, cells["总分"]).data_type == "n"
    assert sheet.cell(line, cells["教学目标"]).value == 14


# -- the editor's lines ---------------------------------------------------------------------


def test_criteria_lines_read_back():
    criteria, problems = parse_criteria_text("教学目标 15 目标明确、具体\n\n教学内容 20分\n教学 方法 20\n乱写")
    assert problems and "第 5 行" in problems[0]
    assert criteria == [{"name": "教学目标", "max": 15, "descriptor": "目标明确、具体"},
                        {"name": "教学内容", "max": 20, "descriptor": ""},
                        {"name": "教学 方法", "max": 20, "descriptor": ""}]


# -- importing the school's sheet -----------------------------------------------------------

SHEET = [
    "育才实验小学课堂教学评价表,,",
    "评价项目,评价要点,分值",
    "教学目标,目标明确、具体，符合课标和学情,15",
    "教学内容,重点突出，难点突破,20",
    "教学方法,方法得当，启发思维,20",
    "学生活动,参与面广，主动探究,25",
    "教学效果,达成目标，学有所得,20",
    "合计,,100",
]


def write(tmp_path, lines, encoding="gbk", name="量表.csv"):
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


def test_a_gbk_sheet_with_a_title_row(tmp_path, demo_store):
    sheet = read_rubric_file(write(tmp_path, SHEET))
    assert sheet.problems == [] and sheet.encoding == "GB18030/GBK"
    assert sheet.title == "育才实验小学课堂教学评价表" and sheet.stated_total == 100
    assert [c["name"] for c in sheet.criteria] == ["教学目标", "教学内容", "教学方法", "学生活动", "教学效果"]
    assert sheet.criteria[0] == {"name": "教学目标", "max": 15, "descriptor": "目标明确、具体，符合课标和学情"}
    saved, replaced = import_rubric(demo_store, sheet, "课堂教学评价表", ["研讨课"], [])
    assert not replaced and saved.full_marks == 100
    again, replaced = import_rubric(demo_store, sheet, "课堂教学评价表", [], [])
    assert replaced and again.id == saved.id and again.lesson_types == []


def test_an_xlsx_sheet_with_a_merged_title(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["数学课堂评价量表", None, None])
    sheet.merge_cells("A1:C1")
    sheet.append(["序号", "评价指标", "满分"])
    for index, (name, maximum) in enumerate([("目标", 30), ("过程", 40), ("效果", 30)], 1):
        sheet.append([index, name, maximum])
    path = tmp_path / "量表.xlsx"
    book.save(path)
    read = read_rubric_file(path)
    assert read.problems == [] and read.title == "数学课堂评价量表"
    assert [(c["name"], c["max"]) for c in read.criteria] == [("目标", 30), ("过程", 40), ("效果", 30)]


@pytest.mark.parametrize("change, message", [
    ({4: "教学内容,重点突出,二十"}, "第 4 行“教学内容”的分值“二十”不是大于 0 的数字"),
    ({8: "合计,,90"}, "各项分值之和是 100，但表中合计写的是 90"),
    ({5: ",,"}, "第 5 行是空行"),
    ({5: ",方法得当,20"}, "第 5 行没有评价项目名称"),
    ({5: "教学方法,方法得当,"}, "第 5 行“教学方法”没有分值"),
])
def test_broken_sheets_say_what_is_wrong_and_where(tmp_path, change, message):
    lines = list(SHEET)
    for line, text in change.items():
        lines[line - 1] = text
    sheet = read_rubric_file(write(tmp_path, lines, "utf-8"))
    assert any(message in p for p in sheet.problems), sheet.problems


def test_files_that_are_no_rubric(tmp_path):
    with pytest.raises(RubricFileError, match="找不到表头行"):
        read_rubric_file(write(tmp_path, ["姓名,学科", "张三,语文"]))
    with pytest.raises(RubricFileError, match="空文件"):
        read_rubric_file(write(tmp_path, [""]))
    with pytest.raises(RubricFileError, match="找不到文件"):
        read_rubric_file(tmp_path / "nope.csv")


# -- one lesson, many evaluators ------------------------------------------------------------


def linked_lesson(store, rubric):
    """Three observers score 刘欣怡's lesson in one held activity; a fourth leaves it unscored."""
    from models.records import Activity
    from models.rubrics import snapshot

    activity = next(a for a in store.all(Activity) if a.status == "held" and a.term_id == "2025-2026-1"
                    and a.date <= "2025-11-05")
    teacher = person(store, "刘欣怡")
    observers = [x for x in store.all(Teacher) if x.id != teacher.id and x.active][:4]
    sheets = [
        {"教学目标": 14, "教学内容": 18, "教学方法": 17, "学生活动": 22, "教学效果": 18},  # 89
        {"教学目标": 13, "教学内容": 19, "教学方法": 18, "学生活动": 23, "教学效果": 19},  # 92
        {"教学目标": 15, "教学内容": 16, "教学方法": 16, "学生活动": 20, "教学效果": 18},  # 85
        {},
    ]
    for period, (observer, scores) in enumerate(zip(observers, sheets), 1):
        save_observation(store, Observation(
            term_id="2025-2026-1", date=activity.date, period=activity.period or period, observer_id=observer.id,
            teacher_id=teacher.id, subject="语文", topic="落花生", lesson_type="研讨课", strengths=f"好{period}",
            rubric=snapshot(rubric) if scores else {}, scores=scores, rating="良", activity_id=activity.id))
    return activity, observers


def test_an_activity_shows_every_evaluation_with_averages_and_spread(demo_store, rubric):
    from models.observations import evaluations_of_activity

    activity, observers = linked_lesson(demo_store, rubric)
    [lesson] = [x for x in evaluations_of_activity(demo_store, person(demo_store, "郑娟"), activity.id)
                if x.topic == "落花生"]
    assert len(lesson.records) == 4 and lesson.hidden == 0 and lesson.rubric_name == "课堂教学评价表"
    goal = lesson.criteria[0]
    assert (goal.name, goal.average, goal.lowest, goal.highest, goal.spread) == ("教学目标", 14, 13, 15, 2)
    assert lesson.totals.scores == [89, 92, 85] and lesson.totals.spread == 7
    assert round(lesson.totals.average, 2) == 88.67
    assert lesson.ratings == {"良": 4}
    # Someone outside (not the observers, the teacher, her leaders or the admin) reads none of it.
    outsider = person(demo_store, "曾思远")
    assert outsider.id not in [o.id for o in observers]
    [hidden] = [x for x in evaluations_of_activity(demo_store, outsider, activity.id) if x.topic == "落花生"]
    assert hidden.records == [] and hidden.hidden == 4 and hidden.criteria == []
