"""Exporting the roster from the 名册 screen: the teachers now in the list (all of them,
or those the filter shows) to a file whose name says the format (.xlsx or .csv).

The file is written in a worker thread, with a progress bar, through a temporary file, so
a half-written export never replaces a good one. An existing file is only overwritten after a second
enter. Dismisses with the path written, or None."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, ProgressBar, Static

from models.i18n import t
from models.records import Group, Teacher
from models.exports import registry
from models.exports.roster import KIND, roster_report, roster_rows, write_export
from screens.dialogs.base import Dialog
from screens.widgets.fitted_footer import FittedFooter


def export_format(path: Path) -> str | None:
    """The format the file's extension asks for (the registry's formats for a table); None
    for any other."""
    return registry.format_for_path(path, KIND)


class ExportPathScreen(Dialog[Path | None]):
    CSS_PATH = "rosters.tcss"
    DEFAULT_CLASSES = "roster-modal"
    BINDINGS = [
        # priority: the footer shows it although the path field (which has focus) knows enter too.
        Binding("enter", "write", "roster.key.write_file", id="export_path.write", priority=True),
        Binding("escape", "cancel", "roster.key.cancel", id="export_path.cancel"),
    ]

    def __init__(self, teacher_ids: list[int], filtered: bool = False) -> None:
        super().__init__()
        self.teacher_ids = list(teacher_ids)
        self.filtered = filtered
        self._confirmed_overwrite: Path | None = None

    def compose(self) -> ComposeResult:
        title_key = "roster.export.title_filtered" if self.filtered else "roster.export.title"
        # The person's export folder: over SSH, the one place scp and sftp can fetch from.
        suggested = str(self.app.export_folder / f"{t('roster.export.file_name')}-{self.app.today.isoformat()}.xlsx")
        with Vertical(classes="dialog"):
            yield Static(Text(t(title_key, count=len(self.teacher_ids))), classes="title")
            yield Input(suggested, placeholder=t("roster.export.path_placeholder"), id="export-path", compact=True)
            yield Static(Text(t("roster.export.path_hint")), classes="hint")
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static(id="export-message", classes="message")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._confirmed_overwrite = None
        self.show_message("")

    def target(self) -> Path | None:
        text = self.query_one("#export-path", Input).value.strip().strip("'\"")
        return Path(text).expanduser() if text else None

    def action_write(self) -> None:
        if self.has_class("-writing"):
            return
        path = self.target()
        if path is None:
            self.show_message(t("roster.export.path_empty"))
            return
        fmt = export_format(path)
        if fmt is None:
            self.show_message(t("exports.bad_suffix", name=path.name, known=registry.suffixes_for(KIND)))
            return
        if not path.parent.is_dir():
            self.show_message(t("roster.export.no_folder", folder=str(path.parent)))
            return
        if path.is_dir():
            self.show_message(t("roster.export.is_folder", path=str(path)))
            return
        from models.store.outputs import OutputRefused, check_output

        try:
            check_output(path)  # never over the data file, its lock, backups or archives
        except OutputRefused as refused:
            self.show_message(str(refused))
            return
        if path.exists() and self._confirmed_overwrite != path:
            self._confirmed_overwrite = path
            self.show_message(t("roster.export.exists", path=str(path)), warning=True)
            return
        store = self.app.store
        wanted = set(self.teacher_ids)
        rows = roster_rows([x for x in store.all(Teacher) if x.id in wanted], store.all(Group))
        self.show_message(t("roster.export.writing"), warning=True)
        self.add_class("-writing")
        self.write_file(path, fmt, rows, store.policy().school_name)

    @work(thread=True, exclusive=True)
    def write_file(self, path: Path, fmt: str, rows: list[list[str]], school: str) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self.show_progress, done, total)

        try:
            write_export(path, registry.render(roster_report(rows, school), fmt, progress))
        except OSError as error:
            self.app.call_from_thread(self.failed, t("roster.export.failed", path=str(path),
                                                     reason=error.strerror or str(error)))
            return
        self.app.call_from_thread(self.finished, path, len(rows))

    def show_progress(self, done: int, total: int) -> None:
        self.query_one("#export-progress", ProgressBar).update(total=max(1, total), progress=done)

    def failed(self, message: str) -> None:
        self.remove_class("-writing")
        self.show_message(message)

    def finished(self, path: Path, count: int) -> None:
        self.app.notify(t("roster.export.done", count=count, path=str(path)), markup=False)
        self.app.announce_download(path)
        self.dismiss(path)

    def show_message(self, text: str, warning: bool = False) -> None:
        message = self.query_one("#export-message", Static)
        message.set_class(warning, "-warning")
        message.update(Text(text))

    def action_cancel(self) -> None:
        self.dismiss(None)
