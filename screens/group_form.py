"""Adding or editing a group: name, kind, parent, subject, grades, leader, weekly slot
(weekday, period, place) and this term's research theme; earlier themes are kept and shown.

Saving a new weekly slot only saves it: regenerating the calendar's future activities
from it belongs to the calendar. Dismisses with the group's id, or None when cancelled.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Select, SelectionList, Static

from models.dates import BadInput, format_period, parse_period
from models.i18n import t
from models.records import GROUP_KINDS, Group, Teacher, term_display_name
from models.rosters import descendants, earlier_themes, group_problems, set_theme, with_leader_as_member
from models.storage import ConflictError, DataFileError, ValidationFailed
from screens.rosters import CSS_FILE
from screens.widgets.keys import translate_bindings
from screens.widgets.teacher_field import TeacherField


def default_kind_under(parent: Group | None) -> str:
    if parent is None:
        return "office"
    return {"office": "research", "research": "prep"}.get(parent.kind, "prep")


class GroupForm(ModalScreen[int | None]):
    CSS_PATH = CSS_FILE
    DEFAULT_CLASSES = "roster-modal"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="group_form.save"),
        Binding("escape", "cancel", "roster.key.cancel", id="group_form.cancel"),
    ]

    def __init__(self, group_id: int | None, *, parent_id: int = 0, focus: str = ""):
        super().__init__()
        translate_bindings(self)
        self.group_id = group_id
        self.parent_id = parent_id
        self.focus_field = focus
        self.original: Group | None = None

    def compose(self) -> ComposeResult:
        store = self.app.store
        policy = store.policy()
        groups = store.all(Group)
        group = store.get(Group, self.group_id) if self.group_id else None
        self.original = group
        if group is None:
            parent = store.get(Group, self.parent_id) if self.parent_id else None
            group = Group(kind=default_kind_under(parent), parent_id=parent.id if parent else 0,
                          subject=parent.subject if parent else "", grades=[])
        excluded = {group.id, *descendants(groups, group.id)} if group.id else set()
        parents = [(g.name, g.id) for g in groups if g.id not in excluded]
        term = self.app.term
        grades = list(policy.grades) + [g for g in group.grades if g not in policy.grades]
        with Vertical(classes="dialog", id="group-form"):
            title = t("roster.group_form.edit_title", name=group.name) if self.original \
                else t("roster.group_form.new_title")
            yield Static(Text(title), classes="title")
            with VerticalScroll(id="group-form-body"):
                with Horizontal(classes="row"):
                    yield Label(t("field.group_name"), classes="label")
                    yield Input(group.name, id="gf-name", compact=True, placeholder=t("roster.group_form.name_hint"))
                    yield Label(t("field.group_kind"), classes="label gap")
                    yield Select([(t(f"roster.group.kind.{k}"), k) for k in GROUP_KINDS], value=group.kind,
                                 allow_blank=False, id="gf-kind", compact=True)
                with Horizontal(classes="row"):
                    yield Label(t("roster.group_form.parent"), classes="label")
                    yield Select(parents, value=group.parent_id if group.parent_id in {
                        gid for _, gid in parents} else Select.NULL, id="gf-parent", compact=True, prompt="—")
                    yield Label(t("roster.group_form.subject"), classes="label gap")
                    subjects = list(policy.subjects) + ([group.subject] if group.subject and
                                                        group.subject not in policy.subjects else [])
                    yield Select([(s, s) for s in subjects], value=group.subject or Select.NULL,
                                 id="gf-subject", compact=True, prompt="—")
                with Horizontal(classes="row"):
                    with Vertical(id="group-grades"):
                        yield Label(t("roster.column.grades"))
                        yield SelectionList(*[(g, g, g in group.grades) for g in grades], id="gf-grades",
                                            compact=True)
                    with Vertical(id="group-slot"):
                        with Horizontal(classes="row"):
                            yield Label(t("roster.group.leader"), classes="label")
                            field = TeacherField(self._active_teachers, placeholder=t("roster.group_form.leader_hint"),
                                                 id="gf-leader")
                            yield field
                        with Horizontal(classes="row"):
                            yield Label(t("roster.group_form.weekday"), classes="label")
                            yield Select([(t(f"weekday.{n - 1}"), n) for n in range(1, 8)],
                                         value=group.slot_weekday or Select.NULL, id="gf-weekday",
                                         compact=True, prompt="—")
                        with Horizontal(classes="row"):
                            yield Label(t("roster.group_form.period"), classes="label")
                            yield Input(format_period(group.slot_period, policy) if group.slot_period else "",
                                        id="gf-period", compact=True, placeholder=t("roster.group_form.period_hint"))
                        with Horizontal(classes="row"):
                            yield Label(t("roster.group_form.place"), classes="label")
                            yield Input(group.slot_place, id="gf-place", compact=True,
                                        placeholder=t("roster.group_form.place_hint"))
                with Horizontal(classes="row"):
                    label = t("roster.group_form.theme", term=term.name) if term else t("roster.group_form.theme_no_term")
                    yield Label(label, classes="label")
                    yield Input(group.themes.get(term.term_id, "") if term else "", id="gf-theme", compact=True,
                                disabled=term is None, placeholder=t("roster.group_form.theme_hint"))
                if term is not None:
                    history = earlier_themes(group, term.term_id)
                    if history:
                        text = Text(t("roster.group_form.earlier_themes") + "\n", style="dim")
                        for term_id, theme in history:
                            text.append(f"  {term_display_name(term_id)}：{theme}\n", style="dim")
                        yield Static(text, classes="hint")
            yield Static(id="gf-message", classes="message")
        yield Footer()

    def _active_teachers(self) -> list[Teacher]:
        return [x for x in self.app.store.all(Teacher) if x.active]

    def on_mount(self) -> None:
        group = self.original
        if group is not None and group.leader_id:
            self.query_one("#gf-leader", TeacherField).set_teacher(self.app.store.get(Teacher, group.leader_id))
        target = "#gf-theme" if self.focus_field == "theme" and self.app.term else "#gf-name"
        self.query_one(target, Input).focus()

    def show_message(self, text: str) -> None:
        self.query_one("#gf-message", Static).update(Text(text))

    def group_from_fields(self) -> tuple[Group, list[str]]:
        store = self.app.store
        policy = store.policy()
        problems: list[str] = []
        period_text = self.query_one("#gf-period", Input).value.strip()
        period = 0
        if period_text:
            try:
                period = parse_period(period_text, policy)
            except BadInput as error:
                problems.append(str(error))
        leader_field = self.query_one("#gf-leader", TeacherField)
        leader = leader_field.teacher
        if leader is None and leader_field.value.strip():
            found = leader_field.matches(leader_field.value.strip())
            if found:
                leader = found[0]
            else:
                problems.append(t("roster.group_form.no_such_leader", value=leader_field.value.strip()))

        def value(selector: str, default):
            chosen = self.query_one(selector, Select).value
            return default if chosen is Select.NULL or chosen is None else chosen

        base = self.original or Group()
        group = base.copy(
            name=self.query_one("#gf-name", Input).value.strip(),
            kind=value("#gf-kind", "research"),
            parent_id=int(value("#gf-parent", 0)),
            subject=value("#gf-subject", ""),
            grades=list(self.query_one("#gf-grades", SelectionList).selected),
            leader_id=leader.id if leader else 0,
            slot_weekday=int(value("#gf-weekday", 0)),
            slot_period=period,
            slot_place=self.query_one("#gf-place", Input).value.strip(),
        )
        term = self.app.term
        if term is not None:
            group = set_theme(group, term.term_id, self.query_one("#gf-theme", Input).value)
        return with_leader_as_member(group), problems

    def action_save(self) -> None:
        store = self.app.store
        group, problems = self.group_from_fields()
        # What the form could not read comes first and alone: the rest follows from it.
        problems = problems or [str(p) for p in group_problems(group, store.all(Group), store.all(Teacher), store.policy())]
        if problems:
            self.show_message("\n".join(problems))
            return
        try:
            with store.transaction() as tx:
                saved = tx.update(group) if self.original else tx.insert(group)
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
