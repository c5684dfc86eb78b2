"""Deleting a group: confirmed with ``y``; refused with the reason when the group has
activities or groups under it, offering to archive it (``a``) instead. Dismisses with
"delete", "archive" or None."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from models.i18n import t
from screens.dialogs.base import Dialog
from screens.widgets.fitted_footer import FittedFooter


class GroupDeleteDialog(Dialog[str | None]):
    CSS_PATH = "rosters.tcss"
    DEFAULT_CLASSES = "roster-modal"
    BINDINGS = [
        Binding("y", "delete", "roster.key.confirm_delete", id="group_delete.delete"),
        Binding("a", "archive", "roster.key.archive_instead", id="group_delete.archive"),
        Binding("escape", "cancel", "roster.key.cancel", id="group_delete.cancel"),
    ]

    def __init__(self, name: str, allowed: bool, reason: str, active: bool):
        super().__init__()
        self.group_name = name
        self.allowed = allowed
        self.reason = reason
        self.active = active

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            if self.allowed:
                yield Static(Text(t("roster.group.delete_confirm", name=self.group_name)), classes="title")
            else:
                yield Static(Text(t("roster.group.delete_refused_title")), classes="title")
                yield Static(Text(self.reason), id="delete-reason", classes="message")
            hint = t("roster.group.delete_hint") if self.allowed else t("roster.group.archive_hint")
            yield Static(Text(hint), classes="hint")
        yield FittedFooter()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "delete":
            return self.allowed
        if action == "archive":
            return self.active
        return True

    def action_delete(self) -> None:
        if self.allowed:
            self.dismiss("delete")

    def action_archive(self) -> None:
        if self.active:
            self.dismiss("archive")

    def action_cancel(self) -> None:
        self.dismiss(None)
