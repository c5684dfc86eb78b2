"""Commands of the mentoring area: ``export pairings`` and ``report pairing`` (see README)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models import clock
from models.i18n import t
from tui.commands.tree import CommandTree


def register(tree: CommandTree) -> None:
    """Adds this area's commands; each parser sets `handler`."""
    export = tree.export.add_parser("pairings", parents=[tree.common], help=t("mentoring.cli.export.help"),
                                    description=t("mentoring.cli.export.help"))
    export.add_argument("--term", metavar="TERM", help=t("mentoring.cli.term"))
    from models.exports.registry import formats_for

    export.add_argument("--format", choices=formats_for("table"), default="csv", help=t("mentoring.cli.format"))
    export.add_argument("-o", "--output", metavar="FILE", help=t("mentoring.cli.output"))
    export.set_defaults(handler=run_export)

    report = tree.report.add_parser("pairing", parents=[tree.common], help=t("mentoring.cli.report.help"),
                                    description=t("mentoring.cli.report.help"))
    report.add_argument("id", type=int, metavar="ID", help=t("mentoring.cli.id"))
    report.add_argument("--term", metavar="TERM", help=t("mentoring.cli.term"))
    report.add_argument("--format", choices=formats_for("report"), default="md", help=t("mentoring.cli.format"))
    report.add_argument("-o", "--output", metavar="FILE", help=t("mentoring.cli.output"))
    report.set_defaults(handler=run_report)


def _store_for(args: argparse.Namespace):
    from tui.commands.core import open_store

    return open_store(args)


def _term(store, wanted: str | None):
    """The term asked for, else the current one; None (message printed) when there is no such term."""
    from models.records import Term
    from models.terms import current_term

    terms = store.all(Term)
    if wanted:
        term = next((x for x in terms if x.term_id == wanted.strip()), None)
        if term is None:
            print(t("mentoring.cli.no_term", value=wanted, choices="、".join(sorted(x.term_id for x in terms))),
                  file=sys.stderr)
        return term
    term = current_term(terms, clock.today())
    if term is None:
        print(t("header.no_term"), file=sys.stderr)
    return term


def _write(target: Path, write) -> int:
    try:
        write(target)
    except OSError as error:
        print(t("mentoring.cli.write_failed", path=target, error=error.strerror or error), file=sys.stderr)
        return 1
    print(t("mentoring.cli.written", path=target))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from models.exports.pairing_report import export_report, export_rows
    from models.exports.registry import FORMATS, render, save

    store = _store_for(args)
    term = _term(store, args.term)
    if term is None:
        return 1
    from tui.commands.core import command_viewer
    from tui.commands.progress import progress_line

    rows = export_rows(store, term, clock.today(), command_viewer(store))
    with progress_line(t("exports.progress.export")) as progress:
        payload = render(export_report(rows, term, store.policy().school_name), args.format, progress)
    fmt = FORMATS[args.format]
    if fmt.text and not args.output:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return 0
    target = Path(args.output or f"pairings-{term.term_id}{fmt.suffix}")
    return _write(target, lambda path: save(path, payload))


def run_report(args: argparse.Namespace) -> int:
    from models.exports.pairing_report import pairing_record, record_report
    from models.exports.registry import FORMATS, render, save
    from models.mentoring import covers_term, span_label
    from models.records import Pairing
    from tui.commands.core import command_viewer

    store = _store_for(args)
    pairing = store.get(Pairing, args.id)
    if pairing is None:
        print(t("mentoring.cli.no_pairing", id=args.id), file=sys.stderr)
        return 1
    term = _term(store, args.term)
    if term is None:
        return 1
    if not covers_term(pairing, term.term_id):
        print(t("mentoring.cli.not_in_term", id=pairing.id, term=term.term_id, span=span_label(pairing)),
              file=sys.stderr)
        return 1
    # Comments of observations follow the visibility rule for whoever runs the command.
    viewer = command_viewer(store)
    record = pairing_record(store, pairing, term, viewer, clock.today())
    payload = render(record_report(record), args.format)
    fmt = FORMATS[args.format]
    if fmt.text and not args.output:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return 0
    target = Path(args.output or f"pairing-{pairing.id}-{term.term_id}{fmt.suffix}")
    return _write(target, lambda path: save(path, payload))
