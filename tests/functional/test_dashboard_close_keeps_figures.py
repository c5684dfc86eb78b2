"""Closing a term on the 看板 (c, then y) keeps its figures beside the archive at once, so
the first history (h) afterwards reads them instead of working ten terms out."""

from __future__ import annotations

from models.records import Term
from models.store.archive import figures_path
from models.store.storage import Store
from models.terms import term_by_id
from screens.dashboard.screen import DashboardScreen

PREVIOUS = "2024-2025-2"


async def test_closing_a_term_keeps_its_figures(make_test_app, demo_db):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        await pilot.press("left_square_bracket")  # the previous term, which is over
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen
    assert term_by_id(Store(demo_db).all(Term), PREVIOUS).status == "archived"
    assert figures_path(demo_db, PREVIOUS).exists()
