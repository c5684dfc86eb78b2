"""models/observations.py: checking an entry, matching choices, the log's filters, export."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from models.dates import BadInput
from models.observations import (
    Entry, LogFilters, check_entry, earlier_suggestions, export_table, log_records, match_choice,
    resolve_teacher, save_observation, export_report,
)
from models.prefs import load_prefs, save_prefs
from models.records import LESSON_TYPES, RATINGS, Observation, Teacher
from models.store.storage import ValidationFailed

TODAY = dt.date(2025, 11, 5)


def person(store, name):
    return next(x for x in store.all(Teacher) if x.name == name)


def entry(store, **changes):
    values = dict(observer=person(store, "张敏"), teacher=person(store, "刘欣怡"), date_text="今天", period_text="3",
                  topic="秋天的雨", lesson_type="推门课", strengths="好", rating="良")
    values.update(changes)
    return Entry(**values)


@pytest.mark.parametrize("query, choice", [("tm", "推门课"), ("t", "推门课"), ("sk", "赛课"), ("公开", "公开课"),
                                           ("ytk", "研讨课"), ("yzk", "优质课"), ("zz", None), ("", None)])
def test_lesson_types_by_first_letters(query, choice):
    assert match_choice(query, LESSON_TYPES) == choice


def test_ratings_by_first_letter():
    assert [match_choice(q, RATINGS) for q in ("y", "l", "z", "d")] == ["优", "良", "中", "待改进"]


def test_a_good_entry_becomes_an_observation(demo_store):
    observation, problems = check_entry(demo_store, entry(demo_store, period_text="下午2"), TODAY)
    assert problems == []
    assert (observation.date, observation.period, observation.term_id) == ("2025-11-05", 6, "2025-2026-1")


@pytest.mark.parametrize("changes, field, words", [
    (dict(teacher=None, teacher_text="qqq"), "teacher", "找不到授课教师“qqq”"),
    (dict(teacher=None, teacher_text=""), "teacher", "请填写授课教师"),
    (dict(teacher="self"), "teacher", "不能给自己听课"),
    (dict(date_text="明天"), "date", "还没到"),
    (dict(date_text="2025-08-20"), "date", "不在任何学期内"),
    (dict(period_text="8"), "period", "超出了一天的课时"),
    (dict(period_text="上午5"), "period", "上午没有“上午5”这一节"),
    (dict(topic="  "), "topic", "请填写课题"),
    (dict(lesson_type="随堂课"), "lesson_type", "课型“随堂课”不在可选范围内"),
])
def test_each_problem_has_its_field_and_message(demo_store, changes, field, words):
    if changes.get("teacher") == "self":
        changes["teacher"] = person(demo_store, "张敏")
    observation, problems = check_entry(demo_store, entry(demo_store, **changes), TODAY)
    assert observation is None
    assert any(p.field == field and words in p.message for p in problems), problems


def test_duplicate_is_caught_before_and_inside_the_lock(demo_store):
    first, _ = check_entry(demo_store, entry(demo_store), TODAY)
    save_observation(demo_store, first)
    again, problems = check_entry(demo_store, entry(demo_store, topic="另一个课题"), TODAY)
    assert again is None and problems[0].field == "duplicate" and "可能重复" in problems[0].message
    with pytest.raises(ValidationFailed):
        save_observation(demo_store, first.copy(id=0))


def test_earlier_suggestions_newest_first_and_only_readable(demo_store):
    liu = person(demo_store, "刘欣怡")
    admin = person(demo_store, "郑娟")
    outsider = person(demo_store, "曾思远")
    seen = earlier_suggestions(demo_store, admin, liu.id, "2025-2026-1")
    assert seen and [(o.date, o.period) for o in seen] == sorted(((o.date, o.period) for o in seen), reverse=True)
    visible_to_outsider = earlier_suggestions(demo_store, outsider, liu.id, "2025-2026-1")
    assert all(o.observer_id == outsider.id for o in visible_to_outsider)


def test_log_filters_search_and_hidden_ratings(demo_store):
    admin, outsider = person(demo_store, "郑娟"), person(demo_store, "曾思远")
    everything = log_records(demo_store, admin, LogFilters(), "2025-2026-1")
    assert everything and all(o.term_id == "2025-2026-1" for o in everything)
    good = log_records(demo_store, admin, LogFilters(rating="优"), "2025-2026-1")
    assert good and all(o.rating == "优" for o in good)
    hidden = log_records(demo_store, outsider, LogFilters(rating="优"), "2025-2026-1")
    from models.permissions import can_read_comments
    assert all(can_read_comments(demo_store, outsider, demo_store.get(Observation, o.id)) for o in hidden)
    assert len(hidden) < len(good)
    week = log_records(demo_store, admin, LogFilters(week=10), "2025-2026-1")
    assert week and all("2025-11-03" <= o.date <= "2025-11-09" for o in week)
    found = log_records(demo_store, admin, LogFilters(search="板书"), "2025-2026-1")
    assert found and all("板书" in o.topic + o.strengths + o.shortcomings + o.suggestions for o in found)
    by_type = log_records(demo_store, admin, LogFilters(lesson_type="推门课", term_id=""), "")
    assert by_type and {o.lesson_type for o in by_type} == {"推门课"}


def test_filters_survive_a_round_trip_through_the_prefs_file(demo_db):
    filters = LogFilters(term_id="", week=3, teacher_id=6, lesson_type="推门课", search="朗读", sort="rating",
                         reverse=False)
    assert save_prefs(demo_db, "zhangmin", "observations_log", filters.to_dict())
    assert LogFilters.from_dict(load_prefs(demo_db, "zhangmin", "observations_log")) == filters
    assert load_prefs(demo_db, "someone", "observations_log") == {}
    assert LogFilters.from_dict({"sort": "nonsense", "week": "x"}) == LogFilters()
    assert load_prefs(demo_db, "../../etc/passwd", "x") == {}


def test_resolve_teacher_by_name_pinyin_initials_and_ambiguity(demo_store):
    teachers = demo_store.all(Teacher)
    assert resolve_teacher(teachers, "张敏").name == "张敏"
    assert resolve_teacher(teachers, "lxy").name == "刘欣怡"
    assert resolve_teacher(teachers, "zhangmin").name == "张敏"
    with pytest.raises(BadInput, match="对应多位教师：陈思远"):
        resolve_teacher(teachers, "陈")
    with pytest.raises(BadInput, match="找不到授课教师"):
        resolve_teacher(teachers, "qqqqq")


def test_export_blanks_what_the_viewer_may_not_read(demo_store, tmp_path):
    outsider = person(demo_store, "曾思远")
    header, rows = export_table(demo_store, outsider, "2025-2026-1")
    assert header[:4] == ["日期", "节次", "听课人", "授课教师"]
    mine = [r for r in rows if outsider.name in (r[2], r[3])]
    others = [r for r in rows if outsider.name not in (r[2], r[3]) and r[3] not in ("曾思远",)]
    assert mine and any(r[8] for r in mine)
    leads = {x.name for x in demo_store.all(Teacher) if x.subjects == ["数学"]}
    assert all(r[8] == r[9] == r[10] == r[11] == "" for r in others if r[3] not in leads)
    from models.exports.registry import render

    raw = render(export_report(header, [["2025-10-16", "=1+1", "\t=2"]], title="听课记录"), "csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(raw.decode("utf-8-sig").splitlines()))[1] == ["2025-10-16", "'=1+1", "'\t=2"]
    xlsx = tmp_path / "o.xlsx"
    xlsx.write_bytes(render(export_report(header, rows, title="听课记录"), "xlsx"))
    from openpyxl import load_workbook
    sheet = load_workbook(xlsx).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].value == "日期" and sheet["A1"].font.bold
    assert sheet["A2"].is_date and sheet.max_row == len(rows) + 1


def test_undo_gives_the_record_its_own_id_back_and_keeps_follow_up_links(demo_db):
    """张敏 deletes her lesson and undoes it; 陈思远's later record that followed up its
    suggestion still points at it — though 张敏 may not change 陈思远's record."""
    from models.observations import delete_observation, restore_observation
    from models.permissions import PermissionDenied, check_change
    from models.store.storage import Store

    admin = Store(demo_db, actor="tester", guard=check_change)
    zhang, chen, liu = (person(admin, n) for n in ("张敏", "陈思远", "刘欣怡"))
    earlier = save_observation(Store(demo_db, actor="zhangmin", guard=check_change), check_entry(
        admin, entry(admin, date_text="2025-11-03", suggestions="多留等待时间"), TODAY)[0])
    later, problems = check_entry(admin, entry(admin, observer=chen, teacher=liu, date_text="2025-11-05",
                                               followed_up_ids=[earlier.id]), TODAY)
    assert not problems
    later = save_observation(Store(demo_db, actor="chensiyuan", guard=check_change), later)

    mine = Store(demo_db, actor="zhangmin", guard=check_change)
    delete_observation(mine, mine.get(Observation, earlier.id))
    assert mine.get(Observation, earlier.id) is None
    restored = restore_observation(mine, earlier)
    assert restored.id == earlier.id
    check = Store(demo_db, actor="check")
    back = check.get(Observation, earlier.id)
    assert (back.topic, back.suggestions, back.observer_id) == (earlier.topic, "多留等待时间", zhang.id)
    assert back.version == earlier.version + 1 and back.created_by == earlier.created_by
    assert check.get(Observation, later.id).followed_up_ids == [earlier.id]
    # A new record still gets a fresh id: the restored one never collides.
    newer = save_observation(mine, check_entry(mine, entry(mine, date_text="2025-11-04"), TODAY)[0])
    assert newer.id > later.id
    # Restoring twice is refused (the id is taken), and so is restoring someone else's record.
    from models.store.storage import ConflictError

    with pytest.raises(ConflictError):
        restore_observation(mine, earlier)
    theirs = check.get(Observation, later.id)
    delete_observation(Store(demo_db, actor="chensiyuan", guard=check_change), theirs)
    with pytest.raises(PermissionDenied):
        restore_observation(mine, theirs)
