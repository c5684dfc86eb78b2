"""The browser door's commands: `jiaoyan serve` (the web server, tui/serve/) and
`jiaoyan passwd LOGIN` (a teacher's one-time password, models/passwords.py)."""

from __future__ import annotations

import argparse
import sys

from models.i18n import t
from tui.commands.common import command_login, db_path, open_checked
from tui.commands.tree import CommandTree


def register(tree: CommandTree) -> None:
    serve = tree.top.add_parser("serve", parents=[tree.common], help=t("serve.help"), description=t("serve.help"))
    serve.add_argument("--host", default="127.0.0.1", help=t("serve.opt.host"))
    serve.add_argument("--port", type=int, default=8080, help=t("serve.opt.port"))
    serve.add_argument("--cert", metavar="FILE", help=t("serve.opt.cert"))
    serve.add_argument("--key", metavar="FILE", help=t("serve.opt.key"))
    serve.add_argument("--idle-minutes", type=float, default=30.0, metavar="N", help=t("serve.opt.idle"))
    serve.add_argument("--proxy", action="store_true", help=t("serve.opt.proxy"))
    serve.set_defaults(handler=run_serve)

    passwd = tree.top.add_parser("passwd", parents=[tree.common], help=t("serve.passwd.help"),
                                 description=t("serve.passwd.help"))
    passwd.add_argument("login", metavar="LOGIN", help=t("serve.passwd.login"))
    passwd.add_argument("--reset", action="store_true", help=t("serve.passwd.reset"))
    passwd.set_defaults(handler=run_passwd)


def run_passwd(args: argparse.Namespace) -> int:
    """A one-time password for ``LOGIN``, printed once; only its hash is kept."""
    from models import passwords
    from models.people import teacher_by_login

    path = db_path(args)
    runner = command_login()
    store = open_checked(path, runner)  # a data file that would break the app is refused here too
    teacher = teacher_by_login(store, args.login)
    if teacher is None:
        raise passwords.PasswordProblem(t("serve.passwd.not_on_roster", login=args.login))
    problem = passwords.may_manage(path)
    if problem:
        raise passwords.PasswordFileRefused(problem)
    if args.login in passwords.read_entries(path) and not args.reset:
        raise passwords.PasswordProblem(t("serve.passwd.exists", name=teacher.name, login=args.login))
    secret = passwords.one_time_password()
    passwords.set_password(path, args.login, secret, must_change=True, by=runner)
    passwords.log_event(path, "password_set", args.login, reset="yes" if args.reset else "no")
    print(t("serve.passwd.done", name=teacher.name, login=args.login, password=secret))
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from tui.serve.server import ServeConfig, serve_forever

    if bool(args.cert) != bool(args.key):
        print(t("serve.cert_without_key"), file=sys.stderr)
        return 1
    config = ServeConfig(db=db_path(args), host=args.host, port=args.port, cert=args.cert, key=args.key,
                         idle_seconds=max(1.0, args.idle_minutes * 60), proxy=args.proxy,
                         language=getattr(args, "language", None) or "zh")
    return serve_forever(config)
