"""F1: every key of the app and of the area you are in."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from models.i18n import t
from screens.dialogs.base import Dialog


# Textual's own keys (focus, copy, quit) carry English descriptions; say them in the
# user's language, and show each action once (super+c is ctrl+c on a Mac).
BUILTIN_DESCRIPTIONS = {
    "app.focus_next": "help.builtin.focus_next",
    "app.focus_previous": "help.builtin.focus_previous",
    "screen.copy_text": "help.builtin.copy_text",
    "copy_text": "help.builtin.copy_text",
    "quit": "help.builtin.quit",
}


class HelpScreen(Dialog[None]):
    """Lists the keys of the app and of the screen underneath, read from their bindings."""

    BINDINGS = [
        Binding("escape", "dismiss", "key.close", id="help.close"),
        Binding("f1", "dismiss", "key.close", show=False),
        Binding("q", "dismiss", "key.close", show=False),
    ]

    CSS_PATH = "dialogs.tcss"

    def __init__(self, sections: list[tuple[str, list[Binding]]]):
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        text = Text()
        text.append(t("help.title") + "\n", style="bold")
        for title, bindings in self.sections:
            text.append("\n" + title + "\n", style="bold underline")
            seen: set[str] = set()
            for binding in bindings:
                if binding.action in seen:
                    continue
                seen.add(binding.action)
                key = self.app.get_key_display(binding)
                description = binding.description
                if binding.action in BUILTIN_DESCRIPTIONS:
                    description = t(BUILTIN_DESCRIPTIONS[binding.action])
                text.append(f"  {key:<10}", style="bold")
                text.append(description + "\n")
        text.append("\n" + t("help.footer"))
        with VerticalScroll():
            yield Static(text, id="help-text")

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)
