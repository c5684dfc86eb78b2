"""What is due this term: the hand-ins (the admin's, else the seed rules) and, line by
line, who owes what by when and whether it is in. A teacher sees their own lines (a
group leader their groups' too); the office sees everyone's. ``enter`` on a line opens
the document to write (or the draft there is)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models import documents as docs
from models.i18n import t
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.table_cursor import ListTable, cursor_key

STATUS_STYLES = {"done": "green", "overdue": "bold red", "soon": "yellow", "later": "dim"}


class DueScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="doc_due.back"),
        Binding("enter", "write", "doc.key.write", id="doc_due.write"),
        Binding("r", "rules", "doc.key.rules", id="doc_due.rules"),
    ]
    CSS_PATH = "documents.tcss"

    def __init__(self, kind: str = "", status: str = "") -> None:
        """``kind`` and ``status``: put the cursor on the first line of that kind and state
        (the dashboard's line of several documents owed opens the list there)."""
        super().__init__()
        translate_bindings(self)
        self.lines: dict[str, docs.Due] = {}
        self.start_kind, self.start_status = kind, status

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="due-rules")
        yield ListTable(id="due-lines", cursor_type="row", zebra_stripes=True)
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#due-lines", DataTable).focus()
        # Filled after the first refresh: measured before layout, the columns come out too narrow.
        self.call_after_refresh(self.refresh_data)

    def data_changed(self) -> None:
        self.refresh_data()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        store, term, me, today = self.app.store, self.app.term, self.app.user, self.app.today
        rules = Text()
        table = self.query_one("#due-lines", DataTable)
        keep = cursor_key(table)
        table.clear(columns=True)
        for key in ("doc.col.due", "doc.col.status", "doc.col.what"):
            table.add_column(t(key), key=key)
        self.lines = {}
        if term is None or me is None:
            self.query_one("#due-rules", Static).update(Text(t("header.no_term"), style="dim"))
            return
        for handin in docs.handins_for(store, term):
            audience = t(f"doc.audience.{handin.audience}")
            line = t("doc.due.rule", kind=handin.kind, audience=audience, due=handin.due[5:]) if handin.due \
                else t("doc.due.rule_lesson", kind=handin.kind, audience=audience)
            rules.append(line + "  ", style="dim")
        self.query_one("#due-rules", Static).update(rules)
        for n, due in enumerate(docs.dues(store, term)):
            if not me.is_admin and due.teacher_id != me.id:
                continue
            status = due.status(today)
            key = str(n)
            self.lines[key] = due
            table.add_row(Text(due.due.isoformat()[5:]), Text(t(f"doc.status.{status}"), style=STATUS_STYLES[status]),
                          Text(due.label), key=key)
        if keep in self.lines:  # a refresh keeps the user's place
            table.move_cursor(row=table.get_row_index(keep))
        elif self.start_kind:
            rows = [k for k, d in self.lines.items()
                    if d.kind == self.start_kind and (not self.start_status or d.status(today) == self.start_status)]
            if rows:
                table.move_cursor(row=table.get_row_index(rows[0]))

    def action_rules(self) -> None:
        from screens.documents.handins import HandInsScreen

        self.app.push_screen(HandInsScreen())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_write()

    def action_write(self) -> None:
        due = self.lines.get(cursor_key(self.query_one("#due-lines", DataTable)))
        if due is not None:
            open_due(self, due)


def open_due(screen: Screen, due: docs.Due, done=None) -> None:
    """Go where a document owed is written: the document there is (its page: read, edit,
    submit), else a new one of its kind and group in the editor when it is the user's to
    write, else say that someone else writes it. Used by this list, the home view and the
    dashboard's attention list; ``done`` is called when the user comes back."""
    from screens.documents.editor import DocumentEditor
    from screens.documents.view import DocumentView

    me = screen.app.user
    if me is None:
        return
    if due.document_id and docs.get_document(screen.app.store, due.document_id) is not None:
        screen.app.push_screen(DocumentView(due.document_id), done)
    elif due.teacher_id == me.id:
        screen.app.push_screen(DocumentEditor(None, kind=due.kind, group_id=due.group_id), done)
    else:
        screen.notify(t("doc.due.not_yours"), severity="warning", markup=False)
