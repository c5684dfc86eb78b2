"""Subcommands of ``jiaoyan``, one module per area; each has ``register(subparsers, common)``
and sets ``handler`` on its parsers."""

from tui.commands import core

COMMAND_MODULES = [core]
