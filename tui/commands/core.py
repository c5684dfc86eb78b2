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
    init.add_argument("--admin", metavar="LOGIN", help=t("ssh.init.admin"))
    init.set_defaults(handler=run_init)

    check = subparsers.add_parser("check", parents=[common], help=t("cli.check.help"), description=t("cli.check.help"))
    check.set_defaults(handler=run_check)

    backup = subparsers.add_parser("backup", parents=[common], help=t("cli.backup.help"), description=t("cli.backup.help"))
    backup.add_argument("--to", metavar="DIR", help=t("ssh.backup.to"))
    backup.set_defaults(handler=run_backup)

    restore = subparsers.add_parser("restore", parents=[common], help=t("cli.restore.help"),
                                    description=t("cli.restore.help"))
    restore.add_argument("file", metavar="FILE", help=t("cli.restore.file"))
    restore.set_defaults(handler=run_restore)

    keys = subparsers.add_parser("keys", parents=[common], help=t("cli.keys.help"), description=t("cli.keys.help"))
    keys.set_defaults(handler=run_keys)


def mouse_wanted(args: argparse.Namespace, db: Path | None = None, login: str | None = None) -> bool:
    """Mouse reports cost a round trip per move on a slow link. --mouse / --no-mouse decide;
    else the person's own choice saved in the app (ctrl+o); else JIAOYAN_MOUSE; else off
    over SSH and on at a local terminal."""
    from models.mouse import mouse_default

    choice = getattr(args, "mouse", None)
    if getattr(args, "no_mouse", False):
        choice = False
    return mouse_default(choice, os.environ, db=db, login=login)


def open_app(args: argparse.Namespace) -> int:
    """Open the app on the school's data file, or on a fresh demo school.

    Who the user is comes from the operating system (models/identity.py); someone the
    school has not put on the roster gets a sentence and the app does not open. Over SSH
    the forced command also answers downloads (scp, sftp) from the person's own export
    folder, and never opens the app without a terminal (tui/hangup.py)."""
    from models.downloads import parse_request
    from models.identity import resolve_login, sign_in_problem
    from models.session import open_session as open_file
    from models.store.integrity import refuse_if_unsound
    from tui.app import app_for
    from tui.hangup import has_terminal

    as_login = getattr(args, "as_login", None)
    login = resolve_login(as_login)
    language = getattr(args, "language", None)
    request = parse_request(os.environ.get("SSH_ORIGINAL_COMMAND"))
    if args.demo:
        from models.demo import build_demo

        if not has_terminal():
            print(t("ssh.no_terminal"), file=sys.stderr)
            return 1
        folder = Path(tempfile.mkdtemp(prefix="jiaoyan-demo-"))
        try:
            path = folder / "demo.json"
            build_demo(path, login, Clock.from_environment().today())
            session = open_file(path, login=login, language=language)
            return _run(app_for(session, start_area=args.area), mouse=mouse_wanted(args, path, login))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    path = db_path(args)
    session = open_file(path, login=login, language=language)
    refuse_if_unsound(session.store)  # a hand-edited file that would break the app is refused, with why
    problem = sign_in_problem(session.store, login, by_key=bool(as_login))
    if request is not None and request.kind != "other":
        if problem is not None:
            print(t("ssh.download.refused_person", reason=problem), file=sys.stderr)
            return 1
        return serve_download(path, login, request)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    if not has_terminal():
        print(t("ssh.no_terminal"), file=sys.stderr)
        return 1
    return _run(app_for(session, start_area=args.area), mouse=mouse_wanted(args, path, login))


def serve_download(path: Path, login: str, request) -> int:
    """scp / sftp through the forced command: read-only, from the person's export folder."""
    from models.downloads import export_folder
    from tui.download import serve_request

    folder = export_folder(path, login)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # serving an absent folder refuses every path, which is right
    return serve_request(request, folder)


def _run(app, *, mouse: bool = True) -> int:
    from tui.hangup import watch_terminal

    with watch_terminal(lambda code: app.call_from_thread(app.exit, return_code=code)):
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
    problem = first_admin_problem(args.admin, login, path)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    login = args.admin or login
    # Guarded like every command: a file with no admin yet lets its first one in.
    from models.session import open_session as open_file

    session = open_file(path, login=login, language=getattr(args, "language", None), create=True)
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
    # Day one already has a backup worth restoring: the school, its term and its admin.
    print(t("ssh.init.first_backup", path=store.backup("init")))
    return 0


def first_admin_problem(admin: str | None, runner: str, path: Path) -> str | None:
    """Why the first admin cannot be who ``init`` would make it; None when fine.

    root (or the shared account) is nobody's identity: set-up B's admin has no Unix account,
    so ``--admin LOGIN`` names her by the login her key's ``--as`` will give."""
    from models.identity import LOGIN_PATTERN, shared_account

    shared, _why = shared_account()
    if admin is None:
        if runner == "root":
            return t("ssh.init.root_needs_admin", path=path)
        admin = runner
    elif not LOGIN_PATTERN.match(admin):
        return t("ssh.init.bad_login", login=admin)
    if shared is not None and admin == shared.name:
        return t("ssh.init.shared_admin", login=admin)
    return None


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
    if getattr(args, "to", None):
        parse_file(path)  # a damaged file is named, never copied as if it were good
        return backup_elsewhere(path, Path(args.to).expanduser().absolute())
    store = open_session(args, checked=False).store  # a file with problems may be backed up too
    parse_file(path)
    # A manual backup prunes older manual ones: the admin's, like every other housekeeping.
    require_admin(store, store.actor, t("access.action.backup"))
    target = store.backup("manual")
    print(t("cli.backup.done", path=target))
    return 0


def backup_elsewhere(path: Path, folder: Path) -> int:
    """``backup --to DIR``: a consistent copy of the data file, and the closed terms'
    archives, into DIR (a NAS or USB mount), so the school survives the server's disk.
    It changes nothing beside the data file, so whoever can read the file (root's nightly
    cron job, who is on no roster) may run it."""
    from models.store.backup_to import copy_backup_to

    if not folder.is_dir():
        print(t("ssh.backup.to_missing", path=folder), file=sys.stderr)
        return 1
    try:
        target, count = copy_backup_to(path, folder)
    except OSError as error:
        print(t("ssh.backup.to_failed", path=folder, reason=error.strerror or str(error)), file=sys.stderr)
        return 1
    print(t("ssh.backup.to_done", path=target, count=count))
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
