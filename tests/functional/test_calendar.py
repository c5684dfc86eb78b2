"""The calendar at 80×24: this week's 语文 activity with attendance, minutes and status;
moving a skipped week; closing a day; a new term; the month, week and agenda views."""

from __future__ import annotations

from models.records import Activity, Group, Teacher, Term
from models.store.storage import Store
from screens.calendar.activity_form import ActivityForm
from screens.calendar.attendance import AttendanceScreen
from screens.calendar.screen import CalendarScreen
from screens.calendar.day import DayScreen

MINUTES = "本次活动围绕“阅读策略”展开。\n林杰老师作中心发言，大家交流了课例。"


async def type_text(pilot, text: str) -> None:
    """Type as a terminal does: one key event per character. Pilot.press cannot send
    full-width punctuation (，。“ lose their character on the way), so those go as the
    key event a terminal would deliver."""
    from textual import events
    from textual.keys import _character_to_key

    for char in text:
        if char == "\n":
            await pilot.press("enter")
        elif char.isalnum() or char.isascii():
            await pilot.press(char)
        else:
            pilot.app._driver.send_message(events.Key(_character_to_key(char), char))
            await pilot.pause()


def _chinese_group(store: Store) -> Group:
    return next(g for g in store.all(Group) if g.name == "语文教研组")


def _activity_on(store: Store, group: Group, day: str) -> Activity:
    return next(a for a in store.all(Activity) if a.group_id == group.id and a.date == day)


async def test_attendance_and_minutes_then_save_marks_the_activity_held(make_test_app, demo_db):
    """Issue 16: the leader takes attendance and writes the minutes on the day and saves,
    without touching the status: the activity is held (on the old main it stayed 计划),
    counts in the dashboard and appears in the term report."""
    from models.dashboard import build_dashboard
    from models.exports.term_report import term_report

    store = Store(demo_db)
    group = _chinese_group(store)
    term = next(x for x in store.all(Term) if x.term_id == "2025-2026-1")
    import datetime as dt

    before = build_dashboard(store, term, dt.date(2025, 11, 6)).group(group.id)
    app = make_test_app(start_area="calendar", today="2025-11-06")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CalendarScreen)
        await pilot.press("enter")  # Thursday 11-06 (today): open the day
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
        await pilot.press("enter")  # the first row: 语文教研组, 下午第2节
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm)
        assert "语文教研组" in str(app.screen.query_one("#activity-title").render())
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, AttendanceScreen)
        await pilot.press("a", "down", "l", "x")  # all present, then row 2 on leave, row 3 absent
        await pilot.pause()
        assert "出席 12 · 请假 1 · 缺席 1" in str(app.screen.query_one("#attendance-title").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm)
        app.screen.query_one("#activity-minutes").focus()
        await type_text(pilot, MINUTES)
        await pilot.press("ctrl+s")  # the status is left as it was: 计划
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)

    store = Store(demo_db)
    stored = _activity_on(store, group, "2025-11-06")
    assert stored.status == "held"
    assert stored.minutes == MINUTES
    assert store.get(Teacher, stored.recorder_id).login == "tester"  # 记录人: who wrote the minutes
    marks = sorted(stored.attendance.values())
    assert marks.count("present") == 12 and marks.count("leave") == 1 and marks.count("absent") == 1
    assert stored.touched and stored.updated_by == "tester"
    after = build_dashboard(store, term, dt.date(2025, 11, 6)).group(group.id)
    assert after.held == before.held + 1
    report = term_report(store, term, dt.date(2025, 11, 6), None)
    rows = [row for part in report.parts for table in part.tables if table.title == group.name for row in table.rows]
    assert any(str(row[0]) == "2025-11-06" for row in rows)  # a date cell (or its text)


async def test_a_future_activity_cannot_be_held(make_test_app, demo_db):
    """Tomorrow's activity marked 已开展 by hand is refused inline, nothing saved."""
    app = make_test_app(start_area="calendar")  # today 11-05; the 语文 activity is on 11-06
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm)
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("a", "ctrl+s")
        await pilot.pause()
        app.screen.query_one("#activity-status").focus()
        await pilot.press("enter", "down", "enter")  # 计划 → 已开展
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm)
        assert "还没到" in str(app.screen.query_one("#activity-error").render())
    store = Store(demo_db)
    stored = _activity_on(store, _chinese_group(store), "2025-11-06")
    assert stored.status == "planned" and not stored.attendance


async def test_move_a_skipped_week_to_another_day(make_test_app, demo_db):
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("left_square_bracket")  # 10-05
        await pilot.press("h", "h", "h", "enter")  # 10-02, 国庆: 语文 skipped
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
        title = str(app.screen.query_one("#day-title").render())
        assert "停课" in title and "按 v 改到另一天" in title
        await pilot.press("v")
        await pilot.pause()
        await pilot.press(*"10-10", "enter", "ctrl+a", "ctrl+k", *"下午2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)

    store = Store(demo_db)
    group = _chinese_group(store)
    moved = _activity_on(store, group, "2025-10-10")
    assert (moved.status, moved.period, moved.moved_from, moved.touched) == ("planned", 6, "2025-10-02", True)
    assert not [a for a in store.all(Activity) if a.group_id == group.id and a.date == "2025-10-02"]


async def test_moving_to_a_closed_day_is_refused_inline(make_test_app, demo_db):
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("left_square_bracket", "h", "h", "h", "enter", "v")
        await pilot.pause()
        await pilot.press(*"10-03", "enter", "enter")
        await pilot.pause()
        assert "不是本学期的上课日" in str(app.screen.query_one("#move-error").render())
    store = Store(demo_db)
    assert _activity_on(store, _chinese_group(store), "2025-10-02").status == "skipped"


async def test_x_closes_and_reopens_a_day_and_skips_its_activities_view(make_test_app, demo_db):
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        store = Store(demo_db)
        term = next(t for t in store.all(Term) if t.term_id == "2025-2026-1")
        assert term.holidays[-1:] == ["2025-11-05"]
        assert {a.status for a in store.all(Activity) if a.date == "2025-11-05" and a.generated} == {"skipped"}
        assert "休" in str(app.screen.query_one("#calendar-month-grid").render())
        await pilot.press("x")
        await pilot.pause()
    store = Store(demo_db)
    term = next(t for t in store.all(Term) if t.term_id == "2025-2026-1")
    assert "2025-11-05" not in term.holidays
    assert {a.status for a in store.all(Activity) if a.date == "2025-11-05" and a.generated} == {"planned"}


async def test_new_term_in_2027_says_holidays_are_missing_and_generates(make_test_app, demo_db):
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("N")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *"2026-2027-2", "enter", "enter")
        await pilot.press(*"2027-03-01", "enter", *"2027-07-09", "enter")
        await pilot.pause()
        # Issue 16: the days that look official but cannot be checked, ticked; keep 端午 open.
        from screens.calendar.unchecked_days import UncheckedDays

        assert isinstance(app.screen, UncheckedDays)
        listed = app.screen.query_one("#unchecked-days")
        assert [str(listed.get_option_at_index(n).prompt) for n in range(listed.option_count)] == [
            "2027-04-05 周一  清明节", "2027-05-03 周一  劳动节", "2027-05-04 周二  劳动节",
            "2027-05-05 周三  劳动节", "2027-06-09 周三  端午节"]
        await pilot.press("down", "down", "down", "down", "space", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CalendarScreen)
    store = Store(demo_db)
    term = next(t for t in store.all(Term) if t.term_id == "2026-2027-2")
    assert term.name == "2026—2027学年第二学期"
    assert term.holidays == ["2027-04-05", "2027-05-03", "2027-05-04", "2027-05-05"]
    generated = [a for a in store.all(Activity) if a.term_id == "2026-2027-2"]
    assert len(generated) > 100 and all(a.generated for a in generated)
    # no meeting on a day the admin closed; 端午 stays a school day
    assert {a.status for a in generated if a.date in term.holidays} == {"skipped"}
    assert {a.status for a in generated if a.date == "2027-06-09"} == {"planned"}
    app = make_test_app(start_area="calendar", today="2027-03-03")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "2027 年的法定节假日数据未收录，请手动添加" in str(app.screen.query_one("#calendar-title").render())


async def test_agenda_filters_mine_and_new_event_conflict_is_flagged(make_test_app, demo_db):
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        table = app.screen.query_one("#calendar-agenda")
        everything = table.row_count
        await pilot.press("i")
        await pilot.pause()
        assert 0 < table.row_count < everything
        await pilot.press("m", "l", "n")  # a school event on Thursday 11-06
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm)
        await pilot.press("tab", "ctrl+a", "ctrl+k", *"下午2", "tab", *"电教室")
        app.screen.query_one("#activity-topic").focus()
        await pilot.press(*"新课标解读")
        app.screen.query_one("#activity-study-hours").focus()  # a half-day lecture: 3 学时 each (issue 18)
        await pilot.press("3")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CalendarScreen)
        await pilot.press("a")
        await pilot.pause()
        statuses = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        assert any("冲突" in s for s in statuses)
    store = Store(demo_db)
    event = next(a for a in store.all(Activity) if a.topic == "新课标解读")
    assert (event.group_id, event.date, event.period, event.place) == (0, "2025-11-06", 6, "电教室")
    assert event.study_hours == 3


def test_month_snapshot(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="calendar"), terminal_size=(80, 24))


def test_week_snapshot(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="calendar"), terminal_size=(80, 24),
                        press=["w"])


def test_agenda_snapshot(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="calendar"), terminal_size=(80, 24),
                        press=["a"])


async def test_regenerate_a_groups_future_weeks_after_its_slot_changed(make_test_app, demo_db):
    store = Store(demo_db, actor="tester")
    group = _chinese_group(store)
    held = _activity_on(store, group, "2025-10-30")
    with store.transaction() as tx:
        tx.update(group.copy(slot_weekday=2, slot_period=5, slot_place="录播教室"))
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        picker = app.screen.query_one("#group-picker-list")
        labels = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        for _ in range(labels.index("语文教研组")):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
    store = Store(demo_db)
    mine = [a for a in store.all(Activity) if a.group_id == group.id and a.term_id == "2025-2026-1"]
    assert _activity_on(store, group, "2025-10-30") == held
    future = [a for a in mine if a.date >= "2025-11-05"]
    assert future and all((a.period, a.place) == (5, "录播教室") for a in future)
    assert "2025-11-11" in {a.date for a in future} and "2025-11-06" not in {a.date for a in future}


async def test_swap_two_weeks_speakers_from_the_agenda(make_test_app, demo_db):
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a", "g")
        await pilot.pause()
        picker = app.screen.query_one("#group-picker-list")
        labels = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        for _ in range(labels.index("语文教研组")):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one("#calendar-agenda")
        assert {str(table.get_row_at(i)[2]) for i in range(table.row_count)} == {"语文教研组"}
        before = {a.date: a.speaker_id for a in Store(demo_db).all(Activity)
                  if a.group_id == _chinese_group(Store(demo_db)).id}
        await pilot.press("o", "down", "down", "o")
        await pilot.pause()
    store = Store(demo_db)
    group = _chinese_group(store)
    first, third = _activity_on(store, group, "2025-11-06"), _activity_on(store, group, "2025-11-20")
    assert first.speaker_id == before["2025-11-20"] and third.speaker_id == before["2025-11-06"]
    assert first.touched and third.touched


def test_teacher_page_section_lists_speaker_and_host_turns(demo_store):
    from types import SimpleNamespace

    from models.records import Teacher
    from screens.teacher.sections import calendar as section_module

    term = next(t for t in demo_store.all(Term) if t.term_id == "2025-2026-1")
    leader = next(t for t in demo_store.all(Teacher) if t.name == "郑娟")
    text = str(section_module.section(SimpleNamespace(store=demo_store), leader, term))
    assert "本学期教研活动" in text and "主持人" in text and "主持" in text
    assert section_module.ORDER == 30


async def test_escape_on_typed_minutes_asks_before_throwing_them_away(make_test_app, demo_db):
    from screens.dialogs.confirm import ConfirmScreen

    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm)
        await pilot.press("escape")  # nothing typed: straight back
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#activity-minutes").focus()
        await type_text(pilot, "讨论了单元教学目标")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep typing
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm)
        assert "讨论了单元教学目标" in app.screen.query_one("#activity-minutes").text
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
    stored = _activity_on(Store(demo_db), _chinese_group(Store(demo_db)), "2025-11-06")
    assert "讨论了单元教学目标" not in stored.minutes
