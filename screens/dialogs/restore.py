"""从备份恢复: the admin puts a backup back, from inside jiaoyan, in every set-up (set-up B's
admin has no Unix account, so this is her only way). Opened from the change log (`r`) or
the palette. Restoring replaces the whole school's data for everyone, so the list names
each backup's time and kind, and a second enter is needed; what it replaces is kept in
the backup folder first (models/store/storage.py, ``restore_from``)."""

from __future__ import annotations

import re
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from models.i18n import has, t
from screens.dialogs.base import Dialog
from screens.widgets.fitted_footer import FittedFooter

NAME = re.compile(r"-(\d{8})-(\d{6})-([a-z0-9-]+?)(?:-\d+)?\.json$")


def backup_label(path: Path) -> str:
    """`2025-11-05 08:30:00 · 每天第一次修改前 · 1.2 MB` from a backup's name and size."""
    match = NAME.search(path.name)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    size_text = f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.0f} KB"
    if not match:
        return f"{path.name} · {size_text}"
    day, time, reason = match.groups()
    kind = reason if not has(f"ssh.restore.kind.{reason}") else t(f"ssh.restore.kind.{reason}")
    if reason.startswith("before-v"):
        kind = t("ssh.restore.kind.migration")
    return f"{day[:4]}-{day[4:6]}-{day[6:]} {time[:2]}:{time[2:4]}:{time[4:]} · {kind} · {size_text}"


class RestoreScreen(Dialog[Path | None]):
    """Dismisses with the backup restored, or None."""

    BINDINGS = [
        Binding("enter", "restore", "ssh.restore.key", id="restore.restore", priority=True),
        Binding("escape", "cancel", "key.back", id="restore.cancel"),
    ]
    CSS_PATH = "dialogs.tcss"

    def __init__(self, backups: list[Path]):
        super().__init__()
        self.backups = list(backups)
        self._confirmed: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(t("ssh.restore.title"), style="bold"))
            yield Static(Text(t("ssh.restore.intro")))
            yield OptionList(*[Option(Text(backup_label(p)), id=str(n)) for n, p in enumerate(self.backups)],
                             id="restore-list")
            yield Static(Text(t("ssh.restore.none") if not self.backups else ""), id="restore-message")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._confirmed = None
        self.query_one("#restore-message", Static).update("")

    def chosen(self) -> Path | None:
        index = self.query_one(OptionList).highlighted
        return self.backups[index] if index is not None and 0 <= index < len(self.backups) else None

    def action_restore(self) -> None:
        path = self.chosen()
        if path is None:
            return
        if self._confirmed != path:
            self._confirmed = path
            self.query_one("#restore-message", Static).update(Text(t("ssh.restore.confirm", label=backup_label(path))))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
