"""Commands of the rosters area: ``import teachers FILE`` and ``export teachers``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.i18n import t
from tui.commands.tree import CommandTree


def register(tree: CommandTree) -> None:
    """Adds this area's commands; each parser sets `handler`."""
    importer = tree.import_.add_parser("teachers", parents=[tree.common], help=t("roster.cli.import.help"),
                                       description=t("roster.cli.import.help"))
    importer.add_argument("file", metavar="FILE", help=t("roster.cli.import.file"))
    importer.add_argument("--yes", action="store_true", help=t("roster.cli.import.yes"))
    importer.add_argument("--dry-run", action="store_true", help=t("roster.cli.import.dry_run"))
    importer.set_defaults(handler=run_import_teachers)

    exporter = tree.export.add_parser("teachers", parents=[tree.common], help=t("roster.cli.export.help"),
                                      description=t("roster.cli.export.help"))
    from models.exports.registry import format_help, formats_for
    from models.exports.roster import KIND

    exporter.add_argument("--format", choices=formats_for(KIND), default="csv", help=format_help(KIND, "csv"))
    exporter.add_argument("-o", "--output", metavar="FILE", help=t("roster.cli.export.output"))
    exporter.set_defaults(handler=run_export_teachers)


def run_import_teachers(args: argparse.Namespace) -> int:
    """Print the preview; write the good rows only with --yes (never with --dry-run).
    Exit 0 when every row was fine, 1 when the file or some rows were not."""
    from models.roster_import import apply_preview, preview_file, preview_lines
    from models.store.storage import ConflictError, ValidationFailed
    from tui.commands.common import open_store

    store = open_store(args)
    preview = preview_file(Path(args.file).expanduser(), store)  # RosterFileError: tui/cli.py says why
    for line in preview_lines(preview):
        print(line)
    status = 1 if preview.errors else 0
    if args.dry_run or not args.yes:
        print(t("roster.import.dry_run_forced") if args.dry_run else t("roster.import.dry_run"))
        return status
    if not preview.has_changes:
        print(t("roster.import.nothing"))
        return status
    try:
        added, updated = apply_preview(store, preview)
    except (ValidationFailed, ConflictError) as error:
        print(t("roster.import.failed", message=error), file=sys.stderr)
        return 1
    print(t("roster.import.done", added=added, updated=updated))
    if preview.errors:
        print(t("roster.import.errors_skipped", count=len(preview.errors)))
    return status


def run_export_teachers(args: argparse.Namespace) -> int:
    from models.exports.registry import FORMATS
    from models.exports.roster import export_roster, write_export
    from models.records import Teacher
    from tui.commands.common import open_store
    from tui.commands.progress import progress_line

    store = open_store(args)
    with progress_line(t("exports.progress.export")) as progress:  # on stderr, in a terminal only
        payload = export_roster(store, args.format, progress=progress)
    if not args.output:
        if not FORMATS[args.format].text:
            print(t("roster.cli.export.need_output"), file=sys.stderr)
            return 1
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return 0
    target = Path(args.output).expanduser()
    try:
        write_export(target, payload)
    except OSError as error:
        print(t("roster.export.failed", path=target, reason=error.strerror or error), file=sys.stderr)
        return 1
    print(t("roster.export.done", count=len(store.all(Teacher)), path=target))
    return 0
