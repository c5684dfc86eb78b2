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


def command_modules() -> list:
    """Every module with commands, in the order their commands are listed. Imported when
    asked for, not with the package: opening the app (tui/commands/core.py) needs none."""
    areas = [name for name in AREA_NAMES if importlib.util.find_spec(f"tui.commands.{name}") is not None]
    # templates (the school's Word templates), remind (reminders) and serve (the browser door) are not areas.
    names = ["core", *areas, "access", "templates", "remind", "serve"]
    return [importlib.import_module(f"tui.commands.{name}") for name in names]
