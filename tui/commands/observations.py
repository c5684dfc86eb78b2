"""Commands of the 听课 area: ``observe add`` and ``export observations``.

``observe add`` goes through the same checks and messages as the quick-entry form
(models/observations.py); ``export observations`` blanks the comments and rating of
every record the person running it may not read (for now: the OS login's teacher).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.i18n import t
from tui.commands.core import db_path, open_checked
from tui.commands.tree import CommandTree


def register(tree: CommandTree) -> None:
    observe = tree.top.add_parser("observe", help=t("observations.cli.observe"),
                                  description=t("observations.cli.observe"))
    actions = observe.add_subparsers(dest="observe_what", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[tree.common], help=t("observations.cli.add"),
                             description=t("observations.cli.add"))
    add.add_argument("--observer", metavar="NAME", default="", help=t("observations.cli.observer"))
    add.add_argument("--teacher", metavar="NAME", required=True, help=t("observations.cli.teacher"))
    add.add_argument("--date", metavar="D", default="今天", help=t("observations.cli.date"))
    add.add_argument("--period", metavar="P", required=True, help=t("observations.cli.period"))
    add.add_argument("--type", metavar="T", default="常态课", dest="lesson_type", help=t("observations.cli.type"))
    add.add_argument("--topic", metavar="TEXT", required=True, help=t("observations.cli.topic"))
    add.add_argument("--subject", metavar="TEXT", default=None, help=t("observations.cli.subject"))
    add.add_argument("--class", metavar="TEXT", default=None, dest="grade_class",
                     help=t("observations.cli.grade_class"))
    add.add_argument("--strength", metavar="TEXT", default="", help=t("observations.cli.strength"))
    add.add_argument("--shortcoming", metavar="TEXT", default="", help=t("observations.cli.shortcoming"))
    add.add_argument("--suggestion", metavar="TEXT", default="", help=t("observations.cli.suggestion"))
    add.add_argument("--rating", metavar="R", default="", help=t("observations.cli.rating"))
    add.set_defaults(handler=run_observe_add)

    export = tree.export.add_parser("observations", parents=[tree.common], help=t("observations.cli.export"),
                                    description=t("observations.cli.export"))
    export.add_argument("--term", metavar="T", default=None, help=t("observations.cli.term"))
    from models.exports.registry import formats_for

    export.add_argument("--format", choices=formats_for("table"), default="csv", help=t("observations.cli.format"))
    export.add_argument("-o", "--output", metavar="FILE", default=None, help=t("observations.cli.output"))
    export.set_defaults(handler=run_export)


def _actor():
    from tui.commands.core import command_login

    return command_login()


def run_observe_add(args: argparse.Namespace) -> int:
    from models import clock
    from models.dates import BadInput, format_period
    from models.observations import (
        Entry, check_entry, count_message, match_choice, resolve_teacher, save_observation,
    )
    from models.records import LESSON_TYPES, RATINGS, Problem, Teacher
    from models.store.storage import ConflictError, Store, ValidationFailed

    login = _actor()
    store = open_checked(db_path(args), login)
    teachers = store.all(Teacher)
    problems: list[Problem] = []
    people = {}
    for key, text, label in (("observer", args.observer, "field.observer"), ("teacher", args.teacher, "field.teacher")):
        if key == "observer" and not text.strip():
            people[key] = next((x for x in teachers if x.login == login and x.active), None)
            if people[key] is None:
                problems.append(Problem("observer", t("observations.cli.no_user", login=login)))
            continue
        try:
            people[key] = resolve_teacher(teachers, text, label)
        except BadInput as error:
            people[key] = None
            problems.append(Problem(key, str(error)))
    lesson_type = match_choice(args.lesson_type, LESSON_TYPES) or args.lesson_type
    rating = (match_choice(args.rating, RATINGS) or args.rating) if args.rating.strip() else ""
    teacher = people.get("teacher")
    entry = Entry(
        observer=people.get("observer"), teacher=teacher, date_text=args.date, period_text=args.period,
        subject=args.subject if args.subject is not None else "".join(teacher.subjects[:1]) if teacher else "",
        grade_class=args.grade_class if args.grade_class is not None else "".join(teacher.grades[:1]) if teacher else "",
        topic=args.topic, lesson_type=lesson_type, strengths=args.strength, shortcomings=args.shortcoming,
        suggestions=args.suggestion, rating=rating)
    observation, more = check_entry(store, entry, clock.today())
    # People were resolved here, with their own messages; check_entry's "no teacher" would repeat them.
    problems += [p for p in more if p.field not in {p.field for p in problems}]
    if not problems:
        try:
            saved = save_observation(store, observation)
        except ValidationFailed as error:
            problems = error.problems
        except ConflictError as error:
            problems = [Problem("duplicate", str(error))]
    if problems:
        for problem in problems:
            print(problem.message, file=sys.stderr)
        return 1
    names = {x.id: x.name for x in store.all(Teacher)}
    observer = store.get(Teacher, saved.observer_id)
    print(t("observations.cli.saved", id=saved.id, date=saved.date, period=format_period(saved.period, store.policy()),
            observer=names.get(saved.observer_id, "?"), teacher=names.get(saved.teacher_id, "?"), topic=saved.topic,
            count=count_message(store, observer, saved.term_id)))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from models import clock
    from models.exports.registry import FORMATS, render, save
    from models.observations import export_report, export_table
    from models.records import Teacher, Term
    from models.store.storage import MissingDataFile, Store
    from models.terms import current_term

    path = db_path(args)
    if not path.exists():
        raise MissingDataFile(path)
    login = _actor()
    store = open_checked(path, login)
    terms = store.all(Term)
    if args.term in (None, ""):
        term = current_term(terms, clock.today())
        term_id = term.term_id if term else ""
    elif args.term == "all":
        term_id = ""
    else:
        term_id = args.term
        if not any(x.term_id == term_id for x in terms):
            listed = "、".join(x.term_id for x in terms) or "—"
            print(t("observations.cli.no_such_term", value=term_id, terms=listed), file=sys.stderr)
            return 1
    viewer = next((x for x in store.all(Teacher) if x.login == login and x.active), None)
    header, rows = export_table(store, viewer, term_id)
    if not FORMATS[args.format].text and not args.output:
        print(t("observations.cli.xlsx_needs_file"), file=sys.stderr)
        return 1
    chosen = next((x for x in terms if x.term_id == term_id), None)
    report = export_report(header, rows, title=t("observations.sheet"), school=store.policy().school_name,
                           term=chosen.name if chosen else "")
    payload = render(report, args.format)
    if args.output is None:
        try:
            sys.stdout.buffer.write(payload)
            sys.stdout.flush()
        except BrokenPipeError:
            # `| head` closed the pipe: not an error of ours; keep Python from complaining at exit.
            import os
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    try:
        output = Path(args.output).expanduser()
        save(output, payload)
    except OSError as error:
        print(t("observations.cli.write_failed", path=args.output, reason=error.strerror or error), file=sys.stderr)
        return 1
    print(t("observations.cli.exported", count=len(rows), path=output))
    return 0
