"""看板: where the term stands (the full dashboard comes with the dashboard issue)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from models.i18n import t
from models.records import Activity, Observation, Teacher
from models.terms import week_of, weeks_in
from screens.base import AreaScreen


class DashboardScreen(AreaScreen):
    AREA = "dashboard"

    def compose_body(self) -> ComposeResult:
        yield Static(id="dashboard-summary")

    def refresh_data(self) -> None:
        store, term, today = self.app.store, self.app.term, self.app.today
        text = Text(t("area.dashboard") + "\n\n", style="bold")
        if term is None:
            text.append(t("calendar.no_term"))
        else:
            text.append(t("dashboard.top_line", term=term.name, week=week_of(term, today), weeks=weeks_in(term),
                          days=max(0, (term.end_date - today).days)) + "\n\n")
            activities = [a for a in store.all(Activity) if a.term_id == term.term_id]
            held = sum(1 for a in activities if a.status == "held")
            observations = sum(1 for o in store.all(Observation) if o.term_id == term.term_id)
            teachers = sum(1 for x in store.all(Teacher) if x.active)
            text.append(t("dashboard.counts", teachers=teachers, held=held, activities=len(activities),
                          observations=observations))
        self.query_one("#dashboard-summary", Static).update(text)
