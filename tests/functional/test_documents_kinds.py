"""The admin adds a kind of document in the app (issue 17; before only `jiaoyan doc kinds
--add`): 文档 → k → n, a name, who writes it, who reviews it, ctrl+s. It is stored, listed,
and offered in the editor; a teacher sees the list without the key to add."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select

from models import documents as docs
from models.records import DocumentKind
from models.store.storage import Store
from screens.documents.kinds import KindDialog, KindsScreen


async def _wait(pilot, condition, tries: int = 100) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


async def test_the_admin_adds_a_kind_and_it_is_offered_to_write(make_test_app, demo_db):
    app = make_test_app(start_area="documents")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("k")
        await _wait(pilot, lambda: isinstance(app.screen, KindsScreen))
        await _wait(pilot, lambda: app.screen.query_one("#kinds", DataTable).row_count > 0)
        assert app.screen.check_action("add", ()) is True
        await pilot.press("n")
        await _wait(pilot, lambda: isinstance(app.screen, KindDialog))
        await pilot.press("ctrl+s")  # no name: a sentence, nothing stored
        await pilot.pause()
        assert isinstance(app.screen, KindDialog)
        assert str(app.screen.query_one("#kind-message").render()).strip()
        assert not Store(demo_db).all(DocumentKind)
        app.screen.query_one("#kind-name", Input).value = "读书笔记"
        app.screen.query_one("#kind-reviewer", Select).value = "office"
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: isinstance(app.screen, KindsScreen))
        await pilot.pause()
        assert "读书笔记" in app.screen.query_one("#kinds", DataTable).rows
    stored = Store(demo_db).all(DocumentKind)
    assert [(k.name, k.writer, k.reviewer) for k in stored] == [("读书笔记", "self", "office")]
    kind = docs.kind_named(Store(demo_db), "读书笔记")
    assert kind is not None and not kind.builtin and not kind.is_group
    assert "读书笔记" in docs.kind_names(Store(demo_db))


async def test_a_teacher_reads_the_kinds_but_cannot_add_one(make_test_app, demo_db):
    app = make_test_app(login="chenying", start_area="documents")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("k")
        await _wait(pilot, lambda: isinstance(app.screen, KindsScreen))
        await _wait(pilot, lambda: app.screen.query_one("#kinds", DataTable).row_count > 0)
        assert app.screen.check_action("add", ()) is False
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, KindsScreen)
    assert not Store(demo_db).all(DocumentKind)
