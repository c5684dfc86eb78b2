"""Commands of 课题与学时 (issue 18)::

    jiaoyan project list
    jiaoyan project add --title T --host NAME --start D [--number N] [--level 区级] [--members A,B] [--end D]
    jiaoyan project edit REF [--title T] [--number N] [--level L] [--host LOGIN] [--members A,B] [--end D]
    jiaoyan project stage REF STAGE [--done [--date D] | --planned] [--file F [--title T]]
    jiaoyan project print REF [-o FILE.docx]
    jiaoyan project delete REF [--yes]             (the office; without --yes: what would go)
    jiaoyan training add --title T --start D --hours H [--teacher NAME] [--place P] [--end D] [--remote]
                         [--report 汇报课|报告|none]
    jiaoyan training list [--term T]
    jiaoyan training reported ID [--date D]
    jiaoyan hours [--term T] [--teacher NAME] [--event ID --set H]
    jiaoyan hours --target 72 [--remote-minimum 6] [--hour-minutes 40]      (the office: the policy)
    jiaoyan requirements [--add WHAT --kind outcome|lesson|document --per-term N [--role ROLE]] [--remove N] [--seed]
    jiaoyan requirements --progress [--term T] [--teacher NAME]
    jiaoyan report year [--year 2025-2026] [--format xlsx|docx|md] [-o FILE]

REF is a project's number (or its id as ``project list`` shows it).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from models.i18n import t
from tui.commands.tree import CommandTree


def register(tree: CommandTree) -> None:
    project = tree.top.add_parser("project", help=t("research.cli.project"), description=t("research.cli.project"))
    family = project.add_subparsers(dest="project_what", metavar="WHAT", required=True)

    listing = family.add_parser("list", parents=[tree.common], help=t("research.cli.project.list"))
    listing.set_defaults(handler=run_project_list)

    add = family.add_parser("add", parents=[tree.common], help=t("research.cli.project.add"))
    add.add_argument("--title", required=True, help=t("research.cli.arg.title"))
    add.add_argument("--host", required=True, metavar="NAME", help=t("research.cli.arg.host"))
    add.add_argument("--start", required=True, metavar="DATE", help=t("research.cli.arg.start"))
    add.add_argument("--number", default="", help=t("research.cli.arg.number"))
    add.add_argument("--level", default="校级", help=t("research.cli.arg.level"))
    add.add_argument("--members", default="", metavar="A,B", help=t("research.cli.arg.members"))
    add.add_argument("--end", default="", metavar="DATE", help=t("research.cli.arg.end"))
    add.set_defaults(handler=run_project_add)

    edit = family.add_parser("edit", parents=[tree.common], help=t("research.cli.project.edit"),
                             description=t("research.cli.project.edit"))
    edit.add_argument("ref", metavar="REF", help=t("research.cli.arg.ref"))
    edit.add_argument("--title", default=None, help=t("research.cli.arg.title"))
    edit.add_argument("--number", default=None, help=t("research.cli.arg.number"))
    edit.add_argument("--level", default=None, help=t("research.cli.arg.level"))
    edit.add_argument("--host", default=None, metavar="LOGIN", help=t("research.cli.arg.host_login"))
    edit.add_argument("--members", default=None, metavar="A,B", help=t("research.cli.arg.members_all"))
    edit.add_argument("--end", default=None, metavar="YYYY-MM-DD", help=t("research.cli.arg.end"))
    edit.set_defaults(handler=run_project_edit)

    stage = family.add_parser("stage", parents=[tree.common], help=t("research.cli.project.stage"))
    stage.add_argument("ref", metavar="REF", help=t("research.cli.arg.ref"))
    stage.add_argument("stage", metavar="STAGE", help=t("research.cli.arg.stage"))
    done = stage.add_mutually_exclusive_group()
    done.add_argument("--done", action="store_true", help=t("research.cli.arg.stage_done"))
    done.add_argument("--planned", action="store_true", help=t("research.cli.arg.stage_planned"))
    stage.add_argument("--date", default="", metavar="DATE", help=t("research.cli.arg.stage_date"))
    stage.add_argument("--file", default="", metavar="F", help=t("research.cli.arg.stage_file"))
    stage.add_argument("--title", default="", help=t("research.cli.arg.stage_title"))
    stage.set_defaults(handler=run_project_stage)

    printing = family.add_parser("print", parents=[tree.common], help=t("research.cli.project.print"))
    printing.add_argument("ref", metavar="REF", help=t("research.cli.arg.ref"))
    printing.add_argument("-o", "--output", metavar="FILE", help=t("research.cli.arg.output"))
    printing.set_defaults(handler=run_project_print)

    delete = family.add_parser("delete", parents=[tree.common], help=t("research.cli.project.delete"),
                               description=t("research.cli.project.delete"))
    delete.add_argument("ref", metavar="REF", help=t("research.cli.arg.ref"))
    delete.add_argument("--yes", action="store_true", help=t("research.cli.arg.yes"))
    delete.set_defaults(handler=run_project_delete)

    training = tree.top.add_parser("training", help=t("research.cli.training"),
                                   description=t("research.cli.training"))
    tfamily = training.add_subparsers(dest="training_what", metavar="WHAT", required=True)
    tadd = tfamily.add_parser("add", parents=[tree.common], help=t("research.cli.training.add"))
    tadd.add_argument("--title", required=True, help=t("research.cli.arg.training_title"))
    tadd.add_argument("--start", required=True, metavar="DATE", help=t("research.cli.arg.training_start"))
    tadd.add_argument("--hours", required=True, type=float, help=t("research.cli.arg.hours"))
    tadd.add_argument("--teacher", default="", metavar="NAME", help=t("research.cli.arg.training_teacher"))
    tadd.add_argument("--place", default="", help=t("research.cli.arg.training_place"))
    tadd.add_argument("--end", default="", metavar="DATE", help=t("research.cli.arg.training_end"))
    tadd.add_argument("--remote", action="store_true", help=t("research.field.remote"))
    tadd.add_argument("--report", default="汇报课", choices=("汇报课", "报告", "none"),
                      help=t("research.cli.arg.report"))
    tadd.set_defaults(handler=run_training_add)
    tlist = tfamily.add_parser("list", parents=[tree.common], help=t("research.cli.training.list"))
    tlist.add_argument("--term", metavar="T", help=t("research.cli.arg.term"))
    tlist.set_defaults(handler=run_training_list)
    treported = tfamily.add_parser("reported", parents=[tree.common], help=t("research.cli.training.reported"))
    treported.add_argument("id", type=int, metavar="ID", help=t("research.cli.arg.training_id"))
    treported.add_argument("--date", default="", metavar="DATE", help=t("research.cli.arg.reported_date"))
    treported.set_defaults(handler=run_training_reported)

    hours = tree.top.add_parser("hours", parents=[tree.common], help=t("research.cli.hours"),
                                description=t("research.cli.hours"))
    hours.add_argument("--term", metavar="T", help=t("research.cli.arg.term"))
    hours.add_argument("--teacher", default="", metavar="NAME", help=t("research.cli.arg.hours_teacher"))
    hours.add_argument("--event", type=int, default=0, metavar="ID", help=t("research.cli.arg.hours_event"))
    hours.add_argument("--set", type=float, default=None, metavar="H", help=t("research.cli.arg.hours_set"))
    hours.add_argument("--target", type=float, default=None, metavar="H", help=t("research.cli.arg.hours_target"))
    hours.add_argument("--remote-minimum", type=float, default=None, metavar="H",
                       help=t("research.cli.arg.hours_remote"))
    hours.add_argument("--hour-minutes", type=int, default=None, metavar="M", help=t("research.cli.arg.hour_minutes"))
    hours.set_defaults(handler=run_hours)

    required = tree.top.add_parser("requirements", parents=[tree.common], help=t("research.cli.requirements"),
                                   description=t("research.cli.requirements"))
    required.add_argument("--add", default="", metavar="WHAT", help=t("research.cli.arg.req_add"))
    required.add_argument("--kind", default="outcome", choices=("outcome", "lesson", "document"),
                          help=t("research.cli.arg.req_kind"))
    required.add_argument("--per-term", type=int, default=1, metavar="N", help=t("research.cli.arg.req_per_term"))
    required.add_argument("--role", default="", metavar="ROLE", help=t("research.cli.arg.req_role"))
    required.add_argument("--remove", type=int, default=0, metavar="N", help=t("research.cli.arg.req_remove"))
    required.add_argument("--seed", action="store_true", help=t("research.cli.arg.req_seed"))
    required.add_argument("--progress", action="store_true", help=t("research.cli.arg.req_progress"))
    required.add_argument("--term", metavar="T", help=t("research.cli.arg.term"))
    required.add_argument("--teacher", default="", metavar="NAME", help=t("research.cli.arg.req_teacher"))
    required.set_defaults(handler=run_requirements)
    register_year(tree)


def _session(args):
    from tui.commands.common import open_session

    return open_session(args)


def _find_teacher(store, name: str):
    from models.people import search_teachers
    from models.records import Group, Teacher
    from models.research import ResearchInputError

    name = name.strip()
    teachers = [x for x in store.all(Teacher) if x.active]
    exact = [x for x in teachers if x.name == name or x.login == name]
    found = exact or (search_teachers(teachers, name, groups=store.all(Group)) if name else [])
    if not found:
        raise ResearchInputError(t("research.error.no_teacher", name=name or "—"))
    return found[0]


def _date(text: str, today) -> str:
    from models.dates import parse_date

    return parse_date(text, today).isoformat()


def _project(store, ref: str):
    from models.records import Project
    from models.research import ResearchInputError, project_by_ref

    project = project_by_ref(store.all(Project), ref)
    if project is None:
        raise ResearchInputError(t("research.error.no_project", ref=ref))
    return project


def run_project_list(args: argparse.Namespace) -> int:
    from models import research
    from models.records import Project, Teacher

    session = _session(args)
    store = session.store
    names = {x.id: x.name for x in store.all(Teacher)}
    projects = sorted(store.all(Project), key=lambda p: (p.start, p.id))
    if not projects:
        print(t("research.no_projects"))
    for p in projects:
        upcoming = research.current_stage(p)
        late = upcoming is not None and research.stage_overdue(upcoming, session.today)
        next_text = f"{upcoming['name']} {upcoming.get('date', '')}" if upcoming else "—"
        if late:
            next_text += " " + t("research.overdue")
        print(f"{p.id}\t{p.number or '—'}\t{p.title}\t{p.level}\t{names.get(p.host_id, '?')}\t"
              f"{research.project_state(p)}\t{next_text}")
    return 0


def run_project_add(args: argparse.Namespace) -> int:
    from models import research

    session = _session(args)
    store, today = session.store, session.today
    host = _find_teacher(store, args.host)
    members = [_find_teacher(store, name).id for name in args.members.replace("，", ",").replace("、", ",").split(",")
               if name.strip()]
    project = research.new_project(number=args.number, title=args.title, level=args.level, host_id=host.id,
                                   member_ids=members, start=_date(args.start, today),
                                   planned_end=_date(args.end, today) if args.end else "")
    saved = research.save_project(store, project)
    print(t("research.project_added", title=saved.title) + f" (id {saved.id})")
    return 0


def run_project_edit(args: argparse.Namespace) -> int:
    from models import research
    from models.research import ResearchInputError

    session = _session(args)
    store, today = session.store, session.today
    project = _project(store, args.ref)
    wanted = (args.title, args.number, args.level, args.host, args.members, args.end)
    if all(x is None for x in wanted):
        raise ResearchInputError(t("research.cli.nothing_to_change"))
    host = _find_teacher(store, args.host).id if args.host is not None else None
    members = None
    if args.members is not None:
        members = [_find_teacher(store, name).id
                   for name in args.members.replace("，", ",").replace("、", ",").split(",") if name.strip()]
    end = None
    if args.end is not None:
        end = _date(args.end, today) if args.end.strip() else ""
    changed = research.edit_project(project, number=args.number, title=args.title, level=args.level,
                                    host_id=host, member_ids=members, planned_end=end)
    saved = research.save_project(store, changed)
    print(t("research.project_edited", title=saved.title) + f" (id {saved.id})")
    kept = research.kept_done_stages(project, saved)
    if kept:
        print(t("research.edit.kept_done", stages="、".join(kept)))
    return 0


def run_project_stage(args: argparse.Namespace) -> int:
    from models import research
    from models.documents import text_from_file

    session = _session(args)
    store, today = session.store, session.today
    project = _project(store, args.ref)
    if args.done:
        project = research.mark_stage(project, args.stage, True, parse_day(args.date, today))
    elif args.planned:
        project = research.mark_stage(project, args.stage, False, today)
    if args.date and not args.done:  # alone or with --planned: the day the stage is planned for
        project = research.with_stage(project, args.stage, date=_date(args.date, today))
    if args.file:
        path = Path(args.file).expanduser()
        project = research.add_stage_document(project, args.stage, args.title or path.stem, text_from_file(path),
                                              source=path.name)
    saved = research.save_project(store, project)
    item = research.stage(saved, args.stage) or {}
    print(t("research.stage_marked", stage=args.stage, status=t(f"research.stage.{item.get('status', 'planned')}"))
          + f" · {item.get('date', '')} · {len(item.get('documents', []))}")
    return 0


def parse_day(text: str, today):
    from models.dates import parse_date

    return parse_date(text, today) if text else today


def run_project_print(args: argparse.Namespace) -> int:
    from models.exports.project_record import default_project_name, project_report
    from models.exports.registry import render
    from tui.commands.common import write_output

    session = _session(args)
    project = _project(session.store, args.ref)
    output = args.output or default_project_name(project)
    return write_output(output, render(project_report(session.store, project), "docx"),
                        t("research.cli.printed", title=project.title))


def run_project_delete(args: argparse.Namespace) -> int:
    """Like ``d`` in the app: the office only (the same refusal, models/permissions.py), the
    project with its stages' documents; without ``--yes`` only what would be deleted (like
    ``import rubric``'s preview)."""
    from models import research
    from models.errors import PermissionDenied
    from models.permissions import can, refusal

    session = _session(args)
    store = session.store
    project = _project(store, args.ref)
    actor = session.teacher or session.login
    if not can(store, actor, "delete", project):
        raise PermissionDenied(refusal(store, actor, "delete", project))
    documents = sum(len(item.get("documents") or []) for item in project.stages)
    print(t("research.cli.delete_preview", title=project.title, number=project.number or f"id {project.id}",
            documents=documents))
    if not args.yes:
        print(t("research.cli.delete_hint"))
        return 0
    research.delete_project(store, project)
    print(t("research.project_deleted", title=project.title))
    return 0


def run_training_add(args: argparse.Namespace) -> int:
    from models import research

    session = _session(args)
    store, today = session.store, session.today
    teacher = _find_teacher(store, args.teacher) if args.teacher else session.teacher
    if teacher is None:
        return run_failed(t("research.error.no_teacher", name=session.login))
    start = _date(args.start, today)
    training = research.new_training(store, teacher_id=teacher.id, title=args.title, place=args.place, start=start,
                                     end=_date(args.end, today) if args.end else start, hours=args.hours,
                                     remote=args.remote, report_back="" if args.report == "none" else args.report)
    with store.transaction() as tx:
        saved = tx.insert(training)
    print(t("research.training_added", title=saved.title, hours=f"{saved.hours:g}") + f" (id {saved.id})")
    return 0


def run_failed(message: str) -> int:
    import sys

    print(message, file=sys.stderr)
    return 1


def run_training_list(args: argparse.Namespace) -> int:
    from models.records import Teacher, Training
    from tui.commands.common import resolve_term

    session = _session(args)
    term = resolve_term(session, args.term)
    names = {x.id: x.name for x in session.store.all(Teacher)}
    for x in sorted((x for x in session.store.all(Training) if x.term_id == term.term_id),
                    key=lambda x: (x.start, x.id)):
        owed = ""
        if x.report_back:
            owed = t("research.owed", what=x.report_back, title="").rstrip("：: ") if not x.reported_on \
                else f"{x.report_back} {x.reported_on}"
        print(f"{x.id}\t{x.start}\t{names.get(x.teacher_id, '?')}\t{x.title}\t{x.place}\t{x.hours:g}"
              f"{' ' + t('research.cli.remote') if x.remote else ''}\t{owed}")
    return 0


def run_training_reported(args: argparse.Namespace) -> int:
    from models.records import Training
    from models.research import ResearchInputError

    session = _session(args)
    store = session.store
    training = store.get(Training, args.id)
    if training is None:
        raise ResearchInputError(t("research.error.no_training", id=args.id))
    day = parse_day(args.date, session.today)
    with store.transaction() as tx:
        tx.update(training.copy(reported_on=day.isoformat()))
    print(t("research.reported", what=training.report_back or "—", title=training.title))
    return 0


def run_hours(args: argparse.Namespace) -> int:
    from models import research
    from models.dashboard import name_sort_key, teachers_of_term
    from models.records import Activity, Term
    from models.research import ResearchInputError
    from models.store.archive import ArchiveView
    from tui.commands.common import resolve_term

    session = _session(args)
    store = session.store
    if args.target is not None or args.remote_minimum is not None or args.hour_minutes is not None:
        policy = store.policy()
        changes = {k: v for k, v in (("study_hours_per_year", args.target), ("remote_hours_per_term",
                   args.remote_minimum), ("study_hour_minutes", args.hour_minutes)) if v is not None}
        _save_policy(store, policy.copy(**changes))
        policy = store.policy()
        print(t("research.cli.hours_policy", target=f"{policy.study_hours_per_year:g}",
                remote=f"{policy.remote_hours_per_term:g}", minutes=policy.study_hour_minutes))
        return 0
    if args.event:
        activity = store.get(Activity, args.event)
        if activity is None or args.set is None:
            raise ResearchInputError(t("research.error.no_event", id=args.event))
        with store.transaction() as tx:
            tx.update(activity.copy(study_hours=args.set))
        print(t("research.cli.event_hours", what=activity.event or activity.topic or activity.date,
                hours=f"{args.set:g}"))
        return 0
    term = resolve_term(session, args.term)
    year_ids = [x.term_id for x in research.terms_of_year(store.all(Term), research.school_year_of(term.term_id))]
    source = ArchiveView(store, year_ids)
    if args.teacher:
        teacher = _find_teacher(store, args.teacher)
        figures = research.teacher_hours(source, term, teacher, session.today)
        print(t("research.section.hours", term=f"{figures.term_hours:g}", year=f"{figures.year_hours:g}",
                target=f"{figures.year_target:g}"))
        for line in research.hours_lines(source, teacher.id, year_ids):
            print(f"  {line.date}\t{line.hours:g}\t{line.what}")
        for training in figures.reports_owed:
            print("  " + t("research.owed", what=training.report_back, title=training.title))
        return 0
    teachers = sorted(teachers_of_term(source, term), key=lambda x: (name_sort_key(x.name), x.id))
    print("\t".join(t(k) for k in ("research.col.teacher", "research.col.term_hours", "research.col.year_hours",
                                   "research.col.remote", "research.col.owed")))
    for f in research.hours_of_teachers(source, term, teachers, session.today):
        marker = " ▼" if f.behind else ""
        remote = f"{f.remote_term:g}/{f.remote_minimum:g}" if f.remote_minimum else f"{f.remote_term:g}"
        owed = "、".join(x.report_back for x in f.reports_owed) or "—"
        print(f"{f.teacher.name}\t{f.term_hours:g}\t{f.year_hours:g}/{f.year_target:g}{marker}\t{remote}\t{owed}")
    return 0


SEED_REQUIREMENTS = (  # the examples of issue 18, from the schools' own plans
    {"role": "", "kind": "outcome", "what": "教学随笔", "per_term": 4},
    {"role": "", "kind": "lesson", "what": "过关课", "per_term": 1},
    {"role": "骨干教师", "kind": "lesson", "what": "示范课", "per_term": 1},
)


def _save_policy(store, policy) -> None:
    from models.research import ResearchInputError

    problems = policy.validate()
    if problems:
        raise ResearchInputError("；".join(str(p) for p in problems))
    with store.transaction() as tx:
        tx.update(policy)


def run_requirements(args: argparse.Namespace) -> int:
    from models.research import ResearchInputError

    session = _session(args)
    store = session.store
    policy = store.policy()
    if args.progress:
        return _requirement_progress(args, session)
    requirements = [dict(r) for r in policy.requirements]
    if args.seed:
        requirements += [dict(r) for r in SEED_REQUIREMENTS if r not in requirements]
    if args.add:
        requirements.append({"role": args.role, "kind": args.kind, "what": args.add.strip(),
                             "per_term": args.per_term})
    if args.remove:
        if not 1 <= args.remove <= len(requirements):
            raise ResearchInputError(t("research.error.no_requirement", n=args.remove, count=len(requirements)))
        requirements.pop(args.remove - 1)
    if requirements != policy.requirements:
        _save_policy(store, policy.copy(requirements=requirements))
    if not requirements:
        print(t("research.cli.no_requirements"))
    for n, r in enumerate(requirements, 1):
        print(t("research.cli.requirement_line", n=n, who=r.get("role") or t("research.cli.everyone"),
                kind=t(f"research.requirement.kind.{r.get('kind')}"), what=r.get("what", ""),
                count=r.get("per_term", 0)))
    return 0


def _requirement_progress(args, session) -> int:
    from models.dashboard import build_dashboard
    from models.dashboard_text import requirement_label
    from models.store.archive import view_for
    from tui.commands.common import resolve_term

    if not session.store.policy().requirements:
        print(t("research.cli.no_requirements_progress"))
        return 0
    term = resolve_term(session, args.term)
    dash = build_dashboard(view_for(session.store, term), term, session.today)
    wanted = _find_teacher(session.store, args.teacher).id if args.teacher else None
    for f in dash.teachers:
        if wanted is not None and f.teacher.id != wanted or not f.requirements:
            continue
        cells = [f"{requirement_label(r)} {r.done}/{r.due}" + (" ✔" if r.met else (" ▼" if r.behind else ""))
                 for r in f.requirements]
        print(f"{f.teacher.name}\t" + "\t".join(cells))
    return 0


def register_year(tree: CommandTree) -> None:
    from models.exports.registry import format_help, formats_for

    year = tree.report.add_parser("year", parents=[tree.common], help=t("year.cli.help"),
                                  description=t("year.cli.help"))
    year.add_argument("--year", default="", metavar="YYYY-YYYY", help=t("year.cli.year"))
    year.add_argument("--format", choices=formats_for("report"), default=None,
                      help=format_help("report"))
    year.add_argument("-o", "--output", metavar="FILE", help=t("dashboard.cli.report.output"))
    year.set_defaults(handler=run_report_year)


def run_report_year(args: argparse.Namespace) -> int:
    import sys

    from models.exports.registry import format_for_path, render
    from models.exports.year_report import default_year_name, year_report
    from models.research import school_year_of
    from models.year import year_review
    from tui.commands.common import resolve_term, write_output
    from tui.commands.progress import progress_line

    session = _session(args)
    year = args.year.strip() or school_year_of(resolve_term(session, None).term_id)
    review = year_review(session.store, year, session.today)
    fmt = args.format or (format_for_path(args.output, "report") if args.output else None) or "xlsx"
    report = year_report(review, session.store.policy().school_name)
    with progress_line(t("exports.progress.report")) as progress:
        payload = render(report, fmt, progress)
    output = args.output or default_year_name(year, fmt)
    if output == "-" and fmt in ("xlsx", "docx"):
        print(t("dashboard.cli.report.format_needed"), file=sys.stderr)
        return 2
    return write_output(output, payload, t("year.title", year=year.replace("-", "—")))
