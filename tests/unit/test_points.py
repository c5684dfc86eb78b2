"""积分 by level and deductions (issue 18): models/points.py against a small hand-built term."""

from __future__ import annotations

import json

import pytest

from models.points import DEDUCTION, OUTCOME, points_of, teacher_points
from models.records import Activity, Group, Outcome, Policy, Teacher, Term
from models.store.storage import Store

TERM = "2025-2026-1"


@pytest.fixture
def school(tmp_path):
    store = Store(tmp_path / "school.json", actor="admin", create=True)
    with store.transaction() as tx:
        tx.save_policy(Policy())
        term = tx.insert(Term(term_id=TERM, name="本学期", start="2025-09-01", end="2026-01-20"))
        a = tx.insert(Teacher(name="甲", login="a", is_admin=True))
        b = tx.insert(Teacher(name="乙", login="b"))
        group = tx.insert(Group(name="语文教研组", kind="research", member_ids=[a.id, b.id], leader_id=a.id))
        tx.insert_many([
            Outcome(teacher_id=a.id, term_id=TERM, kind="教学反思", title="校内反思", date="2025-09-05"),
            Outcome(teacher_id=a.id, term_id=TERM, kind="教学论文", title="市级论文", level="市级", date="2025-09-08"),
            Outcome(teacher_id=b.id, term_id=TERM, kind="获奖", title="校赛课", award="一等奖", level="校级",
                    date="2025-09-09"),
            Outcome(teacher_id=b.id, term_id=TERM, kind="获奖", title="区赛课", award="二等奖", level="区/县级",
                    date="2025-09-10"),
            Outcome(teacher_id=b.id, term_id="2024-2025-2", kind="教学论文", title="上学期", date="2025-04-01"),
        ])
        tx.insert_many([
            Activity(term_id=TERM, group_id=group.id, date="2025-09-11", status="held", topic="识字",
                     attendance={str(a.id): "present", str(b.id): "absent"}),
            Activity(term_id=TERM, group_id=group.id, date="2025-09-18", status="held", topic="阅读",
                     attendance={str(a.id): "leave", str(b.id): "absent"}),
            Activity(term_id=TERM, group_id=group.id, date="2025-09-25", status="planned",
                     attendance={str(b.id): "absent"}),
        ])
    return store, term, a, b


def test_points_by_kind_and_level(school):
    store, term, a, b = school
    mine = teacher_points(store, term, a.id)
    # 教学反思 0.5 at 校级; 教学论文 2 + 市级 2
    assert [line.points for line in mine.lines] == [0.5, 4.0]
    assert mine.total == 4.5
    assert "市级 2" in mine.lines[1].detail and "《市级论文》" in mine.lines[1].label


def test_an_award_counts_by_its_level_a_district_award_more_than_a_school_one(school):
    store, term, a, b = school
    theirs = teacher_points(store, term, b.id)
    school_award, district_award = theirs.of(OUTCOME)
    assert school_award.points == 1.0 + 2.0
    assert district_award.points == 1.0 + 3.0
    assert district_award.points > school_award.points
    assert "区/县级二等奖 3" in district_award.detail
    assert theirs.total == 7.0  # no deduction while the school has not turned it on
    assert not theirs.of(DEDUCTION)


def test_deductions_only_when_the_school_turns_them_on(school):
    store, term, a, b = school
    with store.transaction() as tx:
        tx.save_policy(store.policy().copy(absence_deduction=0.5))
    theirs = teacher_points(store, term, b.id)
    cuts = theirs.of(DEDUCTION)
    # two held activities missed without leave; the planned one does not count
    assert [(line.date, line.points) for line in cuts] == [("2025-09-11", -0.5), ("2025-09-18", -0.5)]
    assert "语文教研组" in cuts[0].label and "识字" in cuts[0].label
    assert (theirs.earned, theirs.deducted, theirs.total) == (7.0, 1.0, 6.0)
    # leave is not a deduction
    assert not teacher_points(store, term, a.id).of(DEDUCTION)


def test_the_point_table_is_the_schools_own(school):
    store, term, a, b = school
    policy = store.policy()
    with store.transaction() as tx:
        tx.save_policy(policy.copy(level_points={**policy.level_points, "市级": 5.0},
                                   award_points={**policy.award_points, "区/县级": 10.0}))
    assert teacher_points(store, term, a.id).total == 0.5 + 2.0 + 5.0
    assert teacher_points(store, term, b.id).total == 3.0 + 11.0
    assert set(points_of(store, term)) == {a.id, b.id}


def test_old_files_without_levels_keep_loading(tmp_path, school):
    """An outcome saved without a level is 校级; 区级 from an older file reads as 区/县级; a
    policy saved with only an award bonus keeps it as the school-level award."""
    store, term, a, b = school
    path = store.path
    data = json.loads(path.read_text(encoding="utf-8"))
    for record in data["outcomes"].values():
        record.pop("level", None) if record["title"] == "校内反思" else None
        if record["title"] == "区赛课":
            record["level"] = "区级"
    policy = next(iter(data["policy"].values()))
    for key in ("level_points", "award_points", "absence_deduction"):
        policy.pop(key, None)
    policy["points"]["award_bonus"] = 4.0
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    again = Store(path, actor="admin")
    levels = {o.title: o.level for o in again.all(Outcome)}
    assert levels["校内反思"] == "校级" and levels["区赛课"] == "区/县级"
    assert again.policy().award_points["校级"] == 4.0
    assert again.policy().award_points["区/县级"] == 5.0
    assert teacher_points(again, term, b.id).total == (1.0 + 4.0) + (1.0 + 5.0)
    assert all(not p.validate() for p in again.all(Outcome))
