"""教研成果: quick entry and the term's list. Points come from the policy's point table.

ctrl+s saves and clears the form for the next one (term, kind, level and date stay);
what is wrong is said under the form and nothing is saved. ``d`` deletes the
highlighted outcome, ``u`` brings it back.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Select, Static

from models.archive import view_for
from models.dates import BadInput, parse_date
from models.i18n import t
from models.records import OUTCOME_KINDS, OUTCOME_LEVELS, Group, Outcome, Teacher, Term
from models.storage import ConflictError, DataFileError, ValidationFailed
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.teacher_field import TeacherField


class OutcomesScreen(Screen):
    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="outcomes.save", priority=True),
        Binding("d", "delete", "key.delete", id="outcomes.delete"),
        Binding("u", "undo", "dashboard.key.undo", id="outcomes.undo"),
        Binding("escape", "app.pop_screen", "key.back", id="outcomes.back"),
    ]
    DEFAULT_CSS = """
    OutcomesScreen #outcome-form { height: auto; padding: 0 1; }
    OutcomesScreen #outcome-form Horizontal { height: auto; }
    OutcomesScreen #outcome-form Label { width: 6; padding: 0 1 0 0; }
    OutcomesScreen #outcome-form Input, OutcomesScreen #outcome-form Select { width: 1fr; }
    OutcomesScreen #outcome-form TeacherField { width: 1fr; }
    OutcomesScreen #outcome-form TeacherField Input { border: none; height: 1; padding: 0 1; }
    OutcomesScreen #outcome-term { width: 14; }
    OutcomesScreen #outcome-date { width: 14; }
    OutcomesScreen #outcome-points { width: 14; padding: 0 1; }
    OutcomesScreen #outcome-error { color: $error; height: auto; padding: 0 1; }
    OutcomesScreen #outcome-list { height: 1fr; }
    """

    def __init__(self, term_id: str | None = None):
        super().__init__()
        translate_bindings(self)
        self.term_id = term_id
        self._deleted: Outcome | None = None
        self._shown_term = ""

    def compose(self) -> ComposeResult:
        store = self.app.store
        yield AppHeader()
        with Vertical(id="outcome-form"):
            with Horizontal():
                yield Label(t("dashboard.col.teacher"))
                yield TeacherField(lambda: store.all(Teacher), groups=lambda: store.all(Group),
                                   placeholder=t("dashboard.outcome.teacher_hint"), id="outcome-teacher")
                yield Label(t("dashboard.col.term"))
                yield Input(self.term_id or "", id="outcome-term", compact=True)
            with Horizontal():
                yield Label(t("dashboard.col.kind"))
                yield Select([(k, k) for k in OUTCOME_KINDS], allow_blank=False, value=OUTCOME_KINDS[0],
                             id="outcome-kind", compact=True)
                yield Label(t("dashboard.col.level"))
                yield Select([(k, k) for k in OUTCOME_LEVELS], allow_blank=False, value=OUTCOME_LEVELS[0],
                             id="outcome-level", compact=True)
            with Horizontal():
                yield Label(t("dashboard.col.title"))
                yield Input(placeholder=t("dashboard.outcome.title_hint"), id="outcome-title", compact=True)
            with Horizontal():
                yield Label(t("dashboard.col.award"))
                yield Input(placeholder=t("dashboard.outcome.award_hint"), id="outcome-award", compact=True)
                yield Label(t("dashboard.col.date"))
                yield Input(t("dashboard.outcome.today"), id="outcome-date", compact=True)
                yield Static(id="outcome-points")
            yield Static(id="outcome-error")
        yield DataTable(id="outcome-list", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        if not self.term_id and self.app.term:
            self.term_id = self.app.term.term_id
            self.query_one("#outcome-term", Input).value = self.term_id
        self.refresh_data()
        self._show_points()
        self.query_one(TeacherField).focus()

    def data_changed(self) -> None:
        self.refresh_data()

    def _term(self) -> Term | None:
        wanted = self.query_one("#outcome-term", Input).value.strip() or self.term_id
        return next((x for x in self.app.store.all(Term) if x.term_id == wanted), None)

    def refresh_data(self) -> None:
        term = self._term() or self.app.term
        self._shown_term = term.term_id if term else ""
        table = self.query_one("#outcome-list", DataTable)
        table.clear(columns=True)
        for key, width in (("teacher", 10), ("kind", 8), ("title", 20), ("level", 6), ("award", 6),
                           ("date", 10), ("points", 4)):
            table.add_column(Text(t(f"dashboard.col.{key}")), key=key, width=width)
        if term is None:
            return
        source = view_for(self.app.store, term)
        names = {x.id: x.name for x in self.app.store.all(Teacher)}
        rows = sorted((o for o in source.all(Outcome) if o.term_id == term.term_id),
                      key=lambda o: (o.date, o.id), reverse=True)
        for o in rows:
            table.add_row(Text(names.get(o.teacher_id, "?")), Text(o.kind), Text(o.title), Text(o.level),
                          Text(o.award), Text(o.date), Text(f"{o.points:g}", justify="right"), key=str(o.id))

    # -- the form --------------------------------------------------------------------------

    def _kind(self) -> str:
        value = self.query_one("#outcome-kind", Select).value
        return value if isinstance(value, str) else OUTCOME_KINDS[0]

    def _show_points(self) -> None:
        points = self.app.store.policy().points_for(self._kind(), self.query_one("#outcome-award", Input).value)
        self.query_one("#outcome-points", Static).update(Text(t("dashboard.outcome.points", points=f"{points:g}")))

    def on_select_changed(self, event: Select.Changed) -> None:
        self._show_points()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "outcome-award":
            self._show_points()
        elif event.input.id == "outcome-term" and event.value.strip() != self._shown_term:
            self.refresh_data()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _problems(self) -> tuple[Outcome | None, list[str]]:
        problems: list[str] = []
        teacher = self.query_one(TeacherField).teacher
        if teacher is None:
            problems.append(t("dashboard.outcome.need_teacher"))
        term = self._term()
        if term is None:
            problems.append(t("dashboard.outcome.bad_term", value=self.query_one("#outcome-term", Input).value))
        elif term.status == "archived":
            problems.append(t("dashboard.outcome.archived", term=term.term_id))
        try:
            day = parse_date(self.query_one("#outcome-date", Input).value, self.app.today)
        except BadInput as error:
            problems.append(str(error))
            day = None
        if problems:
            return None, problems
        kind, award = self._kind(), self.query_one("#outcome-award", Input).value.strip()
        level = self.query_one("#outcome-level", Select).value
        outcome = Outcome(teacher_id=teacher.id, term_id=term.term_id, kind=kind,
                          title=self.query_one("#outcome-title", Input).value.strip(),
                          level=level if isinstance(level, str) else OUTCOME_LEVELS[0], award=award,
                          date=day.isoformat(), points=self.app.store.policy().points_for(kind, award))
        return outcome, [str(p) for p in outcome.validate()]

    def action_save(self) -> None:
        error = self.query_one("#outcome-error", Static)
        outcome, problems = self._problems()
        if problems or outcome is None:
            error.update(Text("\n".join(problems)))
            return
        try:
            with self.app.store.transaction() as tx:
                saved = tx.insert(outcome)
        except ValidationFailed as failure:
            error.update(Text("\n".join(str(p) for p in failure.problems)))
            return
        except (ConflictError, DataFileError, PermissionError) as failure:
            error.update(Text(str(failure)))
            return
        error.update("")
        name = self.query_one(TeacherField).teacher.name
        self.notify(t("dashboard.outcome.saved", name=name, title=saved.title, points=f"{saved.points:g}"),
                    markup=False)
        self.query_one(TeacherField).set_teacher(None)
        for field in ("#outcome-title", "#outcome-award"):
            self.query_one(field, Input).value = ""
        self.refresh_data()
        self.query_one(TeacherField).focus()

    def action_delete(self) -> None:
        table = self.query_one("#outcome-list", DataTable)
        if not table.row_count or self.focused is not table:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        outcome = self.app.store.get(Outcome, int(key.value))
        if outcome is None:  # archived: read-only
            self.notify(t("dashboard.outcome.read_only"), severity="warning", markup=False)
            return
        try:
            with self.app.store.transaction() as tx:
                tx.delete(outcome)
        except (ConflictError, DataFileError, PermissionError) as failure:
            self.notify(str(failure), severity="error", markup=False)
            return
        self._deleted = outcome
        self.notify(t("dashboard.outcome.deleted", title=outcome.title), markup=False)
        self.refresh_data()

    def action_undo(self) -> None:
        if self._deleted is None or isinstance(self.focused, Input):
            return
        try:
            with self.app.store.transaction() as tx:
                tx.insert(self._deleted.copy(id=0))
        except (ValidationFailed, ConflictError, DataFileError, PermissionError) as failure:
            self.notify(str(failure), severity="error", markup=False)
            return
        self._deleted = None
        self.refresh_data()
