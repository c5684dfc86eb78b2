"""Where to write a file the user asked for (a Word page, a record sheet, a printout).

The path starts in the person's own export folder (``app.export_folder``: beside the
data file, where scp and sftp through the SSH door fetch from). Enter checks it (the
suffix, a folder that exists; an existing file is replaced only after a second enter)
and then either writes ``build()``'s bytes there itself, showing a failure beside the
path, or — without ``build`` — hands the path back for the caller to write.

After a file is written, ``app.announce_download(path)`` is the one way to tell the
person how it reaches them (over SSH the scp command; in a browser a download).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from models.errors import JiaoyanError
from models.i18n import t
from screens.dialogs.base import Dialog


class SavePathDialog(Dialog[str | None]):
    """Dismisses with the absolute path (written when ``build`` is given), or None."""

    BINDINGS = [Binding("escape", "cancel", "key.back", id="save_path.cancel")]
    CSS_PATH = "dialogs.tcss"

    def __init__(self, title: str, default_name: str, build: Callable[[], bytes] | None = None,
                 suffix: str = ".docx", hint: str | None = None):
        super().__init__()
        self.title_text = title
        self.default_name = default_name
        self.build = build
        self.suffix = suffix
        self.hint = hint if hint is not None else t("save.hint", suffix=suffix)
        self._confirmed_overwrite = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield Static(Text(self.hint))
            yield Input(str(self.app.export_folder / self.default_name), id="save-path")
            yield Static(id="save-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.query_one("#save-error", Static)
        value = event.value.strip().strip("'\"")
        if not value:
            error.update(Text(t("save.no_path", suffix=self.suffix)))
            return
        path = Path(value).expanduser()
        if path.suffix.lower() != self.suffix:
            path = path.with_name(path.name + self.suffix)
        if not path.parent.is_dir():
            error.update(Text(t("save.no_folder", folder=str(path.parent))))
            return
        if path.exists() and self._confirmed_overwrite != str(path):
            self._confirmed_overwrite = str(path)
            error.update(Text(t("save.exists", path=str(path))))
            return
        path = path.absolute()
        if self.build is not None:
            from models.exports.spreadsheets import save

            try:
                save(path, self.build())
            except JiaoyanError as failure:  # a data-file problem; this user gets no page of it
                error.update(Text(str(failure)))
                return
            except (OSError, ValueError) as failure:  # a broken school template says where (TemplateError)
                error.update(Text(t("save.failed", path=str(path), reason=str(failure))))
                return
            self.app.notify(t("save.written", path=str(path)), markup=False)
            self.app.announce_download(path)
        self.dismiss(str(path))

    def action_cancel(self) -> None:
        self.dismiss(None)
