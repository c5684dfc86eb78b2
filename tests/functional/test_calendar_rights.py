"""The calendar from three users' sides (the admin 郑娟 "tester"; 曾思远 "zengsiyuan", the
数学 教研组长; 刘欣怡 "liuxinyi", an ordinary teacher): the keys each one sees, what a
pressed key stores. Also: the conflict dialog in the activity form, an archived term
shown read-only, and deleting an activity."""

from __future__ import annotations

from textual.widgets import Input
from textual.widgets._footer import FooterKey

from models.store.archive import close_term
from models.conflicts import differing_fields
from models.permissions import check_change
from models.records import Activity, Group, Term
from models.store.storage import Store
from screens.calendar.activity_form import ActivityForm
from screens.calendar.screen import CalendarScreen
from screens.calendar.day import DayScreen
from screens.dialogs.conflict import ConflictDialog

ADMIN, MATH_LEADER, TEACHER = "tester", "zengsiyuan", "liuxinyi"
CHANGE_KEYS = {"n", "x", "r", "T", "N"}


def keys_in_force(app) -> set[str]:
    """The keys the screen lets this user press (what the footer and F1 draw from)."""
    return {key for key, active in app.screen.active_bindings.items() if active.node is app.screen}


def footer_keys(app) -> set[str]:
    return {key.key for key in app.screen.query(FooterKey)}


def group(store: Store, name: str) -> Group:
    return next(g for g in store.all(Group) if g.name == name)


def activity_on(store: Store, group_name: str, day: str) -> Activity:
    wanted = group(store, group_name)
    return next(a for a in store.all(Activity) if a.group_id == wanted.id and a.date == day)


async def open_day(pilot, app, moves: list[str]) -> None:
    """From today (Wednesday 2025-11-05) in the month view, move and open the day."""
    await pilot.pause()
    await pilot.press(*moves, "enter")
    await pilot.pause()
    assert isinstance(app.screen, DayScreen)


async def highlight(pilot, app, group_name: str) -> None:
    table = app.screen.query_one("#day-activities")
    names = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
    table.move_cursor(row=names.index(group_name))
    await pilot.pause()


# -- the month / week / agenda keys ----------------------------------------------------------


async def test_admin_has_every_calendar_key(make_test_app):
    app = make_test_app(ADMIN, start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert CHANGE_KEYS <= keys_in_force(app)
        assert {"n", "x", "r"} <= footer_keys(app) and "m" not in footer_keys(app)  # the view in force
        await pilot.press("a")
        await pilot.pause()
        assert {"d", "o", "n", "r", "g", "i"} <= keys_in_force(app)


async def test_math_leader_regenerates_only_math_groups_and_sees_no_admin_keys(make_test_app, demo_db):
    app = make_test_app(MATH_LEADER, start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = keys_in_force(app)
        assert "r" in keys and not {"n", "x", "T", "N"} & keys
        await pilot.press("x")  # hidden keys do nothing
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        picker = app.screen.query_one("#group-picker-list")
        labels = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        assert labels[1:] == ["数学教研组", "数学1年级备课组", "数学2年级备课组", "数学4年级备课组",
                              "数学5年级备课组", "数学6年级备课组"]
    term = next(t for t in Store(demo_db).all(Term) if t.term_id == "2025-2026-1")
    assert "2025-11-05" not in term.holidays


async def test_ordinary_teacher_only_views(make_test_app, demo_db):
    app = make_test_app(TEACHER, start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not CHANGE_KEYS & keys_in_force(app)
        assert {"w", "a", "left_square_bracket", "enter"} <= footer_keys(app)
        await pilot.press("a")
        await pilot.pause()
        assert not {"d", "o", "n", "r"} & keys_in_force(app)
        assert {"g", "i"} <= keys_in_force(app)
        await pilot.press("m", "l", "enter")  # Thursday: 语文
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
        assert not {"k", "v", "d", "n"} & keys_in_force(app)
        await pilot.press("d", "y")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActivityForm) and form.read_only
        assert "ctrl+s" not in keys_in_force(app)
        assert "只能查看" in str(form.query_one("#activity-title").render())
        assert form.query_one("#activity-topic", Input).disabled
    assert activity_on(Store(demo_db), "语文教研组", "2025-11-06").version == 1


# -- a 数学 activity against a 语文 one, from the 数学 leader's side -------------------------------


async def test_math_leader_takes_attendance_on_math_but_not_on_chinese(make_test_app, demo_db):
    app = make_test_app(MATH_LEADER, start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_day(pilot, app, ["l", "l", "l", "l", "l", "l"])  # Tuesday 11-11: 数学 planned
        await highlight(pilot, app, "数学教研组")
        assert {"k", "v", "d"} <= keys_in_force(app) and "n" not in keys_in_force(app)
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("a", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
        await pilot.press("escape")
        await pilot.pause()
        await open_day(pilot, app, ["h", "h", "h", "h", "h"])  # Thursday 11-06: 语文
        await highlight(pilot, app, "语文教研组")
        assert not {"k", "v", "d"} & keys_in_force(app)
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm) and app.screen.read_only
        assert "语文教研组" in str(app.screen.query_one("#activity-title").render())
    store = Store(demo_db)
    math = activity_on(store, "数学教研组", "2025-11-11")
    assert set(math.attendance.values()) == {"present"} and math.updated_by == MATH_LEADER
    assert activity_on(store, "语文教研组", "2025-11-06").attendance == {}


async def test_math_leader_edits_a_math_activity_in_the_form(make_test_app, demo_db):
    app = make_test_app(MATH_LEADER, start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_day(pilot, app, ["l", "l", "l", "l", "l", "l"])
        await highlight(pilot, app, "数学教研组")
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActivityForm) and not form.read_only
        form.query_one("#activity-topic", Input).value = "分数的初步认识 课例研讨"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
    assert activity_on(Store(demo_db), "数学教研组", "2025-11-11").topic == "分数的初步认识 课例研讨"


# -- someone else saved the same activity meanwhile ----------------------------------------------


async def _edit_topic_while_someone_saves(pilot, app, demo_db) -> None:
    await open_day(pilot, app, ["l"])  # Thursday 11-06
    await highlight(pilot, app, "语文教研组")
    await pilot.press("enter")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, ActivityForm)
    form.query_one("#activity-topic", Input).value = "我的主题"
    other = Store(demo_db, actor=ADMIN, guard=check_change)  # another session, same file
    theirs = activity_on(other, "语文教研组", "2025-11-06")
    with other.transaction() as tx:
        tx.update(theirs.copy(topic="他们的主题", place="录播教室"))
    await pilot.press("ctrl+s")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ConflictDialog)
    assert (dialog.mine.topic, dialog.theirs.topic) == ("我的主题", "他们的主题")
    assert {"topic", "place"} <= set(differing_fields(dialog.mine, dialog.theirs))
    assert dialog.labels["topic"] == "主题" and dialog.show("host_id", dialog.theirs.host_id) == "郑娟"


async def test_conflict_in_the_activity_form_keep_mine(make_test_app, demo_db):
    app = make_test_app(ADMIN, start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await _edit_topic_while_someone_saves(pilot, app, demo_db)
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
    stored = activity_on(Store(demo_db), "语文教研组", "2025-11-06")
    assert (stored.topic, stored.version) == ("我的主题", 3)
    assert stored.place != "录播教室"  # mine, as a whole, overwrote theirs on purpose


async def test_conflict_in_the_activity_form_take_theirs(make_test_app, demo_db):
    app = make_test_app(ADMIN, start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await _edit_topic_while_someone_saves(pilot, app, demo_db)
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActivityForm)
        assert form.query_one("#activity-topic", Input).value == "他们的主题"
        assert form.query_one("#activity-place", Input).value == "录播教室"
        stored = activity_on(Store(demo_db), "语文教研组", "2025-11-06")
        assert (stored.topic, stored.version) == ("他们的主题", 2)  # nothing saved by t
        form.query_one("#activity-content", Input).value = "合并后再保存"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
    stored = activity_on(Store(demo_db), "语文教研组", "2025-11-06")
    assert (stored.topic, stored.place, stored.content, stored.version) == ("他们的主题", "录播教室", "合并后再保存", 3)


async def test_conflict_in_attendance_keep_mine(make_test_app, demo_db):
    app = make_test_app(ADMIN, start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_day(pilot, app, ["l"])
        await highlight(pilot, app, "语文教研组")
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("a")
        other = Store(demo_db, actor=ADMIN, guard=check_change)
        theirs = activity_on(other, "语文教研组", "2025-11-06")
        with other.transaction() as tx:
            tx.update(theirs.copy(attendance={str(theirs.attendee_ids[0]): "leave"}))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
    stored = activity_on(Store(demo_db), "语文教研组", "2025-11-06")
    assert set(stored.attendance.values()) == {"present"} and stored.version == 3


# -- an archived term ---------------------------------------------------------------------------


async def test_archived_term_shows_its_activities_read_only(make_test_app, demo_db):
    store = Store(demo_db, actor=ADMIN, guard=check_change)
    moved = close_term(store, "2024-2025-2")
    assert moved["activities"] > 100
    assert not [a for a in Store(demo_db).all(Activity) if a.term_id == "2024-2025-2"]
    app = make_test_app(ADMIN, start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*["left_square_bracket"] * 5)  # 2025-06-05, a Thursday of that term
        await pilot.pause()
        assert isinstance(app.screen, CalendarScreen)
        assert "已归档" in str(app.screen.query_one("#calendar-title").render())
        grid = str(app.screen.query_one("#calendar-month-grid").render())
        assert "语文" in grid and "数学" in grid
        assert not {"n", "x", "r", "T"} & keys_in_force(app)
        await pilot.press("w")
        await pilot.pause()
        assert "语文" in str(app.screen.query_one("#calendar-week-grid").render())
        assert not {"n", "x", "r"} & keys_in_force(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
        table = app.screen.query_one("#day-activities")
        assert table.row_count >= 5
        assert "已归档" in str(app.screen.query_one("#day-title").render())
        assert not {"k", "v", "d", "n"} & keys_in_force(app)
        await highlight(pilot, app, "语文教研组")
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActivityForm) and form.read_only
        assert form.query_one("#activity-date", Input).value == "2025-06-05"
        assert "已归档" in str(form.query_one("#activity-title").render())
        assert not {"ctrl+s", "ctrl+t"} & keys_in_force(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("right_square_bracket")  # the next week: still the archived term
        await pilot.pause()
        assert "2025-06-06" in str(app.screen.query_one("#day-title").render())


# -- deleting --------------------------------------------------------------------------------------


async def test_admin_deletes_a_planned_activity_from_the_agenda(make_test_app, demo_db):
    target = activity_on(Store(demo_db), "英语教研组", "2025-11-05")
    app = make_test_app(ADMIN, start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        table = app.screen.query_one("#calendar-agenda")
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == str(target.id)
        await pilot.press("d")
        await pilot.pause()
        assert "删除" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("n")  # no: kept
        await pilot.pause()
        assert Store(demo_db).get(Activity, target.id) is not None
        await pilot.press("d", "y")
        await pilot.pause()
        assert isinstance(app.screen, CalendarScreen)
    assert Store(demo_db).get(Activity, target.id) is None


async def test_deleting_a_held_activity_with_attendance_asks_twice(make_test_app, demo_db):
    held = activity_on(Store(demo_db), "数学教研组", "2025-11-04")
    assert held.status == "held" and held.attendance
    app = make_test_app(MATH_LEADER, start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_day(pilot, app, ["h"])  # Tuesday 11-04
        await highlight(pilot, app, "数学教研组")
        await pilot.press("d", "y")
        await pilot.pause()
        question = str(app.screen.query_one("#confirm-question").render())
        assert "已开展" in question and "已取消" in question
        await pilot.press("escape")  # the second answer is no: nothing deleted
        await pilot.pause()
        assert Store(demo_db).get(Activity, held.id) is not None
        await pilot.press("d", "y", "y")
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
    assert Store(demo_db).get(Activity, held.id) is None


def test_teacher_page_section_reads_an_archived_term(demo_db):
    from types import SimpleNamespace

    from models.records import Teacher
    from screens.teacher.sections.calendar import section

    close_term(Store(demo_db, actor=ADMIN, guard=check_change), "2024-2025-2")
    store = Store(demo_db)
    term = next(t for t in store.all(Term) if t.term_id == "2024-2025-2")
    leader = next(t for t in store.all(Teacher) if t.login == ADMIN)
    text = str(section(SimpleNamespace(store=store), leader, term))
    assert "2025-06-05" in text and "主持人" in text
