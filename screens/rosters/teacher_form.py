"""Adding or editing one teacher: name, login, gender, subjects, grades, roles, joined, note.

Subjects and grades come from the school's own lists (policy); a login must be unique
(left blank, it is made from the name's pinyin); a second teacher with the same name is
allowed after a warning. Dismisses with the teacher's id, or None when cancelled.

Only the fields the user may change are editable (models.permissions): the admin all of
them (but not their own admin flag if they are the school's last admin); a teacher their
own name, gender, subjects, grades and note (the joined date is the admin's). If someone else saved the
teacher meanwhile, saving shows both versions (screens/widgets/conflict.py).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static

from models.store.audit import show_value
from models.dates import BadInput, parse_date
from models.i18n import t
from models.permissions import can
from models.records import ROLES, Teacher
from models.roster_import import generate_login
from models.rosters import namesake_warning, rebase_edit, teacher_problems
from models.errors import JiaoyanError
from models.store.storage import ConflictError, ValidationFailed
from screens.dialogs.conflict import resolve_conflict
from screens.dialogs.base import Dialog
from screens.widgets.ticks import TickBox, TickList
from screens.widgets.fitted_footer import FittedFooter

GENDERS = ("男", "女")
# Each field of the form and the widget that holds it.
FIELD_WIDGETS = {"name": "#tf-name", "login": "#tf-login", "gender": "#tf-gender", "subjects": "#tf-subjects",
                 "grades": "#tf-grades", "roles": "#tf-roles", "joined": "#tf-joined", "is_admin": "#tf-admin",
                 "note": "#tf-note"}


def field_labels() -> dict[str, str]:
    """What the conflict dialog calls each field."""
    return {"name": t("roster.column.name"), "login": t("roster.column.login"), "gender": t("roster.column.gender"),
            "subjects": t("roster.column.subjects"), "grades": t("roster.column.grades"),
            "roles": t("roster.column.roles"), "joined": t("field.joined"), "is_admin": t("roster.field.is_admin"),
            "note": t("roster.column.note"), "active": t("roster.field.active")}


def same_order(chosen: list[str], before: list[str]) -> list[str]:
    """Ticking the same items again keeps their stored order, so nothing looks changed."""
    return list(before) if set(chosen) == set(before) and len(chosen) == len(before) else chosen


class TeacherForm(Dialog[int | None]):
    CSS_PATH = "rosters.tcss"
    DEFAULT_CLASSES = "roster-modal"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="teacher_form.save"),
        Binding("escape", "cancel", "roster.key.cancel", id="teacher_form.cancel"),
    ]

    def __init__(self, teacher_id: int | None):
        super().__init__()
        self.teacher_id = teacher_id
        self.original: Teacher | None = None
        self._confirmed_namesake = ""
        self.editable: set[str] = set(FIELD_WIDGETS)

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
                    yield TickList(*[(s, s, s in teacher.subjects) for s in subjects],
                                        id="tf-subjects", compact=True)
                with Vertical():
                    yield Label(t("roster.column.grades"))
                    yield TickList(*[(g, g, g in teacher.grades) for g in grades],
                                        id="tf-grades", compact=True)
                with Vertical():
                    yield Label(t("roster.column.roles"))
                    yield TickList(*[(r, r, r in teacher.roles) for r in ROLES], id="tf-roles", compact=True)
            with Horizontal(classes="row"):
                yield Label(t("field.joined"), classes="label")
                yield Input(teacher.joined, id="tf-joined", compact=True, placeholder=t("roster.form.joined_hint"))
                yield TickBox(t("roster.form.admin"), teacher.is_admin, id="tf-admin", compact=True,
                               classes="gap")
            with Horizontal(classes="row"):
                yield Label(t("roster.column.note"), classes="label")
                yield Input(teacher.note, id="tf-note", compact=True)
            if self.original is None:  # a new teacher can be put into groups at once
                with Horizontal(classes="row"):
                    yield Label(t("roster.column.groups"), classes="label")
                    yield Input(id="tf-groups", compact=True, placeholder=t("roster.form.groups_hint"))
            yield Static(Text(t("roster.form.hint")), classes="hint")
            yield Static(id="tf-message", classes="message")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.apply_permissions()
        self.query_one("#tf-name", Input).focus()

    def apply_permissions(self) -> None:
        """Disable what the user may not change, and say why."""
        if self.original is None:
            return  # only the admin gets here (n is hidden for others); the store checks anyway
        store, actor = self.app.store, self.app.user or self.app.login
        self.editable = {name for name in FIELD_WIDGETS if can(store, actor, "update", self.original, name)}
        for name, selector in FIELD_WIDGETS.items():
            self.query_one(selector).disabled = name not in self.editable
        if "roles" not in self.editable:
            self.show_message(t("roster.form.self_only"), warning=True)
        elif "is_admin" not in self.editable:
            self.show_message(t("roster.form.last_admin"), warning=True)

    def fill(self, teacher: Teacher) -> None:
        """Put a stored teacher into the form (after "take theirs" in a conflict)."""
        self.query_one("#tf-name", Input).value = teacher.name
        self.query_one("#tf-login", Input).value = teacher.login
        self.query_one("#tf-gender", Select).value = teacher.gender if teacher.gender in GENDERS else Select.NULL
        for selector, chosen in (("#tf-subjects", teacher.subjects), ("#tf-grades", teacher.grades),
                                 ("#tf-roles", teacher.roles)):
            selection = self.query_one(selector, SelectionList)
            for value in chosen:
                if not any(selection.get_option_at_index(i).value == value for i in range(selection.option_count)):
                    selection.add_option((value, value))
            selection.deselect_all()
            for value in chosen:
                selection.select(value)
        self.query_one("#tf-joined", Input).value = teacher.joined
        self.query_one("#tf-admin", Checkbox).value = teacher.is_admin
        self.query_one("#tf-note", Input).value = teacher.note

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
        values = dict(
            name=self.query_one("#tf-name", Input).value.strip(),
            login=self.query_one("#tf-login", Input).value.strip(),
            gender=gender if isinstance(gender, str) else "",
            subjects=same_order(list(self.query_one("#tf-subjects", SelectionList).selected), base.subjects),
            grades=same_order(list(self.query_one("#tf-grades", SelectionList).selected), base.grades),
            roles=same_order(list(self.query_one("#tf-roles", SelectionList).selected), base.roles),
            joined=joined,
            is_admin=self.query_one("#tf-admin", Checkbox).value,
            note=self.query_one("#tf-note", Input).value.strip(),
        )
        # What the user may not change stays exactly as it was stored.
        teacher = base.copy(**{k: v for k, v in values.items() if k in self.editable})
        return teacher, problems

    def action_save(self) -> None:
        store = self.app.store
        teacher, problems = self.teacher_from_fields()
        teachers = store.all(Teacher)
        if not teacher.login and teacher.name:
            teacher = teacher.copy(login=generate_login(teacher.name, {x.login for x in teachers
                                                                       if x.id != teacher.id}))
        problems += [str(p) for p in teacher_problems(teacher, teachers, store.policy())]
        self.group_ids, unknown = self.groups_from_field()
        problems += [t("roster.import.unknown_group", value=name) for name in unknown]
        if problems:
            self.show_message("\n".join(problems))
            return
        renamed = self.original is None or self.original.name != teacher.name
        warning = namesake_warning(teacher, teachers) if renamed else ""
        if warning and self._confirmed_namesake != teacher.name:
            self._confirmed_namesake = teacher.name
            self.show_message(warning, warning=True)
            return
        self.save(teacher)

    def groups_from_field(self) -> tuple[list[int], list[str]]:
        """The groups a new teacher joins (names in 所在组), and the names no group has."""
        from models.records import Group
        from models.roster_import import split_values

        if self.original is not None:
            return [], []
        by_name = {g.name: g for g in self.app.store.all(Group) if g.active}
        names = split_values(self.query_one("#tf-groups", Input).value)
        return ([by_name[n].id for n in names if n in by_name], [n for n in names if n not in by_name])

    def save(self, teacher: Teacher) -> None:
        """Store the teacher; a concurrent change opens the conflict dialog instead."""
        from models.records import Group

        try:
            with self.app.store.transaction() as tx:
                saved = tx.update(teacher) if teacher.id else tx.insert(teacher)
                for group_id in getattr(self, "group_ids", []) if not teacher.id else []:
                    group = tx.get(Group, group_id)
                    if group is not None and saved.id not in group.member_ids:
                        tx.update(group.copy(member_ids=[*group.member_ids, saved.id]))
        except ValidationFailed as error:
            self.show_message("\n".join(str(p) for p in error.problems))
            return
        except ConflictError as conflict:
            theirs = conflict.theirs
            mine = rebase_edit(self.original, teacher, theirs)

            def keep_mine(record: Teacher) -> None:
                # From now on the form edits their version: a second conflict compares with it.
                self.original = theirs if theirs is not None else None
                self.save(record)

            resolve_conflict(self.app, ConflictError(mine, theirs), labels=field_labels(),
                             show=lambda _name, value: show_value(value),
                             save_mine=keep_mine, take_theirs=self.take_theirs)
            return
        except JiaoyanError as error:  # the file, or PermissionDenied: its message says who may
            self.show_message(str(error))
            return
        self.app.notify(t("roster.saved", name=saved.name), markup=False)
        self.dismiss(saved.id)

    def take_theirs(self, theirs: Teacher | None) -> None:
        if theirs is None:
            self.app.notify(t("roster.error.saved_elsewhere_deleted"), severity="warning", markup=False)
            self.dismiss(None)
            return
        self.original = theirs
        self.fill(theirs)
        self.show_message(t("roster.conflict.taken_theirs"), warning=True)

    def action_cancel(self) -> None:
        self.dismiss(None)
