"""Review a submitted document: ``ctrl+a`` approves (the comment is optional), ``ctrl+r``
returns it to the author (a comment saying what to change is required); ``escape`` leaves
it as it is. The step and the comment join the document's history."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from models import documents as docs
from models.documents import Document
from models.i18n import t
from models.errors import JiaoyanError
from models.store.storage import ConflictError
from screens.dialogs.base import Dialog
from screens.widgets.fitted_footer import FittedFooter


class ReviewDialog(Dialog[int | None]):
    BINDINGS = [
        Binding("ctrl+a", "decide('approved')", "doc.key.approve", id="doc_review.approve", priority=True),
        Binding("ctrl+r", "decide('returned')", "doc.key.return", id="doc_review.return", priority=True),
        Binding("escape", "cancel", "key.back", id="doc_review.cancel"),
    ]
    CSS_PATH = "documents.tcss"

    def __init__(self, document_id: int):
        super().__init__()
        self.document_id = document_id

    def compose(self) -> ComposeResult:
        store = self.app.store
        document = store.get(Document, self.document_id)
        with Vertical():
            yield Static(Text(t("doc.review.title", title=document.title if document else "?")), id="review-title")
            if document is not None:
                yield Static(Text(t("doc.review.meta", kind=document.kind, author=docs.author_label(store, document),
                                    lines=len(document.body.splitlines()))), classes="keys")
            yield Static(Text(t("doc.review.comment")))
            yield TextArea("", id="review-comment", compact=True, tab_behavior="focus")
            yield Static(id="review-message")
            yield Static(Text(t("doc.review.keys")), classes="keys")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#review-comment", TextArea).focus()

    def action_decide(self, decision: str) -> None:
        store, me = self.app.store, self.app.user
        document = store.get(Document, self.document_id)
        comment = self.query_one("#review-comment", TextArea).text.strip()
        message = self.query_one("#review-message", Static)
        if document is None or me is None:
            self.dismiss(None)
            return
        try:
            if decision == "approved":
                saved = docs.approve(store, me, document, comment)
            else:
                saved = docs.return_document(store, me, document, comment)
        except docs.DocumentRefused as error:
            message.update(Text(error.reason))
            return
        except ConflictError:
            message.update(Text(t("doc.error.conflict")))
            return
        except JiaoyanError as error:
            message.update(Text(str(error)))
            return
        self.app.notify(t(f"doc.review.done.{decision}", title=saved.title), markup=False)
        self.dismiss(saved.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
