"""The term archive: a closed term's records live in their own file beside the data file.

Closing a term moves its activities, observations, mentor meetings, outcomes, documents,
hand-ins, readings and 集体备课 (every record type with a ``term_id``) to
``<data file>.archive/<term id>.json`` so that every later save rewrites only the
open terms (DESIGN.md, storage contract 7). The Term record stays in the active
file with status ``archived``; the roster, groups, pairings and policy stay too.

The change log goes with them: the audit entries about the records that move (their
inserts, edits and deletions, and batch inserts whose records all moved) are copied
into the archive's ``audit`` table and removed from the active file, so its log stays
small too. :func:`audit_entries` reads the active log and the archives' together, for
``jiaoyan audit``. The close itself (who archived what, and when) stays in the active log.

Archived records stay readable: :func:`archived_records` reads one term's file,
and :class:`ArchiveView` answers ``all(cls)`` / ``get(cls, id)`` like the store,
over the active file and the archives together, read-only.

The archive is written first, under the store's lock, and only then are the
records removed from the active file in one transaction. If that transaction
fails the records are in both places; the view prefers the active copy and a
second ``close_term`` writes the archive again from both, so nothing is lost.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any, Callable, TypeVar

from models.errors import InputError
from models.store import jsonio
from models.i18n import t
from models.store.paths import archive_dir
from models.records import RECORD_TYPES, Policy, Record, Term
from models.store.storage import CorruptDataFile, atomic_write
from models.terms import is_archived, term_by_id

R = TypeVar("R", bound=Record)

ARCHIVE_FORMAT = 1
# The records that belong to one term and move with it: every type of the one record
# list (models/records.py) with a ``term_id`` of its own (the Term itself stays), unless
# the type says it stays (``ARCHIVED = False``).
TERM_RECORD_TYPES: tuple[type[Record], ...] = tuple(
    cls for cls in RECORD_TYPES
    if cls is not Term and cls.ARCHIVED and "term_id" in {f.name for f in dataclasses.fields(cls)})


class CannotClose(InputError, ValueError):
    """The term cannot be closed; the message says why (in the user's language)."""


def archive_path(db_path: str | os.PathLike, term_id: str) -> Path:
    return archive_dir(Path(db_path)) / f"{term_id}.json"


def archived_term_ids(db_path: str | os.PathLike) -> list[str]:
    """Term ids that have an archive file, oldest first."""
    folder = archive_dir(Path(db_path))
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.json") if not p.name.startswith("."))


AUDIT_TABLE = "audit"  # the archive's share of the change log, beside the record tables

# path → (file identity, parsed file); archives never change once written, except by
# a second close, which the identity catches.
_cache: dict[Path, tuple[tuple[int, int, int], dict[str, Any]]] = {}


def _read_tables(path: Path) -> dict[str, dict[str, Any]]:
    return _read_archive(path).get("tables", {})


def _read_archive(path: Path) -> dict[str, Any]:
    """The whole archive file ({} when there is none); its ``tables`` are checked to be a dict."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return {}
    identity = (st.st_ino, st.st_size, st.st_mtime_ns)
    cached = _cache.get(path)
    if cached and cached[0] == identity:
        return cached[1]
    raw = path.read_bytes()
    try:
        data = jsonio.loads(raw)
    except jsonio.JSONDecodeError as error:
        raise CorruptDataFile(path, str(error).splitlines()[0][:120] if str(error) else "JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("tables", {}), dict):
        raise CorruptDataFile(path, t("store.reason_shape"))
    _cache[path] = (identity, data)
    return data


def archived_records(db_path: str | os.PathLike, term_id: str, cls: type[R]) -> list[R]:
    """The records of one type that ``term_id``'s archive holds (empty when there is none)."""
    table = _read_tables(archive_path(db_path, term_id)).get(cls.TABLE, {})
    records = [cls.from_dict(doc, int(doc_id)) for doc_id, doc in table.items()]
    records.sort(key=lambda r: r.id)
    return records


def term_audit_entries(entries: list[dict[str, Any]], term_id: str,
                       moved: dict[str, set[int]]) -> list[dict[str, Any]]:
    """The audit entries about a term's records: ``moved`` maps a table to the ids that
    leave the active file. An entry about one record belongs to the term when that record
    moves, or when the record it shows (before or after) was of the term (one deleted
    before the close); a batch insert when every record of it moves. Batch deletions
    stay: closing a term is one, and it belongs to the active log."""
    chosen = []
    for entry in entries:
        table = entry.get("table")
        if table not in moved:
            continue
        if entry.get("action") == "insert_many":
            ids = entry.get("record_ids") or []
            if ids and all(int(i) in moved[table] for i in ids):
                chosen.append(entry)
            continue
        if entry.get("action") not in ("insert", "update", "delete"):
            continue
        shown = entry.get("after") or entry.get("before") or {}
        if int(entry.get("record_id") or 0) in moved[table] or shown.get("term_id") == term_id:
            chosen.append(entry)
    return chosen


def archived_audit_entries(db_path: str | os.PathLike, term_id: str) -> list[dict[str, Any]]:
    """The audit entries ``term_id``'s archive holds, oldest first, each with its ``id``."""
    table = _read_tables(archive_path(db_path, term_id)).get(AUDIT_TABLE, {})
    return [dict(doc, id=int(k)) for k, doc in sorted(table.items(), key=lambda kv: int(kv[0]))]


def audit_entries(store, since=None) -> list[dict[str, Any]]:
    """The whole change log, oldest first: the log file beside the data file
    (models/store/changelog.py) and the entries that terms closed before schema 2 moved
    into their archives. With ``since`` (a date) an archive made before that day is not
    even opened: all it holds is older."""
    archived: dict[int, dict[str, Any]] = {}
    for term_id in archived_term_ids(store.path):
        path = archive_path(store.path, term_id)
        if since is not None and str(_read_archive(path).get("archived_at", ""))[:10] < since.isoformat():
            continue
        for entry in archived_audit_entries(store.path, term_id):
            archived.setdefault(entry["id"], entry)
    current = store.audit_entries()
    # A schema-1 file's own entries became log lines with their old number as legacy_id;
    # after a half-done close the same entry may also sit in an archive: show it once.
    moved = {e.get("legacy_id") for e in current if e.get("legacy_id") is not None}
    # Their old numbers may equal log numbers: negative ids keep the two apart.
    older = [dict(archived[k], id=-k) for k in sorted(archived) if k not in moved]
    return older + current


# -- the figures kept beside an archive (models/dashboard_history.py) --------------------------
# An archived term's figures, worked out once from its archive, are kept in a small file so the
# dashboard's history reads that instead of parsing the archive again. The file carries the
# identity of the archive it was made from: an archive written again (a second close, a
# restore, an edit) has another identity, and its figures are worked out afresh. Being a cache,
# it is written without fsync, and a failure to write or read it only means working it out again.

FIGURES_FOLDER = ".figures"  # inside the archive folder: not a term's archive (*.json globs skip it)


def figures_path(db_path: str | os.PathLike, term_id: str) -> Path:
    return archive_dir(Path(db_path)) / FIGURES_FOLDER / f"{term_id}.json"


def archive_identity(db_path: str | os.PathLike, term_id: str) -> list[int] | None:
    """What tells this archive file from any other one written at its place (None: no file).
    Take it before reading the archive, so figures made while it is replaced are not kept
    under the new file's identity."""
    try:
        st = os.stat(archive_path(db_path, term_id))
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def read_figures(db_path: str | os.PathLike, term_id: str) -> dict[str, Any] | None:
    """The figures kept for ``term_id``, if they were made from its archive as it is now."""
    try:
        data = jsonio.loads(figures_path(db_path, term_id).read_bytes())
    except (OSError, *jsonio.JSONDecodeError):
        return None
    if not isinstance(data, dict) or data.get("archive") is None:
        return None
    if data["archive"] != archive_identity(db_path, term_id):
        return None
    return data


def write_figures(db_path: str | os.PathLike, term_id: str, identity: list[int], figures: dict[str, Any]) -> None:
    """Keep ``figures`` beside the archive, made from the archive file of ``identity``."""
    path = figures_path(db_path, term_id)
    try:
        path.parent.mkdir(exist_ok=True)
        payload = dict(figures, archive=identity)
        raw = jsonio.orjson.dumps(payload) if jsonio.orjson is not None else jsonio.dumps(payload)  # compact
        atomic_write(path, raw, durable=False)
    except OSError:
        pass  # a read-only folder: the figures are worked out each time


# What the figures read of an archive's records, kept beside it too: when the kept figures are out
# of date (a group's members, a teacher's role or day of joining, the policy's quotas, another
# program) but the archive is not, they are worked out again from this file of a few hundred KB
# (the few fields the figures read of each record, as stored) instead of the whole archive of
# 5 MB, most of it text no figure reads. Like the figures, it carries the archive's identity.

RECORDS_FORMAT = 1


def records_path(db_path: str | os.PathLike, term_id: str) -> Path:
    return archive_dir(Path(db_path)) / FIGURES_FOLDER / f"{term_id}.records.json"


def cut_records(tables: dict[str, dict[str, Any]], fields: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """The stored records of ``tables`` (table → id → stored record) cut to ``fields`` (table →
    field names): a field a record does not store stays out, so it is read with its default
    as from the archive."""
    return {table: {doc_id: {name: doc[name] for name in names if name in doc}
                    for doc_id, doc in tables.get(table, {}).items()}
            for table, names in fields.items()}


def write_records(db_path: str | os.PathLike, term_id: str, identity: list[int], fields: dict[str, list[str]],
                  cut: dict[str, dict[str, Any]]) -> None:
    """Keep ``cut`` (:func:`cut_records` of ``fields``, of the archive file of ``identity``)."""
    path = records_path(db_path, term_id)
    try:
        path.parent.mkdir(exist_ok=True)
        payload = {"format": RECORDS_FORMAT, "archive": identity, "fields": fields, "tables": cut}
        raw = jsonio.orjson.dumps(payload) if jsonio.orjson is not None else jsonio.dumps(payload)
        atomic_write(path, raw, durable=False)
    except OSError:
        pass  # a read-only folder: the archive is read instead


def read_records(db_path: str | os.PathLike, term_id: str, fields: dict[str, list[str]]
                 ) -> dict[str, dict[str, Any]] | None:
    """The tables :func:`write_records` kept, when they were cut to ``fields`` from the archive
    file as it is now (None otherwise: the archive is read instead)."""
    try:
        data = jsonio.loads(records_path(db_path, term_id).read_bytes())
    except (OSError, *jsonio.JSONDecodeError):
        return None
    if (not isinstance(data, dict) or data.get("format") != RECORDS_FORMAT or data.get("fields") != fields
            or data.get("archive") != archive_identity(db_path, term_id)):
        return None
    tables = data.get("tables")
    if not isinstance(tables, dict) or tables.keys() != fields.keys():
        return None
    if not all(isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
               for table in tables.values()):
        return None
    return tables


def parsed_tables(db_path: str | os.PathLike, term_id: str) -> dict[str, dict[str, Any]]:
    """The archive's tables as stored (parsed once: the copy the records were made from)."""
    return _read_tables(archive_path(db_path, term_id))


def forget_parsed(db_path: str | os.PathLike, term_id: str) -> None:
    """Drop the parsed copy of ``term_id``'s archive kept in memory (a process working out
    many terms' figures keeps one archive at a time)."""
    _cache.pop(archive_path(db_path, term_id), None)


def active_term_records(store, cls: type[R], term_id: str) -> list[R]:
    """The active file's records of one term-bound type that belong to ``term_id``, made from
    their stored form, oldest first. A closed term's figures need only these (usually none),
    and a process that has not yet made the type's records (the history's workers) would
    otherwise make the open term's thousands only to leave them out."""
    table = store.storage.read().get(cls.TABLE, {})
    return records_of(cls, {doc_id: doc for doc_id, doc in table.items() if doc.get("term_id") == term_id})


def active_term_docs(store, cls: type[Record]) -> dict[str, dict[str, Any]]:
    """The active file's stored records of a term-bound type by term (term id → id → stored
    record): one pass for every term, where :func:`active_term_records` is one pass a term."""
    by_term: dict[str, dict[str, Any]] = {}
    for doc_id, doc in store.storage.read().get(cls.TABLE, {}).items():
        by_term.setdefault(doc.get("term_id"), {})[doc_id] = doc
    return by_term


def records_of(cls: type[R], docs: dict[str, Any]) -> list[R]:
    """Records made from their stored form (id → stored record), oldest first."""
    records = [cls.from_dict(doc, int(doc_id)) for doc_id, doc in docs.items()]
    records.sort(key=lambda r: r.id)
    return records


def term_records(store, term_id: str) -> dict[type[Record], list[Record]]:
    """The active file's records that belong to ``term_id``."""
    return {cls: [r for r in store.all(cls) if r.term_id == term_id] for cls in TERM_RECORD_TYPES}


def close_term(store, term_id: str, *, today=None,
               then: Callable[[dict[type[Record], list[Record]], list[int] | None], None] | None = None
               ) -> dict[str, int]:
    """Archive a finished term: write its archive file, then remove its records from the
    active file and mark the Term archived, in one transaction. Returns the count moved
    per table. Raises :class:`CannotClose` with a readable reason.

    ``then``, once the close is done, is handed the records that moved (by type) and the
    identity of the archive file they were written to (:func:`archive_identity`), when they
    are all it holds: the dashboard's history keeps the term's figures with them
    (models/dashboard_history.py ``close_term_keeping_figures``). Whatever it does, the close
    stands: nothing it raises reaches the caller."""
    today = today or store.clock.today()
    with store.transaction() as tx:
        term = term_by_id(store.all(Term), term_id)
        if term is None:
            raise CannotClose(t("dashboard.close_no_term", term=term_id))
        if is_archived(term):
            raise CannotClose(t("dashboard.close_already", term=term_id))
        if term.end_date >= today:
            raise CannotClose(t("dashboard.close_not_ended", term=term_id, end=term.end))
        moving = term_records(store, term_id)
        moved_ids = {cls.TABLE: {r.id for r in records} for cls, records in moving.items()}
        # Only a schema-1 file keeps its log inside (its "audit" table); since schema 2 the
        # log is its own file beside the data file and nothing of it moves.
        legacy = store.storage.read().get(AUDIT_TABLE, {})
        log = term_audit_entries([dict(doc, id=int(k)) for k, doc in legacy.items()], term_id, moved_ids)
        path = archive_path(store.path, term_id)
        # A close that failed half-way left an archive behind: keep what it holds.
        earlier = _read_tables(path)
        tables: dict[str, dict[str, Any]] = {}
        for cls, records in moving.items():
            table = dict(earlier.get(cls.TABLE, {}))
            for record in records:
                table[str(record.id)] = record.to_dict()
            tables[cls.TABLE] = table
        audit = dict(earlier.get(AUDIT_TABLE, {}))
        for entry in log:
            audit[str(entry["id"])] = {k: v for k, v in entry.items() if k != "id"}
        tables[AUDIT_TABLE] = audit
        payload = {"format": ARCHIVE_FORMAT, "term_id": term_id, "archived_at": store.clock.stamp(),
                   "archived_by": store.actor, "tables": tables}
        path.parent.mkdir(exist_ok=True)
        atomic_write(path, jsonio.dumps(payload))  # first: the records are safe before they leave
        identity = archive_identity(store.path, term_id)  # under the lock: the file just written
        for records in moving.values():
            tx.delete_many(records, archiving=True)
        tx.remove_audit_entries([entry["id"] for entry in log])
        tx.update(term.copy(status="archived"))
    # After a half-done close the archive also holds what the first attempt wrote, which
    # the records in hand may not be: then nothing is handed over, and the history reads
    # the archive itself.
    if then is not None and not any(earlier.get(cls.TABLE) for cls in TERM_RECORD_TYPES):
        try:
            then(moving, identity)
        except Exception:  # noqa: BLE001 - what follows a close (a cache) must never undo or fail it
            pass
    return {cls.TABLE: len(records) for cls, records in moving.items()}


class ArchiveView:
    """Read-only view of the active file and the term archives together.

    ``term_ids`` limits which archives are read (None: every archived term); the
    dashboard of an open term passes ``[]`` and costs nothing extra.
    """

    def __init__(self, store, term_ids: list[str] | None = None):
        self.store = store
        self.path = store.path
        self._term_ids = term_ids

    @property
    def active_file_only(self) -> bool:
        """Whether the view reads nothing but the active file (an open term's view): its
        records are the store's own, the same objects while they are unchanged."""
        return self._term_ids == []

    def archived_ids(self) -> list[str]:
        if self._term_ids is not None:
            return [x for x in self._term_ids if archive_path(self.path, x).exists()]
        return archived_term_ids(self.path)

    def all(self, cls: type[R]) -> list[R]:
        records = list(self.store.all(cls))
        if cls not in TERM_RECORD_TYPES:
            return records
        seen = {r.id for r in records}
        for term_id in self.archived_ids():
            for record in self._archived_records(term_id, cls):
                if record.id not in seen:  # the active copy wins after a half-done close
                    seen.add(record.id)
                    records.append(record)
        records.sort(key=lambda r: r.id)
        return records

    def _archived_records(self, term_id: str, cls: type[R]) -> list[R]:
        return archived_records(self.path, term_id, cls)

    def get(self, cls: type[R], record_id: int) -> R | None:
        found = self.store.get(cls, record_id)
        if found is not None or cls not in TERM_RECORD_TYPES:
            return found
        return next((r for r in self.all(cls) if r.id == int(record_id or 0)), None)

    def policy(self) -> Policy:
        return self.store.policy()

    def meta(self) -> dict[str, Any]:
        return self.store.meta()


def view_for(store, term: Term | None) -> ArchiveView:
    """What to read a term's figures from: the active file, plus its archive when archived."""
    if is_archived(term):
        return ArchiveView(store, [term.term_id])
    return ArchiveView(store, [])
