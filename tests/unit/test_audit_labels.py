"""The change log (F2, `jiaoyan audit`) reads as people talk (issue #19): every field of every
record type has a label in both languages, ids show the record's name, codes their label, and
dicts and lists a short summary — never a Python or JSON repr."""

from __future__ import annotations

import dataclasses

import pytest

from models.i18n import has, set_language
from models.records import (
    RECORD_TYPES, Competition, CompetitionEntry, Group, Outcome, Pairing, Policy, Teacher,
)
from models.store.audit import _STAMPS, VALUE_WIDTH, Names, as_text_lines, describe, field_label
from models.store.changelog import ChangeLog
from models.store.storage import Store


@pytest.fixture
def english():
    set_language("en")
    yield
    set_language("zh")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_field_of_every_record_type_has_a_label(language):
    set_language(language)
    try:
        missing = [f"{kind.TABLE}.{f.name}" for kind in RECORD_TYPES for f in dataclasses.fields(kind)
                   if f.name not in _STAMPS
                   and not (has(f"audit.field.{kind.TABLE}.{f.name}") or has(f"audit.field.{f.name}"))]
        assert missing == []
        assert [kind.TABLE for kind in RECORD_TYPES if not has(f"access.what.{kind.TABLE}")] == []
        if language == "zh":  # a Chinese label is never the stored name itself
            raw = [f"{kind.TABLE}.{f.name}" for kind in RECORD_TYPES for f in dataclasses.fields(kind)
                   if f.name not in _STAMPS and field_label(f.name, kind.TABLE) == f.name]
            assert raw == []
    finally:
        set_language("zh")


def _lines(store: Store, since_id: int) -> list[str]:
    """What `jiaoyan audit` prints for the entries after ``since_id``, as the store wrote them."""
    names = Names.of(store)
    entries = [e for e in ChangeLog(store.path).entries() if int(e.get("id", 0)) > since_id]
    return [line for e in entries for line in as_text_lines(describe(e, names))]


def _last_id(store: Store) -> int:
    return max((int(e.get("id", 0)) for e in ChangeLog(store.path).entries()), default=0)


def test_the_policy_reads_as_words(demo_store):
    start = _last_id(demo_store)
    policy = demo_store.all(Policy)[0]
    periods = [*policy.periods[:3], *policy.periods[4:]]  # one morning period fewer
    with demo_store.transaction() as tx:
        tx.update(policy.copy(award_points={**policy.award_points, "校级": 2.5},
                              periods=periods, rating_thresholds=[{"rating": "优", "min": 85}],
                              requirements=[{"role": "", "kind": "outcome", "what": "教学反思", "per_term": 2}]))
    text = "\n".join(_lines(demo_store, start))
    assert "获奖加分: 校级 2、区/县级 3、市级 4、省级 5、国家级 6 → 校级 2.5、区/县级 3、市级 4、省级 5、国家级 6" in text
    assert "作息时间: 上午 4 节、下午 3 节 → 上午 3 节、下午 3 节" in text
    assert "等级分数线: 优 ≥90、良 ≥75、中 ≥60 → 优 ≥85" in text
    assert "按职务的要求: （空） → 每位教师 教学反思 每学期 2" in text
    for raw in ("{", "}", "'", '"', "award_points", "periods", "rating_thresholds"):
        assert raw not in text


def test_a_group_by_its_name_and_kind(demo_store):
    start = _last_id(demo_store)
    group = next(g for g in demo_store.all(Group) if g.kind == "research")
    with demo_store.transaction() as tx:
        tx.update(group.copy(name=group.name + "（新）", kind="prep"))
    text = "\n".join(_lines(demo_store, start))
    assert f"组名: {group.name} → {group.name}（新）" in text
    assert "组别: 教研组 → 备课组" in text
    assert "姓名" not in text and "research" not in text


def test_evaluations_read_as_grade_and_summary(demo_store):
    start = _last_id(demo_store)
    pairing = demo_store.all(Pairing)[0]
    with demo_store.transaction() as tx:
        tx.update(pairing.copy(evaluations={"2025-2026-1": {"grade": "优秀", "summary": "进步很快"}}))
    text = "\n".join(_lines(demo_store, start))
    assert "考核: （空） → 2025-2026-1：优秀 进步很快" in text and "{" not in text


def test_a_competition_entry_names_its_competition_and_outcome(demo_store):
    start = _last_id(demo_store)
    outcome = demo_store.all(Outcome)[0]
    judge = demo_store.get(Teacher, 1)
    with demo_store.transaction() as tx:
        competition = tx.insert(Competition(term_id=outcome.term_id, name="三优评比", deadline="2025-12-01", kinds=[outcome.kind],
                                            judge_ids=[judge.id]))
        tx.insert(CompetitionEntry(term_id=outcome.term_id, competition_id=competition.id, outcome_id=outcome.id,
                                   teacher_id=outcome.teacher_id, submitted="2025-11-05", prize="一等奖"))
    text = "\n".join(_lines(demo_store, start))
    teacher = demo_store.get(Teacher, outcome.teacher_id)
    assert "评比名称: 三优评比" in text and "截止日期: 2025-12-01" in text and f"评委: {judge.name}" in text
    assert "评比: 三优评比" in text and f"成果: {outcome.title}" in text and f"教师: {teacher.name}" in text
    assert "奖项: 一等奖" in text and "提交日期: 2025-11-05" in text
    for raw in ("competition_id", "outcome_id", "deadline", "prize", "judge_ids"):
        assert raw not in text


def test_an_outcome_text_and_a_long_value_are_cut(demo_store):
    start = _last_id(demo_store)
    outcome = demo_store.all(Outcome)[0]
    with demo_store.transaction() as tx:
        tx.update(outcome.copy(text="反思" * 100))
    line = next(x for x in _lines(demo_store, start) if x.strip().startswith("正文"))
    after = line.split(" → ")[-1]
    assert after.endswith("…") and len(after) == VALUE_WIDTH and after.startswith("反思反思")


def test_labels_in_english(demo_store, english):
    start = _last_id(demo_store)
    policy = demo_store.all(Policy)[0]
    with demo_store.transaction() as tx:
        tx.update(policy.copy(periods=policy.periods[:4]))
    text = "\n".join(_lines(demo_store, start))
    assert "periods of the day: 上午 4 periods、下午 3 periods → 上午 4 periods" in text


def _changes(store: Store, table: str, before: dict, after: dict) -> list[str]:
    """An update entry of the shape the store appends (models/store/changelog.py), as printed."""
    entry = {"id": 1, "at": "2025-11-05 10:00:00", "who": "tester", "uid": "tester", "action": "update",
             "table": table, "record_id": 7, "before": before, "after": after}
    return as_text_lines(describe(entry, Names.of(store)))[1:]


def test_codes_show_their_labels_and_people_their_names(demo_store):
    zheng, chen = demo_store.get(Teacher, 1), demo_store.get(Teacher, 2)
    step = {"at": "2025-11-05 09:00", "by": 1, "action": "returned", "comment": "请补充反思"}
    assert _changes(demo_store, "documents", {"state": "submitted", "history": [{"by": 2, "action": "submitted"}]},
                    {"state": "returned", "history": [{"by": 2, "action": "submitted"}, step]}) == [
        f"    审阅经过: 共 1 步，最近：{chen.name}提交 → 共 2 步，最近：{zheng.name}退回：请补充反思",
        "    状态: 已提交 → 已退回"]
    assert _changes(demo_store, "activities", {"leave_requests": {}, "status": "planned"},
                    {"leave_requests": {"2": "pending"}, "status": "held"}) == [
        f"    请假申请: （空） → {chen.name}待批", "    状态: 计划 → 已开展"]
    assert _changes(demo_store, "prep_plans", {"units": []},
                    {"units": [{"uid": 1, "title": "第一单元", "week": 3, "lead_id": 2, "comments": []}]}) == [
        f"    单元: （空） → 第一单元（{chen.name}）"]
    assert _changes(demo_store, "handins", {"audience": "teachers"}, {"audience": "prep_groups"}) == [
        "    上交对象: 每位教师 → 各备课组"]
    assert _changes(demo_store, "terms", {"status": "open"}, {"status": "archived"}) == ["    状态: 进行中 → 已归档"]
