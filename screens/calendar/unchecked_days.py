"""Days nobody could check: a new term in a year chinese-calendar does not cover yet (2027
today) lists the weekdays that look like official holidays, ticked, and asks the admin
to close them before the term's activities are generated (space ticks, ctrl+s closes the
ticked ones, escape goes back to the term form)."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import SelectionList, Static

from models.i18n import t
from screens.dialogs.base import Dialog
from screens.widgets.ticks import TickList
from screens.widgets.fitted_footer import FittedFooter


class UncheckedDays(Dialog[list[dt.date] | None]):
    """Dismisses with the days to close (perhaps none), or None to go back to the form."""

    BINDINGS = [
        Binding("ctrl+s", "close_days", "calendar.key.close_days", id="unchecked.close"),
        Binding("escape", "back", "key.back", id="unchecked.back"),
    ]
    CSS_PATH = "calendar.tcss"

    def __init__(self, days: list[tuple[dt.date, str]]):
        super().__init__()
        self.days = days

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(t("calendar.unchecked.question", count=len(self.days))), id="unchecked-question")
            yield TickList[str](*[(Text(f"{day.isoformat()} {t(f'weekday.{day.weekday()}')}  {name}"),
                                        day.isoformat(), True) for day, name in self.days], id="unchecked-days")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_close_days(self) -> None:
        chosen = set(self.query_one(SelectionList).selected)
        self.dismiss([day for day, _ in self.days if day.isoformat() in chosen])

    def action_back(self) -> None:
        self.dismiss(None)
