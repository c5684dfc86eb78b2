"""学年: the school year of the term in view, both terms summed per teacher for the annual
review (年度考核, issue 18) — points of each term and the year, study hours against the
target, lessons observed and taught, outcomes; an archived first term counts. ``x`` saves
it as a spreadsheet, ``w`` as a Word document (the one registry); ``enter`` opens the
teacher's page."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.errors import JiaoyanError
from models.i18n import t
from models.year import YearReview, year_review
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.table_cursor import ListTable, cursor_key


class YearScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="year.back"),
        Binding("enter", "open", "key.open", id="year.open"),
        Binding("x", "export('xlsx')", "year.key.export", id="year.export"),
        Binding("w", "export('docx')", "research.key.print", id="year.print"),
    ]
    CSS_PATH = "dashboard.tcss"

    def __init__(self, year: str):
        super().__init__()
        translate_bindings(self)
        self.year = year
        self.review: YearReview | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="year-top")
        yield ListTable(id="year-table", cursor_type="row", zebra_stripes=True)
        yield FittedFooter()

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one("#year-table", DataTable).focus()

    def data_changed(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        top = self.query_one("#year-top", Static)
        table = self.query_one("#year-table", DataTable)
        try:
            self.review = year_review(self.app.store, self.year, self.app.today)
        except JiaoyanError as error:
            top.update(Text(str(error), style="bold red"))
            return
        review = self.review
        top.update(Text(t("year.title", year=self.year.replace("-", "—")), style="bold"))
        table.clear(columns=True)
        table.add_column(t("year.col.teacher"), key="teacher")
        for term in review.terms:
            table.add_column(t("year.col.term_points", term=t(f"term.half.{term.term_id.rsplit('-', 1)[-1]}")),
                             key=term.term_id)
        for key in ("year.col.points", "year.col.hours", "year.col.observed", "year.col.taught", "year.col.outcomes"):
            table.add_column(t(key), key=key)
        for row in review.rows:
            hours = Text(f"{row.hours:g}/{row.hours_target:g}", justify="right",
                         style="" if row.hours >= row.hours_target else "yellow")
            table.add_row(Text(row.teacher.name),
                          *[Text(f"{row.points_by_term.get(x.term_id, 0):g}", justify="right") for x in review.terms],
                          Text(f"{row.points:g}", justify="right", style="bold"), hours,
                          Text(str(row.observed), justify="right"), Text(str(row.taught), justify="right"),
                          Text(str(row.outcomes), justify="right"), key=str(row.teacher.id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        from screens.teacher.page import TeacherPage

        key = cursor_key(self.query_one("#year-table", DataTable))
        if key:
            self.app.push_screen(TeacherPage(int(key)))

    def action_export(self, fmt: str) -> None:
        from models.exports.registry import render
        from models.exports.year_report import default_year_name, year_report
        from screens.dialogs.save_path import SavePathDialog

        review = self.review
        if review is None:
            return
        school = self.app.store.policy().school_name
        self.app.push_screen(SavePathDialog(t("year.export_prompt"), default_year_name(self.year, fmt),
                                            lambda: render(year_report(review, school), fmt), suffix=f".{fmt}"))
