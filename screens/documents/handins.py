"""The term's hand-ins, as the office sets them: which kind is due from whom and by when.

Until the office changes something the seed rules apply (models.documents.default_handins);
the first change stores them as the term's own list. ``n`` adds a line (kind, from whom,
due date), ``d`` removes the highlighted one, ``escape`` goes back. Only the office sees
``n`` and ``d``; the store refuses anyone else anyway.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static

from models import documents as docs
from models.dates import BadInput, parse_date
from models.i18n import t
from models.errors import JiaoyanError
from models.store.storage import ValidationFailed
from screens.dialogs.base import Dialog
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.table_cursor import ListTable


class HandInsScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="handins.back"),
        Binding("n", "add", "key.new", id="handins.new"),
        Binding("d", "remove", "key.delete", id="handins.delete"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="handins-title")
        yield ListTable(id="handins", cursor_type="row", zebra_stripes=True)
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#handins", DataTable).focus()
        # Filled after the first refresh: measured before layout, the columns come out too narrow.
        self.call_after_refresh(self.refresh_data)

    def data_changed(self) -> None:
        self.refresh_data()

    def is_office(self) -> bool:
        me = self.app.user
        return me is not None and me.is_admin

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add", "remove"):
            return self.is_office() and self.app.term is not None
        return True

    def refresh_data(self) -> None:
        store, term = self.app.store, self.app.term
        table = self.query_one("#handins", DataTable)
        table.clear(columns=True)
        for key in ("doc.col.kind", "handins.col.audience", "doc.col.due"):
            table.add_column(t(key), key=key)
        if term is None:
            return
        stored = any(h.term_id == term.term_id for h in store.all(docs.HandIn))
        self.query_one("#handins-title", Static).update(Text(t("handins.title.own" if stored else "handins.title.seed",
                                                               term=term.name)))
        for n, handin in enumerate(docs.handins_for(store, term)):
            table.add_row(Text(handin.kind), Text(t(f"doc.audience.{handin.audience}")),
                          Text(handin.due or t("doc.due.before_lesson")), key=str(n))

    def action_add(self) -> None:
        self.app.push_screen(HandInDialog(), lambda _saved: self.refresh_data())

    def action_remove(self) -> None:
        store, term = self.app.store, self.app.term
        table = self.query_one("#handins", DataTable)
        if term is None or not table.row_count:
            return
        index = table.cursor_row
        try:
            stored = docs.adopt_defaults(store, term)
            with store.transaction() as tx:
                tx.delete(stored[index])
        except (JiaoyanError, IndexError) as error:
            self.notify(str(error), severity="warning", markup=False)
        self.refresh_data()


class HandInDialog(Dialog[bool]):
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="handin_dialog.save", priority=True),
        Binding("escape", "cancel", "key.back", id="handin_dialog.cancel"),
    ]
    CSS_PATH = "documents.tcss"

    def compose(self) -> ComposeResult:
        names = docs.kind_names(self.app.store)
        with Vertical():
            with Horizontal():
                yield Label(t("doc.field.kind_label"))
                yield Select([(n, n) for n in names], value=names[0], allow_blank=False, id="handin-kind",
                             compact=True)
            with Horizontal():
                yield Label(t("handins.col.audience"))
                yield Select([(t(f"doc.audience.{a}"), a) for a in docs.AUDIENCES], value="teachers",
                             allow_blank=False, id="handin-audience", compact=True)
            with Horizontal():
                yield Label(t("doc.col.due"))
                yield Input(placeholder=t("handins.due_hint"), id="handin-due", compact=True)
            yield Static(id="handin-message")
            yield Static(Text(t("handins.keys")), classes="keys")

    def action_save(self) -> None:
        store, term = self.app.store, self.app.term
        message = self.query_one("#handin-message", Static)
        if term is None:
            self.dismiss(False)
            return
        kind = self.query_one("#handin-kind", Select).value
        audience = self.query_one("#handin-audience", Select).value
        due = ""
        if audience != "research_lessons":
            try:
                due = parse_date(self.query_one("#handin-due", Input).value, self.app.today).isoformat()
            except BadInput as error:
                message.update(Text(str(error)))
                return
        try:
            docs.adopt_defaults(store, term)
            with store.transaction() as tx:
                tx.insert(docs.HandIn(term_id=term.term_id, kind=str(kind), audience=str(audience), due=due))
        except (ValidationFailed, JiaoyanError) as error:
            message.update(Text(str(error)))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
