"""Issue 16, the central speaker: their coming turn on the agenda's "mine" filter (and the
models line a home view shows); a teacher new to the school is not dealt a turn in their
first weeks, and the activity form says why the rotation skipped them (80×24)."""

from __future__ import annotations

import datetime as dt

from models.activities import coming_turns, next_turn_text
from models.records import Activity, Group, Teacher
from models.store.storage import Store
from screens.calendar.activity_form import ActivityForm
from screens.calendar.screen import CalendarScreen


def _next_speaker(store: Store) -> tuple[Teacher, Activity]:
    """The speaker of the first planned 语文教研组 meeting from today (11-05) on."""
    group = next(g for g in store.all(Group) if g.name == "语文教研组")
    turn = min((a for a in store.all(Activity) if a.group_id == group.id and a.status == "planned"
                and a.date >= "2025-11-05"), key=lambda a: a.date)
    return store.get(Teacher, turn.speaker_id), turn


async def test_the_mine_filter_shows_the_speakers_coming_turn(make_test_app, demo_db):
    store = Store(demo_db)
    speaker, turn = _next_speaker(store)
    first = coming_turns(store.all(Activity), speaker.id, dt.date(2025, 11, 5))[0]
    app = make_test_app(login=speaker.login, start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CalendarScreen)
        await pilot.press("a", "i")
        await pilot.pause()
        title = str(app.screen.query_one("#calendar-title").render())
        assert "只看我的" in title
        assert "中心发言人" in title and next_turn_text(store, speaker.id, dt.date(2025, 11, 5)) in title
    assert first.date <= turn.date


def test_the_home_view_line():
    from models.activities import speaker_turn_text
    from models.records import Policy

    line = speaker_turn_text(Activity(date="2025-11-06", period=6, topic="《观潮》"), Group(name="语文教研组"),
                             dt.date(2025, 11, 3), Policy())
    assert line == "本周四下午第2节 你是语文组中心发言人：《观潮》"


def test_demo_new_teachers_do_not_speak_in_their_first_two_weeks(demo_store):
    newcomer = next(x for x in demo_store.all(Teacher) if x.name == "刘欣怡")
    early = [a for a in demo_store.all(Activity) if a.speaker_id == newcomer.id and a.date < "2025-09-15"]
    assert not early and newcomer.joined == "2025-09-01"


async def test_the_form_says_why_the_rotation_skipped_a_new_teacher(make_test_app, demo_db):
    store = Store(demo_db)
    group = next(g for g in store.all(Group) if g.name == "语文教研组")
    first_week = min((a for a in store.all(Activity) if a.group_id == group.id and a.term_id == "2025-2026-1"
                      and a.status == "held"), key=lambda a: a.date)
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ActivityForm(activity_id=first_week.id))
        await pilot.pause()
        line = str(app.screen.query_one("#activity-rotation").render())
        assert "轮换跳过" in line and "刘欣怡（新入校，2025-09-15 起轮到发言）" in line
