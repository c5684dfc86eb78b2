"""Below 80×24 the app says the size it needs (a 60×20 pane hid the 节次 field and wrapped
the month grid); it goes away once the window is large enough."""

from __future__ import annotations

from screens.dialogs.too_small import TooSmallScreen


async def test_60x20_says_the_size_needed_and_80x24_takes_it_away(make_test_app):
    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause(1.5)
        assert isinstance(app.screen, TooSmallScreen)
        text = str(app.screen.query_one("#too-small").render())
        assert "80×24" in text and "60×20" in text
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(79, 24)
        await pilot.pause(1.5)
        assert isinstance(app.screen, TooSmallScreen)


async def test_80x24_has_no_notice(make_test_app):
    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, TooSmallScreen)


async def _settle(pilot) -> None:
    await pilot.pause(1.5)  # the notice waits for the size to stay small


def test_too_small_snapshot_60x20(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="zhangmin"), terminal_size=(60, 20), run_before=_settle)


def test_too_small_snapshot_60x20_english(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="zhangmin", lang="en"), terminal_size=(60, 20), run_before=_settle)
