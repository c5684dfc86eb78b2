"""The app shell at 80×24: areas on 1–5, help on F1, q quits, names shown literally."""

from __future__ import annotations

from screens.calendar.screen import CalendarScreen
from screens.dashboard.screen import DashboardScreen
from screens.dialogs.help import HelpScreen
from screens.mentoring.screen import MentoringScreen
from screens.observations.screen import ObservationsScreen
from screens.rosters.screen import RostersScreen


async def test_keys_one_to_five_switch_areas(make_test_app):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key, screen_type in (("1", CalendarScreen), ("2", RostersScreen), ("3", ObservationsScreen),
                                 ("4", MentoringScreen), ("5", DashboardScreen)):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, screen_type), key


async def test_f1_lists_every_app_key_and_escape_closes(make_test_app):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for word in ("日历", "名册", "听课", "师徒", "看板", "帮助", "退出"):
            assert word in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits(make_test_app):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.is_running and app.return_code is None
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
        assert app.return_code == 0


async def test_header_shows_school_term_week_and_user(make_test_app):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        header = str(app.screen.query_one("AppHeader").render())
        assert "育才实验小学" in header
        assert "2025—2026学年第一学期 · 第10周" in header
        assert "郑娟" in header


async def test_english_interface(make_test_app):
    app = make_test_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        text = str(app.screen.query_one("#help-text").render())
        assert "Calendar" in text and "Quit" in text


async def test_markup_in_names_is_shown_literally_and_does_nothing(make_test_app):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one("#teachers")
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        # The 名册 list cuts long names to its column with …; what shows is as typed, not markup.
        assert "[bold]x…" in names
        assert "[@click…" in names
        row = names.index("[@click…")
        table.move_cursor(row=row)
        await pilot.pause()
        # Click on the name itself: a literal name has no action to run.
        await pilot.click(table, offset=(2, 1 + row - table.scroll_offset.y))
        await pilot.pause()
        assert app.is_running
        # The teacher's page shows the whole name, literally.
        table.focus()
        table.move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        from screens.teacher.page import TeacherPage

        assert isinstance(app.screen, TeacherPage)
        body = app.screen.query_one("#teacher-page-body").render()
        assert "[@click=app.quit]y" in str(body)
        assert not [span for span in body.spans if "@click" in str(span.style)]
        await pilot.click("#teacher-page-body", offset=(1, 0))
        await pilot.pause()
        assert app.is_running


def test_shell_snapshot(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="dashboard"), terminal_size=(80, 24))


async def test_command_palette_reaches_every_area(make_test_app):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"师徒")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MentoringScreen)


async def test_a_users_keys_toml_rebinds_by_id_and_bad_lines_are_named(make_test_app, tmp_path, monkeypatch):
    keys = tmp_path / "keys.toml"
    keys.write_text('[keys]\n"area.mentoring" = "m"\n"no.such.key" = "x"\n', encoding="utf-8")
    monkeypatch.setenv("JIAOYAN_KEYMAP", str(keys))
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MentoringScreen)
        assert any("no.such.key" in str(n.message) for n in app._notifications)


def test_jiaoyan_keys_lists_binding_ids(capsys):
    from tui.cli import main

    assert main(["keys"]) == 0
    out = capsys.readouterr().out
    assert "area.mentoring" in out and "observations.new" in out and "keys.toml" in out


async def test_f1_says_textuals_own_keys_in_the_users_language_once_each(make_test_app):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        text = str(app.screen.query_one("#help-text").render())
        for english in ("Focus Next", "Focus Previous", "Copy selected text", "Quit", "super+c", "slash"):
            assert english not in text
        assert "下一栏" in text and "复制选中的文字" in text and text.count("复制选中的文字") == 1
        # The list's enter opens the record: the key shows in the footer and in F1.
        assert "⏎" in text and "查看" in text
