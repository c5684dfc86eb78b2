"""成果与评比: this term's outcomes with their texts; the booklet; 评比 competitions.

The list shows teacher, kind, title, level, the points it earns (models/points.py) and
how much text it carries. ``enter`` opens the outcome's text in the full-screen editor
(its teacher and the office write; everyone reads), ``t`` the teacher's page (their points,
each with how it was earned), ``n`` records a new outcome (the
dashboard's outcome form), ``k`` cycles the kind shown, ``b`` binds the outcomes shown
into a Word booklet (成果集), ``c`` the 评比 competitions.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from models.i18n import t
from models.outcomes import text_summary
from models.points import outcome_line
from models.records import OUTCOME_KINDS, Outcome, Teacher
from models.store.archive import view_for
from models.terms import is_archived
from screens.base import AreaScreen
from screens.widgets.cells import fit
from screens.widgets.table_cursor import ListTable, cursor_id, restore_cursor


class OutcomesAreaScreen(AreaScreen):
    AREA = "outcomes"

    BINDINGS = [
        Binding("enter", "open", "outcomes.key.text", id="outcomes_area.open"),
        Binding("t", "teacher", "outcomes.key.teacher", id="outcomes_area.teacher"),
        Binding("n", "new", "key.new", id="outcomes_area.new"),
        Binding("k", "kind", "outcomes.key.kind", id="outcomes_area.kind"),
        Binding("b", "booklet", "outcomes.key.booklet", id="outcomes_area.booklet"),
        Binding("c", "competitions", "outcomes.key.competitions", id="outcomes_area.competitions"),
        Binding("space", "mark", "outcomes.key.mark", id="outcomes_area.mark"),
    ]
    CSS_PATH = "outcomes.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.kind = ""  # "" shows every kind
        self.marked: set[int] = set()  # outcomes picked for the booklet (none: every one with a text)

    def compose_body(self) -> ComposeResult:
        yield Static(id="outcomes-line")
        yield ListTable(id="outcomes-list", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#outcomes-list", DataTable).focus()

    def shown(self) -> list[Outcome]:
        term = self.app.term
        if term is None:
            return []
        source = view_for(self.app.store, term)
        rows = [o for o in source.all(Outcome) if o.term_id == term.term_id and (not self.kind or o.kind == self.kind)]
        return sorted(rows, key=lambda o: (o.date, o.id), reverse=True)

    def refresh_data(self) -> None:
        term = self.app.term
        table = self.query_one("#outcomes-list", DataTable)
        selected = self.highlighted()
        table.clear(columns=True)
        widths = {"teacher": 8, "kind": 8, "title": 24, "level": 7, "points": 4, "text": 10}
        for key, width in widths.items():
            table.add_column(Text(t(f"outcomes.col.{key}")), key=key, width=width)
        rows = self.shown()
        if term is not None:
            source = view_for(self.app.store, term)
            policy = source.policy()
            names = {x.id: x.name for x in source.all(Teacher)}
            for o in rows:
                # cut with … to the column (a cell wider than its column was cut mid-word)
                title = Text(fit(("✔ " if o.id in self.marked else "") + o.title, widths["title"]),
                             style="bold" if o.id in self.marked else "")
                table.add_row(Text(fit(names.get(o.teacher_id, "?"), widths["teacher"])),
                              Text(fit(o.kind, widths["kind"])), title, Text(fit(o.level, widths["level"])),
                              Text(f"{outcome_line(policy, o).points:g}", justify="right"),
                              Text(text_summary(o) or "—", style="" if o.text.strip() else "dim"), key=str(o.id))
        with_text = sum(1 for o in rows if o.text.strip())
        line = t("outcomes.line", term=term.name if term else "—", kind=self.kind or t("outcomes.all_kinds"),
                 count=len(rows), with_text=with_text)
        if self.marked:
            line += " · " + t("outcomes.line_marked", count=len(self.marked))
        self.query_one("#outcomes-line", Static).update(Text(line))
        if selected is not None:
            restore_cursor(table, key=str(selected.id))
        self.refresh_bindings()

    def highlighted(self) -> Outcome | None:
        try:
            table = self.query_one("#outcomes-list", DataTable)
        except Exception:  # not composed yet
            return None
        outcome_id = cursor_id(table)
        if outcome_id is None:
            return None
        term = self.app.term
        source = view_for(self.app.store, term) if term else self.app.store
        return next((o for o in source.all(Outcome) if o.id == outcome_id), None)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("open", "teacher"):
            return self.highlighted() is not None
        if action == "new":
            user = self.app.user
            term = self.app.term
            return (user is not None and term is not None and not is_archived(term)
                    and self.can("insert", Outcome(teacher_id=user.id)))
        if action == "booklet":
            return bool(self.marked) or any(o.text.strip() for o in self.shown())
        if action == "mark":
            return self.highlighted() is not None
        return True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        from screens.outcomes.text_editor import OutcomeTextEditor

        outcome = self.highlighted()
        if outcome is None:
            return
        if self.app.store.get(Outcome, outcome.id) is None:  # an archived term's: read it as it was
            self.notify(Text(outcome.text or t("booklet.no_text")).plain, markup=False, timeout=10)
            return
        self.app.push_screen(OutcomeTextEditor(outcome.id), lambda _id: self.data_changed())

    def action_teacher(self) -> None:
        """The teacher's page: their outcomes and how each of their points was earned."""
        from screens.teacher.page import TeacherPage

        outcome = self.highlighted()
        if outcome is not None:
            self.app.push_screen(TeacherPage(outcome.teacher_id, outcome.term_id))

    def action_new(self) -> None:
        from screens.dashboard.outcomes import OutcomesScreen

        term = self.app.term
        self.app.push_screen(OutcomesScreen(term.term_id if term else None), lambda _r: self.data_changed())

    def action_mark(self) -> None:
        """Pick the highlighted outcome for the booklet, or drop it; the cursor moves on."""
        outcome = self.highlighted()
        if outcome is None:
            return
        self.marked ^= {outcome.id}
        self.refresh_data()
        self.query_one("#outcomes-list", DataTable).action_cursor_down()

    def action_kind(self) -> None:
        kinds = ("", *OUTCOME_KINDS)
        self.kind = kinds[(kinds.index(self.kind) + 1) % len(kinds)] if self.kind in kinds else ""
        self.refresh_data()

    def action_booklet(self) -> None:
        from models.exports.booklet import KIND, build_booklet, default_booklet_name
        from screens.dashboard.report_dialog import ReportDialog

        term = self.app.term
        if term is None:
            return
        source, today = view_for(self.app.store, term), self.app.today
        # The picked outcomes, whatever their kind; else every one shown that has its text.
        ids = tuple(self.marked)
        kinds = (self.kind,) if self.kind and not ids else ()
        count = len(ids) or sum(1 for o in self.shown() if o.text.strip())
        self.app.push_screen(
            ReportDialog(term.term_id, lambda: build_booklet(source, term, today, kinds, ids), kind=KIND,
                         file_name=default_booklet_name(term.term_id),
                         title=t("outcomes.booklet.dialog", term=term.name, kind=self.kind or t("outcomes.all_kinds"),
                                 count=count),
                         hint=t("outcomes.booklet.hint")),
            self._booklet_written)

    def _booklet_written(self, path: str | None) -> None:
        if path:
            from pathlib import Path

            self.notify(t("dashboard.cli.report.done", path=path), markup=False)
            self.app.announce_download(Path(path))

    def action_competitions(self) -> None:
        from screens.outcomes.competitions import CompetitionsScreen

        self.app.push_screen(CompetitionsScreen(), lambda _r: self.data_changed())
