"""教研成果: quick entry and the term's list. Points come from the policy's point table.

ctrl+s saves and clears the form for the next one (term, kind, level and date stay);
what is wrong is said under the form and nothing is saved. In the list, ``e`` loads
the highlighted outcome into the form to change it (ctrl+s saves the change; if
someone else saved it meanwhile, the conflict dialog asks whose version stays),
``d`` deletes it and ``u`` brings it back.

Who may do what is the store guard's rule (models/permissions.py): a teacher enters
and changes their own outcomes, the admin anyone's. For a teacher the teacher field
holds themselves and cannot be changed; ``e`` and ``d`` show only on outcomes the
user may change.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static

from models.store.archive import view_for
from models.dates import BadInput, parse_date
from models.i18n import t
from models.points import outcome_line
from models.records import OUTCOME_KINDS, OUTCOME_LEVELS, Group, Outcome, Teacher, Term
from models.permissions import can
from models.errors import JiaoyanError
from models.store.storage import ConflictError, ValidationFailed
from models.terms import is_archived, term_by_id
from screens.dialogs.conflict import resolve_conflict
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.teacher_field import TeacherField
from screens.widgets.table_cursor import ListTable, cursor_id, restore_cursor
from screens.widgets.fitted_footer import FittedFooter


class OutcomesScreen(Screen):
    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="outcomes.save", priority=True),
        Binding("e", "edit", "key.edit", id="outcomes.edit"),
        Binding("d", "delete", "key.delete", id="outcomes.delete"),
        Binding("u", "undo", "dashboard.key.undo", id="outcomes.undo"),
        Binding("escape", "back", "key.back", id="outcomes.back"),
    ]

    def __init__(self, term_id: str | None = None):
        super().__init__()
        translate_bindings(self)
        self.term_id = term_id
        self._deleted: Outcome | None = None
        self._shown_term = ""
        self.editing: Outcome | None = None  # the stored outcome the form is changing, as read

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
            yield Static(id="outcome-mode")
            yield Static(id="outcome-error")
        yield ListTable(id="outcome-list", cursor_type="row", zebra_stripes=True)
        yield FittedFooter()

    def on_mount(self) -> None:
        if not self.term_id and self.app.term:
            self.term_id = self.app.term.term_id
            self.query_one("#outcome-term", Input).value = self.term_id
        self._own_teacher_only()
        self.refresh_data()
        self._show_points()
        self._focus_first()

    # -- who may do what ------------------------------------------------------------------

    @property
    def actor(self):
        return self.app.user or self.app.login

    def is_admin(self) -> bool:
        return self.app.user is not None and self.app.user.is_admin

    def _own_teacher_only(self) -> None:
        """A teacher records their own outcomes: the field holds them and is read-only."""
        if self.is_admin():
            return
        field = self.query_one(TeacherField)
        field.set_teacher(self.app.user)
        field.input.disabled = True

    def _focus_first(self) -> None:
        field = self.query_one(TeacherField)
        if field.input.disabled:
            self.query_one("#outcome-kind", Select).focus()
        else:
            field.focus()

    def highlighted_outcome(self) -> Outcome | None:
        """The outcome under the list's cursor, as stored in the active file (None when the
        list is empty or the term is archived: archived outcomes are read-only)."""
        outcome_id = cursor_id(self.query_one("#outcome-list", DataTable))
        return self.app.store.get(Outcome, outcome_id) if outcome_id else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("edit", "delete"):
            if self.focused is not self.query_one("#outcome-list", DataTable):
                return False
            outcome = self.highlighted_outcome()
            return outcome is not None and can(self.app.store, self.actor, "update" if action == "edit"
                                               else "delete", outcome)
        if action == "undo":
            return self._deleted is not None
        if action == "save":
            user = self.app.user
            return can(self.app.store, self.actor, "insert", Outcome(teacher_id=user.id if user else 0))
        return True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def data_changed(self) -> None:
        self.refresh_data()

    def _term(self) -> Term | None:
        wanted = self.query_one("#outcome-term", Input).value.strip() or self.term_id
        return term_by_id(self.app.store.all(Term), wanted)

    def refresh_data(self) -> None:
        term = self._term() or self.app.term
        self._shown_term = term.term_id if term else ""
        table = self.query_one("#outcome-list", DataTable)
        keep = table.cursor_row
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
        policy = source.policy()
        for o in rows:
            points = outcome_line(policy, o).points
            table.add_row(Text(names.get(o.teacher_id, "?")), Text(o.kind), Text(o.title), Text(o.level),
                          Text(o.award), Text(o.date), Text(f"{points:g}", justify="right"), key=str(o.id))
        restore_cursor(table, row=keep)
        self.refresh_bindings()

    # -- the form --------------------------------------------------------------------------

    def _kind(self) -> str:
        value = self.query_one("#outcome-kind", Select).value
        return value if isinstance(value, str) else OUTCOME_KINDS[0]

    def _show_points(self) -> None:
        level = self.query_one("#outcome-level", Select).value
        points = self.app.store.policy().points_for(self._kind(), self.query_one("#outcome-award", Input).value,
                                                    level if isinstance(level, str) else OUTCOME_LEVELS[0])
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
        elif is_archived(term):
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
        values = dict(teacher_id=teacher.id, term_id=term.term_id, kind=kind,
                      title=self.query_one("#outcome-title", Input).value.strip(),
                      level=level if isinstance(level, str) else OUTCOME_LEVELS[0], award=award,
                      date=day.isoformat())
        values["points"] = self.app.store.policy().points_for(kind, award, values["level"])
        outcome = self.editing.copy(**values) if self.editing is not None else Outcome(**values)
        return outcome, [str(p) for p in outcome.validate()]

    def _show_problems(self, problems: list[str]) -> None:
        self.query_one("#outcome-error", Static).update(Text("\n".join(problems)))

    def action_save(self) -> None:
        outcome, problems = self._problems()
        if problems or outcome is None:
            self._show_problems(problems)
            return
        self.save(outcome)

    def save(self, outcome: Outcome) -> None:
        """Insert a new outcome or update the one being edited; a conflict asks the user."""
        try:
            with self.app.store.transaction() as tx:
                saved = tx.update(outcome) if outcome.id else tx.insert(outcome)
        except ValidationFailed as failure:
            self._show_problems([str(p) for p in failure.problems])
            return
        except ConflictError as conflict:
            self._show_problems([])
            resolve_conflict(self.app, conflict, save_mine=self.save, take_theirs=self._take_theirs,
                             labels=self.field_labels())
            return
        except JiaoyanError as failure:  # PermissionDenied among them: it says who may
            self._show_problems([str(failure)])
            return
        self._show_problems([])
        names = {x.id: x.name for x in self.app.store.all(Teacher)}
        self.notify(t("dashboard.outcome.saved", name=names.get(saved.teacher_id, "?"), title=saved.title,
                      points=f"{saved.points:g}"), markup=False)
        self._clear_form()
        self.refresh_data()

    def field_labels(self) -> dict[str, str]:
        return {"teacher_id": t("dashboard.col.teacher"), "term_id": t("dashboard.col.term"),
                "kind": t("dashboard.col.kind"), "title": t("dashboard.col.title"),
                "level": t("dashboard.col.level"), "award": t("dashboard.col.award"),
                "date": t("dashboard.col.date"), "points": t("dashboard.col.points")}

    def _take_theirs(self, theirs: Outcome | None) -> None:
        if theirs is None:  # they deleted it: nothing left to edit
            self._clear_form()
            self.notify(t("dashboard.outcome.gone"), severity="warning", markup=False)
        else:
            self.load(theirs)
        self.refresh_data()

    def load(self, outcome: Outcome) -> None:
        """Put a stored outcome in the form to change it."""
        self.editing = outcome
        field = self.query_one(TeacherField)
        field.set_teacher(self.app.store.get(Teacher, outcome.teacher_id))
        self.query_one("#outcome-term", Input).value = outcome.term_id
        if outcome.kind in OUTCOME_KINDS:
            self.query_one("#outcome-kind", Select).value = outcome.kind
        if outcome.level in OUTCOME_LEVELS:
            self.query_one("#outcome-level", Select).value = outcome.level
        self.query_one("#outcome-title", Input).value = outcome.title
        self.query_one("#outcome-award", Input).value = outcome.award
        self.query_one("#outcome-date", Input).value = outcome.date
        self.query_one("#outcome-mode", Static).update(Text(t("dashboard.outcome.editing", title=outcome.title)))
        self._show_points()

    def _clear_form(self) -> None:
        """Ready for the next one: term, kind, level and date stay."""
        self.editing = None
        self.query_one("#outcome-mode", Static).update("")
        field = self.query_one(TeacherField)
        if not field.input.disabled:
            field.set_teacher(None)
        for widget_id in ("#outcome-title", "#outcome-award"):
            self.query_one(widget_id, Input).value = ""
        self._focus_first()

    def action_edit(self) -> None:
        outcome = self.highlighted_outcome()
        if outcome is None or not can(self.app.store, self.actor, "update", outcome):
            return
        self.load(outcome)
        self.query_one("#outcome-title", Input).focus()

    def action_back(self) -> None:
        """Escape leaves an edit first (the form empties), then the screen."""
        if self.editing is not None:
            self._clear_form()
            self._show_problems([])
            return
        self.app.pop_screen()

    def action_delete(self) -> None:
        outcome = self.highlighted_outcome()
        if outcome is None:
            return
        try:
            with self.app.store.transaction() as tx:
                tx.delete(outcome)
        except JiaoyanError as failure:
            self.notify(str(failure), severity="error", markup=False)
            return
        self._deleted = outcome
        if self.editing is not None and self.editing.id == outcome.id:
            self._clear_form()
        self.notify(t("dashboard.outcome.deleted", title=outcome.title), markup=False)
        self.refresh_data()

    def action_undo(self) -> None:
        if self._deleted is None or isinstance(self.focused, Input):
            return
        try:
            with self.app.store.transaction() as tx:
                tx.insert(self._deleted.copy(id=0))
        except JiaoyanError as failure:
            self.notify(str(failure), severity="error", markup=False)
            return
        self._deleted = None
        self.refresh_data()
