"""Issue 16, nothing slips through: the 看板's attention lines about activities (past ones
still 计划, held ones without minutes the policy's days after, a 备课组 without a theme),
each with a jump that lands on the activity, and the line gone once fixed (80×24)."""

from __future__ import annotations

from textual.widgets import OptionList, TextArea

from models.records import Activity, Group
from models.store.storage import Store
from screens.calendar.activity_form import ActivityForm
from screens.calendar.attendance import AttendanceScreen
from screens.dashboard.screen import DashboardScreen
from tests.functional.test_calendar import type_text


async def _attention(pilot, kind: str, record_id: int | None = None) -> int:
    """Show the attention tab and highlight the line of ``kind`` (for ``record_id``); returns its record id."""
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    await pilot.press("a")
    await pilot.pause()
    lines = [(index, rid) for index, (k, _, rid) in enumerate(screen._attention)
             if k == kind and (record_id is None or rid == record_id)]
    assert lines, f"no attention line of kind {kind}"
    index, found = lines[0]
    screen.query_one("#dash-attention", OptionList).highlighted = index
    await pilot.pause()
    return found


def _chinese(store: Store, day: str) -> Activity:
    group = next(g for g in store.all(Group) if g.name == "语文教研组")
    return next(a for a in store.all(Activity) if a.group_id == group.id and a.date == day)


async def test_a_past_activity_still_planned_is_flagged_and_the_jump_closes_it(make_test_app, demo_db):
    target = _chinese(Store(demo_db), "2025-11-06").id
    app = make_test_app(start_area="dashboard", today="2025-11-07")
    async with app.run_test(size=(80, 24)) as pilot:
        await _attention(pilot, "not_held", target)
        line = str(app.screen.query_one("#dash-attention", OptionList).get_option_at_index(
            app.screen.query_one("#dash-attention", OptionList).highlighted).prompt)
        assert "语文教研组 11-06 周四" in line and "仍为“计划”" in line and "打开活动" in line
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm) and app.screen.activity.id == target
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, AttendanceScreen)
        await pilot.press("a", "ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert ("not_held", target) not in [(k, i) for k, _, i in app.screen._attention]
    assert Store(demo_db).get(Activity, target).status == "held"


async def test_held_without_minutes_is_flagged_after_the_policy_days_and_the_jump_opens_the_minutes(
        make_test_app, demo_db):
    store = Store(demo_db, actor="tester")
    held = _chinese(store, "2025-10-30")
    assert held.status == "held"
    with store.transaction() as tx:
        tx.update(held.copy(minutes=""))
    app = make_test_app(start_area="dashboard")  # 11-05: six days later, the policy says three
    async with app.run_test(size=(80, 24)) as pilot:
        await _attention(pilot, "minutes", held.id)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm) and app.screen.activity.id == held.id
        assert isinstance(app.screen.focused, TextArea)
        await type_text(pilot, "补写的记录")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert ("minutes", held.id) not in [(k, i) for k, _, i in app.screen._attention]
    stored = Store(demo_db).get(Activity, held.id)
    assert stored.minutes == "补写的记录" and stored.status == "held"


async def test_the_minutes_line_waits_for_the_policy_days(make_test_app, demo_db):
    store = Store(demo_db, actor="tester")
    held = _chinese(store, "2025-10-30")
    with store.transaction() as tx:
        tx.update(held.copy(minutes=""))
        tx.update(store.policy().copy(minutes_due_days=7))
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert ("minutes", held.id) not in [(k, i) for k, _, i in app.screen._attention]


async def test_a_prep_group_without_a_theme_is_flagged(make_test_app, demo_db):
    prep = next(g for g in Store(demo_db).all(Group) if g.name == "数学6年级备课组")
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        assert await _attention(pilot, "theme", prep.id) == prep.id


async def test_the_policy_screen_edits_the_activity_rules(make_test_app, demo_db):
    from textual.widgets import Input, Select

    from screens.dashboard.policy import PolicyScreen

    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PolicyScreen)
        app.screen.query_one("#policy-leave_needs_approval", Select).value = True
        app.screen.query_one("#policy-confirm_held", Select).value = True
        app.screen.query_one("#policy-minutes_due_days", Input).value = "5"
        app.screen.query_one("#policy-new_teacher_speaker_weeks", Input).value = "x"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "不是整数" in str(app.screen.query_one("#policy-error").render())
        app.screen.query_one("#policy-new_teacher_speaker_weeks", Input).value = "3"
        await pilot.press("ctrl+s")
        await pilot.pause()
    policy = Store(demo_db).policy()
    assert (policy.leave_needs_approval, policy.confirm_held, policy.minutes_due_days,
            policy.new_teacher_speaker_weeks) == (True, True, 5, 3)
