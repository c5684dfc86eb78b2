"""Documents the school's rules ask for (issue 17): plans, summaries, 学习心得, lesson
designs and the papers of 集体备课 — written in jiaoyan or taken from a file, handed
in by a due date, and reviewed.

Records
    :class:`Document`      one document: kind, term, author (and group), text, state, review history
    :class:`DocumentKind`  a kind the admin added, or a built-in whose reviewer the admin changed
    :class:`HandIn`        "which documents are due from whom and when" for one term (admin)
    :class:`Reading`       a book or article on the term's required reading (office)

States: ``draft`` → ``submitted`` → ``approved``, or ``returned`` (with a comment) and
back to ``submitted`` after changes. Each step is one entry of ``history`` (who, when,
what, comment), kept for ever and shown with the document.

Who may do what (the store's guard calls :func:`check_document_change` through
models/permissions.py, so the rule holds for the app, the CLI and scripts alike):

* Nobody edits another person's document, the admin included: only the author
  changes its text, and only while it is a draft or returned.
* The author submits; the reviewer (:func:`reviewer_ids`) returns or approves.
  Group documents go to the office (教导处); a teacher's go to their group leaders;
  each kind says which (:data:`BUILTIN_KINDS`, changeable by the admin).
* Group documents (教研计划, 教研总结) are written by the group's leader (or the leader
  of the group above it) or the office; a 共案 by a member of the 备课组.
* Reading (:func:`can_read`): a group's documents are for the group (members and
  leaders above it) and the office; a teacher's for the teacher, their group leaders
  and the office; the papers of a 集体备课 for that 备课组.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from operator import attrgetter

from models import clock
from models.errors import InputError, PermissionDenied
from models.i18n import t
from models.records import Group, Observation, Record, Teacher, Term, Activity, _valid_term_id
# The records live in the one record list (models/records.py) with every other type.
from models.records import (DOCUMENT_AUDIENCES as AUDIENCES, DOCUMENT_REVIEWERS as REVIEWERS,
                            DOCUMENT_WRITERS as WRITERS, Document, DocumentKind,
                            HandIn, Reading)
from models.terms import is_archived

EDITABLE_STATES = ("draft", "returned")
HANDED_IN_STATES = ("submitted", "approved")
# What an author may change in their own draft; the rest (state, history, author) is the workflow's.
CONTENT_FIELDS = frozenset({"title", "body", "kind", "term_id", "group_id", "reading_id", "source",
                            "prep_id", "prep_unit"})
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class Kind:
    """A kind of document: who writes it and who reviews it."""

    name: str
    writer: str  # leader | member | self
    reviewer: str  # office | leader
    builtin: bool = True

    @property
    def is_group(self) -> bool:
        return self.writer in ("leader", "member")


BUILTIN_KINDS: tuple[Kind, ...] = (
    Kind("教研计划", "leader", "office"),
    Kind("教研总结", "leader", "office"),
    Kind("个人计划", "self", "leader"),
    Kind("个人总结", "self", "leader"),
    Kind("学习心得", "self", "leader"),
    Kind("教学设计", "self", "leader"),
    Kind("共案", "member", "leader"),
    Kind("个案", "self", "leader"),
    Kind("反思", "self", "leader"),
)




# -- kinds ----------------------------------------------------------------------------------


def document_kinds(store, *, include_inactive: bool = False) -> list[Kind]:
    """The built-in kinds (as the admin may have changed them), then the admin's own."""
    stored = {k.name.strip(): k for k in store.all(DocumentKind)}
    kinds = []
    for builtin in BUILTIN_KINDS:
        mine = stored.pop(builtin.name, None)
        if mine is None:
            kinds.append(builtin)
        elif mine.active or include_inactive:
            kinds.append(Kind(builtin.name, mine.writer, mine.reviewer, builtin=True))
    for mine in stored.values():
        if mine.active or include_inactive:
            kinds.append(Kind(mine.name.strip(), mine.writer, mine.reviewer, builtin=False))
    return kinds


def save_kind(store, name: str, writer: str, reviewer: str) -> DocumentKind:
    """The admin adds a kind, or changes who writes and reviews one (a built-in's too, by its
    name); a kind the admin had put away comes back. The store's guard lets only the admin
    (ValidationFailed for a blank name or an unknown writer or reviewer)."""
    name = name.strip()
    with store.transaction() as tx:
        existing = next((k for k in tx.all(DocumentKind) if k.name.strip() == name), None)
        if existing is not None:
            return tx.update(existing.copy(writer=writer, reviewer=reviewer, active=True))
        return tx.insert(DocumentKind(name=name, writer=writer, reviewer=reviewer))


def kind_named(store, name: str) -> Kind | None:
    return next((k for k in document_kinds(store, include_inactive=True) if k.name == name.strip()), None)


def kind_names(store) -> list[str]:
    return [k.name for k in document_kinds(store)]


# -- who is who -------------------------------------------------------------------------------


def _groups_above(groups_by_id: dict[int, Group], group_id: int) -> list[Group]:
    chain, seen = [], set()
    group = groups_by_id.get(group_id)
    while group is not None and group.id not in seen:
        seen.add(group.id)
        chain.append(group)
        group = groups_by_id.get(group.parent_id)
    return chain


def _groups(store) -> dict[int, Group]:
    return {g.id: g for g in store.all(Group)}


def leaders_above(store, group_id: int) -> set[int]:
    """Leaders of the group and of every group above it (active groups only)."""
    return {g.leader_id for g in _groups_above(_groups(store), group_id) if g.active and g.leader_id}


def leads(store, teacher_id: int, group_id: int) -> bool:
    return teacher_id in leaders_above(store, group_id)


def member_of(store, teacher_id: int, group_id: int) -> bool:
    group = store.get(Group, group_id) if group_id else None
    return group is not None and (teacher_id in group.member_ids or teacher_id == group.leader_id)


def teachers_group_leaders(store, teacher_id: int) -> set[int]:
    """Leaders of every group the teacher is in (and of the groups above those), not counting
    the office and not the teacher themself."""
    groups = _groups(store)
    leaders: set[int] = set()
    for group in groups.values():
        if group.active and group.kind != "office" and teacher_id in group.member_ids:
            leaders |= {g.leader_id for g in _groups_above(groups, group.id)
                        if g.active and g.kind != "office" and g.leader_id}
    leaders.discard(teacher_id)
    return leaders


def office_ids(store) -> set[int]:
    return {x.id for x in store.all(Teacher) if x.is_admin and x.active}


def reviewer_ids(store, document: Document) -> set[int]:
    """Who may return or approve this document.

    Reviewer ``office``: the admins. Reviewer ``leader``: for a teacher's document their
    group leaders; for a group's (a 共案), the group's leader and the leaders above it. When that finds
    nobody but the author (a 教研组长's own summary), the office reviews. The author
    never reviews their own document unless they are the only admin there is."""
    kind = kind_named(store, document.kind)
    reviewer = kind.reviewer if kind else "office"
    people: set[int] = set()
    if reviewer == "leader":
        if document.group_id and kind is not None and kind.is_group:
            groups = _groups(store)
            # A group's paper (a 共案): its own leader, or — when the leader wrote it — the leader above.
            people = {g.leader_id for g in _groups_above(groups, document.group_id)
                      if g.active and g.kind != "office" and g.leader_id}
        else:
            people = teachers_group_leaders(store, document.author_id)
        people.discard(document.author_id)
    if not people:
        office = office_ids(store)
        people = office - {document.author_id} or office
    return people


def reviewer_label(store, document: Document) -> str:
    kind = kind_named(store, document.kind)
    if kind is not None and kind.reviewer == "office":
        return t("doc.reviewer.office")
    ids = reviewer_ids(store, document)
    if ids == office_ids(store) or ids <= office_ids(store) and not teachers_group_leaders(store, document.author_id):
        return t("doc.reviewer.office")
    names = sorted(x.name for x in (store.get(Teacher, i) for i in ids) if x)
    return "、".join(names) or t("doc.reviewer.office")


def readers_of(store, document: Document) -> set[int]:
    """Everyone who may read the document (the office aside, who reads everything)."""
    people = {document.author_id} | reviewer_ids(store, document)
    kind = kind_named(store, document.kind)
    if document.group_id:
        group = store.get(Group, document.group_id)
        if group is not None:
            people |= set(group.member_ids) | leaders_above(store, group.id)
    if not (kind is not None and kind.is_group):
        people |= teachers_group_leaders(store, document.author_id)
    return people


def can_read(store, viewer: Teacher | None, document: Document) -> bool:
    if viewer is None:
        return False
    if viewer.is_admin:
        return True
    return viewer.id in readers_of(store, document)


def may_write_kind(store, actor: Teacher, kind: Kind | None, group_id: int) -> bool:
    """May the actor start a document of this kind (for this group)?"""
    if kind is None:
        return False
    if not kind.is_group:
        return True
    if not group_id:
        return False
    if actor.is_admin and kind.writer == "leader":
        return True
    if kind.writer == "leader":
        return leads(store, actor.id, group_id)
    return member_of(store, actor.id, group_id) or leads(store, actor.id, group_id)


# -- the guard's rule --------------------------------------------------------------------------


class DocumentRefused(PermissionDenied):
    """A step of the workflow this user may not take; ``reason`` says why."""


def _changed(before: Record, after: Record) -> set[str]:
    stamps = {"id", "created_by", "created_at", "updated_by", "updated_at", "version"}
    old, new = before.to_dict(), after.to_dict()
    return {k for k in set(old) | set(new) if k not in stamps and old.get(k) != new.get(k)}


def _name(store, teacher_id: int) -> str:
    teacher = store.get(Teacher, teacher_id) if teacher_id else None
    return teacher.name if teacher else "?"


def check_document_change(store, actor: Teacher, action: str, before: Record | None,
                          after: Record | None) -> None:
    """Raise :class:`DocumentRefused` unless ``actor`` may make this change to a record of
    this module. Called by models.permissions.check_change."""
    record = after if after is not None else before
    if isinstance(record, (DocumentKind, HandIn, Reading)):
        if not actor.is_admin:
            raise DocumentRefused(t(f"doc.who.{record.TABLE}"))
        return
    if not isinstance(record, Document):
        return
    if before is None:  # a new document
        assert isinstance(after, Document)
        if after.author_id != actor.id:
            raise DocumentRefused(t("doc.who.own_only"))
        if after.state != "draft" or after.history:
            raise DocumentRefused(t("doc.who.new_is_draft"))
        kind = kind_named(store, after.kind)
        if kind is None:
            raise DocumentRefused(t("doc.error.unknown_kind", value=after.kind,
                                    choices="、".join(kind_names(store))))
        if not may_write_kind(store, actor, kind, after.group_id):
            raise DocumentRefused(t("doc.who.group_writer" if kind.writer == "leader" else "doc.who.group_member"))
        return
    assert isinstance(before, Document)
    if after is None:  # delete
        if before.author_id != actor.id or before.state not in EDITABLE_STATES:
            raise DocumentRefused(t("doc.who.delete", author=_name(store, before.author_id)))
        return
    assert isinstance(after, Document)
    changed = _changed(before, after)
    if not changed:
        return
    if "author_id" in changed:
        raise DocumentRefused(t("doc.who.own_only"))
    workflow = changed - CONTENT_FIELDS
    if changed & CONTENT_FIELDS:
        if before.author_id != actor.id:
            raise DocumentRefused(t("doc.who.edit", author=_name(store, before.author_id)))
        if before.state not in EDITABLE_STATES:
            raise DocumentRefused(t("doc.who.locked", state=t(f"doc.state.{before.state}")))
        if "kind" in changed or "group_id" in changed:
            kind = kind_named(store, after.kind)
            if kind is None or not may_write_kind(store, actor, kind, after.group_id):
                raise DocumentRefused(t("doc.who.group_writer"))
    if not workflow:
        return
    if workflow - {"state", "history"}:
        raise DocumentRefused(t("doc.who.own_only"))
    # One step of the workflow: the history grows by exactly one entry, by the actor.
    if after.history[:len(before.history)] != before.history or len(after.history) != len(before.history) + 1:
        raise DocumentRefused(t("doc.who.history"))
    step = after.history[-1]
    if step.get("by") != actor.id or step.get("action") != after.state:
        raise DocumentRefused(t("doc.who.history"))
    if after.state == "submitted":
        if before.author_id != actor.id:
            raise DocumentRefused(t("doc.who.submit", author=_name(store, before.author_id)))
        if before.state not in EDITABLE_STATES:
            raise DocumentRefused(t("doc.who.locked", state=t(f"doc.state.{before.state}")))
        return
    if after.state in ("returned", "approved"):
        if before.state != "submitted":
            raise DocumentRefused(t("doc.who.not_submitted"))
        if actor.id not in reviewer_ids(store, before):
            raise DocumentRefused(t("doc.who.review", reviewer=reviewer_label(store, before)))
        if after.state == "returned" and not str(step.get("comment", "")).strip():
            raise DocumentRefused(t("doc.error.return_comment"))
        return
    raise DocumentRefused(t("doc.who.history"))


def has_full_rights(store, actor: Teacher, record: Record) -> bool:
    """For models.permissions.can: may the actor create or delete this record?"""
    try:
        if isinstance(record, Document) and not record.id:
            check_document_change(store, actor, "insert", None, record.copy(author_id=actor.id)
                                  if not record.author_id else record)
        elif isinstance(record, Document):
            check_document_change(store, actor, "delete", record, None)
        else:
            check_document_change(store, actor, "insert", None, record)
    except DocumentRefused:
        return False
    return True


# -- what screens and commands call --------------------------------------------------------------


def may_edit(store, actor: Teacher | None, document: Document) -> bool:
    return actor is not None and document.author_id == actor.id and document.state in EDITABLE_STATES


def may_submit(store, actor: Teacher | None, document: Document) -> bool:
    return may_edit(store, actor, document) and bool(document.body.strip())


def may_review(store, actor: Teacher | None, document: Document) -> bool:
    return actor is not None and document.state == "submitted" and actor.id in reviewer_ids(store, document)


def may_delete(store, actor: Teacher | None, document: Document) -> bool:
    return may_edit(store, actor, document)


def default_title(store, kind: str, term_id: str, author_id: int, group_id: int) -> str:
    """``语文教研组2025—2026学年第一学期教研计划`` / ``张敏 个人总结``."""
    from models.records import term_display_name

    term_name = term_display_name(term_id) if _valid_term_id(term_id) else ""
    group = store.get(Group, group_id) if group_id else None
    who = group.name if group is not None and (kind_named(store, kind) or BUILTIN_KINDS[0]).is_group \
        else _name(store, author_id)
    return f"{who}{term_name}{kind}"


def prep_title(store, kind: str, prep_id: int, prep_unit: int, author_id: int) -> str:
    """``识字一 共案（陈颖）``: a 集体备课 paper names its unit, so a binder or a list of them
    reads which lesson each is ("" when the unit is gone)."""
    from models.records import PrepPlan

    plan = store.get(PrepPlan, prep_id)
    unit = plan.unit(prep_unit) if plan is not None else None
    if not unit or not str(unit.get("title", "")).strip():
        return ""
    return f"{str(unit['title']).strip()} {kind}（{_name(store, author_id)}）"


def new_document(store, actor: Teacher, *, kind: str, term_id: str, group_id: int = 0, title: str = "",
                 body: str = "", source: str = "", reading_id: int = 0, prep_id: int = 0,
                 prep_unit: int = 0) -> Document:
    """A draft by ``actor``, not yet stored (``save_document`` stores it)."""
    kind = kind.strip()
    found = kind_named(store, kind)
    if found is not None and not found.is_group and not (prep_id and group_id):
        group_id = group_id if prep_id else 0
    if not title.strip() and prep_id:
        title = prep_title(store, kind, prep_id, prep_unit, actor.id)
    return Document(term_id=term_id, kind=kind, author_id=actor.id, group_id=group_id,
                    title=title.strip() or default_title(store, kind, term_id, actor.id, group_id),
                    body=body, source=source, reading_id=reading_id, prep_id=prep_id, prep_unit=prep_unit)


def save_document(store, document: Document) -> Document:
    """Insert or update; raises ValidationFailed / PermissionDenied / ConflictError."""
    with store.transaction() as tx:
        if document.id:
            return tx.update(document)
        return tx.insert(document)


def _step(document: Document, actor: Teacher, action: str, comment: str = "") -> Document:
    entry = {"at": clock.stamp(), "by": actor.id, "action": action, "comment": comment.strip()}
    return document.copy(state=action, history=[*document.history, entry])


def submit(store, actor: Teacher, document: Document) -> Document:
    if not document.body.strip():
        raise DocumentRefused(t("doc.error.empty_body"))
    with store.transaction() as tx:
        return tx.update(_step(document, actor, "submitted"))


def return_document(store, actor: Teacher, document: Document, comment: str) -> Document:
    if not comment.strip():
        raise DocumentRefused(t("doc.error.return_comment"))
    with store.transaction() as tx:
        return tx.update(_step(document, actor, "returned", comment))


def approve(store, actor: Teacher, document: Document, comment: str = "") -> Document:
    with store.transaction() as tx:
        return tx.update(_step(document, actor, "approved", comment))


def history_lines(store, document: Document) -> list[str]:
    """``2025-11-05 10:12 张敏 提交``, ``… 郑娟 退回：请补充第三部分``, oldest first."""
    lines = []
    for step in document.history:
        line = f"{str(step.get('at', ''))[:16]} {_name(store, step.get('by', 0))} " \
               f"{t('doc.action.' + str(step.get('action', '')))}"
        if step.get("comment"):
            line += "：" + step["comment"]
        lines.append(line)
    return lines


def reader(store, term_id: str | None = None):
    """What to read a term's documents, hand-ins, readings and 集体备课 from: the data file,
    plus the term's archive once it is closed (models/store/archive.py; read-only); every
    archive for ``None``. A view passed in is used as it is."""
    from models.store.archive import ArchiveView, view_for
    from models.terms import term_by_id

    if isinstance(store, ArchiveView):
        return store
    if term_id is None:
        return ArchiveView(store)
    term = term_by_id(store.all(Term), term_id)
    if not is_archived(term):
        return store  # nothing archived to add: the data file's records as they are
    return view_for(store, term)


def get_document(store, document_id: int) -> Document | None:
    """The document with this id, in the data file or (a closed term's) in its archive."""
    found = store.get(Document, document_id)
    return found if found is not None else reader(store).get(Document, document_id)


def visible_documents(store, viewer: Teacher | None, term_id: str | None = None) -> list[Document]:
    docs = [d for d in reader(store, term_id).all(Document) if term_id is None or d.term_id == term_id]
    return [d for d in docs if can_read(store, viewer, d)]


def documents_of_teacher(store, viewer: Teacher | None, teacher_id: int, term_id: str | None) -> list[Document]:
    """The teacher's own documents (what the teacher's page lists)."""
    return [d for d in visible_documents(store, viewer, term_id) if d.author_id == teacher_id]


def documents_of_group(store, viewer: Teacher | None, group_id: int, term_id: str | None) -> list[Document]:
    return [d for d in visible_documents(store, viewer, term_id) if d.group_id == group_id]


def author_label(store, document: Document) -> str:
    kind = kind_named(store, document.kind)
    if document.group_id and kind is not None and kind.is_group:
        group = store.get(Group, document.group_id)
        return f"{group.name if group else '?'}（{_name(store, document.author_id)}）"
    return _name(store, document.author_id)


def search_score(store, query: str, document: Document) -> int:
    """The list's ``/`` search: title, kind, author or group (pinyin too), and the text."""
    from models.pinyin import match_score

    if not query.strip():
        return 1
    group = store.get(Group, document.group_id) if document.group_id else None
    score = match_score(query, _name(store, document.author_id), document.kind, document.title,
                        group.name if group else "")
    if not score and query.strip().lower() in document.body.lower():
        score = 1
    return score


# -- readings -----------------------------------------------------------------------------------


def readings_of(store, term_id: str) -> list[Reading]:
    return [r for r in reader(store, term_id).all(Reading) if r.term_id == term_id]


def notes_on(store, reading: Reading) -> list[Document]:
    """The 学习心得 written on ``reading`` (every one, whoever may read them)."""
    return [d for d in reader(store, reading.term_id).all(Document) if d.reading_id == reading.id]


def save_reading(store, reading: Reading) -> Reading:
    """Add or change a book of the required reading (the office: the store's guard says so)."""
    reading = reading.copy(title=reading.title.strip(), author=reading.author.strip(), note=reading.note.strip())
    with store.transaction() as tx:
        return tx.update(reading) if reading.id else tx.insert(reading)


def delete_reading(store, reading: Reading) -> None:
    """Take a book off the list; refused (InputError) once a 学习心得 is written on it, which
    would be left naming nothing."""
    with store.transaction() as tx:
        written = sum(1 for d in tx.all(Document) if d.reading_id == reading.id)
        if written:
            raise InputError(t("reading.in_use", title=reading.title, count=written))
        tx.delete(reading)


# -- hand-ins and what is due ----------------------------------------------------------------------


def _friday_of_week(term: Term, week: int) -> dt.date:
    from models.terms import week_one_monday

    day = week_one_monday(term) + dt.timedelta(weeks=week - 1, days=4)
    return min(max(day, term.start_date), term.end_date)


def default_handins(term: Term) -> list[HandIn]:
    """The seed rules: a group plan by week 2; a group summary and each teacher's summary by
    the last week; one 学习心得 per teacher by mid-term; a 教学设计 for each 组内研讨课
    before it is taught."""
    from models.terms import weeks_in

    weeks = weeks_in(term)
    last, middle = _friday_of_week(term, weeks), _friday_of_week(term, max(1, weeks // 2))
    return [
        HandIn(term_id=term.term_id, kind="教研计划", audience="research_groups",
               due=_friday_of_week(term, 2).isoformat()),
        HandIn(term_id=term.term_id, kind="学习心得", audience="teachers", due=middle.isoformat()),
        HandIn(term_id=term.term_id, kind="教学设计", audience="research_lessons", due=""),
        HandIn(term_id=term.term_id, kind="教研总结", audience="research_groups", due=last.isoformat()),
        HandIn(term_id=term.term_id, kind="个人总结", audience="teachers", due=last.isoformat()),
    ]


def handins_for(store, term: Term) -> list[HandIn]:
    """The term's hand-ins: what the admin set, else the seed rules."""
    stored = [h for h in reader(store, term.term_id).all(HandIn) if h.term_id == term.term_id]
    return stored if stored else default_handins(term)


def adopt_defaults(store, term: Term) -> list[HandIn]:
    """Store the seed rules for the term so the admin can change them (once)."""
    with store.transaction() as tx:
        if any(h.term_id == term.term_id for h in tx.all(HandIn)):
            return [h for h in tx.all(HandIn) if h.term_id == term.term_id]
        return [tx.insert(h) for h in default_handins(term)]


@dataclass(frozen=True)
class Due:
    """One document someone owes: who (a group or a teacher), what, by when, and how it stands."""

    kind: str
    due: dt.date
    teacher_id: int  # who must write it (a group's leader for a group document)
    group_id: int  # the group it is for (0 for a teacher's own)
    handed_in: bool
    document_id: int  # the draft or document there is (0 if none)
    label: str  # what to show: 语文教研组 教研计划 / 张敏 学习心得 / 张敏 教学设计（11-12 研讨课）

    def status(self, today: dt.date) -> str:
        """done, overdue, soon (within a week) or later."""
        if self.handed_in:
            return "done"
        if self.due < today:
            return "overdue"
        if (self.due - today).days <= DUE_SOON_DAYS:
            return "soon"
        return "later"


def research_lessons(store, term: Term) -> list[tuple[int, dt.date]]:
    """(teacher id, day) of each 组内研讨课 of the term: planned 课例研讨 activities with a
    speaker, and observed lessons of type 研讨课 (one per teacher and day)."""
    return [(teacher, dt.date.fromisoformat(day)) for teacher, day in _research_lesson_days(store, term)]


def _research_lesson_days(store, term: Term) -> list[tuple[int, str]]:
    """:func:`research_lessons` with the days as ISO text (which sorts like the dates)."""
    lessons: set[tuple[int, str]] = set()
    tid = term.term_id
    for activity in store.all(Activity):
        if (activity.term_id == tid and activity.kind == "课例研讨" and activity.speaker_id
                and activity.status not in ("cancelled", "skipped")):
            lessons.add((activity.speaker_id, activity.date))
    lessons.update((o.teacher_id, o.date) for o in store.all(Observation)
                   if o.term_id == tid and o.lesson_type == "研讨课")
    return sorted(lessons, key=lambda x: (x[1], x[0]))


def _writers(store) -> list[Teacher]:
    """Teachers who owe personal documents: active members of a 教研组 or 备课组."""
    in_groups = {m for g in store.all(Group) if g.active and g.kind != "office" for m in g.member_ids}
    return [x for x in store.all(Teacher) if x.active and x.id in in_groups]


def dues(store, term: Term, *, owed_on: dt.date | None = None) -> list[Due]:
    """Every document owed this term, handed in or not, ordered by due date (then label).
    With ``owed_on``, only those still owed that day, overdue or due within
    ``DUE_SOON_DAYS`` (what :func:`due_lines` shows): the others are not even made."""
    horizon = owed_on + dt.timedelta(days=DUE_SOON_DAYS) if owed_on else None
    store = reader(store, term.term_id)  # a closed term's papers and lessons are in its archive
    docs = [d for d in store.all(Document) if d.term_id == term.term_id]
    handed = [d for d in docs if d.state in HANDED_IN_STATES]
    names = {x.id: x.name for x in store.all(Teacher)}
    result: list[Due] = []

    # Counted once: a dashboard of 300 teachers and 1,000 research lessons asks for each.
    handed_by_author = Counter((d.kind, d.author_id) for d in handed)
    handed_by_group = Counter((d.kind, d.group_id) for d in handed)
    first_by_author: dict[tuple[str, int], int] = {}
    first_by_group: dict[tuple[str, int], int] = {}
    for d in docs:
        first_by_author.setdefault((d.kind, d.author_id), d.id)
        first_by_group.setdefault((d.kind, d.group_id), d.id)

    def first_draft(kind: str, author: int = 0, group: int = 0) -> int:
        if author:
            return first_by_author.get((kind, author), 0)
        return first_by_group.get((kind, group), 0)

    for handin in handins_for(store, term):
        if handin.audience in ("research_groups", "prep_groups"):
            due = dt.date.fromisoformat(handin.due)
            if horizon is not None and due > horizon:
                continue
            kind = "research" if handin.audience == "research_groups" else "prep"
            for group in store.all(Group):
                if not group.active or group.kind != kind:
                    continue
                done = handed_by_group[(handin.kind, group.id)] >= handin.count
                if horizon is not None and done:
                    continue
                result.append(Due(handin.kind, due, group.leader_id, group.id, done,
                                  first_draft(handin.kind, group=group.id), f"{group.name} {handin.kind}"))
        elif handin.audience == "teachers":
            due = dt.date.fromisoformat(handin.due)
            if horizon is not None and due > horizon:
                continue
            for teacher in _writers(store):
                done = handed_by_author[(handin.kind, teacher.id)] >= handin.count
                if horizon is not None and done:
                    continue
                result.append(Due(handin.kind, due, teacher.id, 0, done,
                                  first_draft(handin.kind, author=teacher.id), f"{teacher.name} {handin.kind}"))
        else:  # research_lessons: the n-th lesson of a teacher needs n designs
            seen: dict[int, int] = {}
            last = horizon.isoformat() if horizon is not None else None
            # A teacher's label is made once when the catalog's wording does not show the day.
            by_day = "\0" in t("doc.due.lesson_label", name="", kind="", day="\0")
            labels: dict[tuple[int, str], str] = {}
            days: dict[str, dt.date] = {}
            for teacher_id, day in _research_lesson_days(store, term):
                if last is not None and day > last:
                    break  # in order of day: the rest are later still
                seen[teacher_id] = seen.get(teacher_id, 0) + 1
                done = handed_by_author[(handin.kind, teacher_id)] >= seen[teacher_id]
                if horizon is not None and done:
                    continue
                key = (teacher_id, day if by_day else "")
                if key not in labels:
                    labels[key] = t("doc.due.lesson_label", name=names.get(teacher_id, "?"), kind=handin.kind,
                                    day=day[5:])  # MM-DD
                if day not in days:
                    days[day] = dt.date.fromisoformat(day)
                result.append(Due(handin.kind, days[day], teacher_id, 0, done,
                                  first_draft(handin.kind, author=teacher_id), labels[key]))
    result.sort(key=attrgetter("due", "label"))
    return result


def due_lines(store, term: Term | None, today: dt.date, teacher_id: int | None = None) -> list[Due]:
    """What is due soon or overdue and not handed in: for one teacher (their home view: what
    they owe, their groups' documents when they lead them) or, without a teacher, for
    everyone (the dashboard's attention list). Overdue first."""
    if term is None:
        return []
    lines = dues(store, term, owed_on=today)  # overdue or soon, by (day, label)
    if teacher_id is not None:
        lines = [d for d in lines if d.teacher_id == teacher_id]
    # Overdue first is already so: a line is overdue exactly when its day is before today.
    return lines


def due_groups(dues: list[Due], today: dt.date) -> list[list[Due]]:
    """``dues`` gathered by state (overdue, then due soon) and kind, most overdue first: the
    dashboard's attention list shows one line per group."""
    gathered: dict[tuple[bool, str], list[Due]] = {}
    for due in dues:  # not overdue (Due.status): handed in, or its day not yet passed
        gathered.setdefault((due.handed_in or due.due >= today, due.kind), []).append(due)
    return [gathered[key] for key in sorted(gathered, key=lambda k: (k[0], gathered[k][0].due, k[1]))]


def due_line_text(due: Due, today: dt.date) -> str:
    """``逾期 3 天：语文教研组 教研计划（截止 10-17）`` / ``还有 2 天：张敏 学习心得（截止 11-07）``."""
    days = (due.due - today).days
    if days < 0:
        head = t("doc.due.overdue", days=-days)
    elif days == 0:
        head = t("doc.due.today")
    else:
        head = t("doc.due.in_days", days=days)
    return t("doc.due.line", head=head, label=due.label, due=due.due.strftime("%m-%d"))


# -- files on the server --------------------------------------------------------------------------


def text_from_file(path) -> str:
    """The text of a .docx, .txt or .md file, paragraphs one a line, as written.

    Raises :class:`DocumentRefused` with a sentence when the file cannot be read."""
    from pathlib import Path

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".txt", ".md"):
        raise DocumentRefused(t("doc.error.file_type", name=path.name))
    try:
        if suffix == ".docx":
            text = _docx_text(path)
        else:
            text = _plain_text(path, path.read_bytes())
    except FileNotFoundError:
        raise DocumentRefused(t("doc.error.no_file", path=path)) from None
    except OSError as error:
        raise DocumentRefused(t("doc.error.read_file", path=path, reason=error.strerror or error)) from None
    if not text.strip():  # an empty file, or a .docx of pictures (a scan): nothing to keep or search
        raise DocumentRefused(t("doc.error.empty_file", name=path.name))
    return text


def _plain_text(path, raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            continue
    raise DocumentRefused(t("doc.error.encoding", name=path.name))


def _docx_text(path) -> str:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not path.exists():
        raise DocumentRefused(t("doc.error.no_file", path=path))
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError):
        raise DocumentRefused(t("doc.error.bad_docx", name=path.name)) from None
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(node.text or "" for node in block.iter() if node.tag.endswith("}t")))
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row:
                        if cell.tag.endswith("}tc"):
                            cells.append("".join(n.text or "" for n in cell.iter() if n.tag.endswith("}t")))
                    lines.append("\t".join(cells))
    return "\n".join(lines)


def record_fields() -> list[str]:
    return [f.name for f in dataclasses.fields(Document)]
