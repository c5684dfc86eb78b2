"""Issue 16, leave asked for beforehand (policy switch, off by default): a teacher asks
from the agenda, the office approves or refuses on the 看板, the attendance shows which;
nobody but the office answers (80×24, and the store's guard)."""

from __future__ import annotations

import pytest

from models.activities import ask_leave, decide_leave
from models.permissions import PermissionDenied, check_change
from models.records import Activity, Group, Teacher
from models.store.storage import Store
from screens.calendar.attendance import AttendanceScreen
from screens.calendar.held_question import LeaveDecision, YesNo
from screens.calendar.screen import CalendarScreen
from screens.dashboard.screen import DashboardScreen
from textual.widgets import OptionList


def _member(store: Store) -> tuple[Teacher, Activity]:
    """A 语文教研组 member who is not its leader, and the group's meeting of 11-06."""
    group = next(g for g in store.all(Group) if g.name == "语文教研组")
    meeting = next(a for a in store.all(Activity) if a.group_id == group.id and a.date == "2025-11-06")
    member = next(store.get(Teacher, m) for m in group.member_ids
                  if m not in (group.leader_id, meeting.speaker_id) and store.get(Teacher, m).login != "tester"
                  and not any(g.leader_id == m for g in store.all(Group)))
    return member, meeting


def _switch_on(demo_db) -> None:
    store = Store(demo_db, actor="tester")
    with store.transaction() as tx:
        tx.update(store.policy().copy(leave_needs_approval=True))


def test_the_switch_is_off_by_default(demo_store):
    assert demo_store.policy().leave_needs_approval is False


async def test_a_teacher_asks_the_office_approves_and_the_attendance_shows_it(make_test_app, demo_db):
    _switch_on(demo_db)
    member, meeting = _member(Store(demo_db))
    app = make_test_app(login=member.login, start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CalendarScreen)
        await pilot.press("a", "i")  # the agenda, only mine
        await pilot.pause()
        table = app.screen.query_one("#calendar-agenda")
        row = next(n for n in range(table.row_count)
                   if table.coordinate_to_cell_key((n, 0)).row_key.value == str(meeting.id))
        table.move_cursor(row=row)
        await pilot.pause()
        assert "calendar.ask_leave" in [b.binding.id for b in app.screen.active_bindings.values()]
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, YesNo)
        await pilot.press("y")
        await pilot.pause()
    assert Store(demo_db).get(Activity, meeting.id).leave_requests == {str(member.id): "pending"}

    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        await pilot.press("a")
        await pilot.pause()
        index = next(n for n, (k, text, rid) in enumerate(screen._attention) if k == "leave" and rid == meeting.id)
        assert member.name in screen._attention[index][1]
        screen.query_one("#dash-attention", OptionList).highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LeaveDecision)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert not [k for k, _, rid in app.screen._attention if k == "leave" and rid == meeting.id]
    stored = Store(demo_db).get(Activity, meeting.id)
    assert stored.leave_requests == {str(member.id): "approved"}

    app = make_test_app(start_area="calendar", today="2025-11-06")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(AttendanceScreen(stored, save=True))
        await pilot.pause()
        table = app.screen.query_one("#attendance-table")
        cells = [str(c) for c in table.get_row(str(member.id))]
        assert cells[1:] == ["请假", "已批准"]


def test_only_the_office_answers_and_a_teacher_asks_only_for_themself(demo_store):
    group = next(g for g in demo_store.all(Group) if g.name == "数学教研组")
    leader = demo_store.get(Teacher, group.leader_id)
    assert not leader.is_admin
    meeting = next(a for a in demo_store.all(Activity) if a.group_id == group.id and a.status == "planned")
    member, other = (demo_store.get(Teacher, m) for m in [m for m in group.member_ids if m != leader.id][:2])
    asked = ask_leave(meeting, member.id)
    check_change(demo_store, member.login, "update", meeting, asked)  # allowed
    with pytest.raises(PermissionDenied):
        check_change(demo_store, member.login, "update", asked, decide_leave(asked, member.id, True))
    with pytest.raises(PermissionDenied):  # not even the group's leader answers
        check_change(demo_store, leader.login, "update", asked, decide_leave(asked, member.id, True))
    check_change(demo_store, leader.login, "update", asked, asked.copy(topic="组长改主题"))  # the rest is theirs
    with pytest.raises(PermissionDenied):
        check_change(demo_store, other.login, "update", meeting, ask_leave(meeting, member.id))
    with pytest.raises(PermissionDenied):  # the rest of the activity stays the leaders'
        check_change(demo_store, member.login, "update", meeting, asked.copy(topic="改了主题"))
    check_change(demo_store, "tester", "update", asked, decide_leave(asked, member.id, False))
