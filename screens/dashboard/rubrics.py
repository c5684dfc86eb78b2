"""评课量表: the school's rubrics, for the admin (from the policy screen, ctrl+r).

The list shows every rubric with its criteria count, full marks, the lesson types and
subjects it applies to, and whether it is in use. ``n`` adds one, ``enter``/``e`` edits,
``d`` retires (停用) or restores one. Nothing is deleted: records already scored keep
their own copy of the rubric anyway, and a retired rubric simply stops being offered.

The editor takes one criterion a line, ``教学目标 15 目标明确、具体`` (name, maximum, an
optional descriptor), the way the sheet reads; the total shows as you type. A sheet
the school already has is quicker to bring in with ``jiaoyan import rubric FILE``.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static, TextArea

from models.i18n import t
from models.permissions import can
from models.rubrics import (
    Rubric, criteria_problems, criteria_text, parse_criteria_text, resolve_subjects, resolve_types, save_rubric,
)
from models.errors import JiaoyanError
from models.store.storage import ConflictError, ValidationFailed
from screens.dialogs.confirm import ConfirmScreen
from screens.dialogs.conflict import resolve_conflict
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.table_cursor import ListTable
from screens.widgets.fitted_footer import FittedFooter


class RubricListScreen(Screen):
    """Every rubric of the school; the admin adds, edits and retires them."""

    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("n", "new", "rubric.key.new", id="rubrics.new"),
        Binding("enter,e", "edit", "rubric.key.edit", id="rubrics.edit"),
        Binding("d", "toggle", "rubric.key.toggle", id="rubrics.toggle"),
        Binding("escape", "app.pop_screen", "key.back", id="rubrics.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.rubrics: list[Rubric] = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(Text(t("rubric.list.title"), style="bold"), id="rubric-title")
        yield ListTable(id="rubric-list", cursor_type="row", zebra_stripes=True)
        yield Static(Text(t("rubric.list.help")), id="rubric-help")
        yield FittedFooter()

    def may_edit(self) -> bool:
        return can(self.app.store, self.app.user or self.app.login, "insert", Rubric())

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("new", "edit", "toggle"):
            if not self.may_edit():
                return False
            return action == "new" or bool(self.rubrics)
        return True

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("rubric.col.name", 18), ("rubric.col.criteria", 4), ("rubric.col.full", 5),
                             ("rubric.col.types", 20), ("rubric.col.subjects", 10), ("rubric.col.state", 4)):
            table.add_column(t(label), width=width)
        self.refresh_data()
        table.focus()

    def data_changed(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.rubrics = sorted(self.app.store.all(Rubric), key=lambda r: (not r.active, r.id))
        for rubric in self.rubrics:
            table.add_row(
                Text(rubric.name), Text(str(len(rubric.criteria))), Text(f"{rubric.full_marks:g}"),
                Text("、".join(rubric.lesson_types) or t("rubric.every_type")),
                Text("、".join(rubric.subjects) or t("rubric.every_subject")),
                Text(t("rubric.active") if rubric.active else t("rubric.retired"),
                     style="" if rubric.active else "dim"),
                key=str(rubric.id))
        if self.rubrics:
            table.move_cursor(row=min(max(row, 0), len(self.rubrics) - 1))
        self.refresh_bindings()

    def current(self) -> Rubric | None:
        table = self.query_one(DataTable)
        if not self.rubrics or not 0 <= table.cursor_row < len(self.rubrics):
            return None
        return self.app.store.get(Rubric, self.rubrics[table.cursor_row].id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_new(self) -> None:
        self.app.push_screen(RubricForm(None), lambda _: self.refresh_data())

    def action_edit(self) -> None:
        rubric = self.current()
        if rubric is not None:
            self.app.push_screen(RubricForm(rubric), lambda _: self.refresh_data())

    def action_toggle(self) -> None:
        """停用 / 启用: a retired rubric is no longer offered for scoring; nothing is lost."""
        rubric = self.current()
        if rubric is None:
            return
        try:
            saved = save_rubric(self.app.store, rubric.copy(active=not rubric.active))
        except (ValidationFailed, ConflictError, JiaoyanError) as error:
            message = "；".join(p.message for p in error.problems) if isinstance(error, ValidationFailed) else str(error)
            self.notify(message, severity="error", markup=False)
            return
        self.notify(t("rubric.list.activated" if saved.active else "rubric.list.retired", name=saved.name),
                    markup=False)
        self.refresh_data()


class RubricForm(Screen[Rubric | None]):
    """One rubric: name, the lesson types and subjects it applies to, its criteria."""

    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="rubric_form.save", priority=True),
        Binding("escape", "back", "key.back", id="rubric_form.back"),
    ]

    def __init__(self, rubric: Rubric | None):
        super().__init__()
        translate_bindings(self)
        self.rubric = rubric
        self._clean: tuple = ()

    def compose(self) -> ComposeResult:
        rubric = self.rubric or Rubric()
        policy = self.app.store.policy()
        yield AppHeader()
        with VerticalScroll(id="rubric-form", can_focus=False):  # no invisible tab stop
            yield Static(Text(t("rubric.form.edit_title" if self.rubric else "rubric.form.new_title"), style="bold"))
            with Horizontal(classes="rubric-row"):
                yield Label(t("rubric.form.name"))
                yield Input(rubric.name, id="rubric-name", compact=True)
            with Horizontal(classes="rubric-row"):
                yield Label(t("rubric.form.types"))
                yield Input("、".join(rubric.lesson_types), id="rubric-types", compact=True,
                            placeholder=t("rubric.every_type"))
            yield Static(Text(t("rubric.form.types_hint", choices="、".join(policy.lesson_types))),
                         classes="rubric-hint")
            with Horizontal(classes="rubric-row"):
                yield Label(t("rubric.form.subjects"))
                yield Input("、".join(rubric.subjects), id="rubric-subjects", compact=True,
                            placeholder=t("rubric.every_subject"))
            yield Static(Text(t("rubric.form.criteria")), classes="rubric-hint")
            yield TextArea(criteria_text(rubric.criteria), id="rubric-criteria", soft_wrap=True)
            yield Static(id="rubric-total")
            yield Static(id="rubric-error")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#rubric-name", Input).focus()
        self._clean = self._snapshot()
        self._show_total()

    def _snapshot(self) -> tuple:
        return (*(self.query_one(f"#rubric-{n}", Input).value for n in ("name", "types", "subjects")),
                self.query_one("#rubric-criteria", TextArea).text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._show_total()

    def _show_total(self) -> None:
        criteria, problems = parse_criteria_text(self.query_one("#rubric-criteria", TextArea).text)
        total = sum(c["max"] for c in criteria)
        line = Text(t("rubric.form.total", count=len(criteria), total=f"{total:g}"), style="bold")
        if problems:
            line.append("  " + problems[0], style="red")
        self.query_one("#rubric-total", Static).update(line)

    def read_form(self) -> tuple[Rubric | None, list[str]]:
        policy = self.app.store.policy()
        name = self.query_one("#rubric-name", Input).value.strip()
        types, problems = resolve_types(self.query_one("#rubric-types", Input).value, policy)
        subjects, more = resolve_subjects(self.query_one("#rubric-subjects", Input).value, policy)
        problems += more
        criteria, more = parse_criteria_text(self.query_one("#rubric-criteria", TextArea).text)
        problems += more
        if not name:
            problems.insert(0, t("error.required", field=t("rubric.field.name")))
        if not more:
            problems += [p.message for p in criteria_problems(criteria)]
        if problems:
            return None, problems
        base = self.rubric or Rubric()
        return base.copy(name=name, lesson_types=types, subjects=subjects, criteria=criteria), []

    def action_save(self) -> None:
        rubric, problems = self.read_form()
        if rubric is None:
            self.query_one("#rubric-error", Static).update(Text("\n".join(problems)))
            return
        self.save(rubric)

    def save(self, rubric: Rubric) -> None:
        error = self.query_one("#rubric-error", Static)
        try:
            saved = save_rubric(self.app.store, rubric)
        except ValidationFailed as failure:
            error.update(Text("\n".join(p.message for p in failure.problems)))
            return
        except ConflictError as conflict:
            error.update("")
            resolve_conflict(self.app, conflict, save_mine=self.save, take_theirs=self._take_theirs,
                             labels={"name": t("rubric.form.name"), "lesson_types": t("rubric.form.types"),
                                     "subjects": t("rubric.form.subjects"), "criteria": t("rubric.form.criteria"),
                                     "active": t("rubric.col.state")})
            return
        except JiaoyanError as failure:  # PermissionDenied among them: it says who may
            error.update(Text(str(failure)))
            return
        self.app.notify(t("rubric.form.saved", name=saved.name, count=len(saved.criteria),
                          total=f"{saved.full_marks:g}"), markup=False)
        self.dismiss(saved)

    def _take_theirs(self, theirs: Rubric | None) -> None:
        if theirs is None:
            self.dismiss(None)
            return
        self.rubric = theirs
        self.query_one("#rubric-name", Input).value = theirs.name
        self.query_one("#rubric-types", Input).value = "、".join(theirs.lesson_types)
        self.query_one("#rubric-subjects", Input).value = "、".join(theirs.subjects)
        self.query_one("#rubric-criteria", TextArea).text = criteria_text(theirs.criteria)
        self._clean = self._snapshot()

    def action_back(self) -> None:
        if self._snapshot() == self._clean:
            self.dismiss(None)
            return
        self.app.push_screen(ConfirmScreen(t("rubric.form.discard")),
                             lambda discard: self.dismiss(None) if discard else None)
