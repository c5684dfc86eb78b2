"""The school's data file: TinyDB over a storage of our own that many processes can share.

The contract (DESIGN.md, "Storage contract"):

1. Every change runs inside :meth:`Store.transaction`, under an exclusive
   ``flock`` on a sidecar lock file. Inside the lock the file is re-read if
   another process replaced it, and TinyDB's cached next ids and query caches
   are dropped, so two sessions never hand out the same id or lose a change.
2. A change is written to a temporary file in the same directory, fsynced and
   moved over the data file with ``os.replace``; the file is never rewritten in
   place, and it keeps its mode and group.
3. Reads are served from memory while the file's identity (inode, size,
   mtime_ns) is unchanged.
4. UTF-8 JSON, indented, Chinese unescaped.
5. A schema version with forward migrations, applied after a backup.
6. Rotating dated backups before the first change of each day; a file that
   does not parse is never overwritten (:class:`CorruptDataFile`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from models import clock
from models.clock import Clock
from models.errors import DataFileError, InputError
from models.store import jsonio
from models.i18n import t
from models.store.paths import backup_dir, lock_path
from models.records import Policy, Record

R = TypeVar("R", bound=Record)

SCHEMA_VERSION = 1
BACKUPS_KEPT = 14
META_TABLE = "meta"
AUDIT_TABLE = "audit"
_META_ID = "1"

class MissingDataFile(DataFileError):
    exit_code = 1

    def __init__(self, path: Path):
        self.path = path
        super().__init__(t("store.missing", path=path))


class CorruptDataFile(DataFileError):
    """The file does not parse. It is left exactly as it is."""

    def __init__(self, path: Path, reason: str):
        self.path = path
        self.reason = reason
        self.newest_backup = newest_good_backup(path)
        if self.newest_backup:
            message = t("store.corrupt_with_backup", path=path, reason=reason,
                        backup=self.newest_backup, command=restore_command(path, self.newest_backup))
        else:
            message = t("store.corrupt_no_backup", path=path, reason=reason)
        super().__init__(message)


class NewerSchema(DataFileError):
    def __init__(self, path: Path, version: int):
        super().__init__(t("store.newer_schema", path=path, version=version, ours=SCHEMA_VERSION))


class WriteFailed(DataFileError):
    """The disk refused the write (full, read-only, no permission); the file is as it was."""

    def __init__(self, path: Path, error: OSError):
        self.error = error
        super().__init__(t("store.write_failed", path=path, reason=error.strerror or str(error)))


class ConflictError(InputError):
    """The record was changed by someone else since it was read."""

    def __init__(self, mine: Record, theirs: Record | None):
        self.mine = mine
        self.theirs = theirs
        who = theirs.updated_by if theirs else "?"
        super().__init__(t("store.conflict", who=who))


class ValidationFailed(InputError):
    """A record did not validate; ``problems`` says what to fix. Nothing was saved."""

    def __init__(self, problems: list):
        self.problems = list(problems)
        super().__init__("；".join(str(p) for p in self.problems))


def restore_command(db: Path, backup: Path) -> str:
    return f"jiaoyan restore '{backup}' --db '{db}'"


def _parse(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        raise ValueError(t("store.reason_empty"))
    data = jsonio.loads(raw)
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ValueError(t("store.reason_shape"))
    return data


def parse_file(path: Path) -> dict[str, Any]:
    """The file's tables, or :class:`CorruptDataFile` if it is not our JSON."""
    raw = path.read_bytes()
    try:
        return _parse(raw)
    except jsonio.JSONDecodeError as error:
        reason = str(error).splitlines()[0][:120] if str(error) else t("store.reason_json")
        raise CorruptDataFile(path, reason) from None


def list_backups(db: Path) -> list[Path]:
    """Backups of ``db``, newest first."""
    folder = backup_dir(db)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db.stem}-*.json"), reverse=True)


def newest_good_backup(db: Path) -> Path | None:
    for candidate in list_backups(db):
        try:
            _parse(candidate.read_bytes())
        except (OSError, *jsonio.JSONDecodeError):
            continue
        return candidate
    return None


def _file_identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, payload: bytes) -> None:
    """Write ``payload`` to a temporary file beside ``path``, fsync it and move it over
    ``path``. The old file's mode and group are kept; a new file follows the umask."""
    try:
        old = os.stat(path)
    except FileNotFoundError:
        old = None
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if old is not None:
            os.chmod(tmp_name, stat.S_IMODE(old.st_mode))
            if old.st_gid != os.stat(tmp_name).st_gid:
                with contextlib.suppress(PermissionError):
                    os.chown(tmp_name, -1, old.st_gid)
        else:
            os.chmod(tmp_name, 0o666 & ~_current_umask())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    # The rename itself must reach the disk, or a crash could bring back the old file.
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class _UncachedTable(Table):
    # Another process may change the file between two reads; a query cache would
    # answer from the old data. Reads come from memory anyway, so it buys little.
    default_query_cache_capacity = 0


class LockedJSONStorage(Storage):
    """TinyDB storage that keeps the file in memory and writes only at commit.

    ``read`` re-reads the file when its identity changed; ``write`` is refused
    outside a transaction so that no change can bypass the lock.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._data: dict[str, Any] | None = None
        self._identity: tuple[int, int, int] | None = None
        self.in_transaction = False
        self.dirty = False
        self.generation = 0  # goes up whenever the data in memory changes

    def refresh(self) -> bool:
        """Re-read the file if another process replaced it; True when it did."""
        identity = _file_identity(self.path)
        if identity is None:
            raise MissingDataFile(self.path)
        if identity == self._identity and self._data is not None:
            return False
        data = parse_file(self.path)
        self._data = data
        self._identity = identity
        self.generation += 1
        return True

    def read(self) -> dict[str, Any]:
        if not self.in_transaction:
            self.refresh()
        assert self._data is not None
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        if not self.in_transaction:
            self.forget()  # TinyDB already changed the memory copy in place: drop it
            raise RuntimeError("a change outside Store.transaction() would bypass the lock")
        self._data = data
        self.dirty = True
        self.generation += 1

    def commit(self) -> None:
        assert self._data is not None
        atomic_write(self.path, jsonio.dumps(self._data))
        self._identity = _file_identity(self.path)
        self.dirty = False

    def forget(self) -> None:
        """Drop what is in memory; the next read comes from the file."""
        self._data = None
        self._identity = None
        self.generation += 1

    def close(self) -> None:
        pass


class Store:
    """The school's data: typed reads from memory, changes in locked transactions.

    ``actor`` is the login that every change is stamped with. ``guard`` is the
    permission check (``models.permissions.check_change``) called for every change as
    ``guard(store, actor, action, before, after)``; it raises to refuse. Without one
    nothing is checked: the session (models/session.py) opens the store with it, and
    only builders of a file from nothing (the demo school) and tests go without.
    ``clock`` stamps changes and dates backups (the environment's clock when not given).
    """

    def __init__(self, path: str | os.PathLike, actor: str = "", *, create: bool = False,
                 guard: Callable[..., None] | None = None, clock: Clock | None = None):
        self.path = Path(path)
        self.actor = actor
        self.guard = guard
        self.clock = clock if clock is not None else Clock.from_environment()
        self._lock_path = lock_path(self.path)
        if not self.path.exists():
            if not create:
                raise MissingDataFile(self.path)
            self._create()
        self._storage_holder: list[LockedJSONStorage] = []
        self.db = TinyDB(self.path, storage=self._make_storage)
        self.db.table_class = _UncachedTable
        self.storage: LockedJSONStorage = self._storage_holder[0]
        self.storage.refresh()
        self._cache: dict[str, tuple[int, list[Record], dict[int, Record]]] = {}
        self._migrate_if_needed()

    def _make_storage(self, path: Path) -> LockedJSONStorage:
        storage = LockedJSONStorage(path)
        self._storage_holder.append(storage)
        return storage

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            if not self.path.exists():
                meta = {"schema_version": SCHEMA_VERSION, "created_at": self.clock.stamp(), "next_ids": {}}
                atomic_write(self.path, jsonio.dumps({META_TABLE: {_META_ID: meta}}))

    # -- locking ---------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Run changes under the lock; they reach the file together, or not at all."""
        if self.storage.in_transaction:
            raise RuntimeError("transactions do not nest")
        with self._locked():
            if self.storage.refresh():
                self._drop_tinydb_caches()
            self.storage.in_transaction = True
            try:
                tx = Transaction(self)
                yield tx
                if self.storage.dirty:
                    self._backup_before_first_change_of_day()
                    self.storage.commit()
            except OSError as error:
                self._abandon()
                raise WriteFailed(self.path, error) from error
            except BaseException:
                self._abandon()
                raise
            finally:
                self.storage.in_transaction = False
                self.storage.dirty = False

    def _abandon(self) -> None:
        # TinyDB changes documents in place, so the memory copy may hold half a
        # change; the file under the lock is still the last good state.
        self.storage.forget()
        self._drop_tinydb_caches()

    def _drop_tinydb_caches(self) -> None:
        for table in self.db._tables.values():
            table._next_id = None
            table.clear_cache()
        self._cache.clear()

    # -- reads -----------------------------------------------------------------

    def refresh(self) -> bool:
        """Pick up another session's save; True when there was one."""
        if self.storage.refresh():
            self._drop_tinydb_caches()
            return True
        return False

    @property
    def generation(self) -> int:
        self.storage.read()
        return self.storage.generation

    def _indexed(self, cls: type[R]) -> tuple[list[R], dict[int, R]]:
        raw = self.storage.read()
        cached = self._cache.get(cls.TABLE)
        if cached and cached[0] == self.storage.generation:
            return cached[1], cached[2]  # type: ignore[return-value]
        table = raw.get(cls.TABLE, {})
        records = [cls.from_dict(doc, int(doc_id)) for doc_id, doc in table.items()]
        records.sort(key=lambda r: r.id)
        by_id = {r.id: r for r in records}
        self._cache[cls.TABLE] = (self.storage.generation, records, by_id)
        return records, by_id

    def all(self, cls: type[R]) -> list[R]:
        """Every record of a type, oldest first. Treat them as read-only: change with
        ``copy()`` and a transaction."""
        return list(self._indexed(cls)[0])

    def get(self, cls: type[R], record_id: int) -> R | None:
        return self._indexed(cls)[1].get(int(record_id or 0))

    def meta(self) -> dict[str, Any]:
        return dict(self.storage.read().get(META_TABLE, {}).get(_META_ID, {}))

    def policy(self) -> Policy:
        policies = self.all(Policy)
        return policies[0] if policies else Policy()

    def audit_entries(self) -> list[dict[str, Any]]:
        table = self.storage.read().get(AUDIT_TABLE, {})
        return [dict(doc, id=int(k)) for k, doc in sorted(table.items(), key=lambda kv: int(kv[0]))]

    # -- backups and migrations -----------------------------------------------------

    def backup(self, reason: str = "manual") -> Path:
        """Copy the data file to a dated backup and keep the newest BACKUPS_KEPT."""
        folder = backup_dir(self.path)
        folder.mkdir(exist_ok=True)
        stamp = self.clock.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"{self.path.stem}-{stamp}-{reason}.json"
        counter = 1
        while target.exists():
            counter += 1
            target = folder / f"{self.path.stem}-{stamp}-{reason}-{counter}.json"
        shutil.copy2(self.path, target)
        for old in list_backups(self.path)[BACKUPS_KEPT:]:
            with contextlib.suppress(OSError):
                old.unlink()
        return target

    def _backup_before_first_change_of_day(self) -> None:
        today = self.clock.today().strftime("%Y%m%d")
        if not any(b.name.startswith(f"{self.path.stem}-{today}") for b in list_backups(self.path)):
            self.backup("daily")

    def _migrate_if_needed(self) -> None:
        version = int(self.meta().get("schema_version", 0))
        if version > SCHEMA_VERSION:
            raise NewerSchema(self.path, version)
        if version == SCHEMA_VERSION:
            return
        with self._locked():
            self.storage.refresh()
            data = self.storage.read()
            version = int(data.get(META_TABLE, {}).get(_META_ID, {}).get("schema_version", 0))
            if version >= SCHEMA_VERSION:
                return
            self.backup(f"before-v{SCHEMA_VERSION}")
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](data)
                version += 1
                data[META_TABLE][_META_ID]["schema_version"] = version
            atomic_write(self.path, jsonio.dumps(data))
            self.storage.forget()
        self._drop_tinydb_caches()


def _migrate_0_to_1(data: dict[str, Any]) -> None:
    """A plain TinyDB file (no meta): add the meta record and id counters."""
    next_ids = {}
    for name, table in data.items():
        if table:
            next_ids[name] = max(int(k) for k in table) + 1
    data.setdefault(META_TABLE, {})[_META_ID] = {
        "schema_version": 0, "created_at": clock.stamp(), "next_ids": next_ids,
    }


MIGRATIONS: dict[int, Callable[[dict[str, Any]], None]] = {0: _migrate_0_to_1}


class Transaction:
    """The changes of one locked write. Stamps, audits and validates each record."""

    def __init__(self, store: Store):
        self.store = store
        self.actor = store.actor

    def _table(self, cls: type[Record]) -> Table:
        return self.store.db.table(cls.TABLE)

    def _next_id(self, table_name: str) -> int:
        # Ids are never reused, even after a term's records move to its archive,
        # so the counter lives in the meta record rather than in TinyDB's max + 1.
        meta_table = self.store.db.table(META_TABLE)
        meta = dict(meta_table.get(doc_id=int(_META_ID)) or {})
        next_ids = dict(meta.get("next_ids", {}))
        existing = self.store.storage.read().get(table_name, {})
        highest = max((int(k) for k in existing), default=0)
        new_id = max(int(next_ids.get(table_name, 1)), highest + 1)
        next_ids[table_name] = new_id + 1
        meta["next_ids"] = next_ids
        meta_table.upsert(Document(meta, doc_id=int(_META_ID)))
        return new_id

    def _check(self, action: str, before: Record | None, after: Record | None) -> None:
        if after is not None:
            problems = after.validate()
            if problems:
                raise ValidationFailed(problems)
        if self.store.guard is not None:
            self.store.guard(self.store, self.actor, action, before, after)

    def _audit(self, action: str, cls: type[Record], record_id: int,
               before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        if before is not None and after is not None:
            changed = [k for k in set(before) | set(after)
                       if before.get(k) != after.get(k) and k not in ("updated_at", "updated_by", "version")]
            before = {k: before.get(k) for k in sorted(changed)}
            after = {k: after.get(k) for k in sorted(changed)}
        entry = {
            "at": self.store.clock.stamp(), "who": self.actor, "action": action,
            "table": cls.TABLE, "record_id": record_id, "before": before, "after": after,
        }
        self.store.db.table(AUDIT_TABLE).insert(Document(entry, doc_id=self._next_id(AUDIT_TABLE)))

    def get(self, cls: type[R], record_id: int) -> R | None:
        doc = self._table(cls).get(doc_id=int(record_id))
        return cls.from_dict(doc, record_id) if doc is not None else None

    def all(self, cls: type[R]) -> list[R]:
        return self.store.all(cls)

    def insert(self, record: R) -> R:
        """Store a new record; returns it with its id and stamps."""
        when = self.store.clock.stamp()
        record = record.copy(created_by=self.actor, created_at=when,
                             updated_by=self.actor, updated_at=when, version=1)
        self._check("insert", None, record)
        new_id = self._next_id(record.TABLE)
        record = record.copy(id=new_id)
        data = record.to_dict()
        self._table(type(record)).insert(Document(data, doc_id=new_id))
        self._audit("insert", type(record), new_id, None, data)
        return record

    def restore(self, record: R) -> R:
        """Put a deleted record back under its own id (undo), so every reference to it
        (an observation's ``followed_up_ids`` …) holds again. The id was never given to
        another record (ids are never reused), so taking it back is safe; it is refused
        with :class:`ConflictError` if a record with that id exists."""
        if not record.id:
            raise ValueError("restore needs the id the record had")
        current = self.get(type(record), record.id)
        if current is not None:
            raise ConflictError(record, current)
        record = record.copy(updated_by=self.actor, updated_at=self.store.clock.stamp(), version=record.version + 1)
        self._check("insert", None, record)
        data = record.to_dict()
        self._table(type(record)).insert(Document(data, doc_id=record.id))
        self._audit("insert", type(record), record.id, None, data)
        return record

    def insert_many(self, records: list[R]) -> list[R]:
        """Insert many records of one type in one pass (the demo, imports)."""
        if not records:
            return []
        when = self.store.clock.stamp()
        cls = type(records[0])
        stamped = []
        for record in records:
            record = record.copy(created_by=self.actor, created_at=when,
                                 updated_by=self.actor, updated_at=when, version=1)
            self._check("insert", None, record)
            stamped.append(record)
        first = self._next_id(cls.TABLE)
        self._reserve_ids(cls.TABLE, first + len(stamped))
        stamped = [r.copy(id=first + n) for n, r in enumerate(stamped)]
        self._table(cls).insert_multiple(Document(r.to_dict(), doc_id=r.id) for r in stamped)
        # One audit line for the batch: a copy of every record would double the file.
        entry = {"at": when, "who": self.actor, "action": "insert_many", "table": cls.TABLE,
                 "record_ids": [r.id for r in stamped], "before": None, "after": None}
        self.store.db.table(AUDIT_TABLE).insert(Document(entry, doc_id=self._next_id(AUDIT_TABLE)))
        return stamped

    def _reserve_ids(self, table_name: str, next_free: int) -> None:
        meta_table = self.store.db.table(META_TABLE)
        meta = dict(meta_table.get(doc_id=int(_META_ID)) or {})
        meta["next_ids"] = {**meta.get("next_ids", {}), table_name: next_free}
        meta_table.upsert(Document(meta, doc_id=int(_META_ID)))

    def update(self, record: R, *, check_version: bool = True) -> R:
        """Replace a record. When ``check_version`` is on and someone else saved it since
        it was read, :class:`ConflictError` carries both versions."""
        current = self.get(type(record), record.id)
        if current is None:
            raise ConflictError(record, None)
        if check_version and current.version != record.version:
            raise ConflictError(record, current)
        record = record.copy(created_by=current.created_by, created_at=current.created_at,
                             updated_by=self.actor, updated_at=self.store.clock.stamp(), version=current.version + 1)
        self._check("update", current, record)
        data = record.to_dict()
        self._table(type(record)).update(_replace_with(data), doc_ids=[record.id])
        self._audit("update", type(record), record.id, current.to_dict(), data)
        return record

    def delete(self, record: Record) -> None:
        current = self.get(type(record), record.id)
        if current is None:
            return
        self._check("delete", current, None)
        self._table(type(record)).remove(doc_ids=[record.id])
        self._audit("delete", type(record), record.id, current.to_dict(), None)

    def delete_many(self, records: list[Record]) -> None:
        """Remove many records of one type with one audit line (closing a term moves
        thousands; a full copy of each in the audit would keep them in the file)."""
        if not records:
            return
        cls = type(records[0])
        present = []
        for record in records:
            current = self.get(cls, record.id)
            if current is not None:
                self._check("delete", current, None)
                present.append(current.id)
        if not present:
            return
        self._table(cls).remove(doc_ids=present)
        entry = {"at": self.store.clock.stamp(), "who": self.actor, "action": "delete_many", "table": cls.TABLE,
                 "record_ids": present, "before": None, "after": None}
        self.store.db.table(AUDIT_TABLE).insert(Document(entry, doc_id=self._next_id(AUDIT_TABLE)))

    def remove_audit_entries(self, entry_ids: list[int]) -> None:
        """Drop audit entries from the active file. Only for entries already kept elsewhere:
        closing a term copies the entries about its records into the term's archive first
        (models/store/archive.py), so the active file's log stays small."""
        if entry_ids:
            self.store.db.table(AUDIT_TABLE).remove(doc_ids=[int(i) for i in entry_ids])

    def set_meta(self, **values: Any) -> None:
        meta_table = self.store.db.table(META_TABLE)
        meta = dict(meta_table.get(doc_id=int(_META_ID)) or {})
        meta.update(values)
        meta_table.upsert(Document(meta, doc_id=int(_META_ID)))

    def save_policy(self, policy: Policy) -> Policy:
        existing = self.store.all(Policy)
        if existing:
            return self.update(policy.copy(id=existing[0].id), check_version=bool(policy.id))
        return self.insert(policy)


def _replace_with(data: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def transform(doc: dict[str, Any]) -> None:
        doc.clear()
        doc.update(data)
    return transform


class BadRestoreSource(DataFileError):
    exit_code = 1

    def __init__(self, source: Path, reason: str):
        super().__init__(t("store.restore_bad_source", source=source, reason=reason))


def restore_from(db: Path, source: Path) -> Path | None:
    """Put ``source`` (a backup) in place of ``db``. What it replaces is kept in the backup
    folder first, even if it is damaged. Returns that copy's path, if there was a file."""
    try:
        raw = source.read_bytes()
    except OSError as error:
        raise BadRestoreSource(source, error.strerror or str(error)) from None
    try:
        _parse(raw)
    except jsonio.JSONDecodeError as error:
        raise BadRestoreSource(source, str(error).splitlines()[0][:120] if str(error) else "JSON") from None
    db.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(db), os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        kept = None
        if db.exists():
            folder = backup_dir(db)
            folder.mkdir(exist_ok=True)
            kept = folder / f"{db.stem}-{clock.now().strftime('%Y%m%d-%H%M%S')}-before-restore.json"
            shutil.copy2(db, kept)
        atomic_write(db, raw)
        return kept
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
