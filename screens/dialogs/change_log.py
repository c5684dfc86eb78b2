"""修改记录: who changed what and when, newest first; the admin's (the log holds
every observation's comments). Opened with F2 or from the command palette."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

from models.store.audit import AuditLine, change_text, describe
from models.i18n import t
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.virtual_table import VirtualTable

ROWS_SHOWN = 2000  # the newest; older ones are in `jiaoyan audit`


class AuditScreen(Screen):
    """The change log: a filter line, the list, and the highlighted change field by field."""

    BINDINGS = [
        Binding("slash", "filter", "access.audit.key.filter", id="audit.filter"),
        Binding("r", "app.restore", "ssh.restore.key_open", id="audit.restore"),
        Binding("escape", "back", "access.audit.key.back", id="audit.back"),
    ]
    CSS_PATH = "dialogs.tcss"

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.lines: list[AuditLine] = []
        self.shown: list[AuditLine] = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Input(placeholder=t("access.audit.filter"), id="audit-filter")
        # Up to 2,000 changes: only the rows on screen are drawn.
        table = VirtualTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        # 80 columns: when 16, who 8, action 8, record 14, and the rest for the change.
        table.add_column(t("access.audit.col_when"), width=16, key="when")
        table.add_column(t("access.audit.col_who"), width=8, key="who")
        table.add_column(t("access.audit.col_what"), width=8, key="what")
        table.add_column(t("access.audit.col_record"), width=14, key="record")
        table.add_column(t("access.audit.col_change"), width=22, key="change")
        yield table
        yield Static(id="audit-detail")
        yield FittedFooter()  # keys stop at the palette key instead of running under it

    def on_mount(self) -> None:
        self.data_changed()
        self.query_one("#audit-table", VirtualTable).focus()

    def data_changed(self) -> None:
        """Another session saved (the app polls): reload, keeping the filter and the row."""
        self.query_one(AppHeader).update_header()
        from models.store.archive import audit_entries
        from models.store.audit import Names

        # The log file beside the data file, and what terms closed before schema 2 took
        # into their archives (models/store/changelog.py).
        entries = audit_entries(self.app.store)[-ROWS_SHOWN:]
        names = Names.of(self.app.store)
        self.lines = [describe(e, names) for e in reversed(entries)]
        self.show_rows()

    def show_rows(self) -> None:
        table = self.query_one("#audit-table", VirtualTable)
        keep = self.shown[table.cursor_row].id if self.shown and 0 <= table.cursor_row < len(self.shown) else None
        needle = self.query_one("#audit-filter", Input).value.strip().lower()
        self.shown = [line for line in self.lines if not needle or needle in line.search_text()]
        rows = []
        for line in self.shown:
            first = change_text(line.changes[0]) if line.changes else ""
            more = f" (+{len(line.changes) - 1})" if len(line.changes) > 1 else ""
            # Everything here may be user text: plain cells, never markup.
            rows.append((str(line.id), (line.at[:16], line.name or line.who, line.action, line.record, first + more)))
        table.set_rows(rows)
        if keep is not None:
            row = next((n for n, line in enumerate(self.shown) if line.id == keep), 0)
            table.move_cursor(row=row)
        self.show_detail()

    def show_detail(self) -> None:
        detail = self.query_one("#audit-detail", Static)
        table = self.query_one("#audit-table", VirtualTable)
        if not self.shown:
            detail.update(Text(t("access.audit.none")))
            return
        line = self.shown[min(max(table.cursor_row, 0), len(self.shown) - 1)]
        text = Text(f"{line.at}  {line.who}  {line.action}  {line.record}\n", style="bold")
        for change in line.changes:
            text.append(change_text(change) + "\n")
        detail.update(text)

    def on_data_table_row_highlighted(self, _event: VirtualTable.RowHighlighted) -> None:
        self.show_detail()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "audit-filter":
            self.show_rows()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.query_one("#audit-table", VirtualTable).focus()

    def action_filter(self) -> None:
        self.query_one("#audit-filter", Input).focus()

    def action_back(self) -> None:
        if self.query_one("#audit-filter", Input).has_focus:
            self.query_one("#audit-table", VirtualTable).focus()
            return
        self.app.pop_screen()
