"""Documents owed (issue 17) in the dashboard's attention list and the home view, each with
a jump to write it (80×24, real keys): a line of several documents of a kind opens the list
of what is due on that kind; a line of one document opens its editor (nothing written yet)
or its page (a draft is there); what is typed there is stored for the right kind and group."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, OptionList, TextArea

from models import documents as docs
from models.dashboard import build_dashboard
from models.dashboard_text import attention_lines, render_text
from models.records import Group, Teacher, Term
from models.store.storage import Store
from screens.dashboard.screen import DashboardScreen
from screens.documents.due import DueScreen
from screens.documents.editor import DocumentEditor
from screens.documents.view import DocumentView
from screens.home.screen import HomeScreen

TODAY = dt.date(2025, 11, 5)


def _term(store) -> Term:
    return next(x for x in store.all(Term) if x.term_id == "2025-2026-1")


def test_documents_owed_are_attention_lines_gathered_by_kind(demo_store):
    dash = build_dashboard(demo_store, _term(demo_store), TODAY)
    names = {x.id: x.name for x in demo_store.all(Teacher)}
    owed = docs.due_lines(demo_store, _term(demo_store), TODAY)
    gathered = [d for group in dash.attention.documents_due for d in group]
    assert owed and len(gathered) == len(owed) and set(gathered) == set(owed)
    for group in dash.attention.documents_due:  # one kind and one state a line
        assert len({(d.kind, d.status(TODAY)) for d in group}) == 1
    lines = [line for kind, line, _ in attention_lines(dash, names) if kind == "due"]
    plans = [x for x in owed if x.kind == "教研计划"]
    assert f"逾期未交 教研计划 {len(plans)} 份" in "\n".join(lines)
    assert any(line.startswith("将到期 学习心得") for line in lines)
    assert f"逾期未交 教研计划 {len(plans)} 份" in render_text(dash, names, plain=True)


async def _attention(pilot, text: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    await pilot.press("a")
    await pilot.pause()
    index = next(i for i, (k, line, _) in enumerate(screen._attention) if k == "due" and text in line)
    screen.query_one("#dash-attention", OptionList).highlighted = index
    await pilot.pause()
    prompt = str(screen.query_one("#dash-attention", OptionList).get_option_at_index(index).prompt)
    return prompt


async def test_a_line_of_several_documents_opens_what_is_due_on_that_kind(make_test_app):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        prompt = await _attention(pilot, "教研计划")
        assert "→ 看清单" in prompt
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DueScreen)
        table = app.screen.query_one("#due-lines", DataTable)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        due = app.screen.lines[key]
        assert due.kind == "教研计划" and due.status(TODAY) == "overdue"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_a_line_of_one_document_opens_the_editor_and_what_is_written_is_stored(make_test_app, demo_db,
                                                                                   monkeypatch):
    store = Store(demo_db)
    me = next(x for x in store.all(Teacher) if x.login == "tester")
    mine = [d for d in docs.due_lines(store, _term(store), TODAY) if d.teacher_id == me.id and d.kind == "教研计划"]
    assert len(mine) == 1
    real = docs.due_lines
    # Only the admin's own group plan is owed: one line, written from the dashboard.
    monkeypatch.setattr(docs, "due_lines", lambda *a, **k: [d for d in real(*a, **k) if d == mine[0]])
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        prompt = await _attention(pilot, "教研计划")
        assert "逾期" in prompt and "语文教研组 教研计划" in prompt and "→ 去写" in prompt
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DocumentEditor)
        app.screen.query_one("#doc-body", TextArea).focus()
        app.screen.query_one("#doc-body", TextArea).insert("本学期教研计划：\n一、研究主题")
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = [d for d in Store(demo_db).all(docs.Document) if d.kind == "教研计划"]
    assert len(saved) == 1
    group = Store(demo_db).get(Group, saved[0].group_id)
    assert group.name == "语文教研组" and saved[0].author_id == me.id
    assert saved[0].body == "本学期教研计划：\n一、研究主题" and saved[0].state == "draft"


async def test_the_home_line_of_a_document_opens_its_draft_or_the_editor(make_test_app, demo_db):
    store = Store(demo_db)
    me = next(x for x in store.all(Teacher) if x.login == "zhangmin")
    term = _term(store)
    owed = docs.due_lines(store, term, TODAY, me.id)
    assert any(d.kind == "学习心得" for d in owed)
    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        options = screen.query_one("#home-lines", OptionList)
        index = next(i for i, row in enumerate(screen._rows) if row and row.kind == "document" and "学习心得" in row.text)
        options.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DocumentEditor)
        assert str(app.screen.query_one("#doc-kind").value) == "学习心得"
        app.screen.query_one("#doc-body", TextArea).insert("读《给教师的建议》有感")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        draft = next(d for d in Store(demo_db).all(docs.Document) if d.author_id == me.id and d.kind == "学习心得")
        # Now there is a draft: the same line opens its page (read, edit, submit).
        index = next(i for i, row in enumerate(screen._rows) if row and row.kind == "document" and "学习心得" in row.text)
        options.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DocumentView) and app.screen.document_id == draft.id
