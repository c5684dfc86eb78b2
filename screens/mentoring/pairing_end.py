"""Ending a pairing: asks for the end term; the history (meetings, observations,
evaluations) stays, only the status and the end term change."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from models.i18n import t
from models.mentoring import describe_failure, end_pairing, save_failures
from models.records import Pairing, Teacher
from screens.dialogs.base import Dialog


class EndPairingDialog(Dialog[int | None]):
    """Dismisses with the pairing's id once ended, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "confirm", "mentoring.key.end", id="pairing_end.confirm", priority=True),
        Binding("escape", "cancel", "mentoring.key.cancel", id="pairing_end.cancel"),
    ]

    CSS_PATH = "mentoring.tcss"

    def __init__(self, pairing_id: int):
        super().__init__()
        self.pairing_id = pairing_id

    def compose(self) -> ComposeResult:
        store = self.app.store
        pairing = store.get(Pairing, self.pairing_id)
        mentor = store.get(Teacher, pairing.mentor_id) if pairing else None
        mentee = store.get(Teacher, pairing.mentee_id) if pairing else None
        term = self.app.term
        with Vertical():
            yield Static(Text(t("mentoring.end.title", mentor=mentor.name if mentor else "?",
                                mentee=mentee.name if mentee else "?")), classes="title")
            with Horizontal():
                yield Label(t("mentoring.end.term"))
                yield Input(term.term_id if term else "", id="end-term", compact=True)
            yield Static(Text(t("mentoring.end.hint")))
            yield Static(id="end-message")
            yield Static(Text(t("mentoring.end.keys")), classes="keys")

    def on_mount(self) -> None:
        self.query_one("#end-term", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        store = self.app.store
        pairing = store.get(Pairing, self.pairing_id)
        if pairing is None:
            self.dismiss(None)
            return
        try:
            ended = end_pairing(store, pairing, self.query_one("#end-term", Input).value, self.app.today)
        except save_failures() as error:
            self.query_one("#end-message", Static).update(Text(describe_failure(error)))
            return
        mentor, mentee = store.get(Teacher, ended.mentor_id), store.get(Teacher, ended.mentee_id)
        self.app.notify(t("mentoring.ended_done", mentor=mentor.name, mentee=mentee.name, term=ended.to_term),
                        markup=False)
        self.dismiss(ended.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
