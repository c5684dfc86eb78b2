"""The base of every modal dialog and form: a box in the middle of the screen.

It carries the dialog CSS they share and translates their key bindings once (their
descriptions are message keys, models/i18n/). A dialog composes one box (a
``Vertical`` or ``VerticalScroll``) and says in its own CSS only what differs: the
width, and a border or background other than the usual ones.
"""

from __future__ import annotations

from textual.screen import ModalScreen, ScreenResultType

from screens.widgets.keys import translate_bindings


class Dialog(ModalScreen[ScreenResultType]):
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical, Dialog > VerticalScroll {
        max-width: 100%; height: auto; border: round $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        translate_bindings(self)
