"""A footer whose keys stop at the command-palette key instead of running under it.

Textual's Footer lays its keys out in one scrolling row and docks the palette key
(``^p 命令``) on the right, over that row. When the keys are wider than the terminal
(the app's 1-5, F1, F2 and q come after the screen's own keys), a Chinese label that
straddles the palette key's edge garbles it at 80 columns. Here the keys sit in a
box that ends where the palette key begins and clips what does not fit, so the
palette key always reads whole; F1 lists every key in force anyway.

Private Textual API, because Footer offers no public way to lay out its keys:
``FooterKey``, ``KeyGroup`` and ``FooterLabel`` (not exported from ``textual.widgets``) are
the widgets Footer itself composes for keys and for binding groups, and
``Footer._bindings_ready`` is what its own ``compose`` waits for.

The keys that open an area (1–8 and 0 我的) are the same on every screen and would take
half of an 80-column footer, cutting off the screen's own keys; they show as one
compact group, ``012345678 区域``, the way Textual shows a binding group (each digit
still clickable, its area named in its tooltip).
tests/unit/test_textual_private.py fails if a Textual upgrade moves either.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

from models.i18n import t

# Textual's own key descriptions, said in the user's language.
TEXTUAL_DESCRIPTIONS = {"Dismiss menu": "key.builtin.dismiss_menu",
                        "Exit the command palette": "key.builtin.exit_palette"}


def described(description: str) -> str:
    key = TEXTUAL_DESCRIPTIONS.get(description)
    return t(key) if key else description


class FittedFooter(Footer):
    DEFAULT_CSS = """
    FittedFooter > .footer-keys { width: 1fr; height: 1; overflow: hidden hidden; }
    """

    def _keys_in_force(self) -> tuple[list, tuple | None]:
        """The keys to show (binding, enabled, tooltip) and the palette key, if any."""
        active_bindings = self.screen.active_bindings
        seen_actions: set[str] = set()
        shown = []
        for _node, binding, enabled, tooltip in active_bindings.values():
            if not binding.show or binding.action in seen_actions:
                continue
            seen_actions.add(binding.action)  # one key per action, as Footer shows them
            shown.append((binding, enabled, tooltip))
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        return shown, palette

    def _looks(self, shown: list, palette: tuple | None) -> tuple:
        """What the footer would show: equal looks need no new widgets."""
        keys = tuple((b.key, b.action, b.description, enabled, tooltip) for b, enabled, tooltip in shown)
        if palette is not None:
            _node, binding, enabled, _tooltip = palette
            keys += (("palette", binding.key, binding.description, enabled),)
        return keys

    async def recompose(self) -> None:
        # Footer rebuilds its keys each time the screen's bindings may have changed (a row
        # highlighted, the focus moved): a dozen times on a screen's first visit, each
        # mounting and styling twenty widgets. Rebuild only when the keys differ.
        if self.is_attached and self._bindings_ready and self.children:
            if self._looks(*self._keys_in_force()) == getattr(self, "_shown_looks", None):
                return
        await super().recompose()

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        shown, palette = self._keys_in_force()
        self._shown_looks = self._looks(shown, palette)
        areas = sorted((item for item in shown if item[0].action.startswith("area(")), key=lambda item: item[0].key)
        with Horizontal(classes="footer-keys"):
            for binding, enabled, tooltip in shown:
                if binding.action.startswith("area("):
                    if areas:  # the group stands where the first area key would
                        yield from self._area_group(areas)
                        areas = []
                else:
                    yield FooterKey(binding.key, self.app.get_key_display(binding), described(binding.description),
                                    binding.action, disabled=not enabled,
                                    tooltip=tooltip).data_bind(compact=Footer.compact)
        if palette is not None:
            _node, binding, enabled, tooltip = palette
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description,
                            binding.action, classes="-command-palette", disabled=not enabled,
                            tooltip=binding.tooltip or binding.description)

    def _area_group(self, areas) -> ComposeResult:
        with KeyGroup(classes="-compact"):
            for binding, enabled, tooltip in areas:
                yield FooterKey(binding.key, self.app.get_key_display(binding), "", binding.action,
                                disabled=not enabled, tooltip=tooltip or binding.description,
                                classes="-grouped").data_bind(compact=Footer.compact)
        yield FooterLabel(t("key.areas"))
