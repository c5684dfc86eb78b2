"""Commands of the dashboard area: the dashboard as text, end-of-term reports, closing a term.

    jiaoyan dashboard [--term T] [--plain]
    jiaoyan report term [--term T] --format docx|xlsx|md [-o FILE]
    jiaoyan report outcomes [--term T] [--format docx|md] [-o FILE]
    jiaoyan term close T
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.i18n import t
from tui.commands.common import open_session, resolve_term, write_file
from tui.commands.tree import CommandTree


def register(tree: CommandTree) -> None:
    dashboard = tree.top.add_parser("dashboard", parents=[tree.common], help=t("dashboard.cli.dashboard.help"),
                                    description=t("dashboard.cli.dashboard.help"))
    dashboard.add_argument("--term", metavar="T", help=t("dashboard.cli.dashboard.term"))
    dashboard.add_argument("--plain", action="store_true", help=t("dashboard.cli.dashboard.plain"))
    dashboard.set_defaults(handler=run_dashboard)

    term_report = tree.report.add_parser("term", parents=[tree.common], help=t("dashboard.cli.report_term.help"),
                                         description=t("dashboard.cli.report_term.help"))
    term_report.add_argument("--term", metavar="T", help=t("dashboard.cli.dashboard.term"))
    from models.exports.registry import format_help, formats_for

    term_report.add_argument("--format", choices=formats_for("report"),
                             help=format_help("report"))
    term_report.add_argument("-o", "--output", metavar="FILE", help=t("dashboard.cli.report.output"))
    # One group's records for its binder (issue 16): models/exports/activity_record.py.
    term_report.add_argument("--group", metavar="NAME", help=t("calendar.cli.binder.group"))
    term_report.set_defaults(handler=run_report_term)

    booklet = tree.report.add_parser("outcomes", parents=[tree.common], help=t("dashboard.cli.report_outcomes.help"),
                                     description=t("dashboard.cli.report_outcomes.help"))
    booklet.add_argument("--term", metavar="T", help=t("dashboard.cli.dashboard.term"))
    booklet.add_argument("--format", choices=formats_for("report"), default="docx",
                         help=format_help("report", "docx"))
    booklet.add_argument("-o", "--output", metavar="FILE", help=t("dashboard.cli.report.output"))
    booklet.set_defaults(handler=run_report_outcomes)

    close = _term_subcommands(tree).add_parser("close", parents=[tree.common], help=t("dashboard.cli.term_close.help"),
                                               description=t("dashboard.cli.term_close.help"))
    close.add_argument("term_id", metavar="T", help=t("dashboard.cli.term_close.term"))
    close.set_defaults(handler=run_term_close)


def _term_subcommands(tree: CommandTree) -> argparse._SubParsersAction:
    """``jiaoyan term …``: another area (the calendar) may have made it already; share it."""
    parser = tree.top.choices.get("term")
    if parser is None:
        parser = tree.top.add_parser("term", help=t("dashboard.cli.term.help"), description=t("dashboard.cli.term.help"))
        return parser.add_subparsers(dest="term_what", metavar="WHAT", required=True)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest="term_what", metavar="WHAT", required=True)


def run_dashboard(args: argparse.Namespace) -> int:
    from models.store.archive import view_for
    from models.dashboard import build_dashboard
    from models.dashboard_text import render_text
    from models.records import Teacher

    session = open_session(args)
    store, term = session.store, resolve_term(session, args.term)
    source = view_for(store, term)
    dash = build_dashboard(source, term, session.today)
    names = {x.id: x.name for x in store.all(Teacher)}
    sys.stdout.write(render_text(dash, names, plain=args.plain))
    return 0


def _write(args, kind: str, term, fmt: str, payload: bytes) -> int:
    from models.exports.term_report import default_report_name

    target = Path(args.output) if args.output else Path.cwd() / default_report_name(kind, term.term_id, fmt)
    return write_file(target.expanduser().absolute(), payload, t("dashboard.cli.report.done", path=target))


def run_report_term(args: argparse.Namespace) -> int:
    from models.exports.registry import render
    from models.exports.term_report import term_report
    from models.store.archive import view_for

    if args.group:
        from tui.commands.calendar import run_report_binder

        return run_report_binder(args)
    if not args.format:
        print(t("dashboard.cli.report.format_needed"), file=sys.stderr)
        return 2
    session = open_session(args)
    store, term = session.store, resolve_term(session, args.term)
    from tui.commands.progress import progress_line

    report = term_report(view_for(store, term), term, session.today, session.teacher)
    with progress_line(t("exports.progress.report")) as progress:
        payload = render(report, args.format, progress)
    return _write(args, "term", term, args.format, payload)


def run_report_outcomes(args: argparse.Namespace) -> int:
    from models.exports.registry import render
    from models.exports.term_report import outcomes_booklet
    from models.store.archive import view_for

    session = open_session(args)
    store, term = session.store, resolve_term(session, args.term)
    from tui.commands.progress import progress_line

    report = outcomes_booklet(view_for(store, term), term)
    with progress_line(t("exports.progress.report")) as progress:
        payload = render(report, args.format, progress)
    return _write(args, "outcomes", term, args.format, payload)


def run_term_close(args: argparse.Namespace) -> int:
    from models.dashboard_history import close_term_keeping_figures

    session = open_session(args)
    viewer = session.teacher
    if viewer is None or not viewer.is_admin:
        print(t("dashboard.admin_only"), file=sys.stderr)
        return 1
    # CannotClose: tui/cli.py says why. The term's figures are kept at once, for the history (h).
    moved = close_term_keeping_figures(session.store, args.term_id, today=session.today)
    print(t("dashboard.closed", term=args.term_id, count=sum(moved.values())))
    return 0
