"""The domain records: validation with readable messages, round trips, policy defaults."""

import pytest

from models.i18n import set_language
from models.records import (
    Activity, MentorMeeting, Observation, Outcome, Pairing, Policy, Teacher, Term, term_display_name,
)


def fields(problems):
    return {p.field for p in problems}


def test_term_validation_and_name():
    assert Term(term_id="2025-2026-1", name="x", start="2025-09-01", end="2026-01-20").validate() == []
    problems = Term(term_id="2025-2027-3", name="", start="2025-13-01", end="2025-01-01").validate()
    assert fields(problems) == {"term_id", "name", "start"}
    assert "2025-2026-1" in str(next(p for p in problems if p.field == "term_id"))
    backwards = Term(term_id="2025-2026-1", name="x", start="2025-09-01", end="2025-08-01").validate()
    assert [p.field for p in backwards] == ["end"]
    assert term_display_name("2025-2026-1") == "2025—2026学年第一学期"
    assert term_display_name("2025-2026-2") == "2025—2026学年第二学期"


def test_teacher_needs_a_name_and_a_sane_login():
    problems = Teacher(name=" ", login="张三", roles=["国王"]).validate()
    assert fields(problems) == {"name", "login", "roles"}
    assert any("姓名" in str(p) for p in problems)
    assert Teacher(name="张三", login="zhang.san-2", roles=["骨干教师"]).validate() == []


def test_observation_rules_in_chinese():
    # The lesson type is the school's list (Policy.lesson_types), held against it when an
    # entry is checked (tests/unit/test_rubrics.py); a stored record only needs one.
    problems = Observation(observer_id=3, teacher_id=3, date="10-16", topic="", lesson_type="").validate()
    assert fields(problems) == {"teacher_id", "date", "topic", "lesson_type"}
    messages = " ".join(str(p) for p in problems)
    assert "不能给自己听课" in messages and "课题" in messages and "课型" in messages


def test_observation_messages_in_english():
    set_language("en")
    problems = Observation(observer_id=1, teacher_id=1, date="2025-10-16", topic="x").validate()
    assert "cannot observe yourself" in str(problems[0])


def test_activity_cancel_needs_reason_and_marks_are_known():
    activity = Activity(date="2025-10-16", status="cancelled", attendance={"1": "late"})
    assert fields(activity.validate()) == {"cancel_reason", "attendance"}


def test_pairing_meeting_outcome_validation():
    assert fields(Pairing(mentor_id=2, mentee_id=2, from_term="2025").validate()) == {"mentee_id", "from_term"}
    assert fields(MentorMeeting(pairing_id=1, date="2025-10-16", kind="喝茶", content="").validate()) == {"kind", "content"}
    assert fields(Outcome(teacher_id=1, kind="获奖", title="", level="乡级", date="x").validate()) == {"title", "level", "date"}


def test_policy_defaults_follow_the_school_rules():
    policy = Policy()
    assert policy.quota_for([]) == 10
    assert policy.quota_for(["青年教师"]) == 10
    assert policy.quota_for(["中层领导", "骨干教师"]) == 30
    assert policy.research_lessons_per_term == 1 and policy.talks_per_term == 1
    assert policy.mentees_per_mentor == 2 and policy.mentor_meetings_every_weeks == 1
    assert len(policy.periods) == 7 and policy.periods[4]["half"] == "下午"
    assert policy.points_for("获奖", "一等奖") == policy.points["获奖"] + 2
    assert policy.points_for("教学反思") == 0.5
    assert policy.validate() == []


def test_policy_validation_catches_bad_numbers_and_times():
    policy = Policy(observation_quota=-1, mentor_meetings_every_weeks=0,
                    periods=[{"half": "上午", "start": "09:00", "end": "08:00"}])
    assert fields(policy.validate()) == {"observation_quota", "mentor_meetings_every_weeks", "periods"}


@pytest.mark.parametrize("cls", [Term, Teacher, Observation, Pairing, Policy])
def test_round_trip_through_dict_ignores_unknown_keys(cls):
    record = cls()
    data = record.to_dict()
    data["from_a_newer_version"] = 1
    assert cls.from_dict(data, 7) == record.copy(id=7)


def test_one_record_list_and_every_type_in_one_area():
    """models/records.py's RECORD_TYPES is the one list (check, archive, permissions read
    it); each type belongs to exactly one area of models/areas.py."""
    from models.areas import AREAS
    from models.records import RECORD_TYPES, TABLES

    assert len(TABLES) == len(RECORD_TYPES)
    for cls in RECORD_TYPES:
        owners = [area.name for area in AREAS if cls in area.records]
        assert len(owners) == 1, (cls.__name__, owners)
    assert {cls for area in AREAS for cls in area.records} == set(RECORD_TYPES)
