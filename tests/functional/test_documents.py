"""文档 at 80×24 with real keys: write a document (pasted multi-line Chinese kept exactly),
submit it, the leader returns it with a comment, the author fixes and resubmits, the office
approves — each step checked in the stored data."""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

from models.documents import Document
from models.store.storage import Store
from screens.documents.editor import DocumentEditor
from screens.documents.review import ReviewDialog
from screens.documents.screen import DocumentsScreen
from screens.documents.view import DocumentView

PASTED = "一、指导思想\r\n以“双减”为导向，向课堂四十分钟要质量。\r\n\r\n二、主要工作\r\n  1. 每周三下午集体备课；\r\n  2. 每人上一节组内研讨课。"
KEPT = PASTED.replace("\r\n", "\n")


def stored(demo_db) -> list[Document]:
    return Store(demo_db).all(Document)


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)


def footer_keys(app) -> set[str]:
    return {b.binding.key for b in app.screen.active_bindings.values() if b.enabled and b.binding.show}


async def test_write_paste_submit_return_approve(make_test_app, demo_db):
    # 陈颖 writes her 个人计划: typed Chinese in the title, the text pasted from Word.
    app = make_test_app("chenying")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
        assert "n" in footer_keys(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DocumentEditor)
        assert app.focused is app.screen.query_one("#doc-body", TextArea)
        app.post_message(events.Paste(PASTED))  # as the terminal delivers a paste
        await pilot.pause()
        await pilot.press("end", "enter")
        await type_text(pilot, "三读书")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "草稿已保存" in str(app.screen.query_one("#doc-message").render())
        [draft] = stored(demo_db)
        assert draft.body == KEPT + "\n三读书"
        assert (draft.kind, draft.state, draft.title) == ("个人计划", "draft", "陈颖2025—2026学年第一学期个人计划")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
        table = app.screen.query_one("#documents")
        assert table.row_count == 1
        assert {"e", "s", "d"} <= footer_keys(app) and "v" not in footer_keys(app)
        await pilot.press("s")  # submit
        await pilot.pause()
        assert stored(demo_db)[0].state == "submitted"
        assert not {"e", "s", "d"} & footer_keys(app)

    # 陈思远, her 备课组长, opens it and returns it with a comment.
    app = make_test_app("chensiyuan")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        assert "v" in footer_keys(app) and "e" not in footer_keys(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DocumentView)
        assert "以“双减”为导向" in str(app.screen.query_one("#doc-page-body").render())
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ReviewDialog)
        await pilot.press("ctrl+r")  # returning needs a comment: refused with the sentence
        await pilot.pause()
        assert "退回时请写明意见" in str(app.screen.query_one("#review-message").render())
        assert stored(demo_db)[0].state == "submitted"
        await type_text(pilot, "请补充读书计划")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, DocumentView)
        doc = stored(demo_db)[0]
        assert doc.state == "returned" and doc.history[-1]["comment"] == "请补充读书计划"
        page = str(app.screen.query_one("#doc-page-body").render())
        assert "陈思远 退回：请补充读书计划" in page

    # 陈颖 sees the comment in the editor, adds to it, saves and resubmits.
    app = make_test_app("chenying")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, DocumentEditor)
        assert "请补充读书计划" in str(app.screen.query_one("#doc-message").render())
        await type_text(pilot, "读给教师的建议")
        await pilot.press("ctrl+s", "escape")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        doc = stored(demo_db)[0]
        assert doc.state == "submitted" and doc.body.endswith("三读书读给教师的建议")

    # The office (郑娟, also a leader above her) approves from the list.
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        await type_text(pilot, "很好")
        await pilot.press("ctrl+a")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
        doc = stored(demo_db)[0]
        assert doc.state == "approved"
        assert [s["action"] for s in doc.history] == ["submitted", "returned", "submitted", "approved"]
        assert not {"e", "s", "v", "d"} & footer_keys(app)


async def test_a_colleague_neither_sees_nor_edits(make_test_app, demo_db):
    app = make_test_app("chenying")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "我的总结")
        await pilot.press("ctrl+s", "escape")
        await pilot.pause()
    assert len(stored(demo_db)) == 1
    # 张敏 is in the same 教研组 but leads nobody: the list is empty for her.
    app = make_test_app("zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        assert app.screen.query_one("#documents").row_count == 0


async def test_search_and_escape_asks_before_losing_text(make_test_app, demo_db):
    app = make_test_app("chenying")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "未保存的字")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DocumentsScreen)  # asked first
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert isinstance(app.screen, DocumentEditor)
        await pilot.press("ctrl+s", "escape")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
        await pilot.press("slash")
        await type_text(pilot, "心得")
        await pilot.pause()
        assert app.screen.query_one("#documents").row_count == 0
        search = app.screen.query_one("#doc-search")
        search.value = ""
        await type_text(pilot, "chy")  # 陈颖 by initials
        await pilot.pause()
        assert app.screen.query_one("#documents").row_count == 1


async def test_the_office_sets_what_is_due(make_test_app, demo_db):
    from models.documents import HandIn
    from screens.documents.due import DueScreen
    from screens.documents.handins import HandInDialog, HandInsScreen

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, DueScreen)
        assert app.screen.query_one("#due-lines").row_count > 40  # everyone's lines, for the office
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, HandInsScreen)
        assert app.screen.query_one("#handins").row_count == 5
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, HandInDialog)
        app.screen.query_one("#handin-kind").value = "个人计划"
        app.screen.query_one("#handin-due").value = "09-19"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HandInsScreen)
        assert app.screen.query_one("#handins").row_count == 6
    rules = Store(demo_db).all(HandIn)
    assert ("个人计划", "teachers", "2025-09-19") in {(h.kind, h.audience, h.due) for h in rules}

    # A teacher sees only her own lines and no keys to change the rules.
    app = make_test_app("chenying")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        labels = [str(app.screen.query_one("#due-lines").get_row_at(i)[2])
                  for i in range(app.screen.query_one("#due-lines").row_count)]
        assert labels and all(label.startswith("陈颖") for label in labels)
        assert "陈颖 个人计划" in labels
        await pilot.press("r")
        await pilot.pause()
        assert not {"n", "d"} & {b.binding.key for b in app.screen.active_bindings.values() if b.enabled}


async def test_print_from_the_list_writes_a_word_file(make_test_app, demo_db, tmp_path):
    import docx

    from screens.dialogs.save_path import SavePathDialog

    app = make_test_app("chenying")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "学习心得正文")
        await pilot.press("ctrl+s", "escape")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, SavePathDialog)
        assert app.screen.query_one("#save-path").value.endswith("个人计划.docx")
        target = tmp_path / "我的计划.docx"
        app.screen.query_one("#save-path").value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert "学习心得正文" in [p.text for p in docx.Document(str(target)).paragraphs]


async def test_the_palette_and_key_6_reach_documents(make_test_app):
    app = make_test_app("chenying")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"文档")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
        assert "6" in {b.binding.key for b in app.screen.active_bindings.values() if b.binding.show}


async def test_two_people_save_the_same_document_and_the_second_chooses(make_test_app, demo_db):
    """Saved meanwhile by someone else: both versions side by side with who saved theirs; k keeps
    mine on top of theirs (nothing typed is lost), t takes theirs into the editor."""
    from models import documents as docs
    from models.session import open_session
    from screens.dialogs.conflict import ConflictDialog
    from tests.conftest import FIXED_TODAY

    session = open_session(demo_db, login="chenying", today=FIXED_TODAY)
    draft = docs.save_document(session.store, docs.new_document(session.store, session.teacher, kind="个人计划",
                                                                term_id="2025-2026-1", body="第一稿"))
    app = make_test_app("chenying")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(DocumentEditor(draft.id))
        await pilot.pause()
        other = open_session(demo_db, login="chenying", today=FIXED_TODAY)  # her second window
        docs.save_document(other.store, other.store.get(Document, draft.id).copy(body="另一个窗口的稿"))
        app.screen.query_one("#doc-body", TextArea).load_text("这里写的")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        assert "陈颖" in str(app.screen.query_one("#conflict-title").render())
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, DocumentEditor)
    assert Store(demo_db).get(Document, draft.id).body == "这里写的"
