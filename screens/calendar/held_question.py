"""The one question a school that confirms held activities gets on save: 标记为已开展？"""

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
