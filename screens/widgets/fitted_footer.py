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

import dataclasses

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

from models.i18n import t

# Textual's own key descriptions, said in the user's language.
HELP_ACTION = "help"  # the app's F1 (tui/app.py)

TEXTUAL_DESCRIPTIONS = {"Dismiss menu": "key.builtin.dismiss_menu",
                        "Exit the command palette": "key.builtin.exit_palette"}


def described(description: str) -> str:
    key = TEXTUAL_DESCRIPTIONS.get(description)
    return t(key) if key else description


def word_textual_keys(*classes: type) -> None:
    """Textual's own widgets (an open Select's ``esc Dismiss menu``, the palette's ``esc``)
    show their keys in the user's language in every footer, Textual's plain ``Footer`` too.

    Private Textual API, because a Textual widget's bindings have no public way to be
    reworded: ``_merge_bindings`` reads the class's own ``BINDINGS`` (left as Textual wrote
    them, so the next session may choose another language) and ``_merged_bindings`` is what
    each new instance copies. tests/unit/test_textual_private.py fails if either moves."""
    from textual.binding import BindingsMap
    from textual.widgets._select import SelectOverlay

    for cls in (SelectOverlay, *classes):
        merged = cls._merge_bindings()
        cls._merged_bindings = BindingsMap.from_keys({
            key: [dataclasses.replace(b, description=described(b.description)) for b in bindings]
            for key, bindings in merged.key_to_bindings.items()})


class PlainFooterKey(FooterKey):
    """A footer key that is never compact. Textual's key starts compact and is switched back
    through a data binding: two style updates per key, each time the footer is rebuilt."""

    compact = reactive(False, init=False)


class FittedKeys(Horizontal):
    """The box of a screen's keys. A key the box cuts would show only its letter (a lone
    ``f`` with no word), so a key that does not fit whole is not shown, nor any after it;
    F1 lists them all. Laid out first, then fitted: only the layout knows the widths."""

    def on_resize(self) -> None:
        hidden = [key for key in self.children if not key.display]
        for key in hidden:  # wider now: lay them out again before fitting
            key.display = True
        if hidden:
            self.call_after_refresh(self._hide_cut_keys)
        else:
            self._hide_cut_keys()

    def _hide_cut_keys(self) -> None:
        right = self.content_region.right
        keys = list(self.children)
        first_cut = next((n for n, key in enumerate(keys) if key.region.right > right), len(keys))
        if first_cut < len(keys) and isinstance(keys[first_cut], FooterLabel) and first_cut:
            first_cut -= 1  # the area digits go with their word 区域, or not at all
        for key in keys[first_cut:]:
            key.display = False


class FittedFooter(Footer):
    DEFAULT_CSS = """
    FittedFooter > .footer-keys { width: 1fr; height: 1; overflow: hidden hidden; }
    """

    _shown_keys: tuple = ()

    def bindings_changed(self, screen: Screen) -> None:
        # Textual rebuilds the footer on every focus change; most change nothing it shows
        # (ten rebuilds while the first screen mounts), so rebuild only when the keys differ.
        if self._bindings_ready and screen is self.screen and self._keys_to_show() == self._shown_keys:
            return
        super().bindings_changed(screen)

    def _keys_to_show(self) -> tuple:
        return tuple((binding.key, binding.action, binding.description, binding.show, enabled, tooltip)
                     for _node, binding, enabled, tooltip in self.screen.active_bindings.values())

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._shown_keys = self._keys_to_show()
        active_bindings = self.screen.active_bindings
        seen_actions: set[str] = set()
        shown = []
        for _node, binding, enabled, tooltip in active_bindings.values():
            if not binding.show or binding.action in seen_actions:
                continue
            seen_actions.add(binding.action)  # one key per action, as Footer shows them
            shown.append((binding, enabled, tooltip))
        areas = sorted((item for item in shown if item[0].action.startswith("area(")), key=lambda item: item[0].key)
        # F1 lists every key in force, so it must never be the key that is clipped: it
        # stands after the box, just left of the palette key.
        pinned = [item for item in shown if item[0].action == HELP_ACTION]
        with FittedKeys(classes="footer-keys"):
            for binding, enabled, tooltip in shown:
                if binding.action == HELP_ACTION:
                    continue
                if binding.action.startswith("area("):
                    if areas:  # the group stands where the first area key would
                        yield from self._area_group(areas)
                        areas = []
                else:
                    yield PlainFooterKey(binding.key, self.app.get_key_display(binding),
                                         described(binding.description), binding.action,
                                         disabled=not enabled, tooltip=tooltip)
        for binding, enabled, tooltip in pinned:
            yield PlainFooterKey(binding.key, self.app.get_key_display(binding), described(binding.description),
                                 binding.action, disabled=not enabled, tooltip=tooltip, classes="-pinned")
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                _node, binding, enabled, tooltip = palette
                yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description,
                                binding.action, classes="-command-palette", disabled=not enabled,
                                tooltip=binding.tooltip or binding.description)  # compact, as Footer's

    def _area_group(self, areas) -> ComposeResult:
        with KeyGroup(classes="-compact"):
            for binding, enabled, tooltip in areas:
                yield PlainFooterKey(binding.key, self.app.get_key_display(binding), "", binding.action,
                                     disabled=not enabled, tooltip=tooltip or binding.description,
                                     classes="-grouped")
        yield FooterLabel(t("key.areas"))
