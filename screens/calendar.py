"""日历: this week's research activities (the month, week and agenda views come with the calendar issue)."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from models.dates import format_date, format_period
from models.i18n import t
from models.records import Activity, Group
from models.terms import week_of
from screens.base import AreaScreen


class CalendarScreen(AreaScreen):
    AREA = "calendar"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="calendar-week")

    def refresh_data(self) -> None:
        store, term, today = self.app.store, self.app.term, self.app.today
        text = Text(t("area.calendar") + "\n", style="bold")
        if term is None:
            text.append(t("calendar.no_term"))
            self.query_one("#calendar-week", Static).update(text)
            return
        week = week_of(term, today)
        monday = today - dt.timedelta(days=today.weekday())
        days = {(monday + dt.timedelta(days=n)).isoformat() for n in range(7)}
        groups = {g.id: g for g in store.all(Group)}
        this_week = sorted((a for a in store.all(Activity) if a.date in days and a.term_id == term.term_id),
                           key=lambda a: (a.date, a.period))
        text.append(t("calendar.this_week", week=week) + "\n\n")
        if not this_week:
            text.append(t("calendar.none_this_week"))
        policy = store.policy()
        for activity in this_week:
            group = groups.get(activity.group_id)
            text.append(format_date(activity.date, [term]) + "  " + format_period(activity.period, policy) + "  ")
            text.append(group.name if group else activity.event or t("calendar.school_wide"))
            text.append("  " + activity.place + "  " + activity.topic + "  ")
            text.append(t(f"status.{activity.status}") + "\n")
        self.query_one("#calendar-week", Static).update(text)
