"""Commands of the 成果与评比 area: outcomes with their texts, and the booklet.

    jiaoyan outcome add --teacher LOGIN --kind 教学反思 --title T [--level 校级] [--award A]
                        [--date D] [--term T] [--file F]
    jiaoyan outcome list [--term T] [--kind K]
    jiaoyan outcome text ID --file F
    jiaoyan report booklet [--term T] [--kind K]… [--id N]… -o F.docx
    jiaoyan report competition ID [-o F.docx|F.xlsx]
"""

from __future__ import annotations

import argparse
import sys

from models.i18n import t
from tui.commands.common import open_session, resolve_term, write_output
from tui.commands.tree import CommandTree


def register(tree: CommandTree) -> None:
    from models.records import OUTCOME_KINDS, OUTCOME_LEVELS

    outcome = tree.top.add_parser("outcome", help=t("outcomes.cli.help"), description=t("outcomes.cli.help"))
    family = outcome.add_subparsers(dest="outcome_what", metavar="WHAT", required=True)
    add = family.add_parser("add", parents=[tree.common], help=t("outcomes.cli.add.help"),
                            description=t("outcomes.cli.add.help"))
    add.add_argument("--teacher", required=True, metavar="LOGIN", help=t("outcomes.cli.teacher"))
    add.add_argument("--kind", required=True, metavar="KIND", help=t("outcomes.cli.kind", kinds="、".join(OUTCOME_KINDS)))
    add.add_argument("--title", required=True, metavar="T", help=t("outcomes.cli.title"))
    add.add_argument("--level", default="校级", metavar="LEVEL", help=t("outcomes.cli.level",
                                                                       levels="、".join(OUTCOME_LEVELS)))
    add.add_argument("--award", default="", metavar="A", help=t("outcomes.cli.award"))
    add.add_argument("--date", default="", metavar="D", help=t("outcomes.cli.date"))
    add.add_argument("--term", metavar="T", help=t("dashboard.cli.dashboard.term"))
    add.add_argument("--file", metavar="F", help=t("outcomes.cli.file"))
    add.set_defaults(handler=run_outcome_add)

    listing = family.add_parser("list", parents=[tree.common], help=t("outcomes.cli.list.help"),
                                description=t("outcomes.cli.list.help"))
    listing.add_argument("--term", metavar="T", help=t("dashboard.cli.dashboard.term"))
    listing.add_argument("--kind", metavar="K", help=t("outcomes.cli.booklet.kind"))
    listing.set_defaults(handler=run_outcome_list)

    text = family.add_parser("text", parents=[tree.common], help=t("outcomes.cli.text.help"),
                             description=t("outcomes.cli.text.help"))
    text.add_argument("outcome_id", type=int, metavar="ID", help=t("outcomes.cli.text.id"))
    text.add_argument("--file", required=True, metavar="F", help=t("outcomes.cli.file"))
    text.set_defaults(handler=run_outcome_text)

    booklet = tree.report.add_parser("booklet", parents=[tree.common], help=t("outcomes.cli.booklet.help"),
                                     description=t("outcomes.cli.booklet.help"))
    booklet.add_argument("--term", metavar="T", help=t("dashboard.cli.dashboard.term"))
    booklet.add_argument("--kind", action="append", default=[], metavar="K", help=t("outcomes.cli.booklet.kind"))
    booklet.add_argument("--id", action="append", type=int, default=[], metavar="N", dest="ids",
                         help=t("outcomes.cli.booklet.id"))
    booklet.add_argument("-o", "--output", metavar="F.docx", help=t("outcomes.cli.booklet.output"))
    booklet.set_defaults(handler=run_report_booklet)

    result = tree.report.add_parser("competition", parents=[tree.common], help=t("competitions.cli.report.help"),
                                    description=t("competitions.cli.report.help"))
    result.add_argument("competition", metavar="ID", help=t("competitions.cli.report.id"))
    result.add_argument("-o", "--output", metavar="F.docx|F.xlsx", help=t("competitions.cli.report.output"))
    result.set_defaults(handler=run_report_competition)


def run_outcome_add(args: argparse.Namespace) -> int:
    from models.observations import resolve_teacher
    from models.outcomes import make_outcome, read_text_file
    from models.records import Teacher

    session = open_session(args)
    store = session.store
    term = resolve_term(session, args.term)
    teacher = resolve_teacher(store.all(Teacher), args.teacher)  # BadInput: tui/cli.py says which
    text = read_text_file(args.file) if args.file else ""
    outcome = make_outcome(store, teacher, term, kind=args.kind, title=args.title, level=args.level,
                           award=args.award, day=args.date, today=session.today, text=text)
    with store.transaction() as tx:  # PermissionDenied: a teacher adds their own, the office anyone's
        saved = tx.insert(outcome)
    print(t("outcomes.cli.added", id=saved.id, name=teacher.name, kind=saved.kind, title=saved.title,
            level=saved.level, points=f"{saved.points:g}",
            chars=sum(1 for c in saved.text if not c.isspace())))
    return 0


def run_outcome_list(args: argparse.Namespace) -> int:
    from models.outcomes import check_kind, text_summary
    from models.points import outcome_line
    from models.records import Outcome, Teacher
    from models.store.archive import view_for

    session = open_session(args)
    term = resolve_term(session, args.term)
    source = view_for(session.store, term)
    kind = check_kind(args.kind) if args.kind else ""
    names = {x.id: x.name for x in source.all(Teacher)}
    policy = source.policy()
    shown = sorted((o for o in source.all(Outcome) if o.term_id == term.term_id and (not kind or o.kind == kind)),
                   key=lambda o: (o.date, o.id))
    for o in shown:
        print(f"{o.id:>5}  {o.date}  {names.get(o.teacher_id, '?')}  {o.kind}  《{o.title}》  {o.level} {o.award}".rstrip()
              + f"  {outcome_line(policy, o).points:g}  {text_summary(o) or '—'}")
    if not shown:
        print(t("outcomes.cli.list.none", term=term.term_id), file=sys.stderr)
    return 0


def run_outcome_text(args: argparse.Namespace) -> int:
    from models.outcomes import OutcomeRefused, read_text_file
    from models.records import Outcome

    session = open_session(args)
    store = session.store
    outcome = store.get(Outcome, args.outcome_id)
    if outcome is None:
        raise OutcomeRefused(t("outcomes.cli.text.no_outcome", id=args.outcome_id))
    text = read_text_file(args.file)
    with store.transaction() as tx:  # PermissionDenied: the teacher's own, or the office
        saved = tx.update(outcome.copy(text=text))
    print(t("outcomes.cli.text.done", title=saved.title, chars=sum(1 for c in text if not c.isspace())))
    return 0


def run_report_booklet(args: argparse.Namespace) -> int:
    from models.exports.booklet import build_booklet, default_booklet_name
    from models.exports.registry import render
    from models.outcomes import check_kind
    from models.store.archive import view_for
    from tui.commands.progress import progress_line

    session = open_session(args)
    term = resolve_term(session, args.term)
    kinds = [check_kind(k) for k in args.kind]
    booklet = build_booklet(view_for(session.store, term), term, session.today, kinds, args.ids)
    if not booklet.entries:
        print(t("outcomes.cli.booklet.empty", term=term.term_id), file=sys.stderr)
        return 1
    output = args.output or default_booklet_name(term.term_id)
    if output != "-" and not output.lower().endswith(".docx"):
        print(t("outcomes.cli.booklet.docx_only", path=output), file=sys.stderr)
        return 2
    with progress_line(t("exports.progress.report")) as progress:
        payload = render(booklet, "docx", progress)
    return write_output(output, payload, t("outcomes.cli.booklet.done", count=len(booklet.entries)))


def run_report_competition(args: argparse.Namespace) -> int:
    """The 评比结果 sheet: Word by default, Excel for a .xlsx name. Refused (models/exports/
    competition_result.py) before publication unless the office asks. A competition of a
    closed term is read from its archive (read-only), with its entries, scores and outcomes;
    a name several terms used means the latest term's."""
    from models.exports.competition_result import competition_report, default_competition_name
    from models.exports.registry import format_for_path, render
    from models.outcomes import OutcomeRefused
    from models.records import Competition
    from models.store.archive import ArchiveView

    session = open_session(args)
    store = session.store
    source = ArchiveView(store)  # the active file, then every archived term
    ref = args.competition.strip()
    if ref.isdigit():
        competition = source.get(Competition, int(ref))
    else:
        named = [c for c in source.all(Competition) if c.name == ref]
        competition = max(named, key=lambda c: (c.term_id, c.id)) if named else None
    if competition is None:
        known = "；".join(f"{c.id} {c.name}" for c in sorted(source.all(Competition), key=lambda c: c.id)) or "—"
        raise OutcomeRefused(t("competitions.cli.no_competition", id=ref, known=known))
    output = args.output or default_competition_name(competition)
    fmt = "docx" if output == "-" else format_for_path(output, "report")
    if fmt not in ("docx", "xlsx"):
        print(t("competitions.cli.suffix", path=output), file=sys.stderr)
        return 2
    report = competition_report(source, session.teacher, competition)  # CompetitionRefused: not published
    return write_output(output, render(report, fmt), t("competitions.cli.printed", name=competition.name))
