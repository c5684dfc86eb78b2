"""Commands of the dashboard area (see README)."""

from __future__ import annotations

from tui.commands.tree import CommandTree


def register(tree: CommandTree) -> None:
    """Adds this area's commands; each parser sets `handler`."""
