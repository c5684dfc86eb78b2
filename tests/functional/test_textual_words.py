"""Textual's own keys speak the user's language in every footer, Textual's plain Footer
too: an open dropdown's esc reads 收起, not ``Dismiss menu`` (issue 19)."""

from __future__ import annotations

import pytest
from textual.widgets import Select
from textual.widgets._footer import FooterKey

from models.areas import AREAS
from screens.outcomes.competitions import CompetitionForm, CompetitionsScreen
from screens.outcomes.screen import OutcomesAreaScreen
from tests.functional.waiting import wait_for

OUTCOMES_KEY = next(area.key for area in AREAS if area.name == "outcomes")


@pytest.mark.parametrize(("lang", "word"), [(None, "收起"), ("en", "Dismiss menu")])
async def test_an_open_dropdown_s_footer_key_in_the_user_s_language(make_test_app, lang, word):
    app = make_test_app(lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(OUTCOMES_KEY)
        assert await wait_for(pilot, lambda: isinstance(app.screen, OutcomesAreaScreen))
        await pilot.press("c")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompetitionsScreen))
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompetitionForm))
        select = app.screen.query(Select).first()
        select.focus()
        await pilot.pause()
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: select.expanded)

        def footer_words() -> list[str]:
            return [key.description for key in app.screen.query(FooterKey) if key.display]

        assert await wait_for(pilot, lambda: word in footer_words()), footer_words()
        assert "Dismiss menu" not in footer_words() or lang == "en"
