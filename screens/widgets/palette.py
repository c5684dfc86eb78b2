"""The command palette, with Textual's own words in the user's language."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from models.i18n import t


class Palette(CommandPalette):
    """Textual's palette; "No matches found" is said in the user's language."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # As Textual's own (textual/command.py), with the catalog's sentence.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(t("textual.no_matches"), style="not bold")), disabled=True,
                           id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
