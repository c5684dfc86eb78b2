"""Issue 13 in the running app: work done once, not twice. Counts, never timings."""

from __future__ import annotations

import asyncio

import pytest

from screens.mentoring.screen import MentoringScreen
from screens.observations.screen import ObservationsScreen
from screens.rosters.screen import RostersScreen


async def wait_for(pilot, condition, seconds: float = 5.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        await pilot.pause(0.05)
        if condition():
            return True
    return condition()


@pytest.mark.parametrize("key, screen_class", [("2", RostersScreen), ("3", ObservationsScreen),
                                               ("4", MentoringScreen)])
async def test_the_first_visit_to_an_area_builds_its_lists_once(make_test_app, monkeypatch, key, screen_class):
    builds = []
    real = screen_class.refresh_data

    def counting(self):
        builds.append(self)
        return real(self)

    monkeypatch.setattr(screen_class, "refresh_data", counting)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        assert await wait_for(pilot, lambda: isinstance(app.screen, screen_class) and builds)
        await pilot.pause(0.3)
        assert len(builds) == 1


async def test_the_history_of_terms_is_worked_out_off_the_ui_thread_and_kept(make_test_app, monkeypatch):
    import threading

    from models import dashboard
    from screens.dashboard.term_over_term import TermOverTermScreen

    threads, builds = [], []
    real_term, real_build = dashboard.term_dashboard, dashboard.build_dashboard

    def recording(store, term, today):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_term(store, term, today)

    def counting(source, term, today):
        builds.append(term.term_id)
        return real_build(source, term, today)

    monkeypatch.setattr(dashboard, "term_dashboard", recording)
    monkeypatch.setattr(dashboard, "build_dashboard", counting)
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: getattr(app.screen, "AREA", "") == "dashboard")
        for _ in range(2):
            await pilot.press("h")
            assert await wait_for(pilot, lambda: isinstance(app.screen, TermOverTermScreen))
            await app.workers.wait_for_complete()
            table = app.screen.query_one("DataTable")
            assert await wait_for(pilot, lambda: table.row_count == 2 and "学期" in str(table.get_row_at(0)[0]))
            await pilot.press("escape")
            assert await wait_for(pilot, lambda: getattr(app.screen, "AREA", "") == "dashboard")
    assert threads and not any(threads)  # never on the UI thread
    history = [x for x in builds if x == "2024-2025-2"]
    assert len(history) == 1  # the closed term's figures are worked out once, then kept
