"""Subcommands of ``jiaoyan``: ``core`` (init, check, backup, restore, keys), one module
per area that has commands (``tui/commands/NAME.py`` for an area of models/areas.py,
found by its name), then ``access`` (audit, doctor), ``templates`` (the school's Word
forms), ``remind`` (reminders to the group chats) and ``serve`` (serve, passwd). Each has
``register(tree: CommandTree)`` and sets ``handler`` on its parsers; ``tree`` holds the
parsers they hang from, ``common`` what they share (the session, --term, writing the
output) and ``progress`` the progress line of long exports. A handler raises a
JiaoyanError for what the user can fix; tui/cli.py prints it once."""

import importlib
import importlib.util

from models.areas import AREA_NAMES
from tui.commands import access, core, remind, serve, templates


def _area_modules() -> list:
    names = [f"tui.commands.{name}" for name in AREA_NAMES]
    return [importlib.import_module(name) for name in names if importlib.util.find_spec(name) is not None]


# templates (the school's Word templates), remind (reminders) and serve (the browser door) are not areas.
COMMAND_MODULES = [core, *_area_modules(), access, templates, remind, serve]
