"""The few private parts of Textual jiaoyan relies on, because Textual has no public
way (each use carries a comment saying why). If an upgrade moves one, this fails first,
with its name, instead of a key or a footer going quietly wrong.

    grep -rnE "\\._[a-z]" screens tui   # every use; this list must name each Textual one
"""

from __future__ import annotations

import inspect

import textual
from textual import events
from textual.app import App
from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Footer, Input, TextArea


def test_textual_is_the_major_version_pyproject_allows():
    assert textual.__version__.split(".")[0] == "8"


def test_bindings_map_of_a_node():
    # screens/widgets/keys.py: translating and relabelling one instance's bindings.
    node = DOMNode()
    assert isinstance(node._bindings, BindingsMap)
    assert isinstance(node._bindings.key_to_bindings, dict)


def test_the_focused_widget_gets_keys_through_forward_event():
    # screens/widgets/ordered_keys.py: a key handled the moment the app hands it over.
    assert list(inspect.signature(Widget._forward_event).parameters) == ["self", "event"]
    key = events.Key("a", "a")
    assert not key.is_forwarded
    key._set_forwarded()
    assert key.is_forwarded


def test_typing_restarts_the_cursor_blink():
    # screens/widgets/ordered_keys.py: the cursor stays visible while keys arrive.
    for widget in (Input, TextArea):
        assert list(inspect.signature(widget._restart_blink).parameters) == ["self"]


def test_footer_key_widget_and_its_readiness_flag():
    # screens/widgets/fitted_footer.py: the footer's own key widget and compose guard.
    from textual.widgets._footer import FooterKey

    assert list(inspect.signature(FooterKey.__init__).parameters)[:5] == [
        "self", "key", "key_display", "description", "action"]
    assert hasattr(Footer(), "_bindings_ready")
    # and the widgets of a binding group (the area keys' compact group)
    from textual.widgets._footer import FooterLabel, KeyGroup  # noqa: F401


def test_the_app_hook_for_unhandled_errors():
    # tui/app.py: an unexpected error goes to the crash log, the user gets a sentence.
    assert list(inspect.signature(App._handle_exception).parameters) == ["self", "error"]


def test_the_palette_s_no_matches_line():
    # tui/palette.py: "No matches found" in the user's language.
    from textual.command import CommandPalette

    assert list(inspect.signature(CommandPalette._start_no_matches_countdown).parameters) == [
        "self", "search_value"]
    for name in ("_stop_no_matches_countdown", "_NO_MATCHES_COUNTDOWN", "_NO_MATCHES"):
        assert hasattr(CommandPalette, name), name


def test_line_breaking_goes_through_divide_line():
    # screens/widgets/kinsoku.py: no public way to keep 、，。 off the start of a line; it wraps
    # the function rich's Text and Textual's Content both call by this name.
    import rich.text
    import textual.content

    for module in (rich.text, textual.content):
        assert callable(module.divide_line), module.__name__
        assert "divide_line" in inspect.getsource(module).split("import divide_line", 1)[1], module.__name__


def test_a_screen_s_focus_is_a_reactive_that_repaints():
    # screens/widgets/focus_repaint.py turns its screen-wide repaint off through the flag
    # Reactive._set reads; the widgets gaining and losing focus repaint themselves.
    from textual.reactive import Reactive
    from textual.screen import Screen

    focused = Screen.focused
    assert isinstance(focused, Reactive)
    assert hasattr(focused, "_repaint")
    assert "self._repaint" in inspect.getsource(Reactive._set)
    assert "self.refresh()" in inspect.getsource(Widget._on_focus)
    assert "self.refresh()" in inspect.getsource(Widget._on_blur)


def test_a_stylesheet_reparses_through_parse_rules_in_a_fresh_stylesheet():
    # screens/widgets/kept_css.py: re-parses share what was parsed; its reparse is Textual's own
    # with the fresh stylesheet of its class.
    from textual.css.stylesheet import Stylesheet

    assert list(inspect.signature(Stylesheet._parse_rules).parameters) == [
        "self", "css", "read_from", "is_default_rules", "tie_breaker", "scope"]
    source = inspect.getsource(Stylesheet.reparse)
    assert "stylesheet = Stylesheet(variables=self._variables)" in source
    for name in ("self._rules = stylesheet.rules", "self._rules_map = None", "self.source = stylesheet.source",
                 "self._require_parse = False", "self._invalid_css.update(stylesheet._invalid_css)"):
        assert name in source, name
    assert isinstance(Stylesheet()._variables, dict)
    app = App()
    assert isinstance(app.stylesheet, Stylesheet) and not app.stylesheet.source  # no CSS read in __init__


def test_the_linux_driver_switches_mouse_reports_live():
    # tui/app.py action_toggle_mouse (ctrl+o; the mouse is off over SSH by default): no public way
    # to reach the driver or switch the mouse after App.run(mouse=...).
    from textual.driver import Driver
    from textual.drivers.linux_driver import LinuxDriver

    assert "self._driver" in inspect.getsource(App.__init__)
    assert "self._mouse = mouse" in inspect.getsource(Driver.__init__)
    for name in ("_enable_mouse_support", "_disable_mouse_support"):
        assert list(inspect.signature(getattr(LinuxDriver, name)).parameters) == ["self"], name
    # switching on writes nothing unless the flag is set first (the order tui/app.py keeps)
    assert "if not self._mouse" in inspect.getsource(LinuxDriver._enable_mouse_support)


def test_the_user_s_keymap_and_a_screen_class_s_merged_bindings():
    # tui/palette.py: the key the footer shows for an action, without making the screen.
    from textual.binding import Binding, BindingsMap
    from textual.screen import Screen

    app = App()
    app.set_keymap({"some.id": "f5,f6"})
    assert app._keymap == {"some.id": "f5,f6"}

    class Probe(Screen):
        BINDINGS = [Binding("x", "probe", "Probe", id="probe")]

    assert isinstance(Probe._merged_bindings, BindingsMap)
    assert [b.action for b in Probe._merged_bindings.key_to_bindings["x"]] == ["probe"]


def test_the_app_passes_a_resize_to_the_screen_through_check_resize():
    # tui/app.py: the size check runs after the screen in view was given the new size.
    assert list(inspect.signature(App._check_resize).parameters) == ["self"]
    assert "self._check_resize" in inspect.getsource(App._on_resize)


def test_the_palette_s_no_matches_state():
    # tui/palette.py repeats Textual's _start_no_matches_countdown with the catalog's sentence,
    # setting the two attributes Textual's own sets.
    from textual.command import CommandPalette

    source = inspect.getsource(CommandPalette._start_no_matches_countdown)
    assert "self._list_visible = True" in source and "self._no_matches_timer = self.set_timer(" in source


def test_a_textual_widget_class_s_bindings_are_merged_from_its_binding_list():
    # screens/widgets/fitted_footer.py word_textual_keys: an open Select's "esc Dismiss menu"
    # reworded on the class once, from the BINDINGS Textual wrote.
    from textual.widgets._select import SelectOverlay

    merged = SelectOverlay._merge_bindings()
    assert isinstance(merged, BindingsMap)
    assert [b.description for b in merged.key_to_bindings["escape"]] == ["Dismiss menu"]
    assert isinstance(SelectOverlay._merged_bindings, BindingsMap)
    assert "_merged_bindings" in inspect.getsource(DOMNode.__init__)


def test_a_screen_counts_the_css_updates_it_has_seen():
    # screens/observations/screen.py: a screen made while the app runs has seen the app's
    # CSS (Textual restyles the screen being left on a new screen's first showing if not).
    from textual.screen import Screen

    app = App()
    assert isinstance(app._css_update_count, int)
    assert Screen()._css_update_count == -1
    assert "_css_update_count != self._css_update_count" in inspect.getsource(App._init_mode)
