"""必读书目: the term's required reading. Everyone reads the list and, with ``w``, writes a
学习心得 on the highlighted book; the office adds (``n``), changes (``e``) and takes off
(``d``) books. A book with 心得 written on it stays (models/documents.delete_reading).
The same list as ``jiaoyan doc reading``.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static

from models import documents as docs
from models.errors import JiaoyanError
from models.i18n import t
from models.records import Reading
from screens.dialogs.base import Dialog
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.table_cursor import ListTable, cursor_id, restore_cursor

STUDY_NOTES = "学习心得"


class ReadingsScreen(Screen):
    CSS_PATH = "documents.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="readings.back"),
        Binding("w", "write", "reading.key.write", id="readings.write"),
        Binding("n", "add", "key.new", id="readings.new"),
        Binding("e", "edit", "key.edit", id="readings.edit"),
        Binding("d", "delete", "key.delete", id="readings.delete"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="readings-title")
        yield ListTable(id="readings", cursor_type="row", zebra_stripes=True)
        yield FittedFooter()

    def on_mount(self) -> None:
        table = self.query_one("#readings", DataTable)
        for key in ("reading.col.title", "reading.col.author", "reading.col.note", "reading.col.notes"):
            table.add_column(t(key), key=key)
        table.focus()
        self.refresh_data()

    def data_changed(self) -> None:
        self.refresh_data()

    def readings(self) -> list[Reading]:
        term = self.app.term
        return docs.readings_of(self.app.store, term.term_id) if term else []

    def highlighted(self) -> Reading | None:
        reading_id = cursor_id(self.query_one("#readings", DataTable))
        return next((r for r in self.readings() if r.id == reading_id), None) if reading_id else None

    def refresh_data(self, key: str | None = None) -> None:
        table = self.query_one("#readings", DataTable)
        keep, row = key, table.cursor_row
        table.clear()
        term, me = self.app.term, self.app.user
        readings = self.readings()
        title = self.query_one("#readings-title", Static)
        if term is None or not readings:
            title.update(Text(t("reading.empty"), style="dim"))
        else:
            title.update(Text(t("reading.title", term=term.name, count=len(readings)), style="bold"))
        for reading in readings:
            notes = docs.notes_on(self.app.store, reading)
            if me is not None and me.is_admin:
                written = Text(str(len(notes)))
            else:  # a teacher sees their own, not the count of colleagues' notes
                written = Text(t("reading.mine") if any(d.author_id == (me.id if me else 0) for d in notes) else "—",
                               style="" if notes else "dim")
            table.add_row(Text(f"《{reading.title}》"), Text(reading.author), Text(reading.note), written,
                          key=str(reading.id))
        restore_cursor(table, key=keep, row=row)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        me = self.app.user
        if action in ("add", "edit", "delete"):
            if me is None or not me.is_admin:
                return False
            return action == "add" or self.highlighted() is not None
        if action == "write":
            return me is not None and self.highlighted() is not None
        return True

    def action_write(self) -> None:
        from screens.documents.editor import DocumentEditor

        reading = self.highlighted()
        if reading is not None:
            self.app.push_screen(DocumentEditor(None, kind=STUDY_NOTES, reading_id=reading.id),
                                 lambda _result: self.refresh_data())

    def action_add(self) -> None:
        term = self.app.term
        if term is not None:
            self._open(Reading(term_id=term.term_id))

    def action_edit(self) -> None:
        reading = self.highlighted()
        if reading is not None:
            self._open(reading)

    def _open(self, reading: Reading) -> None:
        def saved(saved_id: int | None) -> None:
            if saved_id:
                self.refresh_data(key=str(saved_id))

        self.app.push_screen(ReadingDialog(reading), saved)

    def action_delete(self) -> None:
        from screens.dialogs.confirm import ConfirmScreen

        reading = self.highlighted()
        if reading is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                docs.delete_reading(self.app.store, reading)
            except JiaoyanError as error:
                self.notify(str(error), severity="warning", markup=False)
                return
            self.notify(t("reading.deleted", title=reading.title), markup=False)
            self.refresh_data()

        self.app.push_screen(ConfirmScreen(t("reading.confirm_delete", title=reading.title),
                                           yes=t("key.delete"), no=t("key.keep")), answered)


class ReadingDialog(Dialog[int | None]):
    """A book of the list, new or changed; dismisses with its id once saved."""

    CSS_PATH = "documents.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="reading_dialog.save", priority=True),
        Binding("escape", "cancel", "key.back", id="reading_dialog.cancel"),
    ]

    def __init__(self, reading: Reading) -> None:
        super().__init__()
        self.reading = reading

    def compose(self) -> ComposeResult:
        reading = self.reading
        with Vertical():
            yield Static(Text(t("reading.form.edit" if reading.id else "reading.form.new"), style="bold"))
            with Horizontal():
                yield Label(t("reading.col.title"))
                yield Input(reading.title, id="reading-name", compact=True)
            with Horizontal():
                yield Label(t("reading.col.author"))
                yield Input(reading.author, id="reading-author", compact=True)
            with Horizontal():
                yield Label(t("reading.field.note"))
                yield Input(reading.note, id="reading-note", compact=True, placeholder=t("reading.note_hint"))
            yield Static(id="reading-message")
            yield Static(Text(t("handins.keys")), classes="keys")

    def on_mount(self) -> None:
        self.query_one("#reading-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "reading-note":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        title = self.query_one("#reading-name", Input).value
        author = self.query_one("#reading-author", Input).value
        note = self.query_one("#reading-note", Input).value
        try:
            saved = docs.save_reading(self.app.store, self.reading.copy(title=title, author=author, note=note))
        except JiaoyanError as error:
            self.query_one("#reading-message", Static).update(Text(str(error)))
            return
        self.app.notify(t("reading.saved", title=saved.title), markup=False)
        self.dismiss(saved.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
