"""Choosing a group's members: type to filter (张, zhangsan, zs, 语文 …), space to tick,
ctrl+s to save. A teacher may be in several groups; leaving one group keeps its history
(activities keep their own attendance). Dismisses with the group's id, or None."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, SelectionList, Static

from models.i18n import t
from models.people import search_teachers
from models.records import Group, Teacher
from models.rosters import with_leader_as_member
from models.storage import ConflictError, DataFileError, ValidationFailed
from screens.rosters import CSS_FILE
from screens.widgets.keys import translate_bindings
from screens.widgets.teacher_field import teacher_choice_label


class MemberPicker(ModalScreen[int | None]):
    CSS_PATH = CSS_FILE
    DEFAULT_CLASSES = "roster-modal"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="member_picker.save"),
        Binding("escape", "cancel", "roster.key.cancel", id="member_picker.cancel"),
        Binding("slash", "search", "key.search", id="member_picker.search"),
        Binding("down", "focus_list", show=False),
    ]

    def __init__(self, group_id: int):
        super().__init__()
        translate_bindings(self)
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
            yield SelectionList(id="picker-list", compact=True)
            yield Static(id="picker-status")
        yield Footer()

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
        store = self.app.store
        group = store.get(Group, self.group_id)
        if group is None:
            self.dismiss(None)
            return
        if self.group is not None and group.version != self.group.version:
            self.notify(t("roster.picker.changed"), severity="warning", markup=False)
        updated = with_leader_as_member(group.copy(member_ids=list(self.chosen)))
        try:
            with store.transaction() as tx:
                tx.update(updated)
        except (ValidationFailed, ConflictError, DataFileError) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.app.notify(t("roster.picker.saved", name=group.name, count=len(updated.member_ids)), markup=False)
        self.dismiss(group.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
