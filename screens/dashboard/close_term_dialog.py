"""Confirm closing (archiving) a term: its records move to the archive file, read-only from then on."""

from __future__ import annotations

from textual.binding import Binding

from models.i18n import t
from screens.dialogs.confirm import ConfirmScreen


class CloseTermDialog(ConfirmScreen):
    """The shared yes/no question: ``y`` closes the term (no enter: it cannot be undone),
    ``n`` or escape keeps it open. Dismisses with True or False."""

    BINDINGS = [
        Binding("y", "answer(True)", "dashboard.key.confirm_close", id="close_term.confirm"),
        Binding("n,escape", "answer(False)", "key.back", id="close_term.cancel"),
    ]
    # CSS_PATH is not gathered over the bases as DEFAULT_CSS is: the question's own rules come along by name.
    CSS_PATH = [ConfirmScreen.CSS_PATH, "dashboard.tcss"]

    def __init__(self, term_id: str):
        super().__init__(t("dashboard.close_confirm", term=term_id))
