"""A date typed into the activity form that falls on a day without lessons: a school
event asks once (weekend trainings happen), a group's weekly meeting is refused as moving
it with v is; nothing is stored until the answer."""

from __future__ import annotations

from textual.widgets import Input

from models.records import Activity, Group
from models.store.storage import Store
from screens.calendar.activity_form import ActivityForm
from screens.dialogs.confirm import ConfirmScreen
from tests.functional.waiting import wait_for


async def _open_form(pilot, app, **kwargs) -> ActivityForm:
    form = ActivityForm(**kwargs)
    app.push_screen(form)
    assert await wait_for(pilot, lambda: app.screen is form and form.is_mounted)
    await pilot.pause()
    return form


async def test_a_school_event_on_national_day_is_asked_about_once(make_test_app, demo_db):
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = await _open_form(pilot, app)
        form.query_one("#activity-date", Input).value = "2025-10-01"
        form.query_one("#activity-topic", Input).value = "国庆值班培训"
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = str(app.screen.query_one("#confirm-question").render())
        assert "停课" in question and "2025-10-01" in question
        await pilot.press("n")  # 改日期: back in the form, on the date, nothing stored
        assert await wait_for(pilot, lambda: app.screen is form)
        assert app.focused is form.query_one("#activity-date", Input)
        assert not [a for a in Store(demo_db).all(Activity) if a.topic == "国庆值班培训"]
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")  # 就这天
        assert await wait_for(pilot, lambda: not isinstance(app.screen, (ConfirmScreen, ActivityForm)))
    saved = [a for a in Store(demo_db).all(Activity) if a.topic == "国庆值班培训"]
    assert [(a.date, a.group_id) for a in saved] == [("2025-10-01", 0)]


async def test_a_school_event_on_a_school_day_is_not_asked(make_test_app, demo_db):
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = await _open_form(pilot, app)
        form.query_one("#activity-date", Input).value = "2025-11-12"
        form.query_one("#activity-topic", Input).value = "周三讲座"
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: app.screen is not form)
        assert not isinstance(app.screen, ConfirmScreen)
    assert [a.date for a in Store(demo_db).all(Activity) if a.topic == "周三讲座"] == ["2025-11-12"]


async def test_a_group_meeting_typed_onto_a_holiday_is_refused(make_test_app, demo_db):
    store = Store(demo_db)
    group = next(g for g in store.all(Group) if g.name == "语文教研组")
    meeting = next(a for a in store.all(Activity)
                   if a.group_id == group.id and a.status == "planned" and a.date > "2025-11-10")
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = await _open_form(pilot, app, activity_id=meeting.id)
        form.query_one("#activity-date", Input).value = "2026-01-01"  # 元旦
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: "不是本学期的上课日" in str(form.query_one("#activity-error").render()))
        assert app.screen is form
    assert Store(demo_db).get(Activity, meeting.id).date == meeting.date
