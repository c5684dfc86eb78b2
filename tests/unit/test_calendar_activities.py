"""Generation across holidays, regeneration after a slot change, a year chinese-calendar
does not cover, speaker rotation, conflicts."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from models.activities import (
    assign_speakers, conflicts_with, find_conflicts, generate_term_activities, generate_weekly, move_activity,
    regenerate_group_activities, swap_speakers,
)
from models.records import Activity, Group, Teacher, Term
from models.store.storage import Store
from models.term_days import toggle_school_day, uncovered_years
from models.terms import is_makeup_workday, is_school_day

D = dt.date.fromisoformat
AUTUMN_2025 = Term(term_id="2025-2026-1", name="2025—2026学年第一学期", start="2025-09-01", end="2026-01-22")
SPRING_2027 = Term(term_id="2026-2027-2", name="2026—2027学年第二学期", start="2027-03-01", end="2027-07-09")


def group(weekday: int, period: int = 6, members=(1, 2, 3, 4), leader: int = 1, group_id: int = 7) -> Group:
    return Group(id=group_id, name="语文教研组", kind="research", subject="语文", leader_id=leader,
                 member_ids=list(members), slot_weekday=weekday, slot_period=period, slot_place="电教室")


# -- generation across 国庆 2025 ------------------------------------------------------------


def test_wednesday_group_skips_national_day_week_and_meets_again_after():
    activities = {a.date: a for a in generate_weekly(AUTUMN_2025, group(3))}
    assert activities["2025-09-24"].status == "planned"
    assert activities["2025-10-01"].status == "skipped"  # 国庆节
    assert activities["2025-10-08"].status == "skipped"  # 国庆 + 中秋 run to 10-08
    assert activities["2025-10-15"].status == "planned"
    assert all(D(day).weekday() == 2 for day in activities)
    assert len(activities) == 21  # every Wednesday of the term, 09-03 to 01-21


def test_make_up_sunday_and_saturday_are_school_days():
    assert is_makeup_workday(AUTUMN_2025, D("2025-09-28"))  # Sunday before 国庆
    assert is_makeup_workday(AUTUMN_2025, D("2025-10-11"))  # Saturday after it
    sunday = {a.date: a.status for a in generate_weekly(AUTUMN_2025, group(7))}
    assert sunday["2025-09-28"] == "planned"
    assert sunday["2025-10-05"] == "skipped"
    # 2026-01-04 is the make-up Sunday of 元旦 2026
    assert [d for d, s in sunday.items() if s == "planned"] == ["2025-09-28", "2026-01-04"]


def test_generation_assigns_host_place_attendees_and_rotating_speakers():
    activities = generate_term_activities(AUTUMN_2025, group(3))
    meeting = [a for a in activities if a.status == "planned"]
    assert all(a.host_id == 1 and a.place == "电教室" and a.attendee_ids == [1, 2, 3, 4] for a in meeting)
    assert [a.speaker_id for a in meeting[:4]] == [2, 3, 4, 1]
    assert all(a.speaker_id == 0 for a in activities if a.status == "skipped")


# -- a year chinese-calendar does not cover ---------------------------------------------------


def test_uncovered_year_falls_back_to_weekends_and_admin_holidays():
    assert uncovered_years(SPRING_2027) == [2027]
    assert uncovered_years(AUTUMN_2025) == []
    labour_day = D("2027-05-03")  # a Monday; the official 劳动节 dates are not known yet
    assert is_school_day(SPRING_2027, labour_day)
    assert not is_school_day(SPRING_2027, D("2027-05-08"))  # a Saturday
    term = toggle_school_day(SPRING_2027, labour_day)
    assert term.holidays == ["2027-05-03"]
    saturday = D("2027-05-08")
    term = toggle_school_day(term, saturday)  # a make-up workday entered by hand
    assert term.workdays == ["2027-05-08"] and is_makeup_workday(term, saturday)
    monday = {a.date: a.status for a in generate_weekly(term, group(1))}
    assert monday["2027-05-03"] == "skipped" and monday["2027-05-10"] == "planned"
    saturday_group = {a.date: a.status for a in generate_weekly(term, group(6))}
    assert [d for d, s in saturday_group.items() if s == "planned"] == ["2027-05-08"]
    assert toggle_school_day(toggle_school_day(term, labour_day), labour_day) == term


def test_toggling_official_days_uses_the_override_lists():
    national_day = D("2025-10-01")
    opened = toggle_school_day(AUTUMN_2025, national_day)
    assert opened.not_holidays == ["2025-10-01"] and is_school_day(opened, national_day)
    makeup = D("2025-09-28")
    closed = toggle_school_day(AUTUMN_2025, makeup)
    assert closed.not_workdays == ["2025-09-28"] and not is_school_day(closed, makeup)
    assert toggle_school_day(closed, makeup) == AUTUMN_2025


# -- regeneration after a slot change mid-term -------------------------------------------------


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "school.json", actor="tester", create=True)
    with store.transaction() as tx:
        tx.insert(AUTUMN_2025)
        for n in range(1, 6):
            tx.insert(Teacher(name=f"老师{n}", login=f"t{n}"))
        tx.insert(group(4, group_id=0))
    return store


def test_slot_change_regenerates_only_untouched_future_activities(store):
    term = store.all(Term)[0]
    thursday = store.all(Group)[0]
    with store.transaction() as tx:
        tx.insert_many(generate_term_activities(term, thursday, tx.all(Teacher)))
    today = D("2025-11-05")
    by_date = {a.date: a for a in store.all(Activity)}
    with store.transaction() as tx:
        tx.update(by_date["2025-10-30"].copy(status="held", minutes="已开展", attendance={"1": "present"},
                                             touched=True))
        tx.update(by_date["2025-11-13"].copy(topic="改过的主题", touched=True))  # edited by hand
        tx.update(by_date["2025-11-20"].copy(status="cancelled", cancel_reason="区教研", touched=True))
    untouched_past = by_date["2025-10-23"]

    tuesday = thursday.copy(slot_weekday=2, slot_period=5, slot_place="录播教室")
    with store.transaction() as tx:
        tx.update(tuesday)
        done = regenerate_group_activities(tx, store.get(Group, thursday.id), term, today)

    after = {a.date: a for a in store.all(Activity)}
    assert after["2025-10-23"] == untouched_past  # the past is not rewritten
    assert after["2025-10-30"].minutes == "已开展"
    assert after["2025-11-13"].topic == "改过的主题" and after["2025-11-20"].status == "cancelled"
    assert "2025-11-06" not in after and "2025-11-27" not in after  # untouched future Thursdays went
    new = [a for a in after.values() if a.date >= "2025-11-05" and D(a.date).weekday() == 1]
    assert new and all(a.period == 5 and a.place == "录播教室" for a in new)
    # a week that keeps its hand-edited or cancelled meeting gets no second one
    assert "2025-11-11" not in after and "2025-11-18" not in after
    assert "2025-11-25" in after and "2025-11-04" not in after  # from today on only
    assert done.removed == 10 and done.added == len(new)
    # running it again changes nothing
    with store.transaction() as tx:
        again = regenerate_group_activities(tx, store.get(Group, thursday.id), term, today)
    assert again.added == again.removed


def test_moving_a_skipped_week_keeps_its_slot_week_on_regeneration(store):
    term = store.all(Term)[0]
    thursday = store.all(Group)[0]
    with store.transaction() as tx:
        tx.insert_many(generate_term_activities(term, thursday, tx.all(Teacher)))
    skipped = next(a for a in store.all(Activity) if a.date == "2025-10-02")
    assert skipped.status == "skipped"
    moved = move_activity(skipped, D("2025-10-10"), 6, term)
    assert (moved.status, moved.moved_from, moved.touched) == ("planned", "2025-10-02", True)
    with store.transaction() as tx:
        tx.update(moved)
        regenerate_group_activities(tx, thursday, term, D("2025-09-20"))
    dates = sorted(a.date for a in store.all(Activity))
    assert dates.count("2025-10-10") == 1 and dates.count("2025-10-09") == 1 and "2025-10-02" not in dates


# -- speakers -----------------------------------------------------------------------------


def test_everyone_speaks_before_anyone_speaks_twice():
    meetings = [Activity(id=n, date=f"2025-10-{n:02}", period=6, status="planned") for n in range(1, 12)]
    speakers = [a.speaker_id for a in assign_speakers(meetings, group(3, members=(1, 2, 3, 4, 5)))]
    assert sorted(speakers[:5]) == [1, 2, 3, 4, 5]
    assert sorted(speakers[5:10]) == [1, 2, 3, 4, 5]
    assert max(Counter(speakers).values()) - min(Counter(speakers).values()) <= 1


def test_member_on_leave_is_skipped_and_keeps_the_turn():
    meetings = [Activity(id=n, date=f"2025-10-{n:02}", period=6) for n in range(1, 6)]
    meetings[0] = meetings[0].copy(attendance={"2": "leave"})
    speakers = [a.speaker_id for a in assign_speakers(meetings, group(3))]
    assert speakers[0] != 2
    assert sorted(speakers[:4]) == [1, 2, 3, 4]  # 2 speaks later in the first round
    inactive = [Teacher(id=3, name="离职", active=False)]
    assert 3 not in [a.speaker_id for a in assign_speakers(meetings, group(3), inactive)]


def test_swapping_two_weeks_speakers_and_the_rest_adapts(store):
    term = store.all(Term)[0]
    thursday = store.all(Group)[0]
    with store.transaction() as tx:
        tx.insert_many(generate_term_activities(term, thursday, tx.all(Teacher)))
    today = D("2025-11-05")
    future = [a for a in store.all(Activity) if a.date >= "2025-11-05" and a.status == "planned"]
    first, second = future[0], future[2]
    with store.transaction() as tx:
        swap_speakers(tx, first, second, thursday, term, today)
    after = {a.id: a for a in store.all(Activity)}
    assert after[first.id].speaker_id == second.speaker_id and after[second.id].speaker_id == first.speaker_id
    assert after[first.id].touched and after[second.id].touched
    meeting = sorted((a for a in after.values() if a.status == "planned"), key=lambda a: a.date)
    counts = Counter(a.speaker_id for a in meeting)
    assert max(counts.values()) - min(counts.values()) <= 1


# -- conflicts ------------------------------------------------------------------------------


def test_conflicts_same_teacher_or_place_at_the_same_date_and_period():
    a = Activity(id=1, date="2025-11-06", period=6, place="电教室", attendee_ids=[1, 2])
    b = Activity(id=2, date="2025-11-06", period=6, place="录播教室", attendee_ids=[2, 3])
    c = Activity(id=3, date="2025-11-06", period=6, place="电教室", attendee_ids=[4])
    d = Activity(id=4, date="2025-11-06", period=7, place="电教室", attendee_ids=[1, 2])
    cancelled = Activity(id=5, date="2025-11-06", period=6, place="电教室", attendee_ids=[1],
                         status="cancelled", cancel_reason="停电")
    found = find_conflicts([a, b, c, d, cancelled])
    assert {(x.kind, x.teacher_id, x.place, x.activity_ids) for x in found} == {
        ("teacher", 2, "", (1, 2)), ("place", 0, "电教室", (1, 3))}
    new = Activity(date="2025-11-06", period=6, place="录播教室", host_id=4)
    clashes = conflicts_with(new, [a, b, c, d])
    assert {(x.kind, x.teacher_id or x.place) for x in clashes} == {("teacher", 4), ("place", "录播教室")}
    assert conflicts_with(new.copy(period=1), [a, b, c, d]) == []


# -- the demo school uses the same rotation -----------------------------------------------------


def test_demo_speakers_follow_the_apps_rotation(demo_store):
    """Each group's speakers in the demo are what assign_speakers deals: everyone before
    anyone twice, the leader last, no turn for cancelled or skipped weeks, nobody on leave."""
    teachers = demo_store.all(Teacher)
    by_id = {x.id: x for x in teachers}
    checked = 0
    for grp in demo_store.all(Group):
        for term in demo_store.all(Term):
            weeks = [a for a in demo_store.all(Activity) if a.group_id == grp.id and a.term_id == term.term_id]
            if not weeks:
                continue
            dealt = assign_speakers([a.copy(speaker_id=0) for a in weeks], grp, teachers,
                                    grace_weeks=demo_store.policy().new_teacher_speaker_weeks)
            assert [(a.id, a.speaker_id) for a in dealt] == [(a.id, a.speaker_id) for a in
                                                            sorted(weeks, key=lambda a: (a.date, a.period))]
            meeting = [a for a in weeks if a.status not in ("skipped", "cancelled")]
            turns = Counter(a.speaker_id for a in meeting)
            # teachers who came during the term (and wait their first weeks) may be a round behind
            settled = [m for m in grp.member_ids if not (by_id[m].joined and by_id[m].joined > term.start)]
            assert max(turns.values()) - min(turns.get(m, 0) for m in settled) <= 1
            assert all(a.attendance.get(str(a.speaker_id)) != "leave" for a in meeting)
            checked += 1
    assert checked > 20


def test_demo_is_deterministic(tmp_path):
    from models.demo import build_demo

    first = build_demo(tmp_path / "a.json", "tester", today=D("2025-11-05"))
    second = build_demo(tmp_path / "b.json", "tester", today=D("2025-11-05"))
    assert [(a.id, a.date, a.speaker_id, a.topic, a.status) for a in first.all(Activity)] == \
        [(a.id, a.date, a.speaker_id, a.topic, a.status) for a in second.all(Activity)]


def test_a_new_teacher_is_not_made_speaker_in_their_first_weeks():
    """Issue 16: member 1 joined on 10-06; with two weeks' grace they first speak on 10-20."""
    from models.activities import skipped_for

    teachers = [Teacher(id=n, name=f"T{n}") for n in (2, 3, 4)] + [Teacher(id=1, name="新", joined="2025-10-06")]
    meetings = [Activity(id=n, date=(D("2025-10-06") + dt.timedelta(weeks=n)).isoformat(), period=6)
                for n in range(0, 6)]
    dealt = assign_speakers(meetings, group(3, members=(1, 2, 3, 4)), teachers, grace_weeks=2)
    speakers = {a.date: a.speaker_id for a in dealt}
    assert speakers["2025-10-06"] != 1 and speakers["2025-10-13"] != 1
    assert 1 in [speakers["2025-10-20"], speakers["2025-10-27"], speakers["2025-11-03"]]
    why = skipped_for(meetings[1], group(3, members=(1, 2, 3, 4)), teachers, 2)
    assert [(s.teacher_id, s.reason, s.until) for s in why] == [(1, "new", "2025-10-20")]
    assert skipped_for(meetings[2], group(3, members=(1, 2, 3, 4)), teachers, 2) == []
    # without the policy's weeks they take their turn at once
    assert 1 in [a.speaker_id for a in assign_speakers(meetings[:4], group(3, members=(1, 2, 3, 4)), teachers)]
