"""我的: what one teacher owes, read from the demo school's records on 2025-11-05 (a Wednesday
of week 10), and how each line changes when the record that fixes it is saved."""

from __future__ import annotations

import datetime as dt

from models.home import (DUE, OK, OVERDUE, build_home, book_title, next_turns, suggestions_to_follow_up,
                         week_span)
from models.records import Activity, Group, MentorMeeting, Observation, Pairing, Teacher

TODAY = dt.date(2025, 11, 5)


def _teacher(store, login):
    return next(x for x in store.all(Teacher) if x.login == login)


def test_week_span_is_monday_to_sunday():
    assert week_span(TODAY) == (dt.date(2025, 11, 3), dt.date(2025, 11, 9))
    assert week_span(dt.date(2025, 11, 9)) == (dt.date(2025, 11, 3), dt.date(2025, 11, 9))


def test_book_title_does_not_double_the_marks():
    assert book_title("秋天的雨") == "《秋天的雨》"
    assert book_title("《繁星》") == "《繁星》"


def test_next_turn_to_speak_and_to_host(demo_store):
    zhangmin = _teacher(demo_store, "zhangmin")
    home = build_home(demo_store, zhangmin, TODAY)
    speak = [line for line in home.lines if line.kind == "speak"]
    assert len(speak) == 1 and speak[0].section == "week" and speak[0].state == DUE
    activity = demo_store.get(Activity, speak[0].jump.record_id)
    assert speak[0].jump.place == "activity"
    assert activity.speaker_id == zhangmin.id and activity.status == "planned" and activity.date >= "2025-11-05"
    # it is the first such activity: none earlier from today on
    earlier = [a for a in demo_store.all(Activity) if a.speaker_id == zhangmin.id and a.status == "planned"
               and "2025-11-05" <= a.date < activity.date]
    assert earlier == []
    assert "下次中心发言" in speak[0].text and activity.date[5:] in speak[0].text


def test_the_same_activity_to_host_and_speak_is_one_line(demo_store):
    zeng = _teacher(demo_store, "zengsiyuan")
    turns = next_turns([a for a in demo_store.all(Activity)], zeng.id, TODAY)
    assert turns["speak"].id == turns["host"].id
    home = build_home(demo_store, zeng, TODAY)
    lines = [line for line in home.lines if line.kind in ("speak", "host")]
    assert len(lines) == 1 and "主持并发言" in lines[0].text


def test_activities_to_attend_this_week_from_today_on(demo_store):
    zhangmin = _teacher(demo_store, "zhangmin")
    home = build_home(demo_store, zhangmin, TODAY)
    attend = [demo_store.get(Activity, line.jump.record_id) for line in home.lines if line.kind == "attend"]
    assert attend, "张敏 has activities this week"
    for activity in attend:
        assert "2025-11-05" <= activity.date <= "2025-11-09"
        assert zhangmin.id in activity.attendee_ids
    # a place is said when the activity has one
    line = next(line for line in home.lines if line.kind == "attend")
    assert demo_store.get(Activity, line.jump.record_id).place in line.text


def test_pace_line_reads_behind_when_behind(demo_store):
    zhangmin = _teacher(demo_store, "zhangmin")
    pace = next(line for line in build_home(demo_store, zhangmin, TODAY).lines if line.kind == "pace")
    assert pace.state == OK and "7/10" in pace.text and pace.jump.place == "observe"
    # her observations gone: behind pace
    with demo_store.transaction() as tx:
        for o in tx.all(Observation):
            if o.observer_id == zhangmin.id:
                tx.delete(o)
    pace = next(line for line in build_home(demo_store, zhangmin, TODAY).lines if line.kind == "pace")
    assert pace.state == OVERDUE and "0/10" in pace.text and "落后进度 4 节" in pace.text


def test_mentor_meetings_behind_then_due_then_gone(demo_store):
    luoying = _teacher(demo_store, "luoying")
    home = build_home(demo_store, luoying, TODAY)
    meeting = next(line for line in home.lines if line.kind == "meeting")
    assert meeting.state == OVERDUE and meeting.jump.place == "meetings"
    pairing = demo_store.get(Pairing, meeting.jump.record_id)
    assert pairing.mentor_id == luoying.id
    # nothing logged this week yet; then log the meetings missing from the weeks that ended
    with demo_store.transaction() as tx:
        for m in tx.all(MentorMeeting):
            if m.pairing_id == pairing.id and m.date >= "2025-11-03":
                tx.delete(m)
    behind = next(line for line in build_home(demo_store, luoying, TODAY).lines if line.jump == meeting.jump)
    short = int(behind.text.split("差 ")[1].split(" ")[0])
    with demo_store.transaction() as tx:
        for n in range(short):
            tx.insert(MentorMeeting(pairing_id=pairing.id, term_id="2025-2026-1",
                                    date=f"2025-10-{10 + n:02d}", content="补记"))
    lines = [line for line in build_home(demo_store, luoying, TODAY).lines if line.jump == meeting.jump]
    # behind no more: at most this week's meeting is left to log
    assert all(line.state == DUE and "本周" in line.text for line in lines)
    with demo_store.transaction() as tx:
        tx.insert(MentorMeeting(pairing_id=pairing.id, term_id="2025-2026-1", date="2025-11-04", content="本周"))
    assert not [line for line in build_home(demo_store, luoying, TODAY).lines if line.jump == meeting.jump]
    # the mentee sees the same pairing
    mentee = demo_store.get(Teacher, pairing.mentee_id)
    with demo_store.transaction() as tx:
        for m in tx.all(MentorMeeting):
            if m.pairing_id == pairing.id:
                tx.delete(m)
    assert any(line.jump == meeting.jump for line in build_home(demo_store, mentee, TODAY).lines)


def test_minutes_owed_by_the_groups_leader(demo_store):
    group = next(g for g in demo_store.all(Group) if g.kind == "research" and g.leader_id)
    leader = demo_store.get(Teacher, group.leader_id)
    with demo_store.transaction() as tx:
        taken = {str(m): "present" for m in group.member_ids}  # a held activity has its attendance
        held = tx.insert(Activity(term_id="2025-2026-1", group_id=group.id, date="2025-11-03", period=6,
                                  topic="三天前", status="held", attendance=taken))
        old = tx.insert(Activity(term_id="2025-2026-1", group_id=group.id, date="2025-10-20", period=6,
                                 topic="半月前", status="planned"))
        tx.insert(Activity(term_id="2025-2026-1", group_id=group.id, date="2025-10-21", period=6,
                           topic="有记录", status="held", minutes="记了", attendance=taken))
        tx.insert(Activity(term_id="2025-2026-1", group_id=group.id, date="2025-10-22", period=6,
                           topic="取消了", status="cancelled", cancel_reason="考试"))
    lines = {line.jump.record_id: line for line in build_home(demo_store, leader, TODAY).lines
             if line.kind == "minutes"}
    assert lines[held.id].state == DUE and "已过 2 天" in lines[held.id].text
    assert lines[old.id].state == OVERDUE and "半月前" in lines[old.id].text
    assert not any(x in line.text for line in lines.values() for x in ("有记录", "取消了"))
    # a member who does not lead the group owes none of them
    member = next(m for m in group.member_ids if m != group.leader_id)
    assert not [line for line in build_home(demo_store, demo_store.get(Teacher, member), TODAY).lines
                if line.kind == "minutes" and line.jump.record_id in (held.id, old.id)]
    # minutes written: the line goes
    with demo_store.transaction() as tx:
        tx.update(tx.get(Activity, held.id).copy(minutes="写好了"))
    assert held.id not in {line.jump.record_id for line in build_home(demo_store, leader, TODAY).lines}


def test_suggestions_waiting_for_follow_up_until_a_later_lesson_ticks_them(demo_store):
    zhangmin = _teacher(demo_store, "zhangmin")
    observations = demo_store.all(Observation)
    waiting = suggestions_to_follow_up(observations, zhangmin.id, "2025-2026-1")
    assert waiting and all(o.observer_id == zhangmin.id and o.suggestions.strip() for o in waiting)
    assert len({o.teacher_id for o in waiting}) == len(waiting)  # one per teacher
    home = build_home(demo_store, zhangmin, TODAY)
    follow = [line for line in home.lines if line.kind == "follow_up"]
    assert follow[0].jump.place == "observe"
    newest = waiting[-1]
    assert follow[0].jump.record_id == newest.teacher_id
    if len(waiting) > 3:
        assert follow[-1].jump.place == "observations" and f"另有 {len(waiting) - 3} 位" in follow[-1].text
    # a later lesson of that teacher ticks the suggestion: its line goes
    with demo_store.transaction() as tx:
        tx.insert(Observation(term_id="2025-2026-1", date="2025-11-05", period=2, observer_id=zhangmin.id,
                              teacher_id=newest.teacher_id, topic="回访", followed_up_ids=[newest.id]))
    after = suggestions_to_follow_up(demo_store.all(Observation), zhangmin.id, "2025-2026-1")
    assert newest.id not in {o.id for o in after}
    others = [o for o in observations if o.observer_id == zhangmin.id and o.teacher_id == newest.teacher_id
              and o.id != newest.id and o.suggestions.strip() and o.term_id == "2025-2026-1"]
    home = build_home(demo_store, zhangmin, TODAY)
    shown = [line.jump.record_id for line in home.lines if line.kind == "follow_up" and line.jump.place == "observe"]
    assert (newest.teacher_id in shown) == bool(others)


def test_no_term_means_no_lines(demo_store):
    from models.records import Term

    zhangmin = _teacher(demo_store, "zhangmin")
    with demo_store.transaction() as tx:
        for term in tx.all(Term):
            tx.delete(term)
    home = build_home(demo_store, zhangmin, TODAY)
    assert home.term is None and home.lines == []


def test_the_named_recorder_owes_the_minutes_not_the_leader(demo_store):
    group = next(g for g in demo_store.all(Group) if g.kind == "research" and g.leader_id)
    member = next(m for m in group.member_ids if m != group.leader_id)
    with demo_store.transaction() as tx:
        activity = tx.insert(Activity(term_id="2025-2026-1", group_id=group.id, date="2025-10-27", period=6,
                                      topic="记录人写", status="planned", recorder_id=member))
    owed = lambda tid: {line.jump.record_id for line in build_home(demo_store, demo_store.get(Teacher, tid),  # noqa: E731
                                                                   TODAY).lines if line.kind == "minutes"}
    assert activity.id in owed(member)
    assert activity.id not in owed(group.leader_id)
