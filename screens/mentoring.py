"""师徒: the school's mentor pairings (meetings and progress come with the mentoring issue)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable

from models.i18n import t
from models.records import Pairing, Teacher
from screens.base import AreaScreen


class MentoringScreen(AreaScreen):
    AREA = "mentoring"

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="pairings", cursor_type="row")

    def refresh_data(self) -> None:
        store = self.app.store
        table = self.query_one("#pairings", DataTable)
        table.clear(columns=True)
        for key in ("field.mentor", "field.mentee", "roster.subjects", "mentoring.from_term", "field.status"):
            table.add_column(t(key))
        for pairing in store.all(Pairing):
            mentor, mentee = store.get(Teacher, pairing.mentor_id), store.get(Teacher, pairing.mentee_id)
            table.add_row(Text(mentor.name if mentor else "?"), Text(mentee.name if mentee else "?"),
                          Text(pairing.subject), Text(pairing.from_term),
                          Text(t(f"pairing.{pairing.status}")), key=str(pairing.id))
