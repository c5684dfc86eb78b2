"""One document's page: title, author or group, term, state, who reviews it, the text,
and the review history (who, when, what, comment). Keys for the steps the user may take:
``e`` edit, ``s`` submit, ``v`` review (approve or return with a comment)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from models import documents as docs
from models.documents import Document, Reading
from models.i18n import t
from models.errors import JiaoyanError
from models.store.storage import ConflictError
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings


def submit_document(screen, document: Document) -> bool:
    """Hand the document in; says what happened. True when it was submitted."""
    app = screen.app
    me = app.user
    try:
        saved = docs.submit(app.store, me, document)
    except docs.DocumentRefused as error:
        screen.notify(error.reason, severity="warning", markup=False)
        return False
    except ConflictError:
        screen.notify(t("doc.error.conflict"), severity="warning", markup=False)
        return False
    except JiaoyanError as error:
        screen.notify(str(error), severity="error", markup=False)
        return False
    screen.notify(t("doc.submitted", reviewer=docs.reviewer_label(app.store, saved)), markup=False)
    return True


def document_text(store, document: Document) -> Text:
    text = Text()
    text.append(document.title + "\n", style="bold")
    reading = (docs.reader(store, document.term_id).get(Reading, document.reading_id)
               if document.reading_id else None)
    meta = [document.kind, docs.author_label(store, document), document.term_id,
            t(f"doc.state.{document.state}")]
    text.append(" · ".join(meta) + "\n", style="dim")
    text.append(t("doc.view.reviewer", reviewer=docs.reviewer_label(store, document)) + "\n", style="dim")
    if reading is not None:
        text.append(t("doc.view.reading", title=reading.title) + "\n", style="dim")
    if document.source:
        text.append(t("doc.view.source", name=document.source) + "\n", style="dim")
    text.append("\n")
    text.append(document.body or t("doc.view.empty"), style="" if document.body else "dim")
    text.append("\n")
    lines = docs.history_lines(store, document)
    if lines:
        text.append("\n" + t("doc.view.history") + "\n", style="bold")
        for line in lines:
            text.append("  " + line + "\n")
    return text


class DocumentView(Screen[int | None]):
    BINDINGS = [
        Binding("escape", "back", "key.back", id="doc_view.back"),
        Binding("e", "edit", "key.edit", id="doc_view.edit"),
        Binding("s", "submit", "doc.key.submit", id="doc_view.submit"),
        Binding("v", "review", "doc.key.review", id="doc_view.review"),
        Binding("p", "print", "doc.key.print", id="doc_view.print"),
    ]
    CSS_PATH = "documents.tcss"

    def __init__(self, document_id: int):
        super().__init__()
        translate_bindings(self)
        self.document_id = document_id

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="doc-page"):
            yield Static(id="doc-page-body")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one("#doc-page").focus()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def data_changed(self) -> None:
        self.refresh_data()

    def document(self) -> Document | None:
        return docs.get_document(self.app.store, self.document_id)

    def refresh_data(self) -> None:
        document = self.document()
        store, me = self.app.store, self.app.user
        if document is None or not docs.can_read(store, me, document):
            self.query_one("#doc-page-body", Static).update(Text(t("doc.view.gone"), style="dim"))
        else:
            self.query_one("#doc-page-body", Static).update(document_text(store, document))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        document = self.document()
        store, me = self.app.store, self.app.user
        if action == "edit":
            return document is not None and docs.may_edit(store, me, document)
        if action == "submit":
            return document is not None and docs.may_submit(store, me, document)
        if action == "review":
            return document is not None and docs.may_review(store, me, document)
        return True

    def action_back(self) -> None:
        self.dismiss(self.document_id)

    def action_edit(self) -> None:
        from screens.documents.editor import DocumentEditor

        self.app.push_screen(DocumentEditor(self.document_id), lambda _id: self.refresh_data())

    def action_submit(self) -> None:
        document = self.document()
        if document is not None:
            submit_document(self, document)
            self.refresh_data()

    def action_review(self) -> None:
        from screens.documents.review import ReviewDialog

        self.app.push_screen(ReviewDialog(self.document_id), lambda _id: self.refresh_data())

    def action_print(self) -> None:
        document = self.document()
        if document is not None:
            print_document(self, document)


def print_document(screen, document: Document) -> None:
    """Ask where to save the Word file (the person's export folder by default) and write it."""
    from models.exports.document_print import default_document_name, document_docx
    from screens.dialogs.save_path import SavePathDialog

    store = screen.app.store
    screen.app.push_screen(SavePathDialog(t("doc.print.path_prompt"), default_document_name(document),
                                          lambda: document_docx(store, document)))
