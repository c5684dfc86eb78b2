"""Subcommands of ``jiaoyan``, one module per area; each has ``register(subparsers, common)``
and sets ``handler`` on its parsers."""

from tui.commands import (access, calendar, core, dashboard, documents, mentoring, observations, remind, rosters,
                          templates)

COMMAND_MODULES = [core, rosters, calendar, observations, mentoring, dashboard, documents, access, templates, remind]
