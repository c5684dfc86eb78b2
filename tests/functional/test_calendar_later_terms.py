"""Issue 16: a changed weekly slot offers to move the next term's already-created
activities too (80×24): y moves them, n leaves them at the old time."""

from __future__ import annotations

import datetime as dt

import pytest

from models.activities import generate_for_term
from models.records import Activity, Group, Term
from models.store.storage import Store
from screens.calendar.held_question import YesNo
from screens.rosters.group_tree import GroupTreeScreen
from tests.functional.test_rosters import group_named, open_group_tree_at

SPRING = Term(term_id="2025-2026-2", name="2025—2026学年第二学期", start="2026-02-23", end="2026-07-10")


def _with_next_term(demo_db) -> None:
    store = Store(demo_db, actor="tester")
    with store.transaction() as tx:
        term = tx.insert(SPRING)
        generate_for_term(tx, term, term.start_date)


def _spring_periods(demo_db, name: str) -> set[int]:
    store = Store(demo_db)
    group = next(g for g in store.all(Group) if g.name == name)
    return {a.period for a in store.all(Activity) if a.group_id == group.id and a.term_id == SPRING.term_id
            and a.status == "planned"}


@pytest.mark.parametrize("answer, periods", [("y", {7}), ("n", {6})])
async def test_a_changed_slot_offers_to_move_the_next_terms_activities(make_test_app, demo_db, answer, periods):
    _with_next_term(demo_db)
    assert _spring_periods(demo_db, "数学教研组") == {6}
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_group_tree_at(pilot, app, "数学教研组")
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#gf-period").focus()
        await pilot.press("end", *["backspace"] * 12, "7", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, YesNo)
        assert "2025—2026学年第二学期已生成本组" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press(answer)
        await pilot.pause()
        assert isinstance(app.screen, GroupTreeScreen)
    assert group_named(demo_db, "数学教研组").slot_period == 7
    assert _spring_periods(demo_db, "数学教研组") == periods
    assert dt.date.fromisoformat(SPRING.start).weekday() == 0
