"""The ``jiaoyan`` command: opens the app, or runs one of its commands.

Expected problems (models/errors.py: a missing or damaged data file, a change the
user may not make, bad input) become a clear message and an exit code in one place,
:func:`main`: 1 for what the user can fix, 2 when the data file cannot be used.
Unexpected ones keep their traceback in a log file.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence

from models.i18n import set_language, t
from tui import __version__


def _language_from(argv: Sequence[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


# argparse's own words, exactly as argparse.py spells them, and their catalog keys.
ARGPARSE_WORDS = {
    "show this help message and exit": "cli.argparse.help",
    "show program's version number and exit": "cli.argparse.version",
    "usage: ": "cli.argparse.usage", "options": "cli.argparse.options",
    "positional arguments": "cli.argparse.positional",
    "%(prog)s: error: %(message)s\n": "cli.argparse.error",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
    "the following arguments are required: %s": "cli.argparse.required",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "expected one argument": "cli.argparse.expected_one",
    "expected at most one argument": "cli.argparse.expected_at_most_one",
    "expected at least one argument": "cli.argparse.expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
    "not allowed with argument %s": "cli.argparse.not_allowed_with",
    "one of the arguments %s is required": "cli.argparse.one_required",
    "ignored explicit argument %r": "cli.argparse.ignored_explicit",
}


def _argparse_words(message: str) -> str:
    """argparse's own words (``show this help message and exit`` …) in the user's language.

    The catalog's sentence keeps argparse's own %-placeholders: argparse fills them in."""
    key = ARGPARSE_WORDS.get(message)
    return t(key) if key else message


# The top-level options that take a value: what follows them is not a command's name.
VALUE_OPTIONS = frozenset({"--db", "--lang", "--area", "--as"})


def opens_the_app(argv: Sequence[str]) -> bool:
    """Whether ``argv`` only opens the app (no command, no help, no version): then
    :func:`main` needs no command's parser, nor the modules that hang their commands on it
    (about 100 ms of a login's start on a school's server)."""
    expects_value = False
    for arg in argv:
        if expects_value:
            expects_value = False
        elif arg in VALUE_OPTIONS:
            expects_value = True
        elif arg in ("-h", "--help", "--version") or not arg.startswith("-"):
            return False
    return True


class _NotForTheApp(Exception):
    """The app's own parser could not read the line: the full parser says why."""


class _AppParser(argparse.ArgumentParser):
    def error(self, message: str):  # the full parser words the error, with its commands' usage
        raise _NotForTheApp(message)


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The command line's parser; ``commands=False`` gives only what opening the app reads
    (the same options, defaults and help words), without importing any command's module."""
    from models.areas import MODE_NAMES  # with the record types: imported once gc is off (main)

    argparse._ = _argparse_words  # argparse looks its words up through this name at call time
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=t("cli.opt.db"))
    common.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS, help=t("cli.opt.lang"))
    kind = argparse.ArgumentParser if commands else _AppParser
    parser = kind(prog="jiaoyan", description=t("cli.description"), parents=[common])
    parser.add_argument("--version", action="version", version=f"jiaoyan {__version__}",
                        help=t("cli.argparse.version"))  # argparse words this one before _ is asked
    parser.add_argument("--demo", action="store_true", help=t("cli.opt.demo"))
    parser.add_argument("--area", choices=MODE_NAMES, help=t("cli.opt.area"))
    parser.add_argument("--as", dest="as_login", metavar="LOGIN", help=t("access.cli.as"))
    parser.add_argument("--mouse", action=argparse.BooleanOptionalAction, default=None, help=t("ssh.cli.mouse"))
    if not commands:
        parser.set_defaults(command=None)
        return parser
    from tui.commands import command_modules
    from tui.commands.tree import CommandTree

    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title=t("cli.commands"))
    tree = CommandTree.build(subparsers, common)
    for module in command_modules():
        module.register(tree)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up makes hundreds of thousands of objects that live as long as the session; the
    # collector's full passes over them cost a login about 90 ms before its first frame on
    # the large school. Off until the app has drawn it (tui/app.py collects, freezes what
    # lives and turns it back on); on again at once for a command, and when main returns.
    gc.disable()
    # The launcher's umask for every way in (jiaoyan-ssh, `jiaoyan` in a forced command, a
    # command typed by hand): files the group shares stay writable by the group (issue 21).
    # The caller's is back however main ends, a help text's or a wrong option's exit too.
    from models.doctor import LAUNCH_UMASK

    previous_umask = os.umask(LAUNCH_UMASK)
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    finally:
        os.umask(previous_umask)
        gc.enable()


def _parse(argv: list[str]) -> argparse.Namespace:
    if opens_the_app(argv):
        try:
            return build_parser(commands=False).parse_args(argv)
        except _NotForTheApp:
            pass  # a mistyped option: the full parser says so, in its own words
    args = build_parser().parse_args(argv)
    if args.command is not None:
        gc.enable()
    return args


def _main(argv: list[str]) -> int:
    from models.errors import JiaoyanError
    from models.session import language_of

    # Read once, here: --lang, else JIAOYAN_LANG; the session carries it from now on.
    language = language_of(_language_from(argv) or os.environ.get("JIAOYAN_LANG"))
    set_language(language)  # before the parser: its help text is in this language
    args = _parse(argv)
    args.language = language
    try:
        from models import clock

        clock.today()  # a JIAOYAN_TODAY that is not a date is refused before anything runs
        if args.command is None:
            from tui.commands.core import open_app

            return open_app(args)
        if getattr(args, "as_login", None):
            # --as opens the app for the shared account's forced command; it never runs commands.
            from models.identity import os_login

            print(t("ssh.as_with_command", command=args.command, account=os_login()), file=sys.stderr)
            return 1
        return int(args.handler(args) or 0)
    except JiaoyanError as error:
        # The one place an expected problem becomes its sentence and exit code
        # (models/errors.py: 2 for a data file that cannot be used, 1 for the rest).
        print(str(error), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `jiaoyan audit | head`: the reader left; stop quietly instead of a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
