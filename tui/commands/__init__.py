"""Subcommands of ``jiaoyan``, one module per area; each has ``register(subparsers, common)``
and sets ``handler`` on its parsers."""

from tui.commands import access, calendar, core, dashboard, mentoring, observations, remind, rosters

COMMAND_MODULES = [core, rosters, calendar, observations, mentoring, dashboard, access, remind]
