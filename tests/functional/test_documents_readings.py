"""必读书目 at 80×24 with real keys: the office adds the term's books, a teacher writes a
学习心得 on one straight from the list, and a book with notes on it is not taken off."""

from __future__ import annotations

from textual.widgets import Select

from models.records import Document, Reading
from models.store.storage import Store
from screens.dialogs.confirm import ConfirmScreen
from screens.documents.editor import DocumentEditor
from screens.documents.readings import ReadingDialog, ReadingsScreen
from tests.functional.waiting import wait_for


def footer_keys(app) -> set[str]:
    return {b.binding.key for b in app.screen.active_bindings.values() if b.enabled and b.binding.show}


async def open_readings(app, pilot) -> None:
    await pilot.press("6")
    await pilot.pause()
    await pilot.press("r")
    assert await wait_for(pilot, lambda: isinstance(app.screen, ReadingsScreen))


async def test_office_lists_books_teacher_writes_notes_on_one(make_test_app, demo_db):
    app = make_test_app()  # the office
    async with app.run_test(size=(80, 24)) as pilot:
        await open_readings(app, pilot)
        assert {"n", "escape"} <= footer_keys(app)
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ReadingDialog))
        await pilot.press("ctrl+s")  # no title: said, nothing stored
        assert await wait_for(pilot, lambda: "必填" in str(app.screen.query_one("#reading-message").render())
                              or "书名" in str(app.screen.query_one("#reading-message").render()))
        assert Store(demo_db).all(Reading) == []
        await pilot.press(*"给教师的建议", "tab", *"苏霍姆林斯基", "tab", *"第一章", "enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ReadingsScreen))
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ReadingDialog))
        await pilot.press(*"课堂观察", "ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ReadingsScreen))
        assert app.screen.query_one("#readings").row_count == 2
    books = {r.title: r for r in Store(demo_db).all(Reading)}
    assert (books["给教师的建议"].author, books["给教师的建议"].note) == ("苏霍姆林斯基", "第一章")

    app = make_test_app("chenying")  # a teacher: reads the list, writes on a book
    async with app.run_test(size=(80, 24)) as pilot:
        await open_readings(app, pilot)
        assert "w" in footer_keys(app) and not {"n", "e", "d"} & footer_keys(app)
        await pilot.press("w")  # on the first book
        assert await wait_for(pilot, lambda: isinstance(app.screen, DocumentEditor))
        await pilot.pause()
        assert app.screen.query_one("#doc-kind", Select).value == "学习心得"
        assert app.screen.query_one("#doc-reading", Select).value == books["给教师的建议"].id
        await pilot.press(*"读后感")
        await pilot.press("ctrl+s", "escape")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ReadingsScreen))
        assert await wait_for(pilot, lambda: "已写" in str(app.screen.query_one("#readings").get_row_at(0)[3]))
    [notes] = Store(demo_db).all(Document)
    assert (notes.kind, notes.reading_id, notes.body) == ("学习心得", books["给教师的建议"].id, "读后感")

    app = make_test_app()  # the office: the book with notes stays, the other goes
    async with app.run_test(size=(80, 24)) as pilot:
        await open_readings(app, pilot)
        await pilot.press("d")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ReadingsScreen))
        await pilot.pause()
        assert len(Store(demo_db).all(Reading)) == 2
        await pilot.press("down", "d")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        assert await wait_for(pilot, lambda: len(Store(demo_db).all(Reading)) == 1)
    assert [r.title for r in Store(demo_db).all(Reading)] == ["给教师的建议"]


def test_a_book_with_notes_is_refused_with_a_sentence(demo_db):
    import pytest

    from models import documents as docs
    from models.errors import InputError
    from models.session import open_session
    from tests.conftest import FIXED_TODAY

    session = open_session(demo_db, login="tester", today=FIXED_TODAY)
    store = session.store
    term_id = "2025-2026-1"
    book = docs.save_reading(store, Reading(term_id=term_id, title=" 给教师的建议 "))
    assert book.title == "给教师的建议"
    with store.transaction() as tx:
        tx.insert(Document(term_id=term_id, kind="学习心得", title="心得", author_id=1, body="x", reading_id=book.id))
    with pytest.raises(InputError, match="已有 1 篇学习心得"):
        docs.delete_reading(store, book)
    assert [r.id for r in store.all(Reading)] == [book.id]
