"""The end-of-term report from the dashboard: where to write it (the format follows the
extension), then the writing itself, with a progress bar, in a worker thread.

An existing file is only replaced after a second enter. Dismisses with the path written,
or None when the user backs out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, ProgressBar, Static
from textual.worker import Worker, WorkerState

from models.exports.registry import format_for_path, render, suffixes_for
from models.exports.term_report import KIND, default_report_name, write_report
from models.i18n import t
from screens.dialogs.base import Dialog


class ReportDialog(Dialog[str | None]):
    """``build()`` gathers the report (in the worker: it reads the whole term)."""

    BINDINGS = [Binding("escape", "cancel", "key.back", id="report_dialog.cancel")]
    CSS_PATH = "dashboard.tcss"

    def __init__(self, term_id: str, build: Callable[[], object], *, kind: str = KIND, file_name: str = "",
                 title: str = "", hint: str = ""):
        """``kind``: the registry's kind of content (which suffixes are understood); ``file_name``
        and ``title``: the default file and the heading (the term report's when empty)."""
        super().__init__()
        self.term_id = term_id
        self.build = build
        self.kind = kind
        self.file_name = file_name or default_report_name("term", term_id, "docx")
        self.title = title or t("dashboard.report_title", term=term_id)
        self.hint = hint or t("dashboard.report_hint")
        self._confirmed: Path | None = None

    def compose(self) -> ComposeResult:
        # The person's export folder: over SSH, the one place scp and sftp can fetch from.
        default = self.app.export_folder / self.file_name
        with Vertical():
            yield Static(Text(self.title, style="bold"))
            yield Static(self.hint)
            yield Input(str(default), id="report-path")
            yield ProgressBar(id="report-progress", show_eta=False)
            yield Static(id="report-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._confirmed = None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.has_class("-writing"):
            return
        value = event.value.strip().strip("'\"")
        fmt = format_for_path(value, self.kind) if value else None
        error = self.query_one("#report-error", Static)
        if not value:
            error.update(Text(t("dashboard.report_no_path")))
            return
        if fmt is None:
            error.update(Text(t("dashboard.report_bad_format", value=value) if self.kind == KIND else
                              t("exports.bad_suffix", name=value, known=suffixes_for(self.kind))))
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
        if needs_confirmation(path) and self._confirmed != path:
            # An existing file is replaced only after a second enter on the same path.
            self._confirmed = path
            error.update(Text(t("output.replace_confirm", path=str(path))))
            return
        error.update(Text(t("dashboard.report_running")))
        self.add_class("-writing")
        self.write(path, fmt)

    @work(thread=True, exclusive=True, group="report")
    def write(self, path: Path, fmt: str) -> str | None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        from models.store.storage import DataFileError

        try:
            payload = render(self.build(), fmt, progress)
            write_report(path, payload)
        except DataFileError as error:  # the output rule refused the path (models/store/outputs.py)
            self.app.call_from_thread(self._failed, str(error))
            return None
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            self.app.call_from_thread(self._failed, t("dashboard.cli.report.write_failed", path=str(path),
                                                      reason=reason))
            return None
        return str(path)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Closed once the worker has finished (closing from inside it would cancel it).
        if event.worker.group == "report" and event.state == WorkerState.SUCCESS and event.worker.result:
            self.dismiss(event.worker.result)

    def _progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(1, total), progress=done)

    def _failed(self, message: str) -> None:
        self.remove_class("-writing")
        self.query_one("#report-error", Static).update(Text(message))

    def action_cancel(self) -> None:
        if self.has_class("-writing"):
            return  # the file is being written; it takes a moment
        self.dismiss(None)
