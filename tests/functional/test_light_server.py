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
