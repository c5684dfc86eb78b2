"""Pick one group (or all of them) from a short list: enter takes it, escape cancels."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from models.i18n import t
from models.records import Group
from screens.dialogs.base import Dialog


class GroupPicker(Dialog[int | None]):
    """Dismisses with the group's id, 0 for "all groups", None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "key.back", id="group_picker.cancel")]
    CSS_PATH = "calendar.tcss"

    def __init__(self, groups: list[Group], title: str):
        super().__init__()
        self.groups = groups
        self.title_text = title

    def compose(self) -> ComposeResult:
        options = [Option(Text(t("calendar.all_groups")), id="0")]
        options += [Option(Text(g.name), id=str(g.id)) for g in self.groups]
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield OptionList(*options, id="group-picker-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)
