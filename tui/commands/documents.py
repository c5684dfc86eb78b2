"""Commands of the 文档 area (issue 17)::

    jiaoyan doc kinds [--add NAME --writer self|leader|member --reviewer leader|office]
    jiaoyan doc add --kind KIND [--group G] [--term T] --file F [--title TITLE] [--reading ID]
    jiaoyan doc list [--term T] [--kind KIND]
    jiaoyan doc due [--term T] [--all]
    jiaoyan doc show ID
    jiaoyan doc print ID [-o FILE.docx]
    jiaoyan doc handins [--term T] [--add KIND --audience A --due DATE] [--remove ID]
    jiaoyan doc reading [--term T] [--add TITLE --author NAME]
    jiaoyan doc prep --group G [--add "第一单元;第二单元" --week N]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from models.errors import InputError
from models.i18n import t
from models.terms import is_archived
from tui.commands.common import open_session, resolve_term, write_output
from tui.commands.tree import CommandTree


def register(tree: CommandTree) -> None:
    doc = tree.top.add_parser("doc", help=t("doc.cli.help"), description=t("doc.cli.help"))
    family = doc.add_subparsers(dest="doc_what", metavar="WHAT", required=True)

    kinds = family.add_parser("kinds", parents=[tree.common], help=t("doc.cli.kinds.help"),
                              description=t("doc.cli.kinds.help"))
    kinds.add_argument("--add", metavar="NAME", help=t("doc.cli.kinds.add"))
    kinds.add_argument("--writer", choices=("self", "leader", "member"), default="self", help=t("doc.cli.kinds.writer"))
    kinds.add_argument("--reviewer", choices=("leader", "office"), default="leader", help=t("doc.cli.kinds.reviewer"))
    kinds.set_defaults(handler=run_kinds)

    add = family.add_parser("add", parents=[tree.common], help=t("doc.cli.add.help"), description=t("doc.cli.add.help"))
    add.add_argument("--kind", required=True, metavar="KIND", help=t("doc.cli.kind"))
    add.add_argument("--group", metavar="G", help=t("doc.cli.group"))
    add.add_argument("--term", metavar="T", help=t("doc.cli.term"))
    add.add_argument("--file", required=True, metavar="F", help=t("doc.cli.file"))
    add.add_argument("--title", metavar="TITLE", help=t("doc.cli.title"))
    add.add_argument("--reading", type=int, default=0, metavar="ID", help=t("doc.cli.reading"))
    add.set_defaults(handler=run_add)

    listing = family.add_parser("list", parents=[tree.common], help=t("doc.cli.list.help"),
                                description=t("doc.cli.list.help"))
    listing.add_argument("--term", metavar="T", help=t("doc.cli.term"))
    listing.add_argument("--kind", metavar="KIND", help=t("doc.cli.kind"))
    listing.set_defaults(handler=run_list)

    due = family.add_parser("due", parents=[tree.common], help=t("doc.cli.due.help"), description=t("doc.cli.due.help"))
    due.add_argument("--term", metavar="T", help=t("doc.cli.term"))
    due.add_argument("--all", action="store_true", help=t("doc.cli.due.all"))
    due.set_defaults(handler=run_due)

    handins = family.add_parser("handins", parents=[tree.common], help=t("doc.cli.handins.help"),
                                description=t("doc.cli.handins.help"))
    handins.add_argument("--term", metavar="T", help=t("doc.cli.term"))
    handins.add_argument("--add", metavar="KIND", help=t("doc.cli.handins.add"))
    handins.add_argument("--audience", choices=("research_groups", "prep_groups", "teachers", "research_lessons"),
                         default="teachers", help=t("doc.cli.handins.audience"))
    handins.add_argument("--due", metavar="DATE", help=t("doc.cli.handins.due"))
    handins.add_argument("--remove", type=int, metavar="ID", help=t("doc.cli.handins.remove"))
    handins.set_defaults(handler=run_handins)

    reading = family.add_parser("reading", parents=[tree.common], help=t("doc.cli.reading.help"),
                                description=t("doc.cli.reading.help"))
    reading.add_argument("--term", metavar="T", help=t("doc.cli.term"))
    reading.add_argument("--add", metavar="TITLE", help=t("doc.cli.reading.add"))
    reading.add_argument("--author", metavar="NAME", default="", help=t("doc.cli.reading.author"))
    reading.set_defaults(handler=run_reading)

    prep = family.add_parser("prep", parents=[tree.common], help=t("doc.cli.prep.help"),
                             description=t("doc.cli.prep.help"))
    prep.add_argument("--group", required=True, metavar="G", help=t("doc.cli.group"))
    prep.add_argument("--term", metavar="T", help=t("doc.cli.term"))
    prep.add_argument("--add", metavar="UNITS", help=t("doc.cli.prep.add"))
    prep.add_argument("--week", type=int, default=0, metavar="N", help=t("doc.cli.prep.week"))
    prep.set_defaults(handler=run_prep)

    printing = family.add_parser("print", parents=[tree.common], help=t("doc.cli.print.help"),
                                 description=t("doc.cli.print.help"))
    printing.add_argument("id", type=int, metavar="ID", help=t("doc.cli.arg.id"))
    printing.add_argument("-o", "--output", metavar="FILE", help=t("doc.cli.output"))
    printing.set_defaults(handler=run_print)

    show = family.add_parser("show", parents=[tree.common], help=t("doc.cli.show.help"),
                             description=t("doc.cli.show.help"))
    show.add_argument("id", type=int, metavar="ID", help=t("doc.cli.arg.id"))
    show.set_defaults(handler=run_show)


def run_kinds(args: argparse.Namespace) -> int:
    from models.documents import document_kinds, save_kind

    store = open_session(args).store
    if args.add:
        # A name the admin stored before (or a built-in's name) changes that kind's writer and reviewer.
        record = save_kind(store, args.add, args.writer, args.reviewer)
        print(t("doc.cli.kinds.added", name=record.name))
    for kind in document_kinds(store):
        print(f"{kind.name}\t{t('doc.writer.' + kind.writer)}\t{t('doc.reviewer_kind.' + kind.reviewer)}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    from models import documents as docs
    session = open_session(args)
    store, me = session.store, session.teacher
    if me is None:
        raise InputError(t("doc.error.not_on_roster", login=session.login))
    term = resolve_term(session, args.term)
    if is_archived(term):
        raise InputError(t("doc.error.archived", term=term.term_id))
    kind = docs.kind_named(store, args.kind)
    if kind is None:
        raise InputError(t("doc.error.unknown_kind", value=args.kind, choices="、".join(docs.kind_names(store))))
    group_id = 0
    if args.group:
        group_id = _group(store, args.group).id
    elif kind.is_group:
        raise InputError(t("doc.error.no_group", kind=kind.name))
    text = docs.text_from_file(Path(args.file).expanduser())
    draft = docs.new_document(store, me, kind=kind.name, term_id=term.term_id, group_id=group_id,
                              title=args.title or "", body=text, source=Path(args.file).name,
                              reading_id=args.reading)
    saved = docs.save_document(store, draft)
    print(t("doc.cli.added", id=saved.id, title=saved.title, lines=len(text.splitlines())))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from models import documents as docs

    session = open_session(args)
    store, me = session.store, session.teacher
    term = resolve_term(session, args.term)
    for document in docs.visible_documents(store, me, term.term_id):
        if args.kind and document.kind != args.kind.strip():
            continue
        print(f"{document.id}\t{document.kind}\t{document.title}\t{docs.author_label(store, document)}\t"
              f"{t('doc.state.' + document.state)}")
    return 0


def run_due(args: argparse.Namespace) -> int:
    from models import documents as docs

    session = open_session(args)
    store, me = session.store, session.teacher
    term = resolve_term(session, args.term)
    today = session.today
    everyone = args.all and me is not None and me.is_admin
    for due in docs.dues(store, term):
        if not everyone and (me is None or due.teacher_id != me.id):
            continue
        print(f"{due.due.isoformat()}\t{t('doc.status.' + due.status(today))}\t{due.label}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from models import documents as docs

    session = open_session(args)
    store, me = session.store, session.teacher
    document = _document(store, me, args.id)
    print(document.title)
    print(f"{document.kind} · {docs.author_label(store, document)} · {document.term_id} · "
          f"{t('doc.state.' + document.state)}")
    print()
    print(document.body)
    lines = docs.history_lines(store, document)
    if lines:
        print()
        for line in lines:
            print(line)
    return 0


def _handin_line(handin) -> str:
    due = handin.due or t("doc.due.before_lesson")
    return f"{handin.id or '-'}\t{handin.kind}\t{t('doc.audience.' + handin.audience)}\t{due}"


def run_handins(args: argparse.Namespace) -> int:
    from models import documents as docs
    from models.dates import parse_date
    session = open_session(args)
    store = session.store
    term = resolve_term(session, args.term)
    if args.add or args.remove:
        stored = docs.adopt_defaults(store, term)  # the seed rules become the term's own list first
        if args.remove:
            target = next((h for h in stored if h.id == args.remove), None)
            if target is None:
                raise InputError(t("doc.cli.handins.no_such", id=args.remove))
            with store.transaction() as tx:
                tx.delete(target)
        if args.add:
            if docs.kind_named(store, args.add) is None:
                raise InputError(t("doc.error.unknown_kind", value=args.add, choices="、".join(docs.kind_names(store))))
            due = ""
            if args.audience != "research_lessons":
                if not args.due:
                    raise InputError(t("doc.cli.handins.need_due"))
                due = parse_date(args.due, session.today).isoformat()
            with store.transaction() as tx:
                tx.insert(docs.HandIn(term_id=term.term_id, kind=args.add.strip(), audience=args.audience, due=due))
    for handin in docs.handins_for(store, term):
        print(_handin_line(handin))
    return 0


def run_reading(args: argparse.Namespace) -> int:
    from models import documents as docs
    session = open_session(args)
    store = session.store
    term = resolve_term(session, args.term)
    if args.add:
        with store.transaction() as tx:
            tx.insert(docs.Reading(term_id=term.term_id, title=args.add.strip(), author=args.author.strip()))
    for reading in docs.readings_of(store, term.term_id):
        print(f"{reading.id}\t《{reading.title}》\t{reading.author}")
    return 0


def run_prep(args: argparse.Namespace) -> int:
    import re

    from models import prep
    from models.records import Activity, Teacher
    session = open_session(args)
    store = session.store
    term = resolve_term(session, args.term)
    group = _group(store, args.group)
    if args.add:
        titles = [x.strip() for x in re.split(r"[;；\n]", args.add) if x.strip()]
        prep.schedule(store, term, group, titles, first_week=args.week)
    plan = prep.plan_for(store, term.term_id, group.id)
    names = {x.id: x.name for x in store.all(Teacher)}
    for unit in plan.units if plan else []:
        activity = store.get(Activity, unit.get("activity_id", 0)) if unit.get("activity_id") else None
        week = t("week.number", week=unit["week"]) if unit.get("week") else "—"
        print(f"{unit['uid']}\t{week}\t{unit['title']}\t{t('prep.lead')}：{names.get(unit.get('lead_id'), '—')}\t"
              f"{activity.date if activity else '—'}")
    return 0


def run_print(args: argparse.Namespace) -> int:
    from models.exports.document_print import default_document_name, document_docx
    session = open_session(args)
    store, me = session.store, session.teacher
    document = _document(store, me, args.id)
    target = Path(args.output or default_document_name(document)).expanduser()
    return write_output(str(target), document_docx(store, document), t("doc.cli.printed", title=document.title))


def _document(store, me, document_id: int):
    """The document with this id, if this user may read it (else the same sentence as for none)."""
    from models import documents as docs

    document = docs.get_document(store, document_id)  # a closed term's from its archive
    if document is None or not docs.can_read(store, me, document):
        raise InputError(t("doc.error.no_document", id=document_id))
    return document


def _group(store, name: str):
    from models.records import Group

    group = next((g for g in store.all(Group) if g.name == name.strip()), None)
    if group is None:
        raise InputError(t("doc.error.unknown_group", value=name))
    return group
