"""Commands of the calendar area: ``export calendar`` (.ics) and ``export activities``
(CSV or Excel)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.i18n import t
from tui.commands.common import open_session, resolve_term, write_file, write_output
from tui.commands.tree import CommandTree


def register(tree: CommandTree) -> None:
    """Adds this area's commands; each parser sets `handler`."""
    ics = tree.export.add_parser("calendar", parents=[tree.common], help=t("calendar.cli.ics.help"),
                                 description=t("calendar.cli.ics.help"))
    ics.add_argument("--term", metavar="T", help=t("calendar.cli.term"))
    ics.add_argument("--group", metavar="G", help=t("calendar.cli.group"))
    ics.add_argument("-o", "--output", metavar="FILE", help=t("calendar.cli.output_ics"))
    ics.set_defaults(handler=run_export_calendar)

    records = tree.export.add_parser("activities", parents=[tree.common], help=t("calendar.cli.activities.help"),
                                     description=t("calendar.cli.activities.help"))
    records.add_argument("--term", metavar="T", help=t("calendar.cli.term"))
    records.add_argument("--group", metavar="G", help=t("calendar.cli.group"))
    from models.exports.registry import format_help, formats_for

    records.add_argument("--format", choices=formats_for("table"), default="csv", help=format_help("table", "csv"))
    records.add_argument("-o", "--output", metavar="FILE", help=t("calendar.cli.output"))
    records.set_defaults(handler=run_export_activities)

    record = tree.report.add_parser("activity", parents=[tree.common], help=t("calendar.cli.record.help"),
                                    description=t("calendar.cli.record.help"))
    record.add_argument("id", type=int, metavar="ID", help=t("calendar.cli.record.id"))
    record.add_argument("-o", "--output", metavar="FILE", help=t("calendar.cli.record.output"))
    record.set_defaults(handler=run_report_activity)


def _open(args: argparse.Namespace):
    """The store, the term (--term) and the group (--group) a calendar command is about."""
    from models.errors import InputError
    from models.records import Group

    session = open_session(args)
    store = session.store
    term = resolve_term(session, args.term)
    group = None
    if args.group:
        wanted = args.group.strip()
        groups = store.all(Group)
        group = next((g for g in groups if g.name == wanted or str(g.id) == wanted), None)
        if group is None:
            matches = [g for g in groups if wanted in g.name]
            if len(matches) == 1:
                group = matches[0]
            else:
                names = "、".join(g.name for g in (matches or groups))
                raise InputError(t("calendar.cli.no_group", group=wanted, known=names))
    return store, term, group


def _lookups(store):
    from models.records import Group, Teacher

    return {g.id: g for g in store.all(Group)}, {x.id: x for x in store.all(Teacher)}


def run_export_calendar(args: argparse.Namespace) -> int:
    from models.exports.ics import CalendarFeed, select_activities
    from models.exports.registry import render
    from models.records import Activity
    from models.store.archive import view_for

    store, term, group = _open(args)
    groups, teachers = _lookups(store)
    # An archived term's activities are in its archive file.
    source = view_for(store, term).all(Activity)
    activities = [a for a in select_activities(source, term, group) if a.status != "skipped"]
    meta = store.meta()
    data = render(CalendarFeed(activities, groups=groups, teachers=teachers, policy=store.policy(),
                               school_id=str(meta.get("created_at", "")).replace(" ", "T").replace(":", ""),
                               school_name=store.policy().school_name), "ics")
    return write_output(args.output, data, t("calendar.cli.wrote_ics", count=len(activities)))


def run_export_activities(args: argparse.Namespace) -> int:
    from models.exports.ics import activity_report, activity_rows, select_activities
    from models.exports.registry import FORMATS, render
    from models.records import Activity
    from models.store.archive import view_for

    store, term, group = _open(args)
    groups, teachers = _lookups(store)
    activities = select_activities(view_for(store, term).all(Activity), term, group)
    header, rows = activity_rows(activities, groups=groups, teachers=teachers, policy=store.policy())
    done = t("calendar.cli.wrote_rows", count=len(rows))
    report = activity_report(header, rows, title=t("calendar.activities_sheet"), school=store.policy().school_name, term=term.name)
    from tui.commands.progress import progress_line

    with progress_line(t("exports.progress.export")) as progress:
        payload = render(report, args.format, progress)
    if not FORMATS[args.format].text:
        output = args.output or f"activities-{term.term_id}{FORMATS[args.format].suffix}"
        return write_file(Path(output), payload, done + f" → {output}", to_stderr=True)
    return write_output(args.output, payload, done)


def run_report_activity(args: argparse.Namespace) -> int:
    """``jiaoyan report activity ID -o F.docx``: the activity's 教研活动记录表 (issue 16); the
    school's own form from its templates folder when it has one."""
    from models.exports.activity_record import Lookups, activity_record_docx, default_record_name
    from models.records import Activity, Term
    from models.store.archive import ArchiveView
    from models.terms import archived_ids

    store = open_session(args).store
    archived = archived_ids(store.all(Term))
    source = ArchiveView(store, archived) if archived else store
    activity = source.get(Activity, args.id)
    if activity is None:
        print(t("calendar.cli.record.no_such", id=args.id), file=sys.stderr)
        return 1
    # A broken form of the school's own raises TemplateError; its sentence says where.
    payload = activity_record_docx(source, activity, store.path)
    return _write_document(store, args.output or default_record_name(activity, Lookups.of(source)), payload)


def run_report_binder(args: argparse.Namespace) -> int:
    """``jiaoyan report term --group NAME``: one group's term records for its binder (issue 16)."""
    from models.exports.activity_record import default_binder_name, group_binder_docx
    from models.store.archive import view_for

    if args.format not in (None, "docx"):
        print(t("calendar.cli.binder.group_docx"), file=sys.stderr)
        return 2
    store, term, group = _open(args)
    # A broken cover or form of the school's own raises TemplateError; its sentence says where.
    payload = group_binder_docx(view_for(store, term), term, group, db_path=store.path, today=store.clock.today())
    return _write_document(store, args.output or default_binder_name(term, group), payload)


def _write_document(store, output: str, payload: bytes) -> int:
    """A Word document through the one output rule (models/store/outputs.py): never over the
    school's own files; a refusal (OutputRefused) is the CLI's sentence and exit code."""
    target = output if output == "-" else Path(output).expanduser().absolute()
    done = "" if output == "-" else t("calendar.cli.record.done", path=target)
    return write_file(target, payload, done, data_file=store.path, to_stderr=True)

