"""ctrl+p at 80×24: every action, with its key, found by Chinese, full pinyin and initials;
only what the user may do; Textual's own words in Chinese."""

from __future__ import annotations

import pytest

from tui.palette import match_score


def test_matching_by_chinese_pinyin_and_initials():
    assert match_score("xxq", "新学期") > 0
    assert match_score("xinxueqi", "新学期") > 0
    assert match_score("xinxq", "新学期") > 0
    assert match_score("学期", "新学期") > 0
    assert match_score("xq", "新学期") > 0  # from a later syllable too
    assert match_score("xxq", "学期设置") == 0
    assert match_score("drmc", "导入名册（Excel/CSV）") > 0
    assert match_score("excel", "导入名册（Excel/CSV）") > 0
    assert match_score("gd", "归档学期") > 0
    # the title ranks before a word found in its help
    assert match_score("xq", "新学期") > match_score("xq", "别的", "新学期")


async def _search(pilot, query: str) -> list[str]:
    from textual.command import CommandList

    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    await pilot.pause(0.8)
    palette = pilot.app.screen
    options = palette.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_xxq_finds_new_term_for_the_admin_and_enter_opens_it(make_test_app):
    from screens.calendar.term_form import TermForm

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        found = await _search(pilot, "xxq")
        assert found and "新学期" in found[0] and "N" in found[0] and "日历" in found[0]
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert app.current_mode == "calendar"
        assert isinstance(app.screen, TermForm)


@pytest.mark.parametrize("query, title", [("新学期", "新学期"), ("xinxueqi", "新学期"), ("drmc", "导入名册"),
                                          ("gdxq", "归档学期"), ("xjtk", "新建听课记录"),
                                          ("tingke", "新建听课记录"), ("qmbg", "期末报告"),
                                          ("xwd", "写文档"), ("xxxd", "写文档"), ("jtbk", "集体备课"),
                                          ("yjdwd", "应交的文档")])
async def test_every_way_of_asking_finds_it(make_test_app, query, title):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        found = await _search(pilot, query)
        assert any(title in line for line in found), found


async def test_a_teacher_is_not_offered_what_only_the_admin_may_do(make_test_app):
    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        found = await _search(pilot, "xxq")
        assert not any("新学期" in line for line in found)
        assert any("没有找到" in line for line in found)
        await pilot.press("escape")
        await pilot.pause()
        found = await _search(pilot, "drmc")
        assert not any("导入名册" in line for line in found)
        await pilot.press("escape")
        await pilot.pause()
        found = await _search(pilot, "xjtk")  # observing is everyone's
        assert any("新建听课记录" in line for line in found)


async def test_new_observation_from_another_area_opens_the_form(make_test_app):
    from screens.observations.form import ObservationForm

    app = make_test_app(login="zhangmin", start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _search(pilot, "新建听课")
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert app.current_mode == "observations"
        assert isinstance(app.screen, ObservationForm)


async def test_close_a_day_switches_the_calendar_to_the_month_first(make_test_app):
    from screens.calendar.screen import CalendarScreen

    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")  # the agenda, where x does not close a day
        await pilot.pause()
        await _search(pilot, "停课")
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert app.current_mode == "calendar"
        assert not isinstance(app.screen, CalendarScreen) or app.screen.view == "month"


async def test_textuals_own_commands_are_in_chinese(make_test_app):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause(0.8)
        from textual.command import CommandList

        options = app.screen.query_one(CommandList)
        shown = " ".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))
        for english in ("Theme", "Keys", "Screenshot", "Quit the application"):
            assert english not in shown
        assert "配色" in shown


async def test_write_a_document_from_another_area_opens_the_editor(make_test_app):
    from screens.documents.editor import DocumentEditor

    app = make_test_app(login="zhangmin", start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        found = await _search(pilot, "xwd")
        assert found and "写文档" in found[0] and "文档" in found[0]
        await pilot.press("enter")
        await pilot.pause(1.0)
        assert app.current_mode == "documents"
        assert isinstance(app.screen, DocumentEditor)


def test_every_query_the_phrase_dictionary_found_is_still_found():
    """The palette reads each character every way it can be read instead of pypinyin's phrase
    dictionary (56 MB a session): every full-pinyin and initials query that reading the app's
    short messages as phrases found, from any syllable on, is still found."""
    from pypinyin import Style, lazy_pinyin

    from models.i18n import keys, t
    from tui.palette import _syllables, _walk

    def as_phrases(text: str) -> list[tuple[str, ...]]:
        pieces = [piece for part in lazy_pinyin(text, style=Style.NORMAL, errors="default")
                  for piece in part.lower().split()]
        return [(piece,) for piece in pieces if piece.strip(" ·-—()（）/")]

    asked = lost = 0
    for key in keys():
        text = t(key)
        if "{" in text or len(text) > 40:
            continue
        phrases, readings = as_phrases(text), _syllables(text)
        assert len(phrases) == len(readings), text
        for start in range(len(phrases)):
            for query in ("".join(s[0] for s in phrases[start:]), "".join(s[0][0] for s in phrases[start:])):
                if query.isascii() and _walk(query, phrases, start):
                    asked += 1
                    lost += not _walk(query, readings, start)
    assert asked > 5000 and lost == 0
