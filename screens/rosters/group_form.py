"""Adding or editing a group: name, kind, parent, subject, grades, leader, weekly slot
(weekday, period, place) and this term's research theme; earlier themes are kept and shown.

Saving a changed weekly slot moves the group's future activities of the current term in
the same transaction (models.activities.regenerate_group_activities): those nobody
touched are replaced by ones on the new slot; held or hand-edited ones stay.

The admin edits everything; a group's leader only its theme (the other fields are
disabled). If someone else saved the group meanwhile, saving shows both versions
(screens/widgets/conflict.py). Dismisses with the group's id, or None when cancelled.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, SelectionList, Static

from models.activities import regenerate_group_activities
from models.store.audit import show_value
from models.dates import BadInput, format_period, parse_period
from models.i18n import t
from models.permissions import can
from models.records import GROUP_KINDS, Group, Teacher, term_display_name
from models.rosters import (descendants, earlier_themes, edited_fields, group_problems, rebase_edit, set_theme,
                            slot_changed, with_leader_as_member)
from models.errors import JiaoyanError
from models.store.storage import ConflictError, ValidationFailed
from models.terms import is_archived
from screens.dialogs.conflict import resolve_conflict
from screens.widgets.teacher_field import TeacherField
from screens.dialogs.base import Dialog
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.ticks import TickList

# Everything a leader who may only set the theme finds disabled.
SHAPE_WIDGETS = ("#gf-name", "#gf-kind", "#gf-parent", "#gf-subject", "#gf-grades", "#gf-leader", "#gf-weekday",
                 "#gf-period", "#gf-place")


def default_kind_under(parent: Group | None) -> str:
    if parent is None:
        return "office"
    return {"office": "research", "research": "prep"}.get(parent.kind, "prep")


class GroupForm(Dialog[int | None]):
    CSS_PATH = "rosters.tcss"
    DEFAULT_CLASSES = "roster-modal"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="group_form.save"),
        Binding("escape", "cancel", "roster.key.cancel", id="group_form.cancel"),
    ]

    def __init__(self, group_id: int | None, *, parent_id: int = 0, focus: str = ""):
        super().__init__()
        self.group_id = group_id
        self.parent_id = parent_id
        self.focus_field = focus
        self.original: Group | None = None
        self.theme_only = False

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
            with VerticalScroll(id="group-form-body", can_focus=False):  # no invisible tab stop
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
                        yield TickList(*[(g, g, g in group.grades) for g in grades], id="gf-grades",
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
        yield FittedFooter()  # keys stop at the palette key instead of running under it

    def _active_teachers(self) -> list[Teacher]:
        return [x for x in self.app.store.all(Teacher) if x.active]

    def on_mount(self) -> None:
        group = self.original
        if group is not None and group.leader_id:
            self.query_one("#gf-leader", TeacherField).set_teacher(self.app.store.get(Teacher, group.leader_id))
        if group is not None:
            store, actor = self.app.store, self.app.user or self.app.login
            self.theme_only = not can(store, actor, "update", group, "name")
        if self.theme_only:
            for selector in SHAPE_WIDGETS:
                self.query_one(selector).disabled = True
            self.show_message(t("roster.group_form.theme_only"), warning=True)
        elif group is not None and self.app.term is not None:
            self.show_message(t("roster.group_form.slot_note"), warning=True)
        theme_first = (self.focus_field == "theme" or self.theme_only) and self.app.term
        self.query_one("#gf-theme" if theme_first else "#gf-name", Input).focus()

    def show_message(self, text: str, warning: bool = False) -> None:
        message = self.query_one("#gf-message", Static)
        message.set_class(warning, "-warning")
        message.update(Text(text))

    def fill(self, group: Group) -> None:
        """Put a stored group into the form (after "take theirs" in a conflict)."""
        policy = self.app.store.policy()
        self.query_one("#gf-name", Input).value = group.name
        self.query_one("#gf-kind", Select).value = group.kind
        parent = self.query_one("#gf-parent", Select)
        try:
            parent.value = group.parent_id if group.parent_id else Select.NULL
        except Exception:  # a parent the list does not offer (e.g. just created elsewhere)
            parent.value = Select.NULL
        subject = self.query_one("#gf-subject", Select)
        try:
            subject.value = group.subject or Select.NULL
        except Exception:  # a subject no longer in the school's list
            subject.value = Select.NULL
        grades = self.query_one("#gf-grades", SelectionList)
        grades.deselect_all()
        for grade in group.grades:
            grades.select(grade)
        self.query_one("#gf-leader", TeacherField).set_teacher(
            self.app.store.get(Teacher, group.leader_id) if group.leader_id else None)
        self.query_one("#gf-weekday", Select).value = group.slot_weekday or Select.NULL
        self.query_one("#gf-period", Input).value = format_period(group.slot_period, policy) if group.slot_period else ""
        self.query_one("#gf-place", Input).value = group.slot_place
        term = self.app.term
        if term is not None:
            self.query_one("#gf-theme", Input).value = group.themes.get(term.term_id, "")

    def group_from_fields(self) -> tuple[Group, list[str]]:
        store = self.app.store
        term = self.app.term
        if self.theme_only:
            # A leader changes the theme and nothing else: the rest stays exactly as stored.
            if term is None:
                return self.original, []
            return set_theme(self.original, term.term_id, self.query_one("#gf-theme", Input).value), []
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
        if not self.theme_only:
            problems = problems or [str(p) for p in group_problems(group, store.all(Group), store.all(Teacher),
                                                                   store.policy())]
        if problems:
            self.show_message("\n".join(problems))
            return
        self.save(group)

    def save(self, group: Group) -> None:
        """Store the group and, when its weekly slot changed, move its future activities
        in the same transaction; a concurrent change opens the conflict dialog instead."""
        store, term = self.app.store, self.app.term
        moved = None
        changed = False
        try:
            with store.transaction() as tx:
                before = tx.get(Group, group.id) if group.id else None
                saved = tx.update(group) if group.id else tx.insert(group)
                changed = bool(before) and saved.active and slot_changed(before, saved)
                if term is not None and not is_archived(term) and changed:
                    moved = regenerate_group_activities(tx, saved, term, self.app.today)
        except ValidationFailed as error:
            self.show_message("\n".join(str(p) for p in error.problems))
            return
        except ConflictError as conflict:
            if not isinstance(conflict.mine, Group):
                # One of the group's activities changed while we moved it: nothing was saved.
                self.show_message(t("roster.error.conflict", message=str(conflict).rstrip("。.")))
                return
            self.resolve(group, conflict)
            return
        except JiaoyanError as error:  # the file, or PermissionDenied: its message says who may
            self.show_message(str(error))
            return
        self.app.notify(t("roster.saved", name=saved.name), markup=False)
        if moved is not None and (moved.added or moved.removed):
            key = "roster.group_form.regenerated" if saved.slot_weekday else "roster.group_form.regenerated_removed"
            self.app.notify(t(key, added=moved.added, removed=moved.removed), markup=False, timeout=8)
        if changed:
            from screens.calendar.later_terms import offer_later_terms

            offer_later_terms(self, saved, lambda: self.dismiss(saved.id))
            return
        self.dismiss(saved.id)

    def resolve(self, group: Group, conflict: ConflictError) -> None:
        """Someone saved the group meanwhile: show both versions, the user chooses."""
        theirs = conflict.theirs
        mine = rebase_edit(self.original, group, theirs)
        term = self.app.term
        if theirs is not None and term is not None and self.original is not None \
                and "themes" in edited_fields(self.original, group):
            # The theme of this term is mine; their themes of other terms stay.
            mine = mine.copy(themes=set_theme(theirs, term.term_id, group.themes.get(term.term_id, "")).themes)

        def keep_mine(record: Group) -> None:
            # From now on the form edits their version: a second conflict compares with it.
            self.original = theirs
            self.save(record)

        resolve_conflict(self.app, ConflictError(mine, theirs), labels=self.field_labels(), show=self.show_field,
                         save_mine=keep_mine, take_theirs=self.take_theirs)

    def take_theirs(self, theirs: Group | None) -> None:
        if theirs is None:
            self.app.notify(t("roster.error.saved_elsewhere_deleted"), severity="warning", markup=False)
            self.dismiss(None)
            return
        self.original = theirs
        self.fill(theirs)
        self.show_message(t("roster.conflict.taken_theirs"), warning=True)

    @staticmethod
    def field_labels() -> dict[str, str]:
        return {"name": t("field.group_name"), "kind": t("field.group_kind"),
                "parent_id": t("roster.group_form.parent"), "subject": t("roster.group_form.subject"),
                "grades": t("roster.column.grades"), "leader_id": t("roster.group.leader"),
                "member_ids": t("roster.field.member_ids"), "slot_weekday": t("roster.group_form.weekday"),
                "slot_period": t("roster.group_form.period"), "slot_place": t("roster.group_form.place"),
                "themes": t("roster.field.themes"), "active": t("roster.field.active")}

    def show_field(self, name: str, value) -> str:
        """A group's stored value as people read it: names, not ids."""
        store = self.app.store

        def teacher_name(teacher_id) -> str:
            teacher = store.get(Teacher, teacher_id) if teacher_id else None
            return teacher.name if teacher else "?"

        if name == "leader_id":
            return show_value(teacher_name(value) if value else "")
        if name == "member_ids":
            return show_value([teacher_name(i) for i in value or []])
        if name == "parent_id":
            parent = store.get(Group, value) if value else None
            return show_value(parent.name if parent else "")
        if name == "slot_weekday":
            return show_value(t(f"weekday.{value - 1}") if value else "")
        if name == "slot_period":
            return show_value(format_period(value, store.policy()) if value else "")
        if name == "kind" and value in GROUP_KINDS:
            return t(f"roster.group.kind.{value}")
        if name == "themes":
            return show_value([f"{term_display_name(k)}：{v}" for k, v in sorted((value or {}).items(), reverse=True)])
        return show_value(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
