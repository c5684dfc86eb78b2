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
    # The one screen that keeps DEFAULT_CSS (tests/unit/test_style_rules.py): Textual gathers
    # DEFAULT_CSS over the bases, so every dialog in every area package gets these rules with
    # no file to name, whereas a subclass's CSS_PATH replaces its base's and a relative one is
    # resolved next to the subclass's module. Being default CSS, these rules also always yield
    # to each dialog's own (its area's .tcss): a dialog's width or border wins as before.
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical, Dialog > VerticalScroll {
        max-width: 100%; height: auto; border: round $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        translate_bindings(self)
