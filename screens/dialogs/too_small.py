"""Shown over everything while the terminal is smaller than the 80×24 the app is laid out for."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import ModalScreen
from textual.widgets import Static

from models.i18n import t

MIN_WIDTH, MIN_HEIGHT = 80, 24


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallScreen(ModalScreen[None]):
    """Says the size needed and the size now; goes away by itself when the window grows."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [("q", "app.quit", "")]

    def compose(self) -> ComposeResult:
        with Middle():
            with Center():
                yield Static(id="too-small")

    def on_mount(self) -> None:
        self.update_size()

    def on_resize(self) -> None:
        self.update_size()

    def update_size(self) -> None:
        width, height = self.app.size
        text = Text(t("shell.too_small.title", width=MIN_WIDTH, height=MIN_HEIGHT), style="bold")
        text.append("\n" + t("shell.too_small.now", width=width, height=height))
        text.append("\n" + t("shell.too_small.hint"), style="dim")
        self.query_one("#too-small", Static).update(text)
