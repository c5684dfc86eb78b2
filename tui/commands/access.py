"""Commands of the access area: `jiaoyan audit` (who changed what) and `jiaoyan doctor`
(is this server set up right)."""

from __future__ import annotations

import argparse
import sys

from models.i18n import t
from tui.commands.tree import CommandTree


def register(tree: CommandTree) -> None:
    """Adds this area's commands; each parser sets `handler`."""
    audit = tree.top.add_parser("audit", parents=[tree.common], help=t("access.audit.cli.help"),
                                description=t("access.audit.cli.help"))
    audit.add_argument("--since", metavar="DATE", help=t("access.audit.cli.since"))
    audit.add_argument("--who", metavar="LOGIN", help=t("access.audit.cli.who"))
    audit.set_defaults(handler=run_audit)

    doctor = tree.top.add_parser("doctor", parents=[tree.common], help=t("access.doctor.help"),
                                 description=t("access.doctor.help"))
    doctor.add_argument("--mouse", action=argparse.BooleanOptionalAction, default=None, help=t("ssh.cli.mouse"))
    doctor.set_defaults(handler=run_doctor)


def run_audit(args: argparse.Namespace) -> int:
    from models.dates import BadInput, parse_date
    from models.store.archive import audit_entries
    from models.store.audit import as_text_lines, describe, select
    from tui.commands.common import open_session

    session = open_session(args)
    since = None
    if args.since:
        try:
            since = parse_date(args.since, session.today)
        except BadInput as error:
            print(t("access.audit.cli.bad_date", reason=error), file=sys.stderr)
            return 1
    store, reader = session.store, session.teacher
    # The log holds every observation's comments: it is the admin's to read.
    if reader is None or not reader.is_admin:
        print(t("access.audit.admin_only"), file=sys.stderr)
        return 1
    # Closing a term moves the entries about its records into the term's archive; read
    # those too (archives made before --since are skipped: all they hold is older).
    entries = select(audit_entries(store, since=since), since=since, who=args.who)
    if not entries:
        print(t("access.audit.none"))
        return 0
    from models.store.audit import Names

    names = Names.of(store)
    for entry in entries:
        print("\n".join(as_text_lines(describe(entry, names))))
    print(t("access.audit.count", count=len(entries)))
    return 0


def run_doctor(args: argparse.Namespace) -> int:
    from models.doctor import NOTE, OK, PROBLEM, run_checks
    from tui.commands.common import command_login, db_path
    from tui.commands.core import mouse_wanted

    path, login = db_path(args), command_login()
    checks = run_checks(path, login=login, mouse=mouse_wanted(args, path, login))
    labels = {OK: t("access.doctor.ok"), PROBLEM: t("access.doctor.problem"), NOTE: t("access.doctor.note")}
    for check in checks:
        print(f"[{labels[check.status]}] {check.message}")
    problems = sum(1 for c in checks if c.status == PROBLEM)
    print(t("access.doctor.summary_problems", count=problems) if problems else t("access.doctor.summary_ok"))
    return 1 if problems else 0
