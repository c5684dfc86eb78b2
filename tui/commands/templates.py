"""``jiaoyan templates``: the school's own Word forms (models/exports/templates.py).

    jiaoyan templates                      # each form, and whether the school's own or the default is used
    jiaoyan templates copy NAME [-o PATH]  # copy a default out to edit
"""

from __future__ import annotations

import argparse
import sys

from models.i18n import t
from tui.commands.tree import CommandTree


def register(tree: CommandTree) -> None:
    """Adds ``templates`` (list) and ``templates copy``."""
    parser = tree.top.add_parser("templates", parents=[tree.common], help=t("exports.templates.help"),
                                 description=t("exports.templates.help"))
    parser.set_defaults(handler=run_list)
    actions = parser.add_subparsers(dest="templates_what", metavar="ACTION")
    copy = actions.add_parser("copy", parents=[tree.common], help=t("exports.templates.copy_help"),
                              description=t("exports.templates.copy_help"))
    copy.add_argument("name", metavar="NAME", help=t("exports.templates.name"))
    copy.add_argument("-o", "--output", metavar="PATH", default=".", help=t("exports.templates.output"))
    copy.set_defaults(handler=run_copy)


def run_list(args: argparse.Namespace) -> int:
    from models.exports.templates import list_forms, templates_dir
    from tui.commands.common import db_path

    path = db_path(args)
    print(t("exports.templates.folder", path=templates_dir(path)))
    for form, used, own in list_forms(path):
        source = t("exports.templates.own") if own else t("exports.templates.default")
        print(t("exports.templates.line", name=form.name, file=form.file, source=source, path=used))
        print(t("exports.templates.placeholders", fields="、".join("{{ " + f + " }}" for f in form.fields)))
    return 0


def run_copy(args: argparse.Namespace) -> int:
    from models.exports.templates import copy_out, templates_dir
    from tui.commands.common import db_path

    try:
        target = copy_out(args.name, args.output)  # an unknown NAME: TemplateError, said by tui/cli.py
    except OSError as error:
        print(t("exports.templates.broken", path=args.output, reason=error.strerror or error), file=sys.stderr)
        return 1
    print(t("exports.templates.copied", path=target, folder=templates_dir(db_path(args))))
    return 0
