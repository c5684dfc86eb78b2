"""Printing a 听课记录表 or a 听课本 from the app: where to write the Word file.

The record page (``w``) and the teacher's page (``w``) open this dialog with a file name
in the home folder; enter writes it (an existing file is replaced only after a second
enter). The page is built by models/exports/observation_pages.py, which obeys the
visibility rule: a record whose comments the user may not read gives no page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from models.i18n import t
from models.errors import DataFileError, PermissionDenied
from screens.widgets.keys import translate_bindings


class WordDialog(ModalScreen[str | None]):
    """Asks for the .docx path, writes ``build()``'s bytes there, dismisses with the path."""

    BINDINGS = [Binding("escape", "cancel", "key.back", id="word_dialog.cancel")]
    DEFAULT_CSS = """
    WordDialog { align: center middle; }
    WordDialog > Vertical { width: 76; max-width: 100%; height: auto; border: round $primary;
                            background: $surface; padding: 0 1; }
    WordDialog #word-error { color: $error; height: auto; }
    """

    def __init__(self, title: str, default_name: str, build: Callable[[], bytes]):
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.default_name = default_name
        self.build = build
        self._confirmed_overwrite = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield Static(Text(t("observations.word.hint")))
            yield Input(str(Path.home() / self.default_name), id="word-path")
            yield Static(id="word-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.query_one("#word-error", Static)
        value = event.value.strip()
        if not value:
            error.update(Text(t("observations.word.no_path")))
            return
        path = Path(value).expanduser()
        if path.suffix.lower() != ".docx":
            path = path.with_name(path.name + ".docx")
        if not path.parent.is_dir():
            error.update(Text(t("observations.word.no_folder", folder=str(path.parent))))
            return
        if path.exists() and self._confirmed_overwrite != str(path):
            self._confirmed_overwrite = str(path)
            error.update(Text(t("observations.word.exists", path=str(path))))
            return
        try:
            payload = self.build()
            from models.exports.spreadsheets import save

            save(path, payload)
        except (DataFileError, PermissionDenied) as failure:  # PermissionDenied: this user gets no page of it
            error.update(Text(str(failure)))
            return
        except (OSError, ValueError) as failure:  # a broken school template says where (TemplateError)
            error.update(Text(t("observations.word.failed", path=str(path), reason=str(failure))))
            return
        self.app.notify(t("observations.word.written", path=str(path.absolute())), markup=False)
        if self.app.is_web:  # `jiaoyan serve`: the file arrives in the browser as a download
            self.app.announce_download(path.absolute())
        self.dismiss(str(path.absolute()))

    def action_cancel(self) -> None:
        self.dismiss(None)
