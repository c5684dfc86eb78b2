"""The end-of-term report from the dashboard: where to write it; the format follows the extension."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from models.i18n import t
from models.exports.registry import format_for_path
from models.exports.term_report import KIND, default_report_name
from screens.widgets.keys import translate_bindings


class ReportDialog(ModalScreen[tuple[str, str] | None]):
    """Returns (path, format), or None when the user backs out."""

    BINDINGS = [Binding("escape", "cancel", "key.back", id="report_dialog.cancel")]
    DEFAULT_CSS = """
    ReportDialog { align: center middle; }
    ReportDialog > Vertical { width: 76; max-width: 100%; height: auto; border: round $primary;
                              background: $surface; padding: 0 1; }
    ReportDialog #report-error { color: $error; }
    """

    def __init__(self, term_id: str):
        super().__init__()
        translate_bindings(self)
        self.term_id = term_id
        self._confirmed_overwrite: Path | None = None  # the existing file a second enter replaces

    def compose(self) -> ComposeResult:
        from models.delivery import personal_export_path

        default = personal_export_path(self.app.store.path, self.app.login,
                                       default_report_name("term", self.term_id, "docx"))
        with Vertical():
            yield Static(Text(t("dashboard.report_title", term=self.term_id), style="bold"))
            yield Static(t("dashboard.report_hint"))
            yield Input(str(default), id="report-path")
            yield Static(id="report-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        fmt = format_for_path(value, KIND)
        error = self.query_one("#report-error", Static)
        if not value:
            error.update(Text(t("dashboard.report_no_path")))
            return
        if fmt is None:
            error.update(Text(t("dashboard.report_bad_format", value=value)))
            return
        path = Path(value).expanduser().absolute()
        if not path.parent.is_dir():
            error.update(Text(t("dashboard.report_no_folder", folder=str(path.parent))))
            return
        from models.store.outputs import OutputRefused, check_output, needs_confirmation

        try:
            check_output(path)
        except OutputRefused as refused:
            error.update(Text(str(refused)))
            return
        if needs_confirmation(path) and self._confirmed_overwrite != path:
            # An existing file is replaced only after a second enter on the same path.
            self._confirmed_overwrite = path
            error.update(Text(t("output.replace_confirm", path=str(path))))
            return
        self.dismiss((str(path), fmt))

    def action_cancel(self) -> None:
        self.dismiss(None)
