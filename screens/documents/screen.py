"""文档: this term's documents the user may read, what they owe, and the keys to write,
hand in and review them (issue 17).

The list shows kind, title, author (or group), state and the last change; ``/``
searches titles, kinds, names (pinyin too) and the text. Above it, the user's own
due and overdue hand-ins (models.documents.due_lines). Keys show only when the rule
in models/documents.py lets the user take that step on the highlighted document.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from models import documents as docs
from models.documents import Document
from models.i18n import t
from models.terms import is_archived
from screens.base import AreaScreen
from screens.widgets.cells import fit
from screens.widgets.table_cursor import cursor_id, restore_cursor
from screens.widgets.virtual_table import VirtualTable

STATE_STYLES = {"draft": "dim", "submitted": "yellow", "returned": "bold red", "approved": "green"}


class DocumentsScreen(AreaScreen):
    AREA = "documents"
    AUTO_FOCUS = "#documents"  # the list, not first the search line above it (a focus, a blur, a redraw)

    BINDINGS = [
        Binding("slash", "search", "key.search", id="documents.search"),
        Binding("n", "new", "key.new", id="documents.new"),
        Binding("enter", "open", "key.open", id="documents.open"),
        Binding("e", "edit", "key.edit", id="documents.edit"),
        Binding("s", "submit", "doc.key.submit", id="documents.submit"),
        Binding("v", "review", "doc.key.review", id="documents.review"),
        Binding("d", "delete", "key.delete", id="documents.delete"),
        Binding("h", "due", "doc.key.due", id="documents.due"),
        Binding("b", "prep", "doc.key.prep", id="documents.prep"),
        Binding("p", "print", "doc.key.print", id="documents.print"),
        Binding("k", "kinds", "doc.key.kinds", id="documents.kinds"),
        Binding("r", "readings", "doc.key.readings", id="documents.readings"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder=t("doc.search"), id="doc-search", compact=True)
        yield Static(id="doc-due")
        yield VirtualTable(id="documents", cursor_type="row", zebra_stripes=True)  # draws only the rows on screen

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#documents", VirtualTable).focus()

    # -- rights ------------------------------------------------------------------------

    def me(self):
        return self.app.user

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new":
            term = self.app.term
            return self.me() is not None and term is not None and not is_archived(term)
        if action not in ("open", "edit", "submit", "review", "delete", "print"):
            return True
        document = self.highlighted()
        if document is None:
            return False
        store, me = self.app.store, self.me()
        if action in ("open", "print"):
            return True
        if action == "edit":
            return docs.may_edit(store, me, document)
        if action == "submit":
            return docs.may_submit(store, me, document)
        if action == "review":
            return docs.may_review(store, me, document)
        return docs.may_delete(store, me, document)

    def highlighted(self) -> Document | None:
        try:
            table = self.query_one("#documents", VirtualTable)
        except Exception:  # not composed yet: the footer asks before the table exists
            return None
        document_id = cursor_id(table)
        return docs.get_document(self.app.store, document_id) if document_id else None

    def on_data_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        self.refresh_bindings()

    # -- reading -------------------------------------------------------------------------

    def refresh_data(self) -> None:
        store, term, me, today = self.app.store, self.app.term, self.me(), self.app.today
        term_id = term.term_id if term else None
        query = self.query_one("#doc-search", Input).value
        shown = [d for d in docs.visible_documents(store, me, term_id) if docs.search_score(store, query, d)]
        shown.sort(key=lambda d: (d.state != "returned", d.state != "submitted", d.updated_at), reverse=False)
        self._fill(shown)
        due = Text()
        lines = docs.due_lines(store, term, today, me.id) if me is not None else []
        for line in lines[:3]:
            due.append(docs.due_line_text(line, today) + "\n",
                       style="bold red" if line.status(today) == "overdue" else "yellow")
        if len(lines) > 3:
            due.append(t("doc.due.more", count=len(lines) - 3) + "\n", style="dim")
        if not lines:
            due.append(t("doc.due.none") + "\n", style="dim")
        if not shown:
            due.append(t("doc.empty") if not query else t("doc.no_match"), style="dim")
        due.rstrip()  # in place
        self.query_one("#doc-due", Static).update(due)

    def _fill(self, shown: list[Document]) -> None:
        store = self.app.store
        table = self.query_one("#documents", VirtualTable)
        selected = self.highlighted()
        table.clear(columns=True)
        for key in ("doc.col.kind", "doc.col.title", "doc.col.author", "doc.col.state", "doc.col.updated"):
            table.add_column(t(key), key=key)  # as wide as its widest cell
        # Plain text: the table never reads a cell as markup (titles and names are data).
        table.set_rows((str(document.id), (
            document.kind, fit(document.title, 30), fit(docs.author_label(store, document), 16),
            (t(f"doc.state.{document.state}"), STATE_STYLES.get(document.state, "")),
            (document.updated_at[5:10], "dim"))) for document in shown)
        if selected is not None:
            restore_cursor(table, key=str(selected.id))
        self.refresh_bindings()

    # -- search ---------------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#doc-search", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "doc-search":
            self.refresh_data()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "doc-search":
            self.query_one("#documents", VirtualTable).focus()

    def on_key(self, event) -> None:
        if event.key in ("escape", "down") and self.focused is self.query_one("#doc-search", Input):
            event.stop()
            self.query_one("#documents", VirtualTable).focus()

    # -- actions ----------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        from screens.documents.view import DocumentView

        document = self.highlighted()
        if document is not None:
            self.app.push_screen(DocumentView(document.id), self._after)

    def action_new(self) -> None:
        from screens.documents.editor import DocumentEditor

        if self.app.term is None:
            self.notify(t("header.no_term"), severity="warning")
            return
        self.app.push_screen(DocumentEditor(None), self._after)

    def action_edit(self) -> None:
        from screens.documents.editor import DocumentEditor

        document = self.highlighted()
        if document is not None:
            self.app.push_screen(DocumentEditor(document.id), self._after)

    def action_submit(self) -> None:
        from screens.documents.view import submit_document

        document = self.highlighted()
        if document is not None and submit_document(self, document):
            self._after(document.id)

    def action_review(self) -> None:
        from screens.documents.review import ReviewDialog

        document = self.highlighted()
        if document is not None:
            self.app.push_screen(ReviewDialog(document.id), self._after)

    def action_delete(self) -> None:
        from screens.dialogs.confirm import ConfirmScreen

        document = self.highlighted()
        if document is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            from models.errors import JiaoyanError

            try:
                with self.app.store.transaction() as tx:
                    tx.delete(document)
            except JiaoyanError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.notify(t("doc.deleted", title=document.title), markup=False)
            self.data_changed()

        self.app.push_screen(ConfirmScreen(t("doc.confirm_delete", title=document.title),
                                           yes=t("key.delete"), no=t("key.keep")), answered)

    def action_print(self) -> None:
        from screens.documents.view import print_document

        document = self.highlighted()
        if document is not None:
            print_document(self, document)

    def action_prep(self) -> None:
        from screens.documents.prep import PrepScreen

        self.app.push_screen(PrepScreen(), lambda _result: self.data_changed())

    def action_kinds(self) -> None:
        """The kinds of document; the admin adds one (``n``)."""
        from screens.documents.kinds import KindsScreen

        self.app.push_screen(KindsScreen())

    def action_readings(self) -> None:
        """The term's required reading; the office keeps it, everyone writes 学习心得 on it."""
        from screens.documents.readings import ReadingsScreen

        self.app.push_screen(ReadingsScreen(), lambda _result: self.data_changed())

    def action_due(self) -> None:
        from screens.documents.due import DueScreen

        self.app.push_screen(DueScreen())

    def _after(self, document_id: int | None = None) -> None:
        self.data_changed()
        if document_id:
            table = self.query_one("#documents", VirtualTable)
            restore_cursor(table, key=str(document_id))
