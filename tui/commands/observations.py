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
from tui.commands.common import open_session, resolve_term, write_file
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
    add.add_argument("--process", metavar="TEXT", default=None, help=t("observations.cli.process"))
    add.add_argument("--process-file", metavar="F", default=None, help=t("observations.cli.process_file"))
    add.add_argument("--score", metavar="NAME=N", action="append", default=[], help=t("observations.cli.score"))
    add.set_defaults(handler=run_observe_add)

    page = tree.report.add_parser("observation", parents=[tree.common], help=t("observations.cli.report_observation"),
                                  description=t("observations.cli.report_observation"))
    page.add_argument("id", metavar="ID", help=t("observations.cli.id"))
    page.add_argument("-o", "--output", metavar="FILE", default=None,
                      help=t("observations.cli.word_output", name="听课记录表-ID.docx"))
    page.set_defaults(handler=run_report_observation)
    notebook = tree.report.add_parser("notebook", parents=[tree.common], help=t("observations.cli.report_notebook"),
                                      description=t("observations.cli.report_notebook"))
    notebook.add_argument("--teacher", metavar="LOGIN", required=True, help=t("observations.cli.notebook_teacher"))
    notebook.add_argument("--term", metavar="T", default=None, help=t("observations.cli.term"))
    notebook.add_argument("-o", "--output", metavar="FILE", default=None,
                          help=t("observations.cli.word_output", name="听课本-NAME-TERM.docx"))
    notebook.set_defaults(handler=run_report_notebook)

    rubric = tree.import_.add_parser("rubric", parents=[tree.common], help=t("rubric.cli.help"),
                                     description=t("rubric.cli.help"))
    rubric.add_argument("file", metavar="FILE", help=t("rubric.cli.file"))
    rubric.add_argument("--name", metavar="NAME", default="", help=t("rubric.cli.name"))
    rubric.add_argument("--types", metavar="T,T", default="", help=t("rubric.cli.types"))
    rubric.add_argument("--subjects", metavar="S,S", default="", help=t("rubric.cli.subjects"))
    rubric.add_argument("--yes", action="store_true", help=t("rubric.cli.yes"))
    rubric.set_defaults(handler=run_import_rubric)

    export = tree.export.add_parser("observations", parents=[tree.common], help=t("observations.cli.export"),
                                    description=t("observations.cli.export"))
    export.add_argument("--term", metavar="T", default=None, help=t("observations.cli.term"))
    from models.exports.registry import format_help, formats_for

    export.add_argument("--format", choices=formats_for("table"), default="csv", help=format_help("table", "csv"))
    export.add_argument("-o", "--output", metavar="FILE", default=None, help=t("observations.cli.output"))
    export.set_defaults(handler=run_export)


def run_observe_add(args: argparse.Namespace) -> int:
    from models.dates import BadInput, format_period
    from models.observations import (
        Entry, check_entry, count_message, match_choice, resolve_teacher, save_observation,
    )
    from models.records import Problem, Teacher
    from models.store.storage import ConflictError, ValidationFailed

    session = open_session(args)
    store, login = session.store, session.login
    policy = store.policy()
    teachers = store.all(Teacher)
    problems: list[Problem] = []
    process, scores = _process_text(args, problems), _typed_scores(args.score, problems)
    people = {}
    for key, text, label in (("observer", args.observer, "field.observer"), ("teacher", args.teacher, "field.teacher")):
        if key == "observer" and not text.strip():
            people[key] = session.teacher
            if people[key] is None:
                problems.append(Problem("observer", t("observations.cli.no_user", login=login)))
            continue
        try:
            people[key] = resolve_teacher(teachers, text, label)
        except BadInput as error:
            people[key] = None
            problems.append(Problem(key, str(error)))
    lesson_type = match_choice(args.lesson_type, policy.lesson_types) or args.lesson_type
    rating = (match_choice(args.rating, policy.ratings) or args.rating) if args.rating.strip() else ""
    teacher = people.get("teacher")
    entry = Entry(
        observer=people.get("observer"), teacher=teacher, date_text=args.date, period_text=args.period,
        subject=args.subject if args.subject is not None else "".join(teacher.subjects[:1]) if teacher else "",
        grade_class=args.grade_class if args.grade_class is not None else "".join(teacher.grades[:1]) if teacher else "",
        topic=args.topic, lesson_type=lesson_type, strengths=args.strength, shortcomings=args.shortcoming,
        suggestions=args.suggestion, rating=rating, process=process, scores=scores)
    observation, more = check_entry(store, entry, session.today)
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
    if saved.scores:
        from models.rubrics import full_marks_of

        print(t("observations.cli.scored", rubric=saved.rubric.get("name", ""),
                scores="、".join(f"{name} {value:g}" for name, value in saved.scores.items()),
                total=f"{saved.total:g}", full=f"{full_marks_of(saved.rubric):g}", rating=saved.rating or "—"))
    return 0


def _process_text(args: argparse.Namespace, problems: list) -> str:
    """--process TEXT or --process-file F (UTF-8 or GBK, as a Windows editor saves it)."""
    from models.records import Problem

    if args.process is not None and args.process_file is not None:
        problems.append(Problem("process", t("observations.cli.process_both")))
        return ""
    if args.process_file is None:
        return (args.process or "").replace("\\n", "\n")
    path = Path(args.process_file).expanduser()
    try:
        raw = sys.stdin.buffer.read() if args.process_file == "-" else path.read_bytes()
    except OSError as error:
        problems.append(Problem("process", t("observations.cli.process_unreadable", path=path,
                                             reason=error.strerror or error)))
        return ""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    problems.append(Problem("process", t("observations.cli.process_unreadable", path=path, reason="UTF-8/GBK")))
    return ""


def _typed_scores(pairs: list[str], problems: list) -> dict[str, str]:
    """``--score 教学目标=14`` (also ``：`` or ``:``) → {"教学目标": "14"}."""
    import re

    from models.records import Problem

    scores: dict[str, str] = {}
    for pair in pairs:
        parts = re.split(r"[=＝:：]", pair, maxsplit=1)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            problems.append(Problem("scores", t("observations.cli.bad_score", value=pair)))
            continue
        scores[parts[0].strip()] = parts[1].strip()
    return scores


def run_import_rubric(args: argparse.Namespace) -> int:
    """``jiaoyan import rubric FILE``: a preview, or with --yes the rubric stored."""
    from models.rubrics import describe, import_rubric, read_rubric_file, resolve_subjects, resolve_types
    from models.store.storage import ValidationFailed

    store = open_session(args).store
    policy = store.policy()
    sheet = read_rubric_file(args.file)  # RubricFileError: tui/cli.py prints its sentence
    types, type_problems = resolve_types(args.types, policy)
    subjects, subject_problems = resolve_subjects(args.subjects, policy)
    problems = sheet.problems + type_problems + subject_problems
    if problems:
        print(t("rubric.import.errors", path=args.file, count=len(problems)), file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        return 1
    name = args.name.strip() or sheet.title or Path(args.file).stem
    for line in describe(sheet, name, types, subjects):
        print(line)
    from models.rubrics import Rubric

    replacing = any(r.name == name for r in store.all(Rubric))
    if not args.yes:
        if replacing:
            print(t("rubric.import.will_replace"))
        print(t("rubric.import.preview"))
        return 0
    try:
        saved, replaced = import_rubric(store, sheet, name, types, subjects)
    except ValidationFailed as error:  # one problem a line (its sentence joins them on one)
        for problem in error.problems:
            print(problem.message, file=sys.stderr)
        return 1
    print(t("rubric.import.replaced" if replaced else "rubric.import.done", name=saved.name,
            count=len(saved.criteria), total=f"{saved.full_marks:g}"))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from models.errors import InputError
    from models.exports.registry import FORMATS, render
    from models.observations import export_report, export_table
    from models.records import Term
    from models.terms import term_by_id

    session = open_session(args)
    store = session.store
    if args.term == "all":
        term_id = ""
    else:
        try:
            term_id = resolve_term(session, args.term).term_id
        except InputError:
            if args.term:
                raise  # a term that does not exist: the sentence lists those that do
            term_id = ""  # no term yet: every observation there is
    header, rows = export_table(store, session.teacher, term_id)
    if not FORMATS[args.format].text and not args.output:
        print(t("observations.cli.xlsx_needs_file"), file=sys.stderr)
        return 1
    chosen = term_by_id(store.all(Term), term_id)
    report = export_report(header, rows, title=t("observations.sheet"), school=store.policy().school_name,
                           term=chosen.name if chosen else "")
    from tui.commands.progress import progress_line

    with progress_line(t("exports.progress.export")) as progress:
        payload = render(report, args.format, progress)
    if args.output is None:
        try:
            sys.stdout.buffer.write(payload)
            sys.stdout.flush()
        except BrokenPipeError:
            # `| head` closed the pipe: not an error of ours; keep Python from complaining at exit.
            import os
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    output = Path(args.output).expanduser()
    return write_file(output, payload, t("observations.cli.exported", count=len(rows), path=output))


def run_report_observation(args: argparse.Namespace) -> int:
    """``jiaoyan report observation ID -o F.docx``: one A4 听课记录表, for whoever may read it."""
    from models.exports.observation_pages import observation_docx

    if not args.id.strip().lstrip("#").isdigit():
        print(t("observations.cli.bad_id", value=args.id), file=sys.stderr)
        return 1
    record_id = int(args.id.strip().lstrip("#"))
    session = open_session(args)
    store = session.store
    payload = observation_docx(store, session.teacher, record_id, store.path)  # PermissionDenied: exit 1
    output = Path(args.output or t("observations.word.record_file", id=record_id)).expanduser()
    return write_file(output, payload, t("observations.cli.written", path=output))


def run_report_notebook(args: argparse.Namespace) -> int:
    """``jiaoyan report notebook --teacher LOGIN [--term T]``: the teacher's 听课本 for the term."""
    from models.exports.observation_pages import notebook_docx, notebook_of
    from models.observations import resolve_teacher
    from models.records import Teacher

    session = open_session(args)
    store = session.store
    term = resolve_term(session, args.term)
    teacher = resolve_teacher(store.all(Teacher), args.teacher, "field.observer")  # or BadInput
    viewer = session.teacher
    book = notebook_of(store, viewer, teacher, term)
    payload = notebook_docx(store, viewer, teacher, term, store.path)  # TemplateError: its sentence, exit 1
    output = Path(args.output or t("observations.word.notebook_file", name=teacher.name, term=term.term_id))
    output = output.expanduser()
    return write_file(output, payload, t("observations.cli.notebook_written", path=output, name=teacher.name,
                                         pages=len(book.pages), count=book.given))
