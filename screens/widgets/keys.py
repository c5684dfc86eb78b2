"""Key bindings whose descriptions are message keys, translated when a node is made.

Textual merges ``BINDINGS`` when a class is defined, before the user's language
is known; each instance gets its own copy of the map, so we translate that copy.

This is the one module that touches Textual's private ``DOMNode._bindings`` (a
``BindingsMap`` with ``key_to_bindings``): Textual has no public way to change a
binding's description on one instance. tests/unit/test_textual_private.py fails if a
Textual upgrade moves it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from textual.binding import Binding
from textual.dom import DOMNode

from models.i18n import has, t


def _rewrite(node: DOMNode, change: Callable[[Binding], Binding]) -> None:
    key_to_bindings = node._bindings.key_to_bindings  # private: see the module's docstring
    for key, bindings in list(key_to_bindings.items()):
        key_to_bindings[key] = [change(binding) for binding in bindings]


def translate_bindings(node: DOMNode) -> None:
    """Put the user's language in place of the message keys of ``node``'s bindings."""
    _rewrite(node, lambda b: dataclasses.replace(
        b,
        description=t(b.description) if has(b.description) else b.description,
        tooltip=t(b.tooltip) if b.tooltip and has(b.tooltip) else b.tooltip,
    ))


def describe_binding(node: DOMNode, binding_id: str, description: str) -> None:
    """Give the binding ``binding_id`` of this node another (already translated) description."""
    _rewrite(node, lambda b: dataclasses.replace(b, description=description) if b.id == binding_id else b)


def bindings_of(node: DOMNode, key: str) -> list[Binding]:
    """The bindings ``node`` itself has for ``key`` (translated), in their order."""
    return list(node._bindings.key_to_bindings.get(key, []))  # private: see the module's docstring
