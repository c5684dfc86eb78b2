"""名册: the teachers of the school (editing, groups and import come with the rosters issue)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable

from models.i18n import t
from models.records import Teacher
from screens.base import AreaScreen


class RostersScreen(AreaScreen):
    AREA = "rosters"

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="teachers", cursor_type="row", zebra_stripes=True)

    def refresh_data(self) -> None:
        table = self.query_one("#teachers", DataTable)
        table.clear(columns=True)
        for key in ("field.name", "roster.subjects", "roster.grades", "field.roles", "roster.login"):
            table.add_column(t(key))
        for teacher in self.app.store.all(Teacher):
            if not teacher.active:
                continue
            # Text, never str: DataTable reads plain strings as markup.
            table.add_row(Text(teacher.name), Text("、".join(teacher.subjects)), Text("、".join(teacher.grades)),
                          Text("、".join(teacher.roles)), Text(teacher.login), key=str(teacher.id))
