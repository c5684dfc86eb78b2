"""Issue 13: the collector's full pass comes when the person pauses, not while they type.
After keys and a pause of TIDY_AFTER_SECONDS the app collects once and sets what lives aside
(gc.freeze); what was set aside and then thrown away is freed by the next tidy."""

from __future__ import annotations

import gc
import weakref

from models.pinyin import _reading_table
from tests.functional.waiting import wait_for


class _Cycle:
    """An object the collector alone can free: it refers to itself."""

    def __init__(self) -> None:
        self.me = self


async def test_a_pause_after_keys_tidies_once_and_frees_what_was_set_aside(make_test_app):
    app = make_test_app()
    app.TIDY_AFTER_SECONDS = 0.3
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: app.first_frame_drawn and gc.isenabled())
        await pilot.pause(1.0)
        assert app.tidied == 0, "no keys yet: nothing to tidy"

        kept = [_Cycle()]
        gone = weakref.ref(kept[0])
        await pilot.press("2")  # an area's first visit
        assert await wait_for(pilot, lambda: app.tidied == 1, seconds=5)
        assert gc.get_freeze_count() > 0
        assert _reading_table.cache_info().currsize == 0, "the pinyin table let go"
        await pilot.pause(1.2)
        assert app.tidied == 1, "no keys since: no second tidy"

        kept.clear()  # thrown away while set aside: only a tidy's pass can free it
        gc.collect()
        assert gone() is not None, "a frozen object is not freed by the collector's own passes"
        await pilot.press("1")
        assert await wait_for(pilot, lambda: app.tidied == 2, seconds=5)
        assert gone() is None, "the next tidy frees what was set aside and then thrown away"
