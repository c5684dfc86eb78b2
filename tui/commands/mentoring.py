"""Commands of the mentoring area: ``export pairings`` and ``report pairing`` (see README)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.i18n import t
from tui.commands.common import open_session, resolve_term, write_file
from tui.commands.tree import CommandTree


def register(tree: CommandTree) -> None:
    """Adds this area's commands; each parser sets `handler`."""
    export = tree.export.add_parser("pairings", parents=[tree.common], help=t("mentoring.cli.export.help"),
                                    description=t("mentoring.cli.export.help"))
    export.add_argument("--term", metavar="TERM", help=t("mentoring.cli.term"))
    from models.exports.registry import format_help, formats_for

    export.add_argument("--format", choices=formats_for("table"), default="csv", help=format_help("table", "csv"))
    export.add_argument("-o", "--output", metavar="FILE", help=t("mentoring.cli.output"))
    export.set_defaults(handler=run_export)

    report = tree.report.add_parser("pairing", parents=[tree.common], help=t("mentoring.cli.report.help"),
                                    description=t("mentoring.cli.report.help"))
    report.add_argument("id", type=int, metavar="ID", help=t("mentoring.cli.id"))
    report.add_argument("--term", metavar="TERM", help=t("mentoring.cli.term"))
    report.add_argument("--format", choices=formats_for("report"), default="md", help=format_help("report", "md"))
    report.add_argument("-o", "--output", metavar="FILE", help=t("mentoring.cli.output"))
    report.set_defaults(handler=run_report)


def run_export(args: argparse.Namespace) -> int:
    from models.exports.pairing_report import export_report, export_rows
    from models.exports.registry import FORMATS, render

    session = open_session(args)
    store, term = session.store, resolve_term(session, args.term)
    from tui.commands.progress import progress_line

    rows = export_rows(store, term, session.today, session.teacher)
    with progress_line(t("exports.progress.export")) as progress:
        payload = render(export_report(rows, term, store.policy().school_name), args.format, progress)
    fmt = FORMATS[args.format]
    if fmt.text and not args.output:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return 0
    target = Path(args.output or f"pairings-{term.term_id}{fmt.suffix}")
    return write_file(target, payload, t("mentoring.cli.written", path=target))


def run_report(args: argparse.Namespace) -> int:
    from models.exports.pairing_report import pairing_record, record_report
    from models.exports.registry import FORMATS, render
    from models.mentoring import covers_term, span_label
    from models.records import Pairing

    session = open_session(args)
    store = session.store
    pairing = store.get(Pairing, args.id)
    if pairing is None:
        print(t("mentoring.cli.no_pairing", id=args.id), file=sys.stderr)
        return 1
    term = resolve_term(session, args.term)
    if not covers_term(pairing, term.term_id):
        print(t("mentoring.cli.not_in_term", id=pairing.id, term=term.term_id, span=span_label(pairing)),
              file=sys.stderr)
        return 1
    # Comments of observations follow the visibility rule for whoever runs the command.
    record = pairing_record(store, pairing, term, session.teacher, session.today)
    payload = render(record_report(record), args.format)
    fmt = FORMATS[args.format]
    if fmt.text and not args.output:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return 0
    target = Path(args.output or f"pairing-{pairing.id}-{term.term_id}{fmt.suffix}")
    return write_file(target, payload, t("mentoring.cli.written", path=target))
