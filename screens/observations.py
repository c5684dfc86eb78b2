"""听课: the observer's count this term (quick entry and the log come with the observation issue)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from models.i18n import t
from models.records import Observation
from screens.base import AreaScreen


class ObservationsScreen(AreaScreen):
    AREA = "observations"

    def compose_body(self) -> ComposeResult:
        yield Static(id="observations-summary")

    def refresh_data(self) -> None:
        term, user = self.app.term, self.app.user
        records = [o for o in self.app.store.all(Observation) if term and o.term_id == term.term_id]
        text = Text(t("area.observations") + "\n\n", style="bold")
        if not records:
            text.append(t("observations.none"))
        else:
            text.append(t("observations.term_total", count=len(records)) + "\n")
        if user is not None:
            mine = sum(1 for o in records if o.observer_id == user.id)
            quota = self.app.store.policy().quota_for(user.roles)
            text.append(t("observations.mine", count=mine, quota=quota))
        self.query_one("#observations-summary", Static).update(text)
