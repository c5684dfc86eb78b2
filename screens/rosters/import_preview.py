"""Step two of importing the roster: what would be added, updated, and which rows are
wrong and why. Nothing is written until ``ctrl+s``; with errors it imports only the good
rows. ``escape`` cancels and leaves the data file as it was. Dismisses with True when
something was imported."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from models.i18n import t
from models.roster_import import RosterPreview, apply_preview
from models.errors import JiaoyanError
from models.store.storage import ValidationFailed
from screens.widgets.keys import describe_binding
from screens.dialogs.base import Dialog
from screens.widgets.fitted_footer import FittedFooter


def preview_text(preview: RosterPreview) -> Text:
    text = Text()
    text.append(t("roster.import.summary", add=len(preview.to_add), update=len(preview.to_update),
                  unchanged=len(preview.unchanged), errors=len(preview.errors)) + "\n", style="bold")
    if preview.encoding:
        text.append(t("roster.import.encoding", encoding=preview.encoding) + "\n", style="dim")
    if preview.ignored_columns:
        text.append(t("roster.import.ignored_columns", columns="、".join(preview.ignored_columns)) + "\n",
                    style="yellow")
    if preview.errors:
        text.append("\n" + t("roster.import.heading_errors", count=len(preview.errors)) + "\n", style="bold red")
        for error in preview.errors:
            text.append("  " + t("roster.import.error_line", line=error.line, name=error.name or "—",
                                 reasons="；".join(error.reasons)) + "\n", style="red")
    if preview.to_add:
        text.append("\n" + t("roster.import.heading_add", count=len(preview.to_add)) + "\n", style="bold green")
        for change in preview.to_add:
            _change_line(text, change)
    if preview.to_update:
        text.append("\n" + t("roster.import.heading_update", count=len(preview.to_update)) + "\n",
                    style="bold cyan")
        for change in preview.to_update:
            _change_line(text, change, "、".join(t(f"roster.column.{f}") for f in change.changed_fields))
    return text


def _change_line(text: Text, change, fields: str = "") -> None:
    teacher = change.teacher
    text.append("  " + t("roster.import.line", line=change.line) + "  ", style="dim")
    text.append(teacher.name)
    detail = " ".join(x for x in ("、".join(teacher.subjects), "、".join(teacher.grades), "、".join(teacher.roles),
                                  teacher.login) if x)
    if detail:
        text.append("  " + detail, style="dim")
    if fields:
        text.append(f"  [{fields}]", style="cyan")
    if change.notes:
        text.append("  (" + "；".join(change.notes) + ")", style="yellow")
    text.append("\n")


class ImportPreviewScreen(Dialog[bool]):
    CSS_PATH = "rosters.tcss"
    DEFAULT_CLASSES = "roster-modal"
    BINDINGS = [
        Binding("ctrl+s", "confirm", "roster.key.import_confirm", id="import_preview.confirm"),
        Binding("escape", "cancel", "roster.key.cancel", id="import_preview.cancel"),
    ]

    def __init__(self, path: Path, preview: RosterPreview):
        super().__init__()
        self.path = Path(path)
        self.preview = preview
        if preview.errors:
            # The footer says plainly that only the good rows will go in.
            describe_binding(self, "import_preview.confirm", t("roster.key.import_good_rows"))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(t("roster.import.preview_title", name=self.path.name)), classes="title")
            with VerticalScroll(id="preview-scroll"):
                yield Static(preview_text(self.preview), id="preview-text")
            hint = "roster.import.confirm_hint_errors" if self.preview.errors else "roster.import.confirm_hint"
            if not self.preview.has_changes:
                hint = "roster.import.confirm_hint_nothing"
            yield Static(Text(t(hint, count=len(self.preview.to_add) + len(self.preview.to_update))),
                         classes="hint")
            yield Static(id="preview-message", classes="message")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#preview-scroll").focus()

    def action_confirm(self) -> None:
        if not self.preview.has_changes:
            self.app.notify(t("roster.import.nothing"), markup=False)
            self.dismiss(False)
            return
        try:
            added, updated = apply_preview(self.app.store, self.preview)
        except ValidationFailed as error:
            self.query_one("#preview-message", Static).update(
                Text(t("roster.import.failed", message="；".join(str(p) for p in error.problems))))
            return
        except JiaoyanError as error:
            self.query_one("#preview-message", Static).update(Text(t("roster.import.failed", message=str(error))))
            return
        message = t("roster.import.done", added=added, updated=updated)
        if self.preview.errors:
            message += " " + t("roster.import.errors_skipped", count=len(self.preview.errors))
        self.app.notify(message, markup=False)
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
