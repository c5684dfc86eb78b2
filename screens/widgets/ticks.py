"""Check boxes that read without colour: ticked ``▐✔▌``, not ticked ``▐ ▌``.

Textual draws ``▐X▌`` for both and tells them apart by colour only, which a monochrome
terminal, a colour-blind teacher or an old PuTTY with 16 colours loses (issue 19). These
keep Textual's look and put the tick in the box only when it is ticked.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import SelectionType

TICKED = "✔"
UNTICKED = " "


class TickBox(Checkbox):
    """A Checkbox whose box shows ✔ when ticked and stays empty when not."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual's name for the box's inside
        return TICKED if self.value else UNTICKED


class TickList(SelectionList[SelectionType]):
    """A SelectionList whose boxes show ✔ on the chosen lines and stay empty on the rest."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        _, scroll_y = self.scroll_offset
        try:
            selection = self.get_option_at_index(scroll_y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        if len(segments) < 3:
            return strip
        # SelectionList draws [BUTTON_LEFT, BUTTON_INNER, BUTTON_RIGHT, " ", *prompt].
        inner = segments[1]
        segments[1] = Segment(TICKED if selection.value in self.selected else UNTICKED, inner.style,
                              inner.control)
        return Strip(segments, strip.cell_length)
