"""A teacher field that completes as you type: 张, zhangsan or zs all find 张三."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from models.people import search_teachers
from models.records import Group, Teacher

MAX_MATCHES = 6


def teacher_choice_label(teacher: Teacher) -> Text:
    """``张三  语文 4年级`` — subject and grade tell namesakes apart."""
    label = Text(teacher.name)
    detail = " ".join([*teacher.subjects[:2], *teacher.grades[:2]])
    if detail:
        label.append("  " + detail, style="dim")
    if not teacher.active:
        label.append("  (停用)", style="dim")
    return label


class TeacherField(Widget):
    """An Input with a short list of matches under it; enter takes the highlighted
    (by default the top) match, up and down move through them."""

    DEFAULT_CSS = """
    TeacherField { height: auto; }
    TeacherField > OptionList { height: auto; max-height: 7; display: none; border: none; padding: 0; }
    TeacherField.-open > OptionList { display: block; }
    """
    BINDINGS = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    @dataclass
    class Picked(Message):
        field: "TeacherField"
        teacher: Teacher | None

        @property
        def control(self) -> "TeacherField":
            return self.field

    def __init__(self, teachers: Callable[[], list[Teacher]], *, groups: Callable[[], list[Group]] | None = None,
                 placeholder: str = "", advance: bool = True, id: str | None = None,
                 classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._teachers = teachers
        self._groups = groups or (lambda: [])
        self._placeholder = placeholder
        self.advance = advance
        self.teacher: Teacher | None = None
        self._matches: list[Teacher] = []

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self._placeholder)
        # The matches are driven from the input (up/down, enter); tab must skip them.
        matches = OptionList()
        matches.can_focus = False
        yield matches

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    def focus(self, scroll_visible: bool = True) -> "TeacherField":
        self.input.focus(scroll_visible)
        return self

    def set_teacher(self, teacher: Teacher | None) -> None:
        """Show a teacher as chosen (e.g. when a form opens with a default)."""
        self.teacher = teacher
        with self.input.prevent(Input.Changed):
            self.input.value = teacher.name if teacher else ""
        self._close()

    def matches(self, query: str) -> list[Teacher]:
        return search_teachers(self._teachers(), query, groups=self._groups())[:MAX_MATCHES]

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.teacher is not None and event.value == self.teacher.name:
            return
        self.teacher = None
        query = event.value.strip()
        options = self.query_one(OptionList)
        options.clear_options()
        self._matches = self.matches(query) if query else []
        if not self._matches:
            self._close()
            return
        options.add_options([Option(teacher_choice_label(t), id=str(t.id)) for t in self._matches])
        options.highlighted = 0
        self.add_class("-open")

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self.has_class("-open") or not self._matches:
            if step > 0:
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self._matches) - 1, current + step))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.pick_highlighted()

    def pick_highlighted(self) -> Teacher | None:
        """Take the highlighted match (the top one unless the user moved)."""
        if self.teacher is not None and self.input.value == self.teacher.name:
            chosen = self.teacher
        elif self._matches:
            index = self.query_one(OptionList).highlighted or 0
            chosen = self._matches[min(index, len(self._matches) - 1)]
        else:
            query = self.input.value.strip()
            found = self.matches(query) if query else []
            chosen = found[0] if found else None
        if chosen is not None:
            self.set_teacher(chosen)
            if self.advance:
                self.screen.focus_next()
        self.post_message(self.Picked(self, chosen))
        return chosen

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = next((t for t in self._matches if str(t.id) == event.option.id), None)
        if chosen:
            self.set_teacher(chosen)
            self.post_message(self.Picked(self, chosen))

    def _close(self) -> None:
        self.remove_class("-open")

    def on_descendant_blur(self) -> None:
        # Leaving the field takes the top match, so typing "zs" and tab works like enter.
        if self.teacher is None and self.input.value.strip():
            found = self.matches(self.input.value.strip())
            if found:
                self.set_teacher(found[0])
                self.post_message(self.Picked(self, found[0]))
        self._close()
