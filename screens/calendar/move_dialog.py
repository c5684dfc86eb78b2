"""Move an activity (a skipped week above all) to another day and period."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from models.dates import BadInput, format_period, parse_date, parse_period
from models.i18n import t
from models.records import Activity, Term
from models.terms import is_school_day
from screens.dialogs.base import Dialog


class MoveDialog(Dialog[tuple[dt.date, int] | None]):
    """Asks for a date and a period; says inline what is wrong; dismisses with both."""

    BINDINGS = [
        Binding("ctrl+s", "confirm", "key.save", id="move.save"),
        Binding("escape", "cancel", "key.back", id="move.cancel"),
    ]
    CSS_PATH = "calendar.tcss"

    def __init__(self, activity: Activity, term: Term, today: dt.date, policy):
        super().__init__()
        self.activity = activity
        self.term = term
        self.today = today
        self.policy = policy

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(t("calendar.move_title", day=self.activity.date,
                                period=format_period(self.activity.period, self.policy)), style="bold"))
            yield Label(t("calendar.field.date"))
            yield Input(placeholder=t("calendar.date_hint"), id="move-date")
            yield Label(t("calendar.field.period"))
            yield Input(value=str(self.activity.period), placeholder=t("calendar.period_hint"), id="move-period")
            yield Static(id="move-error")
            yield Static(Text(t("calendar.move_help"), style="dim"))

    def on_mount(self) -> None:
        self.query_one("#move-date", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "move-date":
            self.query_one("#move-period", Input).focus()
        else:
            self.action_confirm()

    def action_confirm(self) -> None:
        error = self.query_one("#move-error", Static)
        try:
            day = parse_date(self.query_one("#move-date", Input).value, self.today)
            period = parse_period(self.query_one("#move-period", Input).value, self.policy)
        except BadInput as problem:
            error.update(Text(str(problem)))
            return
        if not is_school_day(self.term, day):
            error.update(Text(t("calendar.move_not_school_day", day=day.isoformat())))
            return
        self.dismiss((day, period))

    def action_cancel(self) -> None:
        self.dismiss(None)
