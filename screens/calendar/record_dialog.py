"""Where to write an activity's 教研活动记录表 (.docx): a path, the home folder by default."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from models.i18n import t
from screens.widgets.keys import translate_bindings


class RecordDialog(ModalScreen[str | None]):
    """Returns the absolute path to write, or None when the user backs out."""

    BINDINGS = [Binding("escape", "cancel", "key.back", id="record_dialog.cancel")]
    DEFAULT_CSS = """
    RecordDialog { align: center middle; }
    RecordDialog > Vertical { width: 76; max-width: 100%; height: auto; border: round $primary;
                              background: $surface; padding: 0 1; }
    RecordDialog #record-error { color: $error; }
    """

    def __init__(self, default_name: str):
        super().__init__()
        translate_bindings(self)
        self.default_name = default_name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(t("calendar.record.title"), style="bold"))
            yield Static(t("calendar.record.hint"))
            yield Input(str(Path.home() / self.default_name), id="record-path")
            yield Static(id="record-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        error = self.query_one("#record-error", Static)
        if not value or Path(value).suffix.lower() != ".docx":
            error.update(Text(t("calendar.record.bad_path", value=value)))
            return
        path = Path(value).expanduser()
        if not path.parent.is_dir():
            error.update(Text(t("calendar.record.no_folder", folder=str(path.parent))))
            return
        self.dismiss(str(path.absolute()))

    def action_cancel(self) -> None:
        self.dismiss(None)
