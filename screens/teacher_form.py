"""Adding or editing one teacher: name, login, gender, subjects, grades, roles, joined, note.

Subjects and grades come from the school's own lists (policy); a login must be unique
(left blank, it is made from the name's pinyin); a second teacher with the same name is
allowed after a warning. Dismisses with the teacher's id, or None when cancelled.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Footer, Input, Label, Select, SelectionList, Static

from models.dates import BadInput, parse_date
from models.i18n import t
from models.records import ROLES, Teacher
from models.roster_import import generate_login
from models.rosters import namesake_warning, teacher_problems
from models.storage import ConflictError, DataFileError, ValidationFailed
from screens.rosters import CSS_FILE
from screens.widgets.keys import translate_bindings

GENDERS = ("男", "女")


class TeacherForm(ModalScreen[int | None]):
    CSS_PATH = CSS_FILE
    DEFAULT_CLASSES = "roster-modal"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="teacher_form.save"),
        Binding("escape", "cancel", "roster.key.cancel", id="teacher_form.cancel"),
    ]

    def __init__(self, teacher_id: int | None):
        super().__init__()
        translate_bindings(self)
        self.teacher_id = teacher_id
        self.original: Teacher | None = None
        self._confirmed_namesake = ""

    def compose(self) -> ComposeResult:
        store = self.app.store
        policy = store.policy()
        teacher = store.get(Teacher, self.teacher_id) if self.teacher_id else None
        self.original = teacher
        teacher = teacher or Teacher()
        subjects = list(policy.subjects) + [s for s in teacher.subjects if s not in policy.subjects]
        grades = list(policy.grades) + [g for g in teacher.grades if g not in policy.grades]
        with Vertical(classes="dialog", id="teacher-form"):
            title = t("roster.form.edit_title", name=teacher.name) if self.original else t("roster.form.new_title")
            yield Static(Text(title), classes="title")
            with Horizontal(classes="row"):
                yield Label(t("roster.column.name"), classes="label")
                yield Input(teacher.name, id="tf-name", compact=True, placeholder=t("roster.form.name_hint"))
                yield Label(t("roster.column.login"), classes="label gap")
                yield Input(teacher.login, id="tf-login", compact=True, placeholder=t("roster.form.login_hint"))
                yield Label(t("roster.column.gender"), classes="label gap")
                yield Select([(g, g) for g in GENDERS], value=teacher.gender if teacher.gender in GENDERS
                             else Select.NULL, id="tf-gender", compact=True, prompt="—")
            with Horizontal(id="teacher-lists"):
                with Vertical():
                    yield Label(t("roster.column.subjects"))
                    yield SelectionList(*[(s, s, s in teacher.subjects) for s in subjects],
                                        id="tf-subjects", compact=True)
                with Vertical():
                    yield Label(t("roster.column.grades"))
                    yield SelectionList(*[(g, g, g in teacher.grades) for g in grades],
                                        id="tf-grades", compact=True)
                with Vertical():
                    yield Label(t("roster.column.roles"))
                    yield SelectionList(*[(r, r, r in teacher.roles) for r in ROLES], id="tf-roles", compact=True)
            with Horizontal(classes="row"):
                yield Label(t("field.joined"), classes="label")
                yield Input(teacher.joined, id="tf-joined", compact=True, placeholder=t("roster.form.joined_hint"))
                yield Checkbox(t("roster.form.admin"), teacher.is_admin, id="tf-admin", compact=True,
                               classes="gap")
            with Horizontal(classes="row"):
                yield Label(t("roster.column.note"), classes="label")
                yield Input(teacher.note, id="tf-note", compact=True)
            yield Static(Text(t("roster.form.hint")), classes="hint")
            yield Static(id="tf-message", classes="message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#tf-name", Input).focus()

    def show_message(self, text: str, warning: bool = False) -> None:
        message = self.query_one("#tf-message", Static)
        message.set_class(warning, "-warning")
        message.update(Text(text))

    def teacher_from_fields(self) -> tuple[Teacher, list[str]]:
        """The teacher as the form now says, and the problems only the form can see."""
        problems = []
        joined = self.query_one("#tf-joined", Input).value.strip()
        if joined:
            try:
                joined = parse_date(joined, self.app.today).isoformat()
            except BadInput as error:
                problems.append(str(error))
        gender = self.query_one("#tf-gender", Select).value
        base = self.original or Teacher()
        teacher = base.copy(
            name=self.query_one("#tf-name", Input).value.strip(),
            login=self.query_one("#tf-login", Input).value.strip(),
            gender=gender if isinstance(gender, str) else "",
            subjects=list(self.query_one("#tf-subjects", SelectionList).selected),
            grades=list(self.query_one("#tf-grades", SelectionList).selected),
            roles=list(self.query_one("#tf-roles", SelectionList).selected),
            joined=joined,
            is_admin=self.query_one("#tf-admin", Checkbox).value,
            note=self.query_one("#tf-note", Input).value.strip(),
        )
        return teacher, problems

    def action_save(self) -> None:
        store = self.app.store
        teacher, problems = self.teacher_from_fields()
        teachers = store.all(Teacher)
        if not teacher.login and teacher.name:
            teacher = teacher.copy(login=generate_login(teacher.name, {x.login for x in teachers
                                                                       if x.id != teacher.id}))
        problems += [str(p) for p in teacher_problems(teacher, teachers, store.policy())]
        if problems:
            self.show_message("\n".join(problems))
            return
        renamed = self.original is None or self.original.name != teacher.name
        warning = namesake_warning(teacher, teachers) if renamed else ""
        if warning and self._confirmed_namesake != teacher.name:
            self._confirmed_namesake = teacher.name
            self.show_message(warning, warning=True)
            return
        try:
            with store.transaction() as tx:
                saved = tx.update(teacher) if self.original else tx.insert(teacher)
        except ValidationFailed as error:
            self.show_message("\n".join(str(p) for p in error.problems))
            return
        except (ConflictError, DataFileError) as error:
            self.show_message(t("roster.error.conflict", message=str(error).rstrip("。.")))
            return
        self.app.notify(t("roster.saved", name=saved.name), markup=False)
        self.dismiss(saved.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
