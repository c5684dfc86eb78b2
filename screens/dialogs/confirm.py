"""A yes/no question over the current screen: y confirms, n or escape does not."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from screens.dialogs.base import Dialog
from screens.widgets.keys import describe_binding
from screens.widgets.fitted_footer import FittedFooter


class ConfirmScreen(Dialog[bool]):
    """Dismisses with True for y (or enter), False for n or escape.

    The keys read 放弃 / 继续填写 (leaving a form); a question about something else names
    its own answers, e.g. ``ConfirmScreen(question, yes=t("key.delete"), no=t("key.keep"))``."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "observations.key.discard", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "observations.key.keep", id="confirm.no"),
    ]
    # A path from this file, not a bare "dialogs.tcss": Textual resolves a relative CSS_PATH next to
    # the module of the screen's own class, and questions in other areas subclass this one.
    CSS_PATH = Path(__file__).with_name("dialogs.tcss")

    def __init__(self, question: str, *, yes: str | None = None, no: str | None = None):
        super().__init__()
        self.question = question
        if yes:
            describe_binding(self, "confirm.yes", yes)
        if no:
            describe_binding(self, "confirm.no", no)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(self.question), id="confirm-question")
        yield FittedFooter()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
