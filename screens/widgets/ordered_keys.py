"""Form fields that keep up with a burst of keys, as they arrive over a slow SSH link.

Why this exists: Textual hands each key to the focused widget's own message queue
and handles enter, tab and the other bound keys later, when the key has bubbled back
up to the app. Over SSH a fast typist's keys often arrive in one packet
(``zm⏎⏎3⏎秋天的雨⏎…``): all of them are queued to the teacher field before its first
enter moves the focus, so the period, the topic and the rest land in the teacher field.

The fields here act on a key at the moment the app hands it over (the app does that
one key at a time, in order): a letter goes into the field, enter and tab move the
focus, a key bound on the field (backspace, arrows …) runs its action — all before
the next key is looked at, so the next key goes to the field that now has the focus.
Keys the field does not know (escape, F1, the area digits of a choice field …) take
Textual's ordinary way.

Private Textual API, because there is no public way (tests/unit/test_textual_private.py
pins each; tests/functional/test_observations_form.py sends a whole burst without
pauses and fails if a Textual upgrade changes the behaviour):

* ``Widget._forward_event`` is the one place the app gives a key to the focused
  widget, before its message queue; ``Key._set_forwarded`` marks the key as handled
  there, as Textual itself does, so it is not handled twice.
* ``Input._restart_blink`` / ``TextArea._restart_blink`` keep the cursor visible while
  typing, as Textual's own key handlers do (no public method restarts the blink).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from textual import events
from textual.actions import ActionError, parse
from textual.screen import Screen
from textual.app import ComposeResult
from textual.widgets import Input, OptionList, TextArea
from textual.widgets.option_list import Option

from models.records import Teacher
from screens.widgets.keys import bindings_of
from screens.widgets.teacher_field import TeacherField, teacher_choice_label


class KeysInOrder:
    """Mixin for a focusable widget: handle each key as soon as the app hands it over.

    Subclasses put text in with :meth:`type_now` and may change what enter does
    with :meth:`enter_now`; both return True when they took the key."""

    def _forward_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and self.key_now(event):
            event._set_forwarded()
            return
        super()._forward_event(event)  # type: ignore[misc]

    def key_now(self, event: events.Key) -> bool:
        if event.key in ("tab", "shift+tab"):
            self.leave_now()
            if event.key == "tab":
                self.screen.focus_next()  # type: ignore[attr-defined]
            else:
                self.screen.focus_previous()  # type: ignore[attr-defined]
            return True
        if event.key == "enter" and self.enter_now():
            return True
        if self.type_now(event):
            return True
        return self.binding_now(event)

    def enter_now(self) -> bool:
        return False

    def leave_now(self) -> None:
        """Tab is leaving the field: finish what must be done before the next field."""

    def type_now(self, event: events.Key) -> bool:
        return False

    def binding_now(self, event: events.Key) -> bool:
        """Run the action bound to this key on this widget or a container around it
        (not the screen's or the app's: those do not depend on which field has the key)."""
        node = self
        while node is not None and not isinstance(node, Screen):
            for key in event.aliases:
                for binding in bindings_of(node, key):
                    try:
                        namespace, name, params = parse(binding.action)
                    except ActionError:
                        return False
                    method = getattr(node, f"action_{name}", None)
                    if namespace or method is None or inspect.iscoroutinefunction(method):
                        return False  # an action that must be awaited: Textual's own way
                    if node.check_action(name, params) is False:
                        continue
                    method(*params)
                    return True
            node = node.parent
        return False


class OrderedInput(KeysInOrder, Input):
    """An Input whose enter moves on to the next field at once (or calls ``on_enter``)."""

    def __init__(self, *args, on_enter: Callable[[], None] | None = None,
                 on_leave: Callable[[], None] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_enter = on_enter
        self.on_leave = on_leave

    def leave_now(self) -> None:
        if self.on_leave is not None:
            self.on_leave()

    def enter_now(self) -> bool:
        if self.on_enter is not None:
            self.on_enter()
        else:
            self.screen.focus_next()
        return True

    def type_now(self, event: events.Key) -> bool:
        if not event.is_printable or event.character is None:
            return False
        self._restart_blink()
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(event.character)
        else:
            self.replace(event.character, *selection)
        return True


class OrderedTextArea(KeysInOrder, TextArea):
    """A TextArea that takes letters, enter (a new line) and tab (the next field) in order."""

    def enter_now(self) -> bool:
        return False  # enter is a new line: typed below

    def type_now(self, event: events.Key) -> bool:
        if self.read_only:
            return False
        if event.key == "enter":
            text = "\n"
        elif event.is_printable and event.character is not None:
            text = event.character
        else:
            return False
        self._restart_blink()
        start, end = self.selection
        self.replace(text, start, end, maintain_selection_offset=False)  # as TextArea does for a typed key
        return True


class OrderedTeacherField(TeacherField):
    """A TeacherField whose enter takes the top match of what is typed *now* and moves on
    before the next key is read. The list under the field is drawn a moment later; when
    it still shows the matches of fewer letters (``z`` of ``zm``), it is brought up to
    date first, so the pick is the one the user would have seen."""

    def __init__(self, *args, on_pick: Callable[[Teacher], None] | None = None, **kwargs):
        """``on_pick`` is called at once with the teacher enter took (the Picked message
        follows as usual), so a form can fill what depends on the teacher before a
        ctrl+s later in the same burst saves it."""
        super().__init__(*args, **kwargs)
        self._matches_for = ""
        self.on_pick = on_pick

    def compose(self) -> ComposeResult:
        yield OrderedInput(placeholder=self._placeholder, on_enter=self.pick_now, on_leave=self.take_top_now)
        matches = OptionList()
        matches.can_focus = False
        yield matches

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value != self.input.value:
            return  # an earlier letter's change, read after later ones: the field moved on
        if self.teacher is not None and event.value == self.teacher.name:
            return
        self.teacher = None
        self._show_matches(event.value.strip())

    def _show_matches(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        self._matches_for = query
        self._matches = self.matches(query) if query else []
        if not self._matches:
            self._close()
            return
        options.add_options([Option(teacher_choice_label(x), id=str(x.id)) for x in self._matches])
        options.highlighted = 0
        self.add_class("-open")

    def pick_now(self) -> None:
        typed = self.input.value.strip()
        chosen_already = self.teacher is not None and self.input.value == self.teacher.name
        if not chosen_already and typed != self._matches_for:
            self.teacher = None
            self._show_matches(typed)
        chosen = self.pick_highlighted()
        if chosen is not None and self.on_pick is not None:
            self.on_pick(chosen)

    def take_top_now(self) -> None:
        """Tab takes the top match, like leaving the field does, but before the next key."""
        typed = self.input.value.strip()
        if self.teacher is not None or not typed:
            return
        found = self.matches(typed)
        if found:
            self.set_teacher(found[0])
            self.post_message(self.Picked(self, found[0]))
            if self.on_pick is not None:
                self.on_pick(found[0])


FOCUS_ACTIONS = {"tab": ("app.focus_next", "focus_next"), "shift+tab": ("app.focus_previous", "focus_previous")}


def tab_now(screen: Screen, event: events.Key) -> bool:
    """Move the focus for a tab the moment the app reads it, in any form; True if it did.

    The fields above handle their own keys in order; every other form's plain Input, TextArea
    or Select (a level, a kind) would still take the letters typed after a tab in the same
    burst (``标题⇥编号``: both in the title; ``⇥zhangmin`` after a list: a search in the list),
    because Textual moves the focus only once the tab has gone through the field's queue. The app calls this before it forwards a key (tui/app.py on_event).
    Only when tab would do what Textual's screen binding does anyway (focus next/previous)
    and the field would not take the tab itself (a TextArea that indents)."""
    if event.key not in FOCUS_ACTIONS or event.is_forwarded:
        return False
    focused = screen.focused
    if focused is None or isinstance(focused, KeysInOrder):
        return False
    if isinstance(focused, TextArea) and focused.tab_behavior != "focus":
        return False
    active = screen.active_bindings.get(event.key)
    if active is None or active.binding.action not in FOCUS_ACTIONS[event.key]:
        return False
    if event.key == "tab":
        screen.focus_next()
    else:
        screen.focus_previous()
    return True
