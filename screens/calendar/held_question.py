"""Questions of the calendar: 标记为已开展？ (a school that confirms held activities), a plain
yes/no, and the office's answer to a leave request."""

from __future__ import annotations

from textual.binding import Binding

from models.i18n import t
from screens.dialogs.confirm import ConfirmScreen


class HeldQuestion(ConfirmScreen):
    """y (or enter) marks the activity held, n or escape saves it as planned."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "calendar.key.mark_held", id="held.yes"),
        Binding("n,escape", "answer(False)", "calendar.key.keep_planned", id="held.no"),
    ]

    def __init__(self) -> None:
        super().__init__(t("calendar.confirm.mark_held"))


class YesNo(ConfirmScreen):
    """A plain question: y (or enter) yes, n or escape no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "calendar.key.yes", id="yesno.yes"),
        Binding("n,escape", "answer(False)", "calendar.key.no", id="yesno.no"),
    ]


class LeaveDecision(ConfirmScreen):
    """The office answers a leave request: y approves, n refuses, escape decides later (None)."""

    BINDINGS = [
        Binding("y", "answer(True)", "calendar.key.approve", id="leave.approve"),
        Binding("n", "answer(False)", "calendar.key.refuse", id="leave.refuse"),
        Binding("escape", "later", "key.back", id="leave.later"),
    ]

    def action_later(self) -> None:
        self.dismiss(None)
