"""The forms of 课题与学时: a new project (the office) or its facts changed (the office, or the
project's host, who may not hand it to another host: the host field is shown but locked) and a record of outside training
(外出学习: the teacher themselves, or the office for anyone). ``ctrl+s`` saves; what is
wrong is said under the form and nothing is saved."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Select, Static

from models import research
from models.dates import BadInput, parse_date
from models.errors import JiaoyanError
from models.i18n import t
from models.people import search_teachers
from models.records import OUTCOME_LEVELS, REPORT_BACK_KINDS, Group, Project, Teacher
from screens.dialogs.base import Dialog
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.ticks import TickBox


def find_teacher(store, text: str) -> Teacher | None:
    """The teacher a typed name (or pinyin, initials, login) means: an exact name first."""
    text = text.strip()
    if not text:
        return None
    teachers = [x for x in store.all(Teacher) if x.active]
    exact = [x for x in teachers if x.name == text or x.login == text]
    if exact:
        return exact[0]
    found = search_teachers(teachers, text, groups=store.all(Group))
    return found[0] if found else None


def edited_sentence(before: Project, after: Project) -> str:
    """What an edit did, and the stages done whose dates it left alone."""
    sentence = t("research.project_edited", title=after.title)
    kept = research.kept_done_stages(before, after)
    if kept:
        sentence += " " + t("research.edit.kept_done", stages="、".join(kept))
    return sentence


class ProjectForm(Dialog[int | None]):
    """A new project, or (``project_id``) an existing one's facts, filled in."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="project_form.save", priority=True),
        Binding("escape", "cancel", "key.back", id="project_form.cancel"),
    ]
    CSS_PATH = "research.tcss"

    def __init__(self, project_id: int = 0):
        super().__init__()
        self.project_id = project_id

    def editing(self) -> Project | None:
        return self.app.store.get(Project, self.project_id) if self.project_id else None

    def compose(self) -> ComposeResult:
        project = self.editing()
        names = {x.id: x.name for x in self.app.store.all(Teacher)}
        host_locked = project is not None and not self.may_change_host(project)
        level = project.level if project is not None and project.level in OUTCOME_LEVELS else OUTCOME_LEVELS[0]
        with Vertical():
            yield Static(Text(t("research.form.edit_project" if project else "research.form.project"),
                              style="bold"))
            with Horizontal():
                yield Label(t("research.col.number"))
                yield Input(project.number if project else "", id="p-number", compact=True,
                            placeholder=t("research.form.number_hint"))
            with Horizontal():
                yield Label(t("research.col.title"))
                yield Input(project.title if project else "", id="p-title", compact=True)
            with Horizontal():
                yield Label(t("research.col.level"))
                yield Select([(x, x) for x in OUTCOME_LEVELS], value=level, allow_blank=False,
                             id="p-level", compact=True)
            with Horizontal():
                yield Label(t("research.field.host"))
                yield Input(names.get(project.host_id, "") if project else "", id="p-host", compact=True,
                            placeholder=t("research.form.host_hint"), disabled=host_locked)
            with Horizontal():
                yield Label(t("research.field.members"))
                yield Input("、".join(names.get(m, "") for m in project.member_ids) if project else "",
                            id="p-members", compact=True, placeholder=t("research.form.members_hint"))
            with Horizontal():
                yield Label(t("field.start"))
                yield Input(project.start if project else self.app.today.isoformat(), id="p-start", compact=True)
            with Horizontal():
                yield Label(t("research.field.planned_end"))
                yield Input(project.planned_end if project else "", id="p-end", compact=True,
                            placeholder=t("research.form.end_hint"))
            yield Static(id="form-error")
        yield FittedFooter()

    def may_change_host(self, project: Project) -> bool:
        from models.permissions import can

        return can(self.app.store, self.app.user or self.app.login, "update", project, "host_id")

    def on_mount(self) -> None:
        self.query_one("#p-number", Input).focus()

    def value(self, widget_id: str) -> str:
        return self.query_one(widget_id, Input).value.strip()

    def fail(self, message: str) -> None:
        self.query_one("#form-error", Static).update(Text(message))

    def action_save(self) -> None:
        store, today = self.app.store, self.app.today
        before = self.editing()
        if self.project_id and before is None:
            self.fail(t("research.gone"))
            return
        known = {}  # the people already on the project keep their place even after leaving the school
        if before is not None:
            for teacher_id in (before.host_id, *before.member_ids):
                teacher = store.get(Teacher, teacher_id)
                if teacher is not None:
                    known[teacher.name] = teacher
        if before is not None and not self.may_change_host(before):
            host = store.get(Teacher, before.host_id)  # the host's own form: the host stays
        else:
            host = known.get(self.value("#p-host")) or find_teacher(store, self.value("#p-host"))
        if host is None:
            typed = self.value("#p-host")
            self.fail(t("research.error.no_teacher", name=typed) if typed
                      else t("error.required", field=t("research.field.host")))
            return
        members = []
        for name in self.value("#p-members").replace("，", "、").replace(",", "、").replace(" ", "、").split("、"):
            if not name.strip():
                continue
            found = known.get(name.strip()) or find_teacher(store, name)
            if found is None:
                self.fail(t("research.error.no_teacher", name=name))
                return
            members.append(found.id)
        try:
            start = parse_date(self.value("#p-start"), today).isoformat()
            end = parse_date(self.value("#p-end"), today).isoformat() if self.value("#p-end") else ""
            level = self.query_one("#p-level", Select).value
            level = level if isinstance(level, str) else OUTCOME_LEVELS[0]
            if before is not None:
                project = research.edit_project(before, number=self.value("#p-number"), title=self.value("#p-title"),
                                                level=level, host_id=host.id, member_ids=members, start=start,
                                                planned_end=end)
            else:
                project = research.new_project(number=self.value("#p-number"), title=self.value("#p-title"),
                                               level=level, host_id=host.id, member_ids=members, start=start,
                                               planned_end=end)
            saved = research.save_project(store, project)
        except (BadInput, JiaoyanError) as error:
            self.fail(str(error))
            return
        if before is None:
            self.notify(t("research.project_added", title=saved.title), markup=False)
        else:
            self.notify(edited_sentence(before, saved), markup=False)
        self.dismiss(saved.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TrainingForm(Dialog[int | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="training_form.save", priority=True),
        Binding("escape", "cancel", "key.back", id="training_form.cancel"),
    ]
    CSS_PATH = "research.tcss"

    def __init__(self, teacher_id: int):
        super().__init__()
        self.teacher_id = teacher_id

    def compose(self) -> ComposeResult:
        teacher = self.app.store.get(Teacher, self.teacher_id) if self.teacher_id else None
        me = self.app.user
        with Vertical():
            yield Static(Text(t("research.form.training"), style="bold"))
            with Horizontal():
                yield Label(t("research.field.teacher"))
                yield Input(teacher.name if teacher else "", id="tr-teacher", compact=True,
                            disabled=not (me is not None and me.is_admin))
            with Horizontal():
                yield Label(t("field.title"))
                yield Input(id="tr-title", compact=True, placeholder=t("research.form.training_hint"))
            with Horizontal():
                yield Label(t("research.field.place"))
                yield Input(id="tr-place", compact=True)
            with Horizontal():
                yield Label(t("field.start"))
                yield Input(self.app.today.isoformat(), id="tr-start", compact=True)
            with Horizontal():
                yield Label(t("field.end"))
                yield Input(id="tr-end", compact=True, placeholder=t("research.form.end_same"))
            with Horizontal():
                yield Label(t("research.field.hours"))
                yield Input(id="tr-hours", compact=True)
            with Horizontal():
                yield Label(t("research.field.report_back"))
                yield Select([(x or t("research.report.none"), x) for x in REPORT_BACK_KINDS],
                             value="汇报课", allow_blank=False, id="tr-report", compact=True)
            yield TickBox(t("research.field.remote"), id="tr-remote", compact=True)
            yield Static(id="form-error")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#tr-title", Input).focus()

    def value(self, widget_id: str) -> str:
        return self.query_one(widget_id, Input).value.strip()

    def fail(self, message: str) -> None:
        self.query_one("#form-error", Static).update(Text(message))

    def action_save(self) -> None:
        store, today = self.app.store, self.app.today
        teacher = find_teacher(store, self.value("#tr-teacher"))
        if teacher is None:
            typed = self.value("#tr-teacher")
            self.fail(t("research.error.no_teacher", name=typed) if typed
                      else t("error.required", field=t("research.field.teacher")))
            return
        try:
            hours = float(self.value("#tr-hours"))
        except ValueError:
            self.fail(t("research.error.hours", value=self.value("#tr-hours") or "—"))
            return
        report = self.query_one("#tr-report", Select).value
        try:
            start = parse_date(self.value("#tr-start"), today).isoformat()
            end = parse_date(self.value("#tr-end"), today).isoformat() if self.value("#tr-end") else start
            training = research.new_training(store, teacher_id=teacher.id, title=self.value("#tr-title"),
                                             place=self.value("#tr-place"), start=start, end=end, hours=hours,
                                             remote=self.query_one("#tr-remote", Checkbox).value,
                                             report_back=report if isinstance(report, str) else "")
            with store.transaction() as tx:
                saved = tx.insert(training)
        except (BadInput, JiaoyanError) as error:
            self.fail(str(error))
            return
        self.notify(t("research.training_added", title=saved.title, hours=f"{saved.hours:g}"), markup=False)
        self.dismiss(saved.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
