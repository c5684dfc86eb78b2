"""Issue 13: twenty sessions do not all take in one save at the same moment. A session
nobody is typing into takes another's save in at a random moment within TAKE_IN_SPREAD
seconds; one typed into (or reached by a key meanwhile) takes it in at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from screens.observations.screen import ObservationsScreen
from tests.functional.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
SAVE = ("import sys\n"
        "from models.records import Observation\n"
        "from models.store.storage import Store\n"
        "store = Store(sys.argv[1], actor='tester')\n"
        "last = store.all(Observation)[-1]\n"
        "with store.transaction() as tx:\n"
        "    tx.insert(last.copy(id=0, version=0, period=1, date='2025-09-02', topic=sys.argv[2]))\n")


def _save_elsewhere(db: Path, topic: str) -> None:
    subprocess.run([sys.executable, "-c", SAVE, str(db), topic], check=True, cwd=ROOT,
                   env={"JIAOYAN_TODAY": "2025-11-05", "PATH": "/usr/bin:/bin"})


def _shows(app, topic: str) -> bool:
    return isinstance(app.screen, ObservationsScreen) and any(o.topic == topic for o in app.screen.records)


async def test_an_idle_session_waits_its_turn_and_a_key_takes_the_save_in_at_once(make_test_app, demo_db):
    app = make_test_app(start_area="observations")
    app.TAKE_IN_SPREAD = 60.0
    app.take_in_delay = lambda: 60.0  # its turn would come late: only the key can bring the save in time
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, ObservationsScreen) and app.screen.records)
        await pilot.pause(0.5)  # the start settled (its last footer rebuild reads the store)
        _save_elsewhere(demo_db, "空闲会话的课")
        assert await wait_for(pilot, lambda: app._take_in_timer is not None, seconds=5), "the poll saw the save"
        await pilot.pause(1.0)
        assert not _shows(app, "空闲会话的课"), "an idle session waits its turn"
        await pilot.press("down")
        assert await wait_for(pilot, lambda: _shows(app, "空闲会话的课"), seconds=5)
        assert app._take_in_timer is None


async def test_a_session_being_typed_into_takes_the_save_in_at_the_next_poll(make_test_app, demo_db):
    app = make_test_app(start_area="observations")
    app.TAKE_IN_SPREAD = 60.0
    app.take_in_delay = lambda: 60.0
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, ObservationsScreen) and app.screen.records)
        await pilot.press("down", "up")
        _save_elsewhere(demo_db, "有人在打字的课")
        assert await wait_for(pilot, lambda: _shows(app, "有人在打字的课"), seconds=5)


async def test_an_idle_session_shows_the_save_within_its_spread(make_test_app, demo_db):
    app = make_test_app(start_area="observations")
    assert app.POLL_SECONDS + app.TAKE_IN_SPREAD < 2.0  # the "shows in every session within 2 s"
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, ObservationsScreen) and app.screen.records)
        _save_elsewhere(demo_db, "轮到它时的课")
        assert await wait_for(pilot, lambda: _shows(app, "轮到它时的课"), seconds=10)
