"""Core commands: open the app, init, check, backup, restore."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from models.clock import Clock
from models.i18n import t
from tui.commands import common
from tui.commands.common import command_login, db_path, open_session
from tui.commands.tree import CommandTree

# Commands written before tui/commands/common.py import these from here; they live there.
open_store = common.open_store
open_checked = common.open_checked


def register(tree: CommandTree) -> None:
    subparsers, common = tree.top, tree.common
    init = subparsers.add_parser("init", parents=[common], help=t("cli.init.help"), description=t("cli.init.help"))
    init.add_argument("--demo", action="store_true", help=t("cli.init.demo"))
    init.add_argument("--school", metavar="NAME", help=t("cli.init.school"))
    init.add_argument("--name", metavar="NAME", help=t("cli.init.name"))
    init.set_defaults(handler=run_init)

    check = subparsers.add_parser("check", parents=[common], help=t("cli.check.help"), description=t("cli.check.help"))
    check.set_defaults(handler=run_check)

    backup = subparsers.add_parser("backup", parents=[common], help=t("cli.backup.help"), description=t("cli.backup.help"))
    backup.set_defaults(handler=run_backup)

    restore = subparsers.add_parser("restore", parents=[common], help=t("cli.restore.help"),
                                    description=t("cli.restore.help"))
    restore.add_argument("file", metavar="FILE", help=t("cli.restore.file"))
    restore.set_defaults(handler=run_restore)

    keys = subparsers.add_parser("keys", parents=[common], help=t("cli.keys.help"), description=t("cli.keys.help"))
    keys.set_defaults(handler=run_keys)


def mouse_wanted(args: argparse.Namespace) -> bool:
    """Mouse reports cost a round trip per move on a slow link: --no-mouse or JIAOYAN_MOUSE=0 turn them off."""
    if getattr(args, "no_mouse", False):
        return False
    return os.environ.get("JIAOYAN_MOUSE", "1").strip().lower() not in ("0", "no", "off", "false")


def open_app(args: argparse.Namespace) -> int:
    """Open the app on the school's data file, or on a fresh demo school.

    Who the user is comes from the operating system (models/identity.py); someone the
    school has not put on the roster gets a sentence and the app does not open."""
    from models.demo import build_demo
    from models.identity import resolve_login
    from models.session import open_session as open_file
    from models.store.integrity import refuse_if_unsound
    from tui.app import app_for

    login = resolve_login(getattr(args, "as_login", None))
    language = getattr(args, "language", None)
    mouse = mouse_wanted(args)
    if args.demo:
        folder = Path(tempfile.mkdtemp(prefix="jiaoyan-demo-"))
        try:
            path = folder / "demo.json"
            build_demo(path, login, Clock.from_environment().today())
            session = open_file(path, login=login, language=language)
            return _run(app_for(session, start_area=args.area), mouse=mouse)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    path = db_path(args)
    session = open_file(path, login=login, language=language)
    refuse_if_unsound(session.store)  # a hand-edited file that would break the app is refused, with why
    if session.teacher is None:
        print(t("access.not_set_up", login=login, path=path), file=sys.stderr)
        return 1
    return _run(app_for(session, start_area=args.area), mouse=mouse)


def _run(app, *, mouse: bool = True) -> int:
    app.run(mouse=mouse)
    if app.crash_log is not None:
        print(t("app.crashed", log=app.crash_log), file=sys.stderr)
        return 3
    return int(app.return_code or 0)


def run_init(args: argparse.Namespace) -> int:
    from models.demo import build_demo
    from models.records import Policy, Teacher, Term, term_display_name
    from models.terms import suggest_term_id

    path = db_path(args)
    if path.exists():
        print(t("cli.init.exists", path=path), file=sys.stderr)
        return 1
    login = command_login()
    if args.demo:
        build_demo(path, login, Clock.from_environment().today())
        print(t("cli.init.demo_done", path=path, login=login))
        return 0
    # Guarded like every command: a file with no admin yet lets its first one in.
    session = open_session(args, create=True)
    store, today = session.store, session.today
    term_id = suggest_term_id(today)
    first, second, half = (int(x) for x in term_id.split("-"))
    start, end = ((f"{first}-09-01", f"{second}-01-22") if half == 1 else (f"{second}-03-01", f"{second}-07-10"))
    with store.transaction() as tx:
        tx.save_policy(Policy(school_name=args.school or Policy().school_name))
        tx.insert(Term(term_id=term_id, name=term_display_name(term_id), start=min(start, today.isoformat()),
                       end=max(end, today.isoformat())))
        tx.insert(Teacher(name=args.name or login, login=login, is_admin=True, joined=today.isoformat()))
    print(t("cli.init.done", path=path, login=login))
    return 0


def run_keys(args: argparse.Namespace) -> int:
    from models.i18n import has
    from models.keymap import keymap_path
    from tui.keys import bindings_with_ids

    for binding_id, key, description in bindings_with_ids():
        print(f"{binding_id:<32} {key:<16} {t(description) if has(description) else description}")
    print(t("cli.keys.file", path=keymap_path()))
    return 0


def run_check(args: argparse.Namespace) -> int:
    from models.store.integrity import check_file

    path = db_path(args)
    problems = check_file(path)  # a missing or closed file raises with its sentence
    if problems:
        print(t("cli.check.problems", path=path, count=len(problems)))
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(t("cli.check.sound", path=path))
    return 0


def run_backup(args: argparse.Namespace) -> int:
    from models.permissions import require_admin
    from models.store.storage import parse_file

    path = db_path(args)
    store = open_session(args, checked=False).store  # a file with problems may be backed up too
    parse_file(path)
    # A manual backup prunes older manual ones: the admin's, like every other housekeeping.
    require_admin(store, store.actor, t("access.action.backup"))
    target = store.backup("manual")
    print(t("cli.backup.done", path=target))
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from models.permissions import check_restore
    from models.store.storage import restore_from

    path = db_path(args)
    source = Path(args.file).expanduser().absolute()
    check_restore(path, source, command_login())
    kept = restore_from(path, source, command_login())
    print(t("cli.restore.done", path=path, source=source))
    if kept:
        print(t("cli.restore.kept", kept=kept))
    return 0
