"""Closing a term on the 看板 (c, then y) keeps its figures beside the archive at once, so
the first history (h) afterwards reads them instead of working ten terms out."""

from __future__ import annotations

from pathlib import Path

from models.records import Term
from models.store.archive import figures_path
from models.store.storage import Store
from models.terms import term_by_id
from screens.dashboard.screen import DashboardScreen
from tests.functional.waiting import wait_for

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
        assert await wait_for(pilot, lambda: app.screen is screen and screen.viewed_term().status == "archived",
                              seconds=30)
    assert term_by_id(Store(demo_db).all(Term), PREVIOUS).status == "archived"
    assert figures_path(demo_db, PREVIOUS).exists()


async def test_a_close_that_fails_says_why_and_leaves_the_term_open(make_test_app, demo_db):
    """Another session closed the term meanwhile, or the disk is full: the child's sentence,
    never a traceback, and nothing moved by this close."""
    from models.store.archive import close_term

    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("left_square_bracket", "c")
        await pilot.pause()
        close_term(Store(demo_db, actor="tester"), PREVIOUS)  # someone else, a moment before the y
        await pilot.press("y")
        assert await wait_for(pilot, lambda: app.screen is screen and any(
            "已经归档" in str(n.message) for n in app._notifications), seconds=30)
        messages = [str(n.message) for n in app._notifications]
        assert not any("Traceback" in m for m in messages)


def test_the_close_process_answers_with_a_sentence(demo_db, monkeypatch, capsys):
    """What the child answers: a term that does not exist gets the store's sentence; a fault
    nobody foresaw gets one sentence naming the file its details were written to."""
    import datetime as dt
    import json

    import pytest

    from models import term_close

    with pytest.raises(term_close.CloseFailed) as refused:
        term_close.close_elsewhere(demo_db, login="tester", today=dt.date(2025, 11, 5), language="zh",
                                   term_id="2099-2100-1")
    assert str(refused.value) == "没有学期 2099-2100-1。"

    def breaks(*_args):
        raise RuntimeError("a fault nobody foresaw")

    monkeypatch.setattr(term_close, "_close_here", breaks)
    assert term_close._main([str(demo_db), "tester", "2025-11-05", "zh", PREVIOUS]) == 1
    answer = json.loads(capsys.readouterr().out)
    assert answer["error"].startswith(f"学期 {PREVIOUS} 没有归档：出了意外的错误，详情已写入 ")
    log = Path(answer["error"].split("详情已写入 ")[1].split("。")[0])
    assert log.parent == demo_db.with_name(demo_db.name + ".logs")
    assert "RuntimeError: a fault nobody foresaw" in log.read_text(encoding="utf-8")
    assert term_by_id(Store(demo_db).all(Term), PREVIOUS).status == "open"
