"""The full-screen editor of one document: kind, group, title, required reading and the
text, in a TextArea that keeps Chinese input and pasted text (from Word or WeChat, over
SSH) line for line. ``ctrl+s`` saves a draft and stays; ``escape`` goes back, asking
first when something typed is not saved.

Only the author edits, and only a draft or a returned document (models/documents.py);
the store refuses anything else anyway.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, Label, Select, Static, TextArea

from models import documents as docs
from models.documents import Document, Reading
from models.i18n import t
from models.records import Group
from models.errors import JiaoyanError
from models.store.storage import ConflictError, ValidationFailed
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings


def normalise_newlines(text: str) -> str:
    """Pasted text over SSH may end its lines with \\r\\n or \\r; the document keeps \\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class FullTextEditor(Screen[int | None]):
    """The full-screen editor itself: a subclass's fields above a TextArea that keeps typed
    Chinese and pasted text line for line, a message line, the footer. ``escape`` goes
    back, asking first when something typed is not saved. Used by documents (below) and
    by outcomes' texts (screens/outcomes/text_editor.py).

    A subclass yields its field rows in :meth:`compose_fields`, gives the text to start
    from in :meth:`initial_text`, what counts as "saved" in :meth:`values`, and calls
    :meth:`mark_saved` after saving. It dismisses with :attr:`record_id`."""

    # A path from this file, not a bare "documents.tcss": Textual resolves a relative CSS_PATH next to
    # the module of the screen's own class, and editors in other areas subclass this one.
    CSS_PATH = Path(__file__).with_name("documents.tcss")
    record_id: int | None = None
    _saved_state: tuple | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield from self.compose_fields()
        yield TextArea(self.initial_text(), id="doc-body", soft_wrap=True, tab_behavior="focus")
        yield Static(id="doc-message")
        yield FittedFooter()

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def initial_text(self) -> str:
        return ""

    def body_text(self) -> str:
        return normalise_newlines(self.query_one("#doc-body", TextArea).text)

    def values(self) -> tuple:
        return (self.body_text(),)

    def mark_saved(self) -> None:
        self._saved_state = self.values()

    def dirty(self) -> bool:
        return self._saved_state is not None and self.values() != self._saved_state

    def say(self, message: str, *, error: bool = False) -> None:
        self.query_one("#doc-message", Static).update(Text(message, style="bold red" if error else "green"))

    def focus_body_end(self) -> None:
        body = self.query_one("#doc-body", TextArea)
        body.move_cursor(body.document.end)  # carry on where the text ends
        body.focus()

    def action_back(self) -> None:
        if not self.dirty():
            self.dismiss(self.record_id)
            return
        from screens.dialogs.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(self.record_id)

        self.app.push_screen(ConfirmScreen(t("doc.editor.discard")), answered)

    def data_changed(self) -> None:
        """Another session saved: the text being typed stays as it is."""


class DocumentEditor(FullTextEditor):
    """Dismisses with the document's id (None when nothing was ever saved)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "doc.key.save_draft", id="doc_editor.save", priority=True),
        Binding("escape", "back", "key.back", id="doc_editor.back"),
    ]

    def __init__(self, document_id: int | None, *, kind: str = "", group_id: int = 0, prep_id: int = 0,
                 prep_unit: int = 0, reading_id: int = 0):
        super().__init__()
        translate_bindings(self)
        self.document_id = document_id
        self.document: Document | None = None  # as last read or saved, with its version
        self.start_kind, self.start_group = kind, group_id
        self.prep_id, self.prep_unit = prep_id, prep_unit
        self.start_reading = reading_id  # a new 学习心得 started from the reading list
        self._saved_state: tuple | None = None

    @property
    def record_id(self) -> int | None:
        return self.document_id

    # -- the form ----------------------------------------------------------------------------

    def writable_kinds(self) -> list[docs.Kind]:
        store, me = self.app.store, self.app.user
        if me is None:
            return []
        return [k for k in docs.document_kinds(store)
                if not k.is_group or self.groups_for(k)]

    def groups_for(self, kind: docs.Kind) -> list[Group]:
        store, me = self.app.store, self.app.user
        if me is None or not kind.is_group:
            return []
        return [g for g in store.all(Group) if g.active and g.kind != "office"
                and docs.may_write_kind(store, me, kind, g.id)]

    def compose_fields(self) -> ComposeResult:
        store = self.app.store
        self.document = store.get(Document, self.document_id) if self.document_id else None
        document = self.document
        kinds = self.writable_kinds()
        names = [k.name for k in kinds]
        kind = document.kind if document else (self.start_kind if self.start_kind in names else
                                                 (names[0] if names else ""))
        if kind and kind not in names:
            names.append(kind)
        with Horizontal(id="doc-fields"):
            yield Label(t("doc.field.kind_label"))
            yield Select([(n, n) for n in names], value=kind or Select.NULL, allow_blank=not names,
                         id="doc-kind", compact=True)
            yield Label(t("doc.field.group_label"), id="doc-group-label")
            yield Select([], id="doc-group", compact=True, prompt=t("doc.field.group_hint"))
            yield Static(id="doc-state")
        with Horizontal(id="doc-title-row"):
            yield Label(t("doc.field.title_label"))
            yield Input(document.title if document else "", placeholder=t("doc.field.title_hint"),
                        id="doc-title", compact=True)
        with Horizontal(id="doc-reading-row"):
            yield Label(t("doc.field.reading_label"))
            yield Select([], id="doc-reading", compact=True, prompt=t("doc.field.reading_hint"))

    def initial_text(self) -> str:
        return self.document.body if self.document else ""

    def on_mount(self) -> None:
        self.fill_kind_fields()
        document = self.document
        if document is not None:
            state = Text(" " + t(f"doc.state.{document.state}"), style="dim")
            self.query_one("#doc-state", Static).update(state)
            if document.state == "returned" and document.review_comment():
                self.say(t("doc.editor.returned_with", comment=document.review_comment()), error=True)
        self.mark_saved()
        self.focus_body_end()

    def kind(self) -> docs.Kind | None:
        value = self.query_one("#doc-kind", Select).value
        return docs.kind_named(self.app.store, value) if isinstance(value, str) else None

    def fill_kind_fields(self) -> None:
        """The group field for a group's document; the reading field for a 学习心得."""
        kind = self.kind()
        group_select = self.query_one("#doc-group", Select)
        groups = self.groups_for(kind) if kind is not None else []
        current = self.document.group_id if self.document else self.start_group
        group_select.set_options([(g.name, g.id) for g in groups])
        if groups:
            ids = [g.id for g in groups]
            group_select.value = current if current in ids else ids[0]
        show_group = bool(kind is not None and kind.is_group)
        group_select.set_class(not show_group, "-hidden")
        self.query_one("#doc-group-label").set_class(not show_group, "-hidden")
        term = self.term_id()
        readings = docs.readings_of(self.app.store, term) if term else []
        reading_select = self.query_one("#doc-reading", Select)
        reading_select.set_options([(_reading_label(r), r.id) for r in readings])
        chosen = self.document.reading_id if self.document is not None else self.start_reading
        if chosen in [r.id for r in readings]:
            reading_select.value = chosen
        show_reading = bool(kind is not None and kind.name == "学习心得" and readings)
        self.query_one("#doc-reading-row").set_class(not show_reading, "-hidden")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "doc-kind":
            self.fill_kind_fields()

    def term_id(self) -> str:
        if self.document is not None:
            return self.document.term_id
        term = self.app.term
        return term.term_id if term else ""

    def values(self) -> tuple:
        kind = self.query_one("#doc-kind", Select).value
        group = self.query_one("#doc-group", Select).value
        reading = self.query_one("#doc-reading", Select).value
        return (kind if isinstance(kind, str) else "", group if isinstance(group, int) else 0,
                self.query_one("#doc-title", Input).value.strip(),
                reading if isinstance(reading, int) else 0, self.body_text())

    # -- saving --------------------------------------------------------------------------------

    def action_save(self) -> None:
        store, me = self.app.store, self.app.user
        if me is None:
            self.say(t("doc.error.not_on_roster", login=self.app.login), error=True)
            return
        kind_name, group_id, title, reading_id, body = self.values()
        kind = docs.kind_named(store, kind_name)
        if kind is None:
            self.say(t("doc.error.kind_required"), error=True)
            return
        if not kind.is_group and not self.prep_id and not (self.document and self.document.prep_id):
            group_id = 0
        if kind.is_group and not group_id:
            self.say(t("doc.error.pick_group"), error=True)
            return
        if kind.name != "学习心得":
            reading_id = 0
        try:
            if self.document is None:
                draft = docs.new_document(store, me, kind=kind.name, term_id=self.term_id(), group_id=group_id,
                                          title=title, body=body, reading_id=reading_id, prep_id=self.prep_id,
                                          prep_unit=self.prep_unit)
            else:
                draft = self.document.copy(kind=kind.name, group_id=group_id, reading_id=reading_id, body=body,
                                           title=title or docs.default_title(store, kind.name, self.document.term_id,
                                                                             me.id, group_id))
        except JiaoyanError as error:  # refused (PermissionDenied) or the disk said no
            self.say(str(error), error=True)
            return
        self._store(draft)

    def _store(self, draft: Document) -> None:
        from screens.dialogs.conflict import resolve_conflict

        try:
            saved = docs.save_document(self.app.store, draft)
        except ConflictError as conflict:  # saved meanwhile by someone else: both side by side, by name
            resolve_conflict(self.app, conflict, save_mine=self._store, take_theirs=self._take_theirs,
                             labels={"body": t("doc.field.body"), "title": t("doc.field.title")})
            return
        except ValidationFailed as error:
            self.say(str(error), error=True)
            return
        except JiaoyanError as error:  # refused (PermissionDenied) or the disk said no
            self.say(str(error), error=True)
            return
        self.document, self.document_id = saved, saved.id
        self.query_one("#doc-title", Input).value = saved.title
        self.mark_saved()
        self.say(t("doc.editor.saved", time=saved.updated_at[11:16]))


    def _take_theirs(self, theirs: Document | None) -> None:
        if theirs is None:  # deleted meanwhile
            self.app.pop_screen()
            return
        self.document = theirs
        self.query_one("#doc-title", Input).value = theirs.title
        self.query_one("#doc-body", TextArea).load_text(theirs.body)
        self.mark_saved()
        self.say(t("doc.editor.took_theirs"))


def _reading_label(reading: Reading) -> str:
    return f"《{reading.title}》" + (f" {reading.author}" if reading.author else "")
