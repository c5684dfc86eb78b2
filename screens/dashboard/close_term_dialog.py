"""Confirm closing (archiving) a term: its records move to the archive file, read-only from then on."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from models.i18n import t
from screens.dialogs.base import Dialog


class CloseTermDialog(Dialog[str | None]):
    """``y`` closes the term (returns its id), ``n`` or escape keeps it open."""

    BINDINGS = [
        Binding("y", "confirm", "dashboard.key.confirm_close", id="close_term.confirm"),
        Binding("n,escape", "cancel", "key.back", id="close_term.cancel"),
    ]
    DEFAULT_CSS = """
    CloseTermDialog > Vertical { width: 64; border: round $error; }
    """

    def __init__(self, term_id: str):
        super().__init__()
        self.term_id = term_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(t("dashboard.close_confirm", term=self.term_id)))

    def action_confirm(self) -> None:
        self.dismiss(self.term_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
