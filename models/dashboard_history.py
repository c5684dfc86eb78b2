"""The dashboard's history (``h``): a teacher's or a group's figures in every term.

An archived term's figures never change unless something they are made from changes, so
once worked out from the archive they are kept in a small file beside it
(:func:`models.store.archive.write_figures`): the history then reads eleven small files
instead of parsing eleven archives of thousands of records each.

The kept figures are used only while everything they were made from is as it was:

* the archive file itself (its identity: a second close, a restore or an edit replaces it);
* every table of the active file the figures read — the roster, the groups, the policy …
  (the figures are worked out through a view that notes each table read; a digest
  of those tables, as they are now, is kept with the figures and compared), and any of the
  term's own records still in the active file;
* the term, the day the figures stand at, and this program (a digest of models/).

Of the roster, the groups and the policy only what the figures are made of counts
(:data:`FIGURE_FIELDS`, :data:`POLICY_FIELDS`): a teacher's login, subjects or note, a
group's weekly slot or name (each teacher's groups are named when the figures are read),
the policy's periods or lesson types, a teacher who joined after the term — a school edits
these often, and none of them makes ten terms be worked out again. A teacher added since
the figures were kept gets a row worked out from the roster and the policy alone
(:func:`_with_teachers_added`): none of the term's records can be theirs.

Closing a term keeps its figures at once (:func:`close_term_keeping_figures`, worked out
from the records the close has in hand), so the first ``h`` after a close reads kept files.

Of the term-bound tables (observations, activities …) only the term's own records count:
every figure function filters them by ``term_id``, so a record of another term (the open
one gets new records all day) never makes a closed term's kept figures out of date.

Otherwise they are worked out again by the dashboard's own
:func:`models.dashboard.people_figures` (the teachers' and groups' figures, not the rest of
the dashboard: what they read is less, so less often changed), and kept anew. They are worked
out from the archive's records cut to the few fields the figures read (:data:`RECORD_FIELDS`),
kept beside the archive too (``<term>.records.json``, a sixth of its size): the archive never
changes, so figures out of date because of the roster, the groups, the policy or an upgrade
are worked out from that cut, and only a term without one (closed by an older program, or an
archive written again) has its archive parsed, then cut and the cut kept. A history that has
terms to work out does so in another process (:func:`work_out_elsewhere`), so the
session's interpreter, and its screen, are not held meanwhile. An open term's figures are its
dashboard as the screen keeps it (``term_dashboard``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import weakref
from pathlib import Path

from models import dashboard
from models.dashboard import GroupFigures, TeacherFigures, as_of_day
from models.pace import RequirementProgress
from models.records import (RECORD_TYPES, Activity, Competition, CompetitionEntry, Document, Group, Observation,
                            Outcome, Record, Teacher, Term)
from models.store import jsonio
from models.store.archive import (TERM_RECORD_TYPES, ArchiveView, active_term_docs, active_term_records,
                                  archive_identity, close_term, cut_records, forget_parsed, parsed_tables,
                                  read_figures, read_records, records_of, write_figures, write_records)
from models.terms import is_archived, term_by_id

FIGURES_FORMAT = 3  # the kept file's layout and what its inputs digest covers
_TYPES = {cls.TABLE: cls for cls in RECORD_TYPES}
POLICY, META = "policy()", "meta()"

# What the figures take from the records that stay in the active file (models/dashboard.py
# people_figures, with models/points.py and models/pace.py): the inputs digest covers these
# and nothing else of them. A teacher counts by whether they are active, when they joined
# and their roles (the quota, the requirements); their name only orders the dashboard's rows,
# which are kept by id. A group counts by whether it is counted (active, its kind), its members
# and the term's theme; its name only names each teacher's groups (所在组), which are named
# from the groups as they are when the figures are read, as the teacher and group records are
# the ones of now. tests/unit/test_dashboard_history.py checks that the figures read no other
# field, so a figure that comes to read one fails there rather than going stale.
FIGURE_FIELDS: dict[type, tuple[str, ...]] = {
    Teacher: ("active", "joined", "roles"),
    Group: ("active", "kind", "member_ids", "themes"),  # of the themes, the term's own
}
NAMED_WHEN_READ = {Teacher: ("name",), Group: ("name",)}
POLICY_FIELDS = ("observation_quota", "observation_quota_by_role", "research_lessons_per_term", "talks_per_term",
                 "requirements", "absence_deduction", "points", "level_points", "award_points")

# What the figures read of a term's own records (models/dashboard.py people_figures, with
# models/points.py, models/pace.py and models/competitions.py): beside each archive, its records
# cut to these fields are kept (models/store/archive.py write_records), and figures out of date
# while the archive is not (a group's members, a role, the policy's quotas, another program) are
# worked out again from them instead of the whole archive. A field left out would be read with its
# default: tests/unit/test_dashboard_history.py checks the figures read no other field, and the
# kept file names these fields, so a program that reads more cuts the archive anew.
RECORD_FIELDS: dict[type, tuple[str, ...]] = {
    Activity: ("term_id", "group_id", "date", "status", "speaker_id", "attendance", "topic", "event", "kind"),
    Observation: ("term_id", "observer_id", "teacher_id", "lesson_type"),
    Outcome: ("term_id", "teacher_id", "kind", "title", "level", "award", "date"),
    Document: ("term_id", "kind", "author_id", "state"),
    Competition: ("term_id", "name", "deadline", "level", "status", "published"),
    CompetitionEntry: ("term_id", "competition_id", "outcome_id", "teacher_id", "submitted", "prize", "recommended"),
}
_RECORDS_CUT = {cls.TABLE: list(names) for cls, names in RECORD_FIELDS.items()}


class TermFigures:
    """The figures of one archived term the history shows: each teacher's and each group's.
    Read from a kept file, a row becomes the dashboard's own dataclass only when asked for
    (the history shows one teacher or one group of each term)."""

    def __init__(self, teachers: dict[int, TeacherFigures] | None = None,
                 groups: dict[int, GroupFigures] | None = None):
        self._made: dict[type, dict[int, object]] = {TeacherFigures: dict(teachers or {}),
                                                     GroupFigures: dict(groups or {})}
        self._rows: dict[type, dict[int, list]] = {TeacherFigures: {}, GroupFigures: {}}
        self._records: dict[type, dict[int, Record]] = {TeacherFigures: {}, GroupFigures: {}}
        self._group_names: dict[int, list[str]] = {}

    @classmethod
    def from_rows(cls, teacher_rows: dict[int, list], group_rows: dict[int, list],
                  teachers: dict[int, Teacher], groups: dict[int, Group],
                  group_names: dict[int, list[str]]) -> "TermFigures":
        """``group_names``: each teacher's groups as they are named now (a row keeps none)."""
        figures = cls()
        figures._rows = {TeacherFigures: teacher_rows, GroupFigures: group_rows}
        figures._records = {TeacherFigures: teachers, GroupFigures: groups}
        figures._group_names = group_names
        return figures

    def _one(self, kind: type, record_id: int):
        made = self._made[kind]
        if record_id not in made and record_id in self._rows[kind]:
            made[record_id] = _figures_of_row(kind, self._rows[kind].pop(record_id), self._records[kind][record_id],
                                              self._group_names)
        return made.get(record_id)

    def teacher(self, teacher_id: int) -> TeacherFigures | None:
        return self._one(TeacherFigures, teacher_id)

    def add_teacher(self, figures: TeacherFigures) -> None:
        self._made[TeacherFigures][figures.teacher.id] = figures

    def group(self, group_id: int) -> GroupFigures | None:
        return self._one(GroupFigures, group_id)

    @property
    def teachers(self) -> dict[int, TeacherFigures]:
        for record_id in list(self._rows[TeacherFigures]):
            self._one(TeacherFigures, record_id)
        return self._made[TeacherFigures]

    @property
    def groups(self) -> dict[int, GroupFigures]:
        for record_id in list(self._rows[GroupFigures]):
            self._one(GroupFigures, record_id)
        return self._made[GroupFigures]


class _NotingView(ArchiveView):
    """One term's archive view that notes every table the figures read (so the kept figures
    can name what they depend on), and reads each table once for the whole build. The
    archive's records come from the cut kept beside it (:data:`RECORD_FIELDS`) when it is of
    this archive file, else from that cut made of the archive (``parsed`` then says so): the
    figures are made the same way whether the archive was read or not."""

    def __init__(self, store, term_id: str):
        super().__init__(store, [term_id])
        self._term_id = term_id
        self.read: set[str] = set()
        self._lists: dict[type, list] = {}
        self.cut: dict | None = None
        self.parsed = False

    def _archived_records(self, term_id: str, cls):
        if self.cut is None:
            self.cut = read_records(self.path, self._term_id, _RECORDS_CUT)
            if self.cut is None:
                self._cut_the_archive()
        if cls.TABLE in self.cut:  # the records made from the few fields read are quicker made
            try:
                return records_of(cls, self.cut[cls.TABLE])
            except (ValueError, TypeError, AttributeError):
                if self.parsed:  # the archive's own records: as before, its reader says what is wrong
                    raise
                self._cut_the_archive()  # a kept cut that is not records (an edit by hand): a cache
                return records_of(cls, self.cut[cls.TABLE])
        return super()._archived_records(term_id, cls)  # a table no figure read when this was written

    def _cut_the_archive(self) -> None:
        """Cut from the archive (kept by :func:`archived_term_figures`), which need not stay parsed."""
        self.cut = cut_records(parsed_tables(self.path, self._term_id), _RECORDS_CUT)
        forget_parsed(self.path, self._term_id)
        self.parsed = True

    def all(self, cls):
        self.read.add(cls.TABLE)
        if cls not in self._lists:
            self._lists[cls] = self._term_all(cls) if cls in TERM_RECORD_TYPES else super().all(cls)
        return list(self._lists[cls])

    def _term_all(self, cls):
        """The term's own records of a term-bound type: those still in the active file (the
        copy there wins after a half-done close), then the archive's. Every figure leaves
        other terms' records out (the inputs digest counts on it too), so the open term's
        thousands are not made into records only to be left out."""
        records = active_term_records(self.store, cls, self._term_id)
        seen = {r.id for r in records}
        for term_id in self.archived_ids():
            records += [r for r in self._archived_records(term_id, cls) if r.id not in seen]
        records.sort(key=lambda r: r.id)
        return records

    def get(self, cls, record_id):
        self.read.add(cls.TABLE)
        return super().get(cls, record_id)

    def policy(self):
        self.read.add(POLICY)
        return super().policy()

    def meta(self):
        self.read.add(META)
        return super().meta()


@functools.lru_cache(maxsize=1)
def _program() -> str:
    """A digest of this program's models (what the figures are computed by)."""
    digest = hashlib.blake2b(digest_size=16)
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _records_bytes(records: list[Record]) -> bytes:
    if jsonio.orjson is not None:
        try:
            return jsonio.orjson.dumps(records, option=jsonio.orjson.OPT_NON_STR_KEYS)  # dataclasses as they are
        except TypeError:  # a value orjson does not take as it is
            pass
    return jsonio.dumps([[r.id, r.to_dict()] for r in records])


# store → {table: (the store's generation, its digest, or for a term's own types the type, each
# term's records still in the active file (as stored) and the digests made of them so far, or for the roster
# and the groups what the figures take of each record)}: the history asks for ten terms at once.
_table_digests: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()


def _teachers_digest(teachers: list[tuple], term: Term, teacher_ids: frozenset[int], teachers_upto: int) -> str:
    """The roster as the term's figures see it: of each teacher who could be in them (joined
    by the term's end, or in the kept figures: a teacher with lessons in it), what counts.
    A teacher who joined later and had no lesson in the term is in none of its figures, and
    one added since they were worked out (an id above ``teachers_upto``) is left to
    :func:`_with_teachers_added`. Which teachers there were counts too: one deleted, or
    brought back by a restore, may have had lessons in the term."""
    known = [row for row in teachers if row[0] <= teachers_upto]
    could_count = [row for row in known if not row[1] or row[1] <= term.end or row[0] in teacher_ids]
    return _hash(jsonio.dumps([[row[0] for row in known], could_count]))


def _groups_digest(groups: list[Group], counted: set[int], term_id: str) -> str:
    """The groups as the term's figures see them: a counted group's kind, members and the
    term's theme; of any other group only that it is not counted."""
    rows = []
    for group in groups:
        if group.id in counted:
            rows.append([group.id, True, group.kind, group.member_ids, group.themes.get(term_id, "")])
        else:
            rows.append([group.id, False])
    return _hash(jsonio.dumps(rows))


def _table_digest(store, name: str, term: Term, teacher_ids: frozenset[int], teachers_upto: int) -> str:
    known = _table_digests.setdefault(store, {})
    generation = store.storage.generation
    hit = known.get(name)
    if hit is None or hit[0] != generation:
        if name == POLICY:
            policy = store.policy()
            digest = _hash(jsonio.dumps({field: getattr(policy, field) for field in POLICY_FIELDS}))
        elif name == Teacher.TABLE:
            counted = FIGURE_FIELDS[Teacher]  # after the id and the day they joined (who could count)
            digest = ("teachers", [[x.id, x.joined, *(getattr(x, field) for field in counted)]
                                   for x in store.all(Teacher)])
        elif name == Group.TABLE:
            digest = ("groups", store.all(Group), {g.id for g in dashboard.counted_groups(store)})
        elif name == META:
            digest = _hash(jsonio.dumps(store.meta()))
        elif _TYPES[name] in TERM_RECORD_TYPES:
            # hashed term by term when asked: the open term's need not be
            digest = (_TYPES[name], active_term_docs(store, _TYPES[name]), {})
        else:
            digest = _hash(_records_bytes(store.all(_TYPES[name])))
        hit = known[name] = (generation, digest)
    digest = hit[1]
    if isinstance(digest, str):
        return digest
    if digest[0] == "teachers":
        return _teachers_digest(digest[1], term, teacher_ids, teachers_upto)
    if digest[0] == "groups":
        return _groups_digest(digest[1], digest[2], term.term_id)
    cls, by_term, hashed = digest
    term_id = term.term_id
    if term_id not in hashed:
        records = records_of(cls, by_term.get(term_id, {}))  # a closed term's: usually none
        hashed[term_id] = _hash(_records_bytes(records)) if records else ""
    return hashed[term_id]


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def inputs_digest(store, term: Term, as_of: dt.date, tables: list[str], teacher_ids, teachers_upto: int) -> str:
    """A digest of what an archived term's figures are made from in the active file: the
    ``tables`` they read as they are now (of the term's own types, only that term's records
    still in the active file; of the roster, the groups and the policy only what counts, with
    ``teacher_ids`` the teachers in the figures and ``teachers_upto`` the highest teacher id
    when they were worked out), the term, the day they stand at, and the program."""
    parts = [FIGURES_FORMAT, _program(), term.id, term.to_dict(), as_of.isoformat()]
    teacher_ids = frozenset(teacher_ids)
    for name in sorted(tables):
        if name not in (POLICY, META) and name not in _TYPES:
            return ""  # a table this program does not know: never the same
        parts.append([name, _table_digest(store, name, term, teacher_ids, teachers_upto)])
    return _hash(jsonio.dumps(parts))


def _highest_teacher_id(store) -> int:
    return max((x.id for x in store.all(Teacher)), default=0)


class _TeachersAddedView:
    """A closed term as teachers added since its figures were worked out see it: with no
    record of the term theirs. Ids only grow and are never reused, and the archive (its
    identity checked) is older than the figures, so none of its records names them; the
    term's records still in the active file are in the inputs digest."""

    def __init__(self, store, teachers: list[Teacher]):
        self.store = store
        self._teachers = teachers

    def all(self, cls):
        if cls is Teacher:
            return list(self._teachers)
        if cls in TERM_RECORD_TYPES:
            return []
        return self.store.all(cls)

    def get(self, cls, record_id):
        return next((r for r in self.all(cls) if r.id == int(record_id or 0)), None)

    def policy(self):
        return self.store.policy()

    def meta(self):
        return self.store.meta()


def _with_teachers_added(store, figures: "TermFigures", term: Term, as_of: dt.date,
                         teachers_upto: int) -> "TermFigures":
    """The kept figures with the rows of teachers added since they were worked out (a new
    teacher without a day of joining is in every term's figures, with nothing done): worked
    out from the roster, the groups and the policy alone, not from the archive."""
    added = [x for x in store.all(Teacher) if x.id > teachers_upto]
    view = _TeachersAddedView(store, added)
    if added and dashboard.teachers_of_term(view, term):  # most join after the term: in none of its figures
        teachers, _groups = dashboard.people_figures(view, term, as_of, records=([], [], []))
        for row in teachers:
            figures.add_teacher(row)
    return figures


def _fields(kind: type) -> list[str]:
    """The kept columns of a figures dataclass: all but the record it is about (kept as its id)."""
    return [x.name for x in dataclasses.fields(kind) if x.name not in ("teacher", "group")]


def _row(figures) -> list:
    row = [getattr(figures, name) for name in _fields(type(figures))]
    if isinstance(figures, TeacherFigures):
        row[_fields(TeacherFigures).index("requirements")] = [dataclasses.astuple(r) for r in figures.requirements]
    return row


def _figures_of_row(kind: type, row: list, record: Record, group_names: dict[int, list[str]]):
    values = dict(zip(_fields(kind), row))
    if kind is TeacherFigures:
        values["requirements"] = [RequirementProgress(*r) for r in values["requirements"]]
        # Named from the groups as they are now (the kept names may be older: a rename does
        # not make the figures be worked out again); which groups is in the inputs digest.
        values["groups"] = list(group_names.get(record.id, []))
        return TeacherFigures(teacher=record, **values)
    return GroupFigures(group=record, **values)


def _figures_from(data: dict, store) -> TermFigures | None:
    """The kept figures (None if they do not fit this program or these records)."""
    teachers = {x.id: x for x in store.all(Teacher)}
    groups = {g.id: g for g in store.all(Group)}
    try:
        if data["fields"] != {"teachers": _fields(TeacherFigures), "groups": _fields(GroupFigures)}:
            return None
        teacher_rows = {int(k): v for k, v in data["teachers"].items()}
        group_rows = {int(k): v for k, v in data["groups"].items()}
        width = len(_fields(TeacherFigures)), len(_fields(GroupFigures))
        if (not teacher_rows.keys() <= teachers.keys() or not group_rows.keys() <= groups.keys()
                or any(len(row) != width[0] for row in teacher_rows.values())
                or any(len(row) != width[1] for row in group_rows.values())):
            return None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    group_names = dashboard.group_names_by_teacher(dashboard.counted_groups(store))
    return TermFigures.from_rows(teacher_rows, group_rows, teachers, groups, group_names)


def _kept_figures(store, term: Term, as_of: dt.date) -> TermFigures | None:
    data = read_figures(store.path, term.term_id)
    if data is None or data.get("format") != FIGURES_FORMAT or not isinstance(data.get("read"), list):
        return None
    try:
        teacher_ids = [int(x) for x in data["teachers"]]
        teachers_upto = int(data["teachers_upto"])
    except (KeyError, TypeError, ValueError):
        return None
    read = [str(x) for x in data["read"]]
    if data.get("inputs") != inputs_digest(store, term, as_of, read, teacher_ids, teachers_upto):
        return None
    figures = _figures_from(data, store)
    if figures is None:
        return None
    return _with_teachers_added(store, figures, term, as_of, teachers_upto)


def archived_term_figures(store, term: Term, today: dt.date) -> TermFigures:
    """An archived term's figures: kept ones when still true, else worked out from the archive
    (and kept). Safe in a worker thread, like :func:`models.dashboard.term_dashboard`."""
    identity = archive_identity(store.path, term.term_id)  # before the archive is read
    as_of = as_of_day(term, today)
    if identity is not None:
        kept = _kept_figures(store, term, as_of)
        if kept is not None:
            return kept
    view = _NotingView(store, term.term_id)
    figures = _work_out(store, view, term, today, identity)
    if view.parsed and identity is not None:  # cut from the file of ``identity`` (or a later one: never read)
        write_records(store.path, term.term_id, identity, _RECORDS_CUT, view.cut)
    forget_parsed(store.path, term.term_id)  # kept in a file now: the parsed archive need not stay in memory
    return figures


def _work_out(store, view: "_NotingView", term: Term, today: dt.date, identity: list[int] | None) -> TermFigures:
    """Work out the term's figures through ``view`` and keep them beside the archive of
    ``identity`` (unless the data in memory changed meanwhile: the digest would not be of
    what they were made from)."""
    generation = store.storage.generation
    as_of = as_of_day(term, today)
    teachers, groups = dashboard.people_figures(view, term, today)
    figures = TermFigures({f.teacher.id: f for f in teachers}, {g.group.id: g for g in groups})
    if identity is not None:
        read = sorted(view.read)
        teachers_upto = _highest_teacher_id(store)
        inputs = inputs_digest(store, term, as_of, read, [f.teacher.id for f in teachers], teachers_upto)
        if store.storage.generation == generation:
            write_figures(store.path, term.term_id, identity, {
                "format": FIGURES_FORMAT, "term_id": term.term_id, "as_of": as_of.isoformat(), "read": read,
                "inputs": inputs, "teachers_upto": teachers_upto,
                "fields": {"teachers": _fields(TeacherFigures), "groups": _fields(GroupFigures)},
                "teachers": {str(f.teacher.id): _row(f) for f in teachers},
                "groups": {str(g.group.id): _row(g) for g in groups}})
    return figures


class _InHandView(_NotingView):
    """A closed term's view whose archived records are those the close had in hand (the
    ones it just wrote to the archive): nothing is parsed again."""

    def __init__(self, store, term_id: str, records: dict[type, list[Record]]):
        super().__init__(store, term_id)
        self._in_hand = {cls: sorted(found, key=lambda r: r.id) for cls, found in records.items()}

    def archived_ids(self) -> list[str]:
        return list(self._term_ids)

    def _archived_records(self, term_id: str, cls):
        return list(self._in_hand.get(cls, []))


def close_term_keeping_figures(store, term_id: str, *, today: dt.date) -> dict[str, int]:
    """Close the term (:func:`models.store.archive.close_term`, locked and atomic as ever) and
    keep its figures beside the archive straight away, worked out from the records the close
    moved, so the first history after a close reads them. Keeping them is a cache: if it
    fails, the close stands and the history works them out later."""

    def keep(records: dict[type, list[Record]], identity: list[int] | None) -> None:
        term = term_by_id(store.all(Term), term_id)
        if term is None or not is_archived(term) or identity is None:
            return
        figures = _work_out(store, _InHandView(store, term_id, records), term, today, identity)
        _remember(store, term, today, figures)
        # The records in hand are what the archive holds, stored as each field's value is.
        write_records(store.path, term_id, identity, _RECORDS_CUT, {
            cls.TABLE: {str(r.id): {name: getattr(r, name) for name in RECORD_FIELDS[cls]} for r in records.get(cls, [])}
            for cls in RECORD_FIELDS})

    return close_term(store, term_id, today=today, then=keep)


# store → {(term id, day): (what the figures were made from, the figures)}: kept in memory until
# the data in memory, the archive or the term change.
_in_memory: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()


def _the_store(store):
    if not hasattr(store, "storage"):  # a view over the store rather than the store itself
        store = getattr(store, "store", store)
    return store


def term_figures(store, term: Term, today: dt.date):
    """The figures the history shows for ``term``: a :class:`TermFigures` for an archived term
    (kept beside its archive), the term's dashboard for an open one. Both answer
    ``teacher(id)`` and ``group(id)``."""
    store = _the_store(store)
    if not is_archived(term):
        return dashboard.term_dashboard(store, term, today)
    figures = _known_figures(store, term, today)
    if figures is None:
        figures = archived_term_figures(store, term, today)
        _remember(store, term, today, figures)
    return figures


def _made_from(store, term: Term) -> tuple:
    return store.storage.generation, archive_identity(store.path, term.term_id), term


def _remember(store, term: Term, today: dt.date, figures: TermFigures) -> None:
    _in_memory.setdefault(store, {})[(term.term_id, today)] = (_made_from(store, term), figures)


def _known_figures(store, term: Term, today: dt.date) -> TermFigures | None:
    """An archived term's figures already in memory or kept beside its archive, still true."""
    hit = _in_memory.get(store, {}).get((term.term_id, today))
    if hit is not None and hit[0] == _made_from(store, term):
        return hit[1]
    if archive_identity(store.path, term.term_id) is None:
        return None
    kept = _kept_figures(store, term, as_of_day(term, today))
    if kept is not None:
        _remember(store, term, today, kept)
    return kept


def history_figures(store, terms: list[Term], today: dt.date) -> list:
    """:func:`term_figures` of each term, oldest first. Closed terms whose kept figures are
    missing or out of date are worked out in another process first (:data:`WORKERS`), so this
    process neither parses their archives nor holds its interpreter (and the screen) while
    it does; whatever they could not do is worked out here."""
    store = _the_store(store)
    terms = sorted(terms, key=lambda x: x.start)
    missing = [term.term_id for term in terms if is_archived(term)
               and archive_identity(store.path, term.term_id) is not None
               and _known_figures(store, term, today) is None]
    if missing:
        work_out_elsewhere(store.path, missing, today)
    return [term_figures(store, term, today) for term in terms]


# One process works out every closed term the history needs, at the session's priority. In the
# app on the school's two-core server (bench/screens_speed.py, the large school, load average
# 1.4–2.1), two processes at ``nice`` 5 were no quicker than one at 0: 700–720 ms for ten terms
# with nothing kept and 620–680 ms from the records' cut, against 700–790 and 450–460 ms; they
# took a quarter more CPU (780 and 530 ms against 610 and 380 ms: each starts Python and reads
# the data file), and two at ``nice`` 0 froze the session's own UI, which needs the other core
# meanwhile, 75–110 ms in half the runs (11–30 ms with one). With four busy processes beside
# it, one at 0 took 3.2 s with nothing kept and 1.5 s from the cut; two at 5 took 4.6 and 4.3 s,
# two at 10 (as it was: a tenth of a core each) 8.3 s with nothing kept. A school of 1,200
# teachers (four times the records) might gain from a second process on an idle machine: not
# measured.
WORKERS = 1
WORKER_NICE = 0  # the priority of the session that asked: the person who pressed ``h`` waits for it
WORK_TIMEOUT = 60  # seconds (a few at 1,200 teachers); past it the figures are worked out in this process


def work_out_elsewhere(db_path, term_ids: list[str], today: dt.date) -> bool:
    """Work out and keep the figures of ``term_ids`` (closed terms) in separate processes, which
    read the data file and the archives themselves. True when they all finished."""
    import os
    import shutil
    import subprocess
    import sys

    if getattr(sys, "frozen", False):  # no Python to run beside a bundled program
        return False
    root = str(Path(__file__).resolve().parents[1])  # where the ``models`` package is
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(x for x in (root, os.environ.get("PYTHONPATH", "")) if x))
    nice = shutil.which("nice") if WORKER_NICE else None
    command = [*([nice, "-n", str(WORKER_NICE)] if nice else []), sys.executable, "-m", "models.dashboard_history"]
    shares = [term_ids[n::WORKERS] for n in range(WORKERS) if term_ids[n::WORKERS]]
    try:
        running = [subprocess.Popen([*command, str(db_path), today.isoformat(), *share], env=env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                   for share in shares]
    except OSError:
        return False
    _until_closed([process.stdout for process in running], WORK_TIMEOUT)
    finished = True
    for process in running:
        process.stdout.close()
        if process.poll() is None:
            try:
                process.wait(timeout=1)  # its pipe closed: it is on its way out
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                finished = False
                continue
        finished = process.returncode == 0 and finished
    return finished


def _until_closed(pipes: list, timeout: float) -> None:
    """Wait until every worker's output pipe is closed (the worker wrote nothing to it and has
    ended), or ``timeout`` seconds. Woken the moment the last one ends: ``Popen.wait`` with a
    timeout polls, sleeping up to 50 ms between looks."""
    import os
    import selectors
    import time

    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        for pipe in pipes:
            selector.register(pipe, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            for key, _events in selector.select(left):
                if not os.read(key.fd, 4096):  # end of file: the worker is gone
                    selector.unregister(key.fileobj)


def _main(argv: list[str]) -> int:
    """``python -m models.dashboard_history <data file> <day> <term id>…``: keep those closed
    terms' figures beside their archives (the work of :func:`work_out_elsewhere`)."""
    import gc

    from models.store.storage import Store

    gc.disable()  # a short batch: collecting would only slow it
    path, today, term_ids = argv[0], dt.date.fromisoformat(argv[1]), argv[2:]
    store = Store(path, actor="")
    terms = store.all(Term)
    for term_id in term_ids:
        term = term_by_id(terms, term_id)
        if is_archived(term):
            archived_term_figures(store, term, today)  # one archive in memory at a time
    return 0


if __name__ == "__main__":
    import os
    import sys

    # Straight out: what the figures were made from need not be freed object by object (the
    # data file and an archive parsed: tens of ms), and every file written is closed.
    os._exit(_main(sys.argv[1:]))
