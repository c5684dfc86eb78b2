"""Step one of importing the roster from the 名册 screen: the file's path.

The file is read in a worker thread (a big workbook takes a moment); a file that cannot
be a roster (empty, binary, no header row …) is explained right here and nothing
changes. Dismisses with (path, preview) for the preview screen, or None."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from models.i18n import t
from models.roster_import import preview_file
from models.errors import JiaoyanError
from screens.dialogs.base import Dialog
from screens.widgets.fitted_footer import FittedFooter


class ImportPathScreen(Dialog[tuple | None]):
    CSS_PATH = "rosters.tcss"
    DEFAULT_CLASSES = "roster-modal"
    BINDINGS = [
        # priority: the footer shows it although the path field (which has focus) knows enter too.
        Binding("enter", "read", "roster.key.read_file", id="import_path.read", priority=True),
        Binding("escape", "cancel", "roster.key.cancel", id="import_path.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(t("roster.import.path_title")), classes="title")
            yield Input(placeholder=t("roster.import.path_placeholder"), id="import-path", compact=True)
            yield Static(Text(t("roster.import.path_hint")), classes="hint")
            yield Static(id="import-message", classes="message")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    def action_read(self) -> None:
        text = self.query_one("#import-path", Input).value.strip().strip("'\"")
        if not text:
            self.show_message(t("roster.import.path_empty"))
            return
        self.show_message(t("roster.import.reading"), muted=True)
        self.read_file(Path(text).expanduser())

    @work(thread=True, exclusive=True)
    def read_file(self, path: Path) -> None:
        try:
            preview = preview_file(path, self.app.store)
        except JiaoyanError as error:
            self.app.call_from_thread(self.show_message, str(error))
            return
        self.app.call_from_thread(self.dismiss, (path, preview))

    def show_message(self, text: str, muted: bool = False) -> None:
        message = self.query_one("#import-message", Static)
        message.set_class(muted, "-warning")
        message.update(Text(text))

    def action_cancel(self) -> None:
        self.dismiss(None)
