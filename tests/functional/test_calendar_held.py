"""Issue 16 at 80×24: attendance taken from the day marks the activity held, or asks once
when the school wants to confirm; the answer decides what is stored."""

from __future__ import annotations

from models.records import Activity, Group
from models.store.storage import Store
from screens.calendar.attendance import AttendanceScreen
from screens.calendar.day import DayScreen
from screens.calendar.held_question import HeldQuestion


def _chinese_today(store: Store) -> Activity:
    group = next(g for g in store.all(Group) if g.name == "语文教研组")
    return next(a for a in store.all(Activity) if a.group_id == group.id and a.date == "2025-11-06")


def _confirming(demo_db) -> None:
    store = Store(demo_db, actor="tester")
    with store.transaction() as tx:
        tx.update(store.policy().copy(confirm_held=True))


async def _take_attendance_from_the_day(app, pilot) -> None:
    await pilot.pause()
    await pilot.press("enter")  # open today, 11-06
    await pilot.pause()
    assert isinstance(app.screen, DayScreen)
    await pilot.press("k")
    await pilot.pause()
    assert isinstance(app.screen, AttendanceScreen)
    await pilot.press("a", "ctrl+s")
    await pilot.pause()


async def test_attendance_from_the_day_marks_it_held(make_test_app, demo_db):
    app = make_test_app(start_area="calendar", today="2025-11-06")
    async with app.run_test(size=(80, 24)) as pilot:
        await _take_attendance_from_the_day(app, pilot)
        assert isinstance(app.screen, DayScreen)
        assert "已开展" in str(app.screen.query_one("#day-activities").get_row_at(0))
    assert _chinese_today(Store(demo_db)).status == "held"


async def test_a_school_that_confirms_is_asked_once_and_no_keeps_it_planned(make_test_app, demo_db):
    _confirming(demo_db)
    app = make_test_app(start_area="calendar", today="2025-11-06")
    async with app.run_test(size=(80, 24)) as pilot:
        await _take_attendance_from_the_day(app, pilot)
        assert isinstance(app.screen, HeldQuestion)
        assert "标记为已开展" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
    stored = _chinese_today(Store(demo_db))
    assert stored.status == "planned" and stored.attendance


async def test_a_school_that_confirms_says_yes(make_test_app, demo_db):
    _confirming(demo_db)
    app = make_test_app(start_area="calendar", today="2025-11-06")
    async with app.run_test(size=(80, 24)) as pilot:
        await _take_attendance_from_the_day(app, pilot)
        assert isinstance(app.screen, HeldQuestion)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
    assert _chinese_today(Store(demo_db)).status == "held"
