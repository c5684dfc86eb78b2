"""Moving the focus repaints the widgets concerned, not the whole screen.

Textual's ``Screen.focused`` is a reactive with repaint on, so every Tab in a form (and
taking a teacher match, which moves on to the date) redrew all 24 lines: 6–7 KB each
through SSH, twice as much when the form also changed (bench/keystroke_bytes.py). The
widget that loses the focus and the one that gains it repaint themselves
(``Widget._on_blur`` / ``_on_focus``), and Textual updates the ``:focus`` and
``:focus-within`` styles of what they concern (``Screen._update_focus_styles``); the
screen's own repaint draws nothing new.

Private Textual API: a reactive's ``_repaint`` flag; there is no public way to change a
built-in reactive's options. tests/unit/test_textual_private.py pins it.
"""

from __future__ import annotations

from textual.screen import Screen


def install() -> None:
    """Turn the screen-wide repaint on focus changes off (idempotent)."""
    Screen.focused._repaint = False
