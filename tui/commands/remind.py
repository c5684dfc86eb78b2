"""``jiaoyan remind``: this week's reminders to the school's group chats and mailboxes.

    jiaoyan remind [--dry-run] [--force]                  # cron: 30 7 * * 1 jiaoyan remind
    jiaoyan remind --setup                                # the admin: where they go
    jiaoyan remind --webhook URL --kind wecom|dingtalk|feishu [--secret S]   # once, to try a robot

Exit 0 when everything went (or there was nothing to send), 1 when a send failed (the
reason on stderr; the next run tries that target again). It never raises into cron.
"""

from __future__ import annotations

import argparse
import sys

from models import clock
from models.i18n import t
from tui.commands.tree import CommandTree


def register(tree: CommandTree) -> None:
    remind = tree.top.add_parser("remind", parents=[tree.common], help=t("remind.cli.help"),
                                 description=t("remind.cli.help"))
    remind.add_argument("--dry-run", action="store_true", help=t("remind.cli.dry_run"))
    remind.add_argument("--force", action="store_true", help=t("remind.cli.force"))
    remind.add_argument("--setup", action="store_true", help=t("remind.cli.setup"))
    remind.add_argument("--webhook", metavar="URL", help=t("remind.cli.webhook"))
    remind.add_argument("--kind", choices=("wecom", "dingtalk", "feishu"), help=t("remind.cli.kind"))
    remind.add_argument("--secret", default="", help=t("remind.cli.secret"))
    remind.set_defaults(handler=run_remind)


def run_remind(args: argparse.Namespace) -> int:
    from models.remind import Target, render_text, run
    from tui.commands.core import db_path, open_store

    store = open_store(args)
    db = db_path(args)
    if args.setup:
        return run_setup(store, db)
    targets = None
    if args.webhook:
        if not args.kind:
            print(t("remind.cli.kind_needed"), file=sys.stderr)
            return 1
        targets = [Target(kind=args.kind, url=args.webhook, secret=args.secret)]
    # Settings that cannot be read raise RemindError: tui/cli.py prints its sentence.
    digest, outcomes = run(store, db, clock.today(), dry_run=args.dry_run,
                           force=args.force or bool(args.webhook), targets=targets,
                           record=not args.webhook)
    if digest is None:
        print(t("remind.cli.no_term"))
        return 0
    if args.dry_run:
        sys.stdout.write(render_text(digest))
    if not outcomes:
        print(t("remind.cli.no_targets"), file=sys.stderr if not args.dry_run else sys.stdout)
        return 0 if args.dry_run else 1
    failed = False
    for outcome in outcomes:
        label = outcome.target.label
        if outcome.error:
            failed = True
            print(t("remind.cli.failed", target=label, error=outcome.error), file=sys.stderr)
        elif outcome.skipped:
            print(t("remind.cli.skipped", target=label))
        elif args.dry_run:
            print(t("remind.cli.would_send", target=label))
        else:
            print(t("remind.cli.sent", target=label, count=outcome.messages))
    return 1 if failed else 0


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        return "q"


def _split(text: str) -> list[str]:
    for sep in "，、;；":
        text = text.replace(sep, ",")
    return [x.strip() for x in text.split(",") if x.strip()]


def run_setup(store, db) -> int:
    """Questions, one at a time, for the admin; the settings file is written at the end."""
    from models.permissions import teacher_by_login
    from models.records import Group
    from models.remind import Target, load_targets, save_targets, settings_path
    from tui.commands.core import command_login

    user = teacher_by_login(store, command_login())
    if user is None or not user.is_admin:
        print(t("remind.cli.admin_only"), file=sys.stderr)
        return 1
    targets = load_targets(db)
    group_names = {g.name for g in store.all(Group)}
    print(t("remind.setup.intro", path=settings_path(db), count=len(targets)))
    while True:
        for number, target in enumerate(targets, 1):
            print(t("remind.setup.list_line", number=number, label=target.label))
        action = _ask(t("remind.setup.ask_action")).lower()
        if action in ("q", ""):
            break
        if action == "d":
            choice = _ask(t("remind.setup.ask_delete"))
            if choice.isdigit() and 1 <= int(choice) <= len(targets):
                targets.pop(int(choice) - 1)
            continue
        if action != "a":
            continue
        target = Target(kind=_ask(t("remind.setup.ask_kind")).lower())
        target.name = _ask(t("remind.setup.ask_name"))
        if target.kind == "smtp":
            target.host = _ask(t("remind.setup.ask_host"))
            target.security = _ask(t("remind.setup.ask_security")).lower() or "starttls"
            port = _ask(t("remind.setup.ask_port"))
            target.port = int(port) if port.isdigit() else 0
            target.user = _ask(t("remind.setup.ask_user"))
            if target.user:
                import getpass

                try:
                    target.password = getpass.getpass(t("remind.setup.ask_password"))
                except EOFError:
                    target.password = ""
            target.sender = _ask(t("remind.setup.ask_sender"))
            target.to = _split(_ask(t("remind.setup.ask_to")))
        else:
            target.url = _ask(t("remind.setup.ask_url"))
            target.secret = _ask(t("remind.setup.ask_secret"))
        target.groups = _split(_ask(t("remind.setup.ask_groups")))
        unknown = [name for name in target.groups if name not in group_names]
        problems = target.problems() + [t("remind.setup.unknown_group", name=name) for name in unknown]
        if problems:
            print(t("remind.setup.problem", problem="；".join(problems)), file=sys.stderr)
            continue
        targets.append(target)
    path = save_targets(db, targets)
    print(t("remind.setup.saved", count=len(targets), path=path))
    return 0
