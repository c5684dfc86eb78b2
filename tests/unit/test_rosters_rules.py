"""The roster's rules: unique logins, the school's lists, namesakes, the group tree,
themes per term and when a group may be deleted."""

from __future__ import annotations

from models.records import Activity, Group, Pairing, Policy, Teacher
from models.rosters import (
    can_delete_group, distinct_labels, earlier_themes, edited_fields, group_problems, group_tree, mentoring_of,
    namesake_warning, rebase_edit, set_theme, slot_changed, teacher_problems, with_leader_as_member,
)


def test_teacher_login_must_be_unique_and_lists_come_from_policy():
    teachers = [Teacher(id=1, name="张三", login="zhangsan")]
    policy = Policy()
    problems = teacher_problems(Teacher(id=2, name="李四", login="zhangsan", subjects=["书法"], grades=["7年级"]),
                                teachers, policy)
    text = "；".join(p.message for p in problems)
    assert "已被张三使用" in text and "学科“书法”" in text and "年级“7年级”" in text
    assert teacher_problems(Teacher(id=1, name="张三", login="zhangsan"), teachers, policy) == []
    assert "请填写姓名" in teacher_problems(Teacher(id=3, name=" "), teachers, policy)[0].message


def test_namesakes_are_allowed_with_a_warning_and_told_apart():
    teachers = [Teacher(id=1, name="王芳", subjects=["语文"], grades=["1年级"], login="wangfang"),
                Teacher(id=2, name="王芳", subjects=["数学"], grades=["3年级"], login="wangfang2"),
                Teacher(id=3, name="李四", login="lisi")]
    assert "王芳（语文1年级）" in namesake_warning(Teacher(name="王芳"), teachers)
    assert namesake_warning(Teacher(name="赵六"), teachers) == ""
    labels = distinct_labels(teachers)
    assert labels == {1: "王芳（语文1年级）", 2: "王芳（数学3年级）", 3: "李四"}
    same = distinct_labels([Teacher(id=1, name="王芳", login="a"), Teacher(id=2, name="王芳", login="b")])
    assert same == {1: "王芳·a", 2: "王芳·b"}


def tree_groups() -> list[Group]:
    return [
        Group(id=5, name="数学4年级备课组", kind="prep", parent_id=3),
        Group(id=1, name="教导处", kind="office"),
        Group(id=3, name="数学教研组", kind="research", parent_id=1),
        Group(id=2, name="语文教研组", kind="research", parent_id=1),
        Group(id=9, name="孤儿组", kind="prep", parent_id=99),
    ]


def test_group_tree_orders_parents_before_children_and_keeps_orphans():
    order = [(depth, g.name) for depth, g in group_tree(tree_groups())]
    assert order == [(0, "教导处"), (1, "语文教研组"), (1, "数学教研组"), (2, "数学4年级备课组"), (0, "孤儿组")]


def test_group_problems_parent_cycle_subject_slot_and_leader():
    groups = tree_groups()
    policy = Policy()
    cycle = groups[2].copy(parent_id=5)  # 数学教研组 under its own prep group
    assert any("不能作为上级组" in p.message for p in group_problems(cycle, groups, [], policy))
    bad = Group(id=7, name="x", kind="prep", parent_id=3, subject="书法", slot_weekday=2, leader_id=42)
    text = "；".join(p.message for p in group_problems(bad, groups, [Teacher(id=1)], policy))
    assert "书法" in text and "节次" in text and "组长" in text
    good = Group(id=7, name="数学5年级备课组", kind="prep", parent_id=3, subject="数学", grades=["5年级"],
                 slot_weekday=4, slot_period=7, slot_place="五年级办公室", leader_id=1)
    assert group_problems(good, groups, [Teacher(id=1)], policy) == []


def test_theme_per_term_keeps_earlier_themes():
    group = Group(themes={"2024-2025-2": "旧主题"})
    group = set_theme(group, "2025-2026-1", "  大单元教学  ")
    assert group.themes == {"2024-2025-2": "旧主题", "2025-2026-1": "大单元教学"}
    assert earlier_themes(group, "2025-2026-1") == [("2024-2025-2", "旧主题")]
    assert set_theme(group, "2025-2026-1", "").themes == {"2024-2025-2": "旧主题"}


def test_group_with_activities_or_children_cannot_be_deleted():
    groups = tree_groups()
    activities = [Activity(id=1, group_id=5, date="2025-10-16")]
    refused = can_delete_group(groups[0], groups, activities)
    assert not refused.allowed and "1 次教研活动" in refused.reason and "归档" in refused.reason
    parent = can_delete_group(groups[2], groups, [])
    assert not parent.allowed and "下面还有 1 个组" in parent.reason
    assert can_delete_group(groups[3], groups, activities).allowed


def test_leader_is_a_member_and_mentoring_is_read_from_pairings():
    assert with_leader_as_member(Group(leader_id=4, member_ids=[1, 2])).member_ids == [4, 1, 2]
    pairings = [Pairing(id=1, mentor_id=1, mentee_id=2), Pairing(id=2, mentor_id=3, mentee_id=1)]
    as_mentor, as_mentee = mentoring_of(pairings, 1)
    assert [p.id for p in as_mentor] == [1] and [p.id for p in as_mentee] == [2]


def test_an_edit_is_laid_onto_the_version_saved_meanwhile():
    original = Teacher(id=5, name="陈颖", note="", gender="", version=1)
    mine = original.copy(note="我的备注", updated_at="later")
    theirs = original.copy(gender="女", note="他们的备注", version=2)
    assert edited_fields(original, mine) == ["note"]  # stamps are not edits
    rebased = rebase_edit(original, mine, theirs)
    assert (rebased.note, rebased.gender, rebased.version) == ("我的备注", "女", 2)
    assert rebase_edit(None, mine, theirs) is mine  # a new record: nothing to lay it onto
    assert rebase_edit(original, mine, None) is mine  # theirs was deleted


def test_only_weekday_period_or_place_make_a_new_slot():
    group = Group(id=2, name="语文教研组", slot_weekday=4, slot_period=6, slot_place="电教室")
    assert not slot_changed(None, group)
    assert not slot_changed(group, group.copy(themes={"2025-2026-1": "阅读"}, member_ids=[1, 2]))
    for change in ({"slot_weekday": 2}, {"slot_period": 7}, {"slot_place": "录播教室"}, {"slot_weekday": 0}):
        assert slot_changed(group, group.copy(**change)), change
