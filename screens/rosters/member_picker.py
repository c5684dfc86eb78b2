"""Choosing a group's members: type to filter (张, zhangsan, zs, 语文 …), space to tick,
ctrl+s to save. A teacher may be in several groups; leaving one group keeps its history
(activities keep their own attendance). Dismisses with the group's id, or None.

The members are saved on the version of the group the picker opened. If someone else
changed the group's members meanwhile, saving shows both lists (screens/widgets/conflict.py);
if they changed only other fields (say the theme), the members are saved on their version
and their change stays."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, SelectionList, Static

from models.store.audit import show_value
from models.i18n import t
from models.people import search_teachers
from models.records import Group, Teacher
from models.rosters import with_leader_as_member
from models.errors import JiaoyanError
from models.store.storage import ConflictError
from screens.dialogs.conflict import resolve_conflict
from screens.widgets.teacher_field import teacher_choice_label
from screens.dialogs.base import Dialog
from screens.widgets.ticks import TickList
from screens.widgets.fitted_footer import FittedFooter


class MemberPicker(Dialog[int | None]):
    CSS_PATH = "rosters.tcss"
    DEFAULT_CLASSES = "roster-modal"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="member_picker.save"),
        Binding("escape", "cancel", "roster.key.cancel", id="member_picker.cancel"),
        Binding("slash", "search", "key.search", id="member_picker.search"),
        Binding("down", "focus_list", show=False),
    ]

    def __init__(self, group_id: int):
        super().__init__()
        self.group_id = group_id
        self.group: Group | None = None
        self.chosen: list[int] = []

    def compose(self) -> ComposeResult:
        self.group = self.app.store.get(Group, self.group_id)
        self.chosen = list(self.group.member_ids) if self.group else []
        with Vertical(classes="dialog"):
            name = self.group.name if self.group else ""
            yield Static(Text(t("roster.picker.title", name=name)), classes="title")
            yield Input(placeholder=t("roster.picker.placeholder"), id="picker-filter", compact=True)
            yield TickList(id="picker-list", compact=True)
            yield Static(id="picker-status")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.fill()
        self.query_one("#picker-filter", Input).focus()

    def candidates(self) -> list[Teacher]:
        """Active teachers, and current members who have left (so they can be taken off)."""
        query = self.query_one("#picker-filter", Input).value.strip()
        teachers = [x for x in self.app.store.all(Teacher) if x.active or x.id in self.chosen]
        if query:
            return search_teachers(teachers, query, groups=self.app.store.all(Group), include_inactive=True)
        # Members first, so the list opens on who is in the group.
        return sorted(teachers, key=lambda x: (x.id not in self.chosen, x.id))

    def fill(self) -> None:
        selection = self.query_one("#picker-list", SelectionList)
        selection.clear_options()
        selection.add_options([(teacher_choice_label(x), x.id, x.id in self.chosen) for x in self.candidates()])
        if selection.option_count:
            selection.highlighted = 0
        self.update_status()

    def update_status(self) -> None:
        teachers = {x.id: x for x in self.app.store.all(Teacher)}
        names = "、".join(teachers[i].name for i in self.chosen if i in teachers)
        status = Text(t("roster.picker.count", count=len(self.chosen)) + "  ")
        status.append(names, style="dim")
        status.truncate(max(20, self.size.width - 4) if self.size.width else 74)
        self.query_one("#picker-status", Static).update(status)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_focus_list()

    def action_focus_list(self) -> None:
        self.query_one("#picker-list", SelectionList).focus()

    def action_search(self) -> None:
        self.query_one("#picker-filter", Input).focus()

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        event.stop()
        teacher_id = event.selection.value
        if teacher_id in self.chosen:
            self.chosen.remove(teacher_id)
        else:
            self.chosen.append(teacher_id)
        self.update_status()

    def action_save(self) -> None:
        if self.group is None or self.app.store.get(Group, self.group_id) is None:
            self.app.notify(t("roster.error.saved_elsewhere_deleted"), severity="warning", markup=False)
            self.dismiss(None)
            return
        # On the version the picker opened: a change made meanwhile is a conflict, not overwritten.
        self.save(with_leader_as_member(self.group.copy(member_ids=list(self.chosen))))

    def save(self, group: Group) -> None:
        try:
            with self.app.store.transaction() as tx:
                saved = tx.update(group) if group.id else tx.insert(group)
        except ConflictError as conflict:
            self.resolve(group, conflict)
            return
        except JiaoyanError as error:  # PermissionDenied: says who may
            self.notify(str(error), severity="error", markup=False)
            return
        self.app.notify(t("roster.picker.saved", name=saved.name, count=len(saved.member_ids)), markup=False)
        self.dismiss(saved.id)

    def resolve(self, group: Group, conflict: ConflictError) -> None:
        theirs = conflict.theirs
        opened = self.group
        if theirs is not None and opened is not None and theirs.member_ids == opened.member_ids \
                and theirs.leader_id == opened.leader_id:
            # They changed something else (the theme, the slot …): my members on their version.
            self.notify(t("roster.picker.changed"), severity="warning", markup=False)
            self.group = theirs
            self.save(with_leader_as_member(theirs.copy(member_ids=list(group.member_ids))))
            return
        mine = theirs.copy(member_ids=list(group.member_ids)) if theirs is not None else group

        def keep_mine(record: Group) -> None:
            self.group = theirs
            self.save(with_leader_as_member(record))

        opened_ids = list(opened.member_ids) if opened is not None else []
        resolve_conflict(self.app, ConflictError(mine, theirs), labels={"member_ids": t("roster.field.member_ids")},
                         show=lambda name, value: self.show_field(name, value, opened_ids),
                         save_mine=keep_mine, take_theirs=self.take_theirs)

    def take_theirs(self, theirs: Group | None) -> None:
        if theirs is None:
            self.app.notify(t("roster.error.saved_elsewhere_deleted"), severity="warning", markup=False)
            self.dismiss(None)
            return
        self.group = theirs
        self.chosen = list(theirs.member_ids)
        self.fill()

    def show_field(self, name: str, value, opened_ids: list[int]) -> str:
        """Members as who joined (+) and who left (−) since the picker opened: a whole
        list of names would not fit, and the change is what the user must judge."""
        if name != "member_ids":
            return show_value(value)
        names = {x.id: x.name for x in self.app.store.all(Teacher)}
        members = list(value or [])
        changes = [f"+{names.get(i, '?')}" for i in members if i not in opened_ids]
        changes += [f"−{names.get(i, '?')}" for i in opened_ids if i not in members]
        text = " ".join(changes) or t("roster.picker.unchanged")
        return text + t("roster.picker.total", count=len(members))

    def action_cancel(self) -> None:
        self.dismiss(None)
