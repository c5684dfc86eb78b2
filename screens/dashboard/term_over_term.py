"""历年对比: a teacher's or a group's figures for each term up to the one in view, side by side."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.store.archive import ArchiveView
from models.dashboard import quota_bar, term_over_term_group, term_over_term_teacher, terms_up_to
from models.i18n import t
from models.records import Group, Teacher, Term
from models.terms import term_by_id
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.table_cursor import ListTable
from screens.widgets.fitted_footer import FittedFooter


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
        yield FittedFooter()

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one(DataTable).focus()

    def data_changed(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Columns and title now; the figures of each term in a worker (eleven terms, ten of
        them read from their archives, would freeze the screen), filled in when ready."""
        store = self.app.store
        terms = store.all(Term)
        anchor = term_by_id(terms, self.term_id) or self.app.term
        if anchor is None:
            return
        terms = terms_up_to(terms, anchor)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        title = self.query_one("#tot-title", Static)
        if self.teacher_id is not None:
            teacher = store.get(Teacher, self.teacher_id)
            title.update(Text(t("dashboard.tot.teacher", name=teacher.name if teacher else "?"), style="bold"))
            keys = ("term", "given_quota", "bar", "received", "research", "talk", "outcomes", "points")
        elif self.group_id is not None:
            group = store.get(Group, self.group_id)
            title.update(Text(t("dashboard.tot.group", name=group.name if group else "?"), style="bold"))
            keys = ("term", "held_planned", "cancelled", "attendance", "speakers", "theme")
        else:
            return
        for key in keys:
            table.add_column(Text(t(f"dashboard.col.{key}")), key=key)
        table.add_row(Text(t("dashboard.tot.loading"), style="dim"), *(Text("") for _ in keys[1:]), key="loading")
        # The records the worker reads are made ready here, on the UI thread.
        for cls in (Teacher, Group, Term):
            store.all(cls)
        self.run_worker(lambda: self._work_out(terms), thread=True, exclusive=True, group="term_over_term")

    def _work_out(self, terms: list[Term]) -> None:
        source, today = ArchiveView(self.app.store), self.app.today
        if self.teacher_id is not None:
            rows = [self._teacher_row(term, f)
                    for term, f in term_over_term_teacher(source, self.teacher_id, terms, today)]
        else:
            rows = [self._group_row(term, g) for term, g in term_over_term_group(source, self.group_id, terms, today)]
        self.app.call_from_thread(self._show_rows, rows)

    def _show_rows(self, rows: list[list[Text]]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            table.add_row(*row)

    @staticmethod
    def _teacher_row(term: Term, f) -> list[Text]:
        if f is None:
            return [Text(term.name), *(Text("—") for _ in range(7))]
        return [Text(term.name), Text(f"{f.given}/{f.quota}", justify="right"),
                Text(quota_bar(f.given, f.quota, f.expected) + " " + f.pace_marker),
                Text(str(f.received), justify="right"), Text(str(f.research_lessons), justify="right"),
                Text(str(f.talks), justify="right"), Text(str(f.outcomes), justify="right"),
                Text(f"{f.points:g}", justify="right")]

    @staticmethod
    def _group_row(term: Term, g) -> list[Text]:
        if g is None:
            return [Text(term.name), *(Text("—") for _ in range(5))]
        rate = "—" if g.attendance_rate is None else f"{g.attendance_rate:.0%}"
        return [Text(term.name), Text(f"{g.held}/{g.planned_so_far}", justify="right"),
                Text(str(g.cancelled), justify="right"), Text(rate, justify="right"),
                Text(f"{g.speakers}/{g.members}", justify="right"),
                Text(g.theme or "✘ " + t("dashboard.theme_missing"))]
