"""师徒: progress figures, the pairing rules, meetings and evaluations (models/mentoring.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from models.mentoring import (
    behind_first, check_pairing, end_pairing, expected_meetings, meetings_due, meetings_of, parse_minutes, progress_of,
    save_meeting, save_pairing, set_evaluation,
)
from models.records import MentorMeeting, Observation, Pairing, Policy, Teacher, Term
from models.store.storage import Store, ValidationFailed

AUTUMN = Term(term_id="2025-2026-1", name="2025—2026学年第一学期", start="2025-09-01", end="2026-01-22")
TODAY = dt.date(2025, 11, 5)  # Wednesday of week 10
MENTOR, MENTEE = 1, 2


def meeting(day: str, pairing_id: int = 1, term_id: str = "2025-2026-1") -> MentorMeeting:
    return MentorMeeting(pairing_id=pairing_id, term_id=term_id, date=day, kind="说课", content="说课")


def observation(day: str, observer: int, teacher: int, lesson_type: str = "常态课") -> Observation:
    return Observation(term_id="2025-2026-1", date=day, observer_id=observer, teacher_id=teacher,
                       topic="《秋天的雨》", lesson_type=lesson_type)


def pairing(**changes) -> Pairing:
    return Pairing(id=1, mentor_id=MENTOR, mentee_id=MENTEE, subject="语文", from_term="2025-2026-1").copy(**changes)


# -- expected meetings -----------------------------------------------------------------------

def test_expected_counts_school_weeks_across_guoqing_2025():
    # 国庆 2025 (Oct 1–8) closes part of weeks 5 and 6, but each keeps school days (Sep 29–30;
    # Oct 9–11 with the make-up Saturday), so both count: weeks 1–9 have ended on Wednesday
    # of week 10 (this week's meeting may still come). One figure, under both names.
    assert expected_meetings(pairing(), AUTUMN, TODAY, Policy()) == 9
    assert meetings_due(pairing(), AUTUMN, TODAY, Policy()) == 9
    # Once the term is over, every week counts, whenever the report is printed.
    assert expected_meetings(pairing(), AUTUMN, AUTUMN.end_date, Policy()) == \
        expected_meetings(pairing(), AUTUMN, AUTUMN.end_date + dt.timedelta(days=200), Policy())


def test_a_week_closed_for_the_holiday_is_not_expected():
    # The school closes the rest of week 6 too (and does not work the make-up Saturday):
    # week 6 has no school day left and is not counted.
    closed = AUTUMN.copy(holidays=["2025-10-09", "2025-10-10"], not_workdays=["2025-10-11"])
    assert expected_meetings(pairing(), closed, TODAY, Policy()) == 8
    # On the Monday after the closed week only weeks 1–5 have ended.
    assert expected_meetings(pairing(), closed, dt.date(2025, 10, 13), Policy()) == 5


def test_cadence_every_two_weeks_halves_the_expectation():
    assert expected_meetings(pairing(), AUTUMN, TODAY, Policy(mentor_meetings_every_weeks=2)) == 4


def test_pairing_starting_mid_term_counts_from_its_start():
    # Started on Wednesday of week 7: weeks 7, 8 and 9 have ended since; week 10 is under way.
    late = pairing(started="2025-10-15")
    assert expected_meetings(late, AUTUMN, TODAY, Policy()) == 3
    # Started this week: nothing is expected yet.
    assert expected_meetings(pairing(started="2025-11-03"), AUTUMN, TODAY, Policy()) == 0


def test_an_ended_pairing_expects_nothing_after_its_end():
    ended = pairing(status="ended", to_term="2025-2026-1", ended="2025-09-19")
    assert expected_meetings(ended, AUTUMN, TODAY, Policy()) == 3


# -- progress ---------------------------------------------------------------------------------

def test_progress_counts_meetings_and_observations_both_ways():
    meetings = [meeting("2025-09-02"), meeting("2025-09-09"), meeting("2025-10-28"),
                meeting("2025-03-10", term_id="2024-2025-2"),  # another term
                meeting("2025-10-29", pairing_id=9)]  # another pairing
    observations = [
        observation("2025-09-18", MENTOR, MENTEE),
        observation("2025-10-16", MENTOR, MENTEE),
        observation("2025-10-20", MENTEE, MENTOR),
        observation("2025-10-21", 7, MENTEE, "研讨课"),  # the mentee's research lesson, seen by someone else
        observation("2025-10-22", MENTOR, 8),  # the mentor observing someone else
    ]
    progress = progress_of(pairing(), AUTUMN, meetings, observations, TODAY, Policy())
    assert progress.meetings_held == 3
    assert (progress.meetings_expected, progress.meetings_due) == (9, 9)
    assert progress.shortfall == 6 and progress.behind
    assert progress.mentor_observed == 2
    assert progress.mentee_observed == 1
    assert progress.showcase_lessons == ("研讨课",)
    assert progress.weeks_since_last_meeting == 1  # Oct 28 → Nov 5 is 8 days


def test_progress_of_a_mid_term_pairing_ignores_what_came_before_it():
    late = pairing(started="2025-10-15")
    observations = [observation("2025-09-18", MENTOR, MENTEE), observation("2025-10-20", MENTOR, MENTEE),
                    observation("2025-10-23", MENTEE, MENTOR, "常态课")]
    meetings = [meeting("2025-10-16"), meeting("2025-10-23"), meeting("2025-10-30")]
    progress = progress_of(late, AUTUMN, meetings, observations, TODAY, Policy())
    assert (progress.meetings_held, progress.meetings_expected, progress.meetings_due) == (3, 3, 3)
    assert not progress.behind
    assert (progress.mentor_observed, progress.mentee_observed) == (1, 1)
    assert progress.showcase_lessons == ()


def test_progress_none_for_a_term_the_pairing_did_not_run():
    assert progress_of(pairing(from_term="2026-2027-1"), AUTUMN, [], [], TODAY, Policy()) is None


def test_no_meeting_yet_and_ended_pairings_are_never_behind():
    none_yet = progress_of(pairing(), AUTUMN, [], [], TODAY, Policy())
    assert none_yet.weeks_since_last_meeting is None and none_yet.behind
    ended = progress_of(pairing(status="ended", to_term="2025-2026-1"), AUTUMN, [], [], TODAY, Policy())
    assert ended.shortfall == 9 and not ended.behind


def test_behind_first_sorts_the_largest_shortfall_first():
    on_track = pairing(id=1)
    lagging = pairing(id=2)
    worse = pairing(id=3)
    progress = {
        1: progress_of(on_track, AUTUMN, [meeting(f"2025-{d}") for d in
                                          ("09-02", "09-09", "09-16", "09-23", "09-30", "10-09", "10-14",
                                           "10-21", "10-28")], [], TODAY, Policy()),
        2: progress_of(lagging, AUTUMN, [meeting("2025-10-28", 2)], [], TODAY, Policy()),
        3: progress_of(worse, AUTUMN, [], [], TODAY, Policy()),
    }
    ordered = behind_first([(p, progress[p.id]) for p in (on_track, lagging, worse)])
    assert [p.id for p, _ in ordered] == [3, 2, 1]


# -- rules ----------------------------------------------------------------------------------------

@pytest.fixture
def school(tmp_path):
    store = Store(tmp_path / "school.json", actor="admin", create=True)
    with store.transaction() as tx:
        tx.save_policy(Policy())
        tx.insert(AUTUMN)
        teachers = tx.insert_many([
            Teacher(name="张敏", login="admin", subjects=["语文"], roles=["骨干教师"], is_admin=True),
            Teacher(name="刘欣怡", login="lxy", subjects=["语文"], roles=["新教师"]),
            Teacher(name="余梦瑶", login="ymy", subjects=["语文"], roles=["青年教师"]),
            Teacher(name="陈颖", login="cy", subjects=["语文"]),
            Teacher(name="林杰", login="lj", subjects=["语文"]),
        ])
    return store, {t.name: t for t in teachers}


def new_pairing(people, mentor, mentee, subject="语文"):
    return Pairing(mentor_id=people[mentor].id, mentee_id=people[mentee].id, subject=subject,
                   from_term="2025-2026-1")


def test_self_mentoring_is_refused_and_nothing_stored(school):
    store, people = school
    with pytest.raises(ValidationFailed) as caught:
        save_pairing(store, new_pairing(people, "张敏", "张敏"))
    assert "师傅和徒弟不能是同一个人" in str(caught.value.problems[0])
    assert store.all(Pairing) == []


def test_second_active_mentor_in_the_same_subject_is_refused(school):
    store, people = school
    save_pairing(store, new_pairing(people, "张敏", "刘欣怡"))
    with pytest.raises(ValidationFailed) as caught:
        save_pairing(store, new_pairing(people, "陈颖", "刘欣怡"))
    message = caught.value.problems[0].message
    assert "刘欣怡" in message and "张敏" in message and "只能有一位师傅" in message
    assert len(store.all(Pairing)) == 1
    # Another subject is fine, and so is a new mentor once the first pairing has ended.
    save_pairing(store, new_pairing(people, "陈颖", "刘欣怡", subject="数学"))
    end_pairing(store, store.all(Pairing)[0], "2025-2026-1", TODAY)
    save_pairing(store, new_pairing(people, "陈颖", "刘欣怡"))
    assert len(store.all(Pairing)) == 3


def test_too_many_mentees_is_a_warning_not_a_refusal(school):
    store, people = school
    save_pairing(store, new_pairing(people, "张敏", "刘欣怡"))
    save_pairing(store, new_pairing(people, "张敏", "余梦瑶"))
    saved, check = save_pairing(store, new_pairing(people, "张敏", "林杰"))
    assert saved.id and len(store.all(Pairing)) == 3
    assert any("3 名徒弟" in w and "2 名" in w for w in check.warnings)
    assert not check.notes  # 张敏 is a 骨干教师


def test_mentor_without_a_senior_role_gets_a_gentle_note(school):
    store, people = school
    _, check = save_pairing(store, new_pairing(people, "陈颖", "林杰"))
    assert any("温馨提示" in note and "陈颖" in note for note in check.notes)
    assert not check.refusals and not check.warnings


def test_unknown_term_and_empty_subject_are_refused(school):
    store, people = school
    problems = check_pairing(new_pairing(people, "张敏", "林杰", subject="").copy(from_term="2030-2031-1"),
                             [], people.values(), Policy(), [AUTUMN]).refusals
    messages = " ".join(p.message for p in problems)
    assert "带教学科" in messages and "2030-2031-1" in messages
    typo = check_pairing(new_pairing(people, "张敏", "林杰", subject="语文课"), [], people.values(), Policy(),
                         [AUTUMN]).refusals
    assert "“语文课”不在学校的学科表里" in typo[0].message


def test_ending_keeps_history_and_sets_the_end_term(school):
    store, people = school
    saved, _ = save_pairing(store, new_pairing(people, "张敏", "刘欣怡"))
    save_meeting(store, MentorMeeting(pairing_id=saved.id, date="2025-10-14", kind="分析教材", content="分析第三单元"),
                 TODAY)
    ended = end_pairing(store, store.get(Pairing, saved.id), "2025-2026-1", TODAY)
    again = Store(store.path).get(Pairing, saved.id)
    assert (again.status, again.to_term, again.ended) == ("ended", "2025-2026-1", "2025-11-05")
    assert len(store.all(MentorMeeting)) == 1
    with pytest.raises(ValidationFailed):
        end_pairing(store, ended, "2025-2026-1", TODAY)
    with pytest.raises(ValidationFailed) as caught:
        end_pairing(store, store.get(Pairing, saved.id).copy(status="active"), "1999-2000-1", TODAY)
    assert "1999-2000-1" in str(caught.value.problems[0])


# -- meetings and evaluations ---------------------------------------------------------------------

def test_meeting_rules_and_term_from_date(school):
    store, people = school
    saved, _ = save_pairing(store, new_pairing(people, "张敏", "刘欣怡").copy(started="2025-10-13"))
    stored = save_meeting(store, MentorMeeting(pairing_id=saved.id, date="2025-10-14", kind="说课",
                                               content="  徒弟说课《秋天的雨》\n师傅提出修改意见  ",
                                               duration_minutes=40), TODAY)
    assert stored.term_id == "2025-2026-1" and stored.content.startswith("徒弟说课")
    for day, words in (("2025-11-20", "还没到"), ("2025-10-01", "结对期间"), ("2025-08-01", "不在任何学期")):
        with pytest.raises(ValidationFailed) as caught:
            save_meeting(store, MentorMeeting(pairing_id=saved.id, date=day, kind="说课", content="x"), TODAY)
        assert words in str(caught.value.problems[0])
    with pytest.raises(ValidationFailed):
        save_meeting(store, MentorMeeting(pairing_id=saved.id, date="2025-10-15", kind="说课", content="  "), TODAY)
    assert [m.date for m in meetings_of(store.all(MentorMeeting), saved.id)] == ["2025-10-14"]


def test_minutes_are_read_as_staff_type_them():
    assert parse_minutes("40") == 40
    assert parse_minutes("45分钟") == 45
    assert parse_minutes("1.5小时") == 90
    assert parse_minutes("") == 0
    with pytest.raises(ValueError, match="分钟数"):
        parse_minutes("半天")


def test_evaluation_summary_by_mentor_grade_by_admin(school):
    store, people = school
    saved, _ = save_pairing(store, new_pairing(people, "陈颖", "林杰"))
    mentor, admin = people["陈颖"], people["张敏"]
    saved = set_evaluation(store, saved, "2025-2026-1", mentor, summary="徒弟能独立备课。")
    with pytest.raises(ValidationFailed) as caught:
        set_evaluation(store, saved, "2025-2026-1", mentor, grade="优秀")
    assert "教导处" in str(caught.value.problems[0])
    with pytest.raises(ValidationFailed):
        set_evaluation(store, saved, "2025-2026-1", admin, grade="很好")
    set_evaluation(store, saved, "2025-2026-1", admin, grade="优秀", comment="进步明显")
    stored = Store(store.path).get(Pairing, saved.id)
    assert stored.evaluations["2025-2026-1"] == {"summary": "徒弟能独立备课。", "grade": "优秀", "comment": "进步明显"}
