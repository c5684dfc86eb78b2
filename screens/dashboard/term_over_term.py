"""历年对比: a teacher's or a group's figures for each term up to the one in view, side by side."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from models.store.archive import ArchiveView
from models.dashboard import quota_bar, term_over_term_group, term_over_term_teacher, terms_up_to
from models.i18n import t
from models.records import Group, Teacher, Term
from models.terms import term_by_id
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.table_cursor import ListTable


class TermOverTermScreen(Screen):
    """Pushed from the dashboard with ``h``; archived terms are read from their archive files."""

    CSS_PATH = "dashboard.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", id="term_over_term.back")]

    def __init__(self, *, teacher_id: int | None = None, group_id: int | None = None, term_id: str | None = None):
        super().__init__()
        translate_bindings(self)
        self.teacher_id = teacher_id
        self.group_id = group_id
        self.term_id = term_id

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="tot-title")
        yield ListTable(id="tot-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one(DataTable).focus()

    def data_changed(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        store = self.app.store
        terms = store.all(Term)
        anchor = term_by_id(terms, self.term_id) or self.app.term
        if anchor is None:
            return
        terms = terms_up_to(terms, anchor)
        source = ArchiveView(store)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        title = self.query_one("#tot-title", Static)
        if self.teacher_id is not None:
            teacher = store.get(Teacher, self.teacher_id)
            title.update(Text(t("dashboard.tot.teacher", name=teacher.name if teacher else "?"), style="bold"))
            for key in ("term", "given_quota", "bar", "received", "research", "talk", "outcomes", "points"):
                table.add_column(Text(t(f"dashboard.col.{key}")), key=key)
            for term, f in term_over_term_teacher(source, self.teacher_id, terms, self.app.today):
                if f is None:
                    table.add_row(Text(term.name), *(Text("—") for _ in range(7)))
                    continue
                table.add_row(Text(term.name), Text(f"{f.given}/{f.quota}", justify="right"),
                              Text(quota_bar(f.given, f.quota, f.expected) + " " + f.pace_marker),
                              Text(str(f.received), justify="right"), Text(str(f.research_lessons), justify="right"),
                              Text(str(f.talks), justify="right"), Text(str(f.outcomes), justify="right"),
                              Text(f"{f.points:g}", justify="right"))
        elif self.group_id is not None:
            group = store.get(Group, self.group_id)
            title.update(Text(t("dashboard.tot.group", name=group.name if group else "?"), style="bold"))
            for key in ("term", "held_planned", "cancelled", "attendance", "speakers", "theme"):
                table.add_column(Text(t(f"dashboard.col.{key}")), key=key)
            for term, g in term_over_term_group(source, self.group_id, terms, self.app.today):
                if g is None:
                    table.add_row(Text(term.name), *(Text("—") for _ in range(5)))
                    continue
                rate = "—" if g.attendance_rate is None else f"{g.attendance_rate:.0%}"
                table.add_row(Text(term.name), Text(f"{g.held}/{g.planned_so_far}", justify="right"),
                              Text(str(g.cancelled), justify="right"), Text(rate, justify="right"),
                              Text(f"{g.speakers}/{g.members}", justify="right"),
                              Text(g.theme or "✘ " + t("dashboard.theme_missing")))
