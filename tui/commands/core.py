"""Core commands: open the app, init, check, backup, restore."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from models import clock
from models.i18n import t
from models.store.paths import resolve_db_path
from models.store.storage import without_default_guard
from tui.commands.tree import CommandTree


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


def db_path(args: argparse.Namespace) -> Path:
    return resolve_db_path(getattr(args, "db", None))


def command_login() -> str:
    """Who runs a command: the login of the process's real uid (``--as`` is for the app only).
    Looked up at call time so that tests can stand in for a teacher."""
    from models import identity

    return identity.os_login()


def open_store(args: argparse.Namespace):
    """The data file named by --db / JIAOYAN_DB, opened for the command's user (the
    permission guard is installed by tui/cli.py for every command)."""
    return open_checked(db_path(args), command_login())


def open_checked(path: Path, login: str):
    """The data file opened for ``login``, refused (with every problem and the restore
    hint) when a hand edit left records jiaoyan did not write (models/store/integrity.py)."""
    from models.store.integrity import refuse_if_unsound
    from models.store.storage import Store

    store = Store(path, actor=login)
    refuse_if_unsound(store)
    return store


def command_viewer(store):
    """The active teacher running the command (None if the login is not on the roster):
    whose eyes the visibility rule for observation comments uses in exports and reports."""
    from models.permissions import teacher_by_login

    return teacher_by_login(store, command_login())


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
    from models.permissions import teacher_by_login
    from models.store.storage import Store
    from tui.app import make_app

    login = resolve_login(getattr(args, "as_login", None))
    lang = getattr(args, "lang", None)
    mouse = mouse_wanted(args)
    if args.demo:
        folder = Path(tempfile.mkdtemp(prefix="jiaoyan-demo-"))
        try:
            path = folder / "demo.json"
            with without_default_guard():
                build_demo(path, login, clock.today())
            return _run(make_app(path, login=login, lang=lang, start_area=args.area), mouse=mouse)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    path = db_path(args)
    if teacher_by_login(open_checked(path, login), login) is None:
        print(t("access.not_set_up", login=login, path=path), file=sys.stderr)
        return 1
    return _run(make_app(path, login=login, lang=lang, start_area=args.area), mouse=mouse)


def _run(app, *, mouse: bool = True) -> int:
    app.run(mouse=mouse)
    if app.crash_log is not None:
        print(t("app.crashed", log=app.crash_log), file=sys.stderr)
        return 3
    return int(app.return_code or 0)


def run_init(args: argparse.Namespace) -> int:
    from models.demo import build_demo
    from models.records import Policy, Teacher, Term, term_display_name
    from models.store.storage import Store
    from models.terms import suggest_term_id

    path = db_path(args)
    if path.exists():
        print(t("cli.init.exists", path=path), file=sys.stderr)
        return 1
    login = command_login()
    if args.demo:
        with without_default_guard():
            build_demo(path, login, clock.today())
        print(t("cli.init.demo_done", path=path, login=login))
        return 0
    store = Store(path, actor=login, create=True)
    today = clock.today()
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
    from models.store.storage import Store, parse_file

    path = db_path(args)
    store = Store(path, actor=command_login())
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
