"""The kinds of document (教研计划, 学习心得 …): who writes each and who reviews it.

Everyone may read the list; the admin adds a kind with ``n`` (a name, who writes it, who
reviews it), or changes a kind by typing its name again — the same as ``jiaoyan doc kinds
--add``. The store's guard refuses anyone else anyway.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static

from models import documents as docs
from models.errors import JiaoyanError
from models.i18n import t
from models.store.storage import ValidationFailed
from screens.dialogs.base import Dialog
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.table_cursor import ListTable, restore_cursor


class KindsScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="kinds.back"),
        Binding("n", "add", "key.new", id="kinds.new"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(Text(t("kinds.title"), style="bold"), id="kinds-title")
        yield ListTable(id="kinds", cursor_type="row", zebra_stripes=True)
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#kinds", DataTable).focus()
        # Filled after the first refresh: measured before layout, the columns come out too narrow.
        self.call_after_refresh(self.refresh_data)

    def data_changed(self) -> None:
        self.refresh_data()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add":
            me = self.app.user
            return me is not None and me.is_admin
        return True

    def refresh_data(self) -> None:
        table = self.query_one("#kinds", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        for key in ("kinds.col.name", "kinds.col.writer", "kinds.col.reviewer", "kinds.col.origin"):
            table.add_column(t(key), key=key)
        for kind in docs.document_kinds(self.app.store):
            table.add_row(Text(kind.name), Text(t(f"doc.writer.{kind.writer}")),
                          Text(t(f"doc.reviewer_kind.{kind.reviewer}")),
                          Text(t("kinds.builtin" if kind.builtin else "kinds.own"), style="dim"), key=kind.name)
        restore_cursor(table, row=keep)

    def action_add(self) -> None:
        def saved(name: str | None) -> None:
            self.refresh_data()
            if name:
                self.notify(t("kinds.saved", name=name), markup=False)
                table = self.query_one("#kinds", DataTable)
                restore_cursor(table, key=name)

        self.app.push_screen(KindDialog(), saved)


class KindDialog(Dialog[str | None]):
    """Dismisses with the kind's name when it was saved."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="kind_dialog.save", priority=True),
        Binding("escape", "cancel", "key.back", id="kind_dialog.cancel"),
    ]
    CSS_PATH = "documents.tcss"

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal():
                yield Label(t("kinds.field.name"))
                yield Input(placeholder=t("kinds.name_hint"), id="kind-name", compact=True)
            with Horizontal():
                yield Label(t("kinds.col.writer"))
                yield Select([(t(f"doc.writer.{w}"), w) for w in docs.WRITERS], value="self", allow_blank=False,
                             id="kind-writer", compact=True)
            with Horizontal():
                yield Label(t("kinds.col.reviewer"))
                yield Select([(t(f"doc.reviewer_kind.{r}"), r) for r in docs.REVIEWERS], value="leader",
                             allow_blank=False, id="kind-reviewer", compact=True)
            yield Static(id="kind-message")
            yield Static(Text(t("handins.keys")), classes="keys")

    def on_mount(self) -> None:
        self.query_one("#kind-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        me = self.app.user
        message = self.query_one("#kind-message", Static)
        if me is None or not me.is_admin:
            message.update(Text(t("kinds.only_office")))
            return
        name = self.query_one("#kind-name", Input).value
        writer = str(self.query_one("#kind-writer", Select).value)
        reviewer = str(self.query_one("#kind-reviewer", Select).value)
        try:
            saved = docs.save_kind(self.app.store, name, writer, reviewer)
        except (ValidationFailed, JiaoyanError) as error:
            message.update(Text(str(error)))
            return
        self.dismiss(saved.name.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
