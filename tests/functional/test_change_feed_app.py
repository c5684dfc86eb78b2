"""The open app takes in another process's save from the change log (models/store/feed.py):
the new row shows without the data file being parsed, and what the session holds is what
a fresh parse of the file holds; a file changed by hand is parsed and shown."""

from __future__ import annotations

from models.records import Observation
from models.store import jsonio
from models.store.storage import Store, atomic_write, parse_file
from screens.observations.screen import ObservationsScreen
from tests.functional.test_access_app import OBSERVATION_BY_ZHANGMIN, save_in_another_process, screen_text, wait_for


async def test_the_open_log_shows_another_processes_save_without_parsing_the_file(make_test_app, demo_db):
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ObservationsScreen)
        count = sum(1 for o in Store(demo_db).all(Observation) if o.term_id == "2025-2026-1")
        assert await wait_for(pilot, lambda: f"共 {count} 条" in screen_text(app, "#log-filters"))
        parses = app.store.storage.parses
        for n in (1, 2):
            save_in_another_process(demo_db, "zhangmin", OBSERVATION_BY_ZHANGMIN)
            assert await wait_for(pilot, lambda: f"共 {count + n} 条" in screen_text(app, "#log-filters"), 5)
        assert app.store.storage.parses == parses  # both came from the change log
        assert app.store.storage._data == parse_file(demo_db)
        assert app.store.all(Observation) == Store(demo_db).all(Observation)


async def test_a_file_changed_by_hand_is_parsed_and_shown(make_test_app, demo_db):
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        count = sum(1 for o in Store(demo_db).all(Observation) if o.term_id == "2025-2026-1")
        save_in_another_process(demo_db, "zhangmin", OBSERVATION_BY_ZHANGMIN)
        assert await wait_for(pilot, lambda: f"共 {count + 1} 条" in screen_text(app, "#log-filters"), 5)
        parses = app.store.storage.parses
        # Right after that save, someone edits the file by hand (the meta record untouched).
        data = jsonio.loads(demo_db.read_bytes())
        mine = max(data["observations"], key=int)
        data["observations"][mine]["topic"] = "手改的课题"
        atomic_write(demo_db, jsonio.dumps(data))
        assert await wait_for(pilot, lambda: app.store.get(Observation, int(mine)).topic == "手改的课题", 5)
        assert app.store.storage.parses == parses + 1
        assert app.store.storage._data == parse_file(demo_db)
