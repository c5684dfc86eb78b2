"""Key bindings whose descriptions are message keys, translated when a node is made.

Textual merges ``BINDINGS`` when a class is defined, before the user's language
is known; each instance gets its own copy of the map, so we translate that copy.
"""

from __future__ import annotations

import dataclasses

from textual.dom import DOMNode

from models.i18n import has, t


def translate_bindings(node: DOMNode) -> None:
    for key, bindings in list(node._bindings.key_to_bindings.items()):
        node._bindings.key_to_bindings[key] = [
            dataclasses.replace(
                b,
                description=t(b.description) if has(b.description) else b.description,
                tooltip=t(b.tooltip) if b.tooltip and has(b.tooltip) else b.tooltip,
            )
            for b in bindings
        ]
