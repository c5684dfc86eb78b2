"""A one-line field that picks from a short list: type the first letters (``tm`` →
推门课, ``d`` → 待改进) or move with the arrows. Faster than a drop-down on a slow SSH
link, and it never opens an overlay that could cover the rest of a small form."""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.events import Key
from textual.message import Message
from textual.widget import Widget

from models.pinyin import match_score
from screens.widgets.ordered_keys import KeysInOrder

TYPING_PAUSE = 1.0  # seconds after which a new letter starts a new search


class ChoiceField(KeysInOrder, Widget, can_focus=True):
    """Holds one of ``options`` (value, label); posts :class:`ChoiceField.Changed`.

    Letters, arrows and tab act the moment they arrive (screens/widgets/ordered_keys.py),
    so ``t⇥朗读…`` typed in one burst picks 推门课 and the text goes to the next field."""

    DEFAULT_CSS = """
    ChoiceField { height: 1; width: 1fr; background: $boost; }
    ChoiceField:focus { background: $primary 40%; }
    """
    BINDINGS = [
        Binding("left,up", "step(-1)", show=False),
        Binding("right,down", "step(1)", show=False),
        Binding("backspace,delete", "first", show=False),
    ]

    @dataclass
    class Changed(Message):
        field: "ChoiceField"
        value: str

        @property
        def control(self) -> "ChoiceField":
            return self.field

    def __init__(self, options: list[tuple[str, str]], value: str | None = None, *, hint: str = "",
                 id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._options = list(options)
        self._index = 0
        self._typed = ""
        self._typed_at = 0.0
        self.hint = hint
        if value is not None:
            self.value = value

    @property
    def options(self) -> list[tuple[str, str]]:
        return list(self._options)

    def set_options(self, options: list[tuple[str, str]], value: str | None = None) -> None:
        """Replace the list, keeping the current value when it is still there."""
        keep = self.value if value is None else value
        self._options = list(options)
        self._index = 0
        self.value = keep

    @property
    def value(self) -> str:
        return self._options[self._index][0] if self._options else ""

    @value.setter
    def value(self, value: str) -> None:
        for index, (option_value, _) in enumerate(self._options):
            if option_value == value:
                self._index = index
                break
        self.refresh()

    @property
    def label(self) -> str:
        return self._options[self._index][1] if self._options else ""

    def _choose(self, index: int) -> None:
        if not self._options:
            return
        index = max(0, min(len(self._options) - 1, index))
        if index != self._index:
            self._index = index
            self.refresh()
            self.post_message(self.Changed(self, self.value))

    def action_step(self, step: int) -> None:
        self._choose((self._index + step) % len(self._options) if self._options else 0)

    def action_first(self) -> None:
        self._choose(0)

    def on_key(self, event: Key) -> None:
        # Letters and Chinese characters search the labels; they are text for this
        # field, like typing in an Input, so they must not reach the app's keys.
        if self.type_now(event):
            event.stop()
            event.prevent_default()

    def type_now(self, event: Key) -> bool:
        """Search the labels with a typed letter; False for keys that are not letters."""
        character = event.character
        if not character or not character.isprintable() or character.isspace() or event.key.startswith("ctrl+"):
            return False
        if character.isdigit():
            return False  # no label starts with a digit: leave 1–5 to switch areas, as the footer says
        now = time.monotonic()
        typed = self._typed + character if now - self._typed_at < TYPING_PAUSE else character
        index = self._best(typed)
        if index is None and typed != character:
            typed, index = character, self._best(character)
        self._typed, self._typed_at = typed, now
        if index is not None:
            self._choose(index)
        return True

    def _best(self, typed: str) -> int | None:
        best, best_score = None, 0
        for index, (_, label) in enumerate(self._options):
            score = match_score(typed, label) if label else 0
            if score > best_score:
                best, best_score = index, score
        return best

    def render(self) -> Text:
        text = Text("‹ ", style="dim")
        text.append(self.label)
        text.append(" ›", style="dim")
        if self.has_focus and self.hint:
            text.append("  " + self.hint, style="dim italic")
        return text

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        # Reset here, not on focus: the focus event is read after a burst's first letters.
        self._typed = ""
        self.refresh()
