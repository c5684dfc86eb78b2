"""More rough edges of issue 19, each at 80×24: ticks that read without colour, Chinese line
breaking, the agenda's place and cut topics, End keeping the names, the focus after a
dialog, English words never cut, and no "还没有任何组" flash."""

from __future__ import annotations

from rich.text import Text
from textual.app import App
from textual.widgets import Static


def screen_lines(app) -> list[str]:
    """What the terminal shows, line by line (as tests/functional/test_mentoring_rights.py reads it)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_ticked_and_unticked_boxes_differ_without_colour(make_test_app, demo_db):
    from textual.widgets import Checkbox, SelectionList

    from models.records import Teacher
    from models.store.storage import Store

    admin = next(x for x in Store(demo_db).all(Teacher) if x.login == "tester")
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        from screens.rosters.teacher_form import TeacherForm

        app.push_screen(TeacherForm(admin.id))
        await pilot.pause(0.5)
        box = app.screen.query_one("#tf-admin", Checkbox)
        assert box.value and "✔" in box.render().plain
        box.value = False
        await pilot.pause()
        assert "✔" not in box.render().plain
        subjects = app.screen.query_one("#tf-subjects", SelectionList)
        chosen = set(subjects.selected)
        for y in range(min(subjects.option_count, subjects.size.height)):
            line = subjects.render_line(y).text
            value = subjects.get_option_at_index(subjects.scroll_offset.y + y).value
            assert ("✔" in line) == (value in chosen), line


async def test_no_line_begins_with_a_closing_mark():
    """A list of names wraps after 、, never before it (避头尾)."""
    names = "成员：" + "、".join(["郑娟", "曾思远", "刘春梅", "范海峰", "吴文博", "张敏", "陈颖", "林杰"] * 3) + "。"

    class Names(App):
        def compose(self):
            yield Static(Text(names), id="names")

    from screens.widgets.kinsoku import install

    install()
    for width in range(20, 44):
        app = Names()
        async with app.run_test(size=(width, 12)) as pilot:
            await pilot.pause()
            lines = [line.rstrip() for line in screen_lines(app) if line.strip()]
            assert "".join(lines) == names  # nothing lost or doubled
            assert not [line for line in lines if line[0] in "、，。：；！？）》”"], (width, lines)


async def test_the_agenda_shows_the_place_cuts_topics_with_an_ellipsis_and_end_keeps_the_names(make_test_app):
    from screens.calendar.agenda import AgendaTable

    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause(0.5)
        table = app.screen.query_one(AgendaTable)
        lines = screen_lines(app)
        header = next(line for line in lines if "主题" in line)
        assert "地点" in header and "发言人" in header
        assert any("…" in line and "办" in line for line in lines)  # a cut topic, then its place
        assert table.virtual_size.width <= table.size.width  # nothing hides to the right
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == table.row_count - 1 and table.scroll_x == 0
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0


async def test_the_dashboard_list_has_the_focus_and_gets_it_back_after_a_dialog(make_test_app):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
        assert app.focused is not None and app.focused.id == "dash-teachers"
        await pilot.press("o")
        await pilot.pause(0.5)
        await pilot.press("escape")
        await pilot.pause(0.5)
        assert app.focused is not None and app.focused.id == "dash-teachers"
        row = app.focused.cursor_row
        await pilot.press("down")
        assert app.focused.cursor_row == row + 1


async def test_english_roster_state_and_week_header_are_whole_words(make_test_app, demo_db):
    import datetime as dt

    app = make_test_app(start_area="rosters", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
        lines = screen_lines(app)
        assert "State" in next(line for line in lines if "Name" in line)
        assert any(line.rstrip().endswith("active") for line in lines)
        assert not [line for line in lines if "act…" in line]
    from screens.calendar.common import CalendarData
    from screens.calendar.week import render_week

    app = make_test_app(start_area="calendar", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        data = CalendarData.load(app.store)
        text = render_week(data, dt.date(2025, 9, 28), dt.date(2025, 11, 5)).plain
        assert "work" in text.splitlines()[1]  # the make-up Sunday says so in full


async def test_the_group_tree_never_says_there_are_no_groups_while_it_loads(make_test_app, monkeypatch):
    from screens.rosters.group_tree import GroupTreeScreen

    said: list[str] = []
    original = GroupTreeScreen.detail_text

    def recording(self, group):
        text = original(self, group)
        said.append(text.plain)
        return text

    monkeypatch.setattr(GroupTreeScreen, "detail_text", recording)
    app = make_test_app(login="zhangmin", start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause(0.5)
        assert isinstance(app.screen, GroupTreeScreen)
    assert said and not [x for x in said if "还没有任何组" in x], said


async def test_the_english_holiday_line_is_whole_at_80_columns(demo_db):
    """A term in a year whose official holidays are not known says so in full, in English too."""
    from models.records import Term
    from models.session import open_session
    from models.store.storage import Store
    from tui.app import app_for

    store = Store(demo_db, actor="tester")
    with store.transaction() as tx:
        tx.insert(Term(term_id="2029-2030-1", name="2029—2030学年第一学期", start="2029-09-01", end="2030-01-20"))
    app = app_for(open_session(demo_db, login="tester", today="2029-10-10", language="en"), start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
        lines = [line.rstrip() for line in screen_lines(app)]
        assert "2029's public holidays are not known yet: close them by hand (x on a day)." in [
            line.strip() for line in lines]


async def test_the_dashboard_shows_the_whole_groups_header_at_80_columns(make_test_app):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
        header = next(line for line in screen_lines(app) if "听课" in line and "进度" in line)
        assert "所在组" in header
