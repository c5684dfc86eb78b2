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
6. Rotating dated backups before the first change of each day (unique names,
   written whole; manual ones rotate apart from the automatic ones); a file that
   does not parse is never overwritten (:class:`CorruptDataFile`).
8. The change log is its own append-only file (models/store/changelog.py),
   appended under the lock before the data file is replaced.
9. Only regular files are replaced; the lock is opened without following links
   and checked to still be the file at its path once held; a symbolic link to the
   data file is followed on purpose; a file the user may not write is not replaced.
   A file the system refuses becomes one sentence with the fix (models/store/faults.py).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
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
from models.store import faults, jsonio
from models.store.changelog import ChangeLog, Tail, unlanded
from models.store.feed import Changes, Position, mark_text, position_after_parse, tail_changes
from models.i18n import t
from models.store.paths import backup_dir, feed_mark_path, lock_path, verdict_path
from models.records import TABLES, Policy, Problem, Record, Teacher

R = TypeVar("R", bound=Record)

SCHEMA_VERSION = 2  # 2: the change log left the data file for <file>.changes
BACKUPS_KEPT = 14
META_TABLE = "meta"
AUDIT_TABLE = "audit"  # the change log inside the data file, up to schema 1
_META_ID = "1"
FEED_BATCH = 200  # a batch insert of up to this many records carries them in its log line

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
    """The disk refused the write (full, read-only, no permission); the file is as it was.
    The message says which file, why, and the command that fixes it (models/store/faults.py)."""

    def __init__(self, path: Path, error: OSError, kind: str = "file"):
        self.error = error
        self.path = path
        super().__init__(t("store.save_failed", reason=faults.explain(path, error, faults.WRITE, kind)))


class AccessDenied(DataFileError):
    """The operating system refused one of the store's files (not in the group, a mode
    that shuts the group out, a read-only folder, a lock that is a folder …). The
    message says who is refused what, and the exact fix."""

    def __init__(self, path: Path, error: OSError | None = None, action: str = faults.READ,
                 kind: str = "file", message: str | None = None):
        self.path = path
        self.error = error
        super().__init__(message or faults.explain(path, error, action, kind))


class BackupFailed(DataFileError):
    """A backup could not be written (full disk, unwritable folder); nothing was replaced."""

    def __init__(self, target: Path, error: OSError, kind: str = "backup"):
        self.target = target
        self.error = error
        super().__init__(faults.explain(target, error, faults.CREATE, kind))


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
    """The file's tables, or :class:`CorruptDataFile` if it is not our JSON
    (:class:`AccessDenied` when the system will not let us read it)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MissingDataFile(path) from None
    except OSError as error:
        raise AccessDenied(path, error, faults.READ, "file") from None
    try:
        return _parse(raw)
    except jsonio.JSONDecodeError as error:
        reason = str(error).splitlines()[0][:120] if str(error) else t("store.reason_json")
        raise CorruptDataFile(path, reason) from None


def list_backups(db: Path) -> list[Path]:
    """Backups of ``db``, newest first."""
    folder = backup_dir(db)
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return []
    pattern = re.compile(re.escape(db.stem) + r"-\d{8}-\d{6}-")
    return sorted((folder / name for name in names if pattern.match(name) and name.endswith(".json")),
                  key=_backup_order, reverse=True)


def _backup_order(backup: Path) -> tuple[str, int, int]:
    # By the stamp in the name, then (two in one second) by when each was written.
    match = _BACKUP_NAME.match(backup.name)
    try:
        written = os.stat(backup).st_mtime_ns
    except OSError:
        written = 0
    if not match:
        return ("", written, 0)
    return (match.group("stamp"), written, int(match.group("counter") or 1))


# <stem>-YYYYmmdd-HHMMSS-<reason>[-n].json; n makes two backups of one second distinct.
_BACKUP_NAME = re.compile(r".*-(?P<stamp>\d{8}-\d{6})-(?P<reason>.+?)(?:-(?P<counter>\d+))?\.json$")
MANUAL = "manual"


def backup_reason(backup: Path) -> str:
    """The reason a backup was made (daily, manual, before-restore, before-v2 …)."""
    match = _BACKUP_NAME.search(backup.name)
    return match.group("reason") if match else ""


def is_manual_backup(backup: Path) -> bool:
    return backup_reason(backup) == MANUAL


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
    except OSError as error:
        raise AccessDenied(path, error, faults.READ, "file") from None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def read_verdict(db: Path) -> tuple[int, int, int] | None:
    """The identity of the data file as last found sound (models/store/integrity.py)."""
    try:
        parts = verdict_path(db).read_text(encoding="ascii").split()
        return (int(parts[0]), int(parts[1]), int(parts[2]))
    except (OSError, ValueError, IndexError):
        return None


def write_verdict(db: Path, identity: tuple[int, int, int]) -> None:
    """Remember that this version of the file is sound; a cache, so failures are ignored."""
    with contextlib.suppress(OSError):
        # Not fsynced: it is written after the data file reached the disk, and a verdict lost
        # in a crash only means the next open checks the file again. Saves one fsync a save.
        atomic_write(verdict_path(db), " ".join(str(x) for x in identity).encode("ascii") + b"\n", durable=False)


def write_feed_mark(db: Path, identity: tuple[int, int, int], position: Position) -> None:
    """Name the file about to be the data file and the change-log line it ends on, above the
    one named before (models/store/feed.py). A cache, written in place (a reader that finds
    it half-written finds no match and parses the file) or, when the file is not ours to
    write, replaced; failures are ignored."""
    path = feed_mark_path(db)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except OSError:
        with contextlib.suppress(OSError):
            atomic_write(path, mark_text(identity, position.seq, position.hash), durable=False)
        return
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            text = mark_text(identity, position.seq, position.hash, os.pread(fd, 512, 0))
            os.pwrite(fd, text, 0)
            os.ftruncate(fd, len(text))
    except OSError:
        pass
    finally:
        os.close(fd)


def _print_warning(message: str) -> None:
    import sys

    print(message, file=sys.stderr)


def _open_lock(path: Path) -> int:
    """The lock file's descriptor. Never through a symbolic link (a link would make us
    create files at its target); read-only when the file exists but is not ours to write
    (a lock left 0644 by a umask of 022): ``flock`` works on either."""
    flags = os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | flags, 0o666)
    except PermissionError as error:
        try:
            fd = os.open(path, os.O_RDONLY | flags)
        except OSError:
            raise AccessDenied(path, error, faults.CREATE, "lock") from None
    except OSError as error:  # a folder (EISDIR), a symbolic link (ELOOP), a read-only mount …
        raise AccessDenied(path, error, faults.CREATE, "lock") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise AccessDenied(path, message=t("fault.lock_not_file", path=path))
    return fd


@contextlib.contextmanager
def hold_lock(db: Path) -> Iterator[int]:
    """Hold the exclusive lock of the data file ``db`` (the sidecar ``.lock`` file).

    After ``flock`` returns, the lock file must still be the one at the path (same device
    and inode): someone may have deleted or replaced it while we waited, and a lock on a
    file nobody else can open again excludes nobody. Then it is taken again."""
    path = lock_path(db)
    for _attempt in range(50):
        fd = _open_lock(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            held = os.fstat(fd)
            try:
                now = os.lstat(path)
            except FileNotFoundError:
                now = None
        except BaseException:
            os.close(fd)
            raise
        if now is not None and (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
            break
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    else:
        raise AccessDenied(path, message=t("fault.lock_not_file", path=path))
    try:
        yield fd
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def make_backup(db: Path, reason: str, payload: bytes | None = None) -> Path:
    """Write a copy of ``db`` (or ``payload``) as a new dated backup and prune the old ones.

    Names are unique: two backups in the same second get ``-2``, ``-3`` …, and a backup is
    never written over another (hard link of a complete temporary file). A full disk or an
    unwritable folder raises :class:`BackupFailed` and leaves no half-written backup."""
    folder = backup_dir(db)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise BackupFailed(folder, error, "backups") from None
    if payload is None:
        try:
            payload = db.read_bytes()
        except OSError as error:
            raise AccessDenied(db, error, faults.READ, "file") from None
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    counter = 1
    while True:
        suffix = f"-{counter}" if counter > 1 else ""
        target = folder / f"{db.stem}-{stamp}-{reason}{suffix}.json"
        try:
            write_new_file(target, payload)
            break
        except FileExistsError:
            counter += 1
        except OSError as error:
            raise BackupFailed(target, error) from None
    prune_backups(db)
    return target


def prune_backups(db: Path, keep: int = BACKUPS_KEPT) -> list[Path]:
    """Keep the newest ``keep`` automatic backups and, separately, the newest ``keep``
    manual ones: however often someone runs ``jiaoyan backup``, the daily copies stay."""
    removed = []
    backups = list_backups(db)
    for group in ([b for b in backups if is_manual_backup(b)], [b for b in backups if not is_manual_backup(b)]):
        for old in group[keep:]:
            with contextlib.suppress(OSError):
                old.unlink()
                removed.append(old)
    return removed


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class NotARegularFile(OSError):
    """Atomic replacement is for regular files: a device, FIFO, folder or symbolic link
    at the path is never replaced by a file (it would break whatever uses it)."""


def atomic_write(path: Path, payload: bytes, *, durable: bool = True,
                 before_replace: Callable[[os.stat_result], None] | None = None) -> None:
    """Write ``payload`` to a temporary file beside ``path``, fsync it and move it over
    ``path``. The old file's mode and group are kept; a new file follows the umask.

    Only a regular file (or nothing) may be at ``path``: anything else raises
    :class:`NotARegularFile`. A file the caller may not write (a root-owned 0444 file,
    say) is not replaced either, although the folder would allow the rename: the
    owner's intent holds (``PermissionError``). ``durable=False`` skips the fsyncs, for
    caches only (the file is still replaced whole, never seen half-written)."""
    try:
        old = os.lstat(path)
    except FileNotFoundError:
        old = None
    if old is not None:
        if not stat.S_ISREG(old.st_mode):
            raise NotARegularFile(errno.EEXIST, t("store.not_regular", path=path), str(path))
        if not os.access(path, os.W_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if old is not None:
            os.chmod(tmp_name, stat.S_IMODE(old.st_mode))
            if old.st_gid != os.stat(tmp_name).st_gid:
                with contextlib.suppress(PermissionError):
                    os.chown(tmp_name, -1, old.st_gid)
        else:
            os.chmod(tmp_name, 0o666 & ~_current_umask())
        if before_replace is not None:
            # The file as it will be at ``path`` (the rename keeps its inode, size and mtime).
            before_replace(os.stat(tmp_name))
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    if durable:
        _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    # The rename itself must reach the disk, or a crash could bring back the old file.
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_new_file(path: Path, payload: bytes) -> None:
    """Write ``payload`` as a new file at ``path`` (temporary file, fsync, then a hard link
    that fails if the name is taken): a reader never sees half of it, and an existing file
    is never overwritten (``FileExistsError``)."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o666 & ~_current_umask())
        try:
            os.link(tmp_name, path)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: check, then rename
            if os.path.lexists(path):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
            os.rename(tmp_name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
    _fsync_folder(path.parent)


def stale_temporary_files(db: Path) -> list[Path]:
    """Temporary files a killed writer left beside the data file (``.school.json.*.tmp``)
    and in its backups folder. Only safe to remove under the store's lock."""
    found = []
    for folder, prefix in ((db.parent, f".{db.name}."), (backup_dir(db), f".{db.stem}-")):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        found.extend(Path(e.path) for e in entries
                     if e.name.startswith(prefix) and e.name.endswith(".tmp") and e.is_file(follow_symlinks=False))
    return sorted(found)


def resolve_data_path(path: str | os.PathLike) -> Path:
    """The data file to use for ``path``. A symbolic link is followed on purpose, once, here:
    the lock, backups and change log then live beside the real file, and a save replaces
    the real file instead of turning the link into a copy that leaves its target stale."""
    path = Path(path).absolute()
    try:
        is_link = path.is_symlink()
    except OSError:
        return path
    if not is_link:
        return path
    target = Path(os.path.realpath(path))
    if not target.exists():
        raise AccessDenied(path, message=t("fault.data_symlink_broken", path=path, target=os.readlink(path)))
    return target


class _UncachedTable(Table):
    # Another process may change the file between two reads; a query cache would
    # answer from the old data. Reads come from memory anyway, so it buys little.
    default_query_cache_capacity = 0


class LockedJSONStorage(Storage):
    """TinyDB storage that keeps the file in memory and writes only at commit.

    ``read`` re-reads the file when its identity changed — from the change log's new
    lines when they line up (models/store/feed.py), else by parsing it; ``write`` is
    refused outside a transaction so that no change can bypass the lock.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._data: dict[str, Any] | None = None
        # The identity of the file the memory copy matches and where that copy stands in
        # the change log, replaced together (a worker reads them as one).
        self.stand: tuple[tuple[int, int, int] | None, Position | None] = (None, None)
        self.in_transaction = False
        self.dirty = False
        self.generation = 0  # goes up whenever the data in memory changes
        # Goes up whenever the memory copy takes in a change it did not make itself (read
        # afresh, another session's lines applied, or dropped).
        self.file_generation = 0
        # Called after another session's lines were applied, with them and the generations
        # before (the Store keeps its typed tables in step).
        self.on_applied: Callable[[Changes, int, int], None] | None = None
        self.parses = 0  # how often the whole file was parsed (tests, benchmarks)

    @property
    def _identity(self) -> tuple[int, int, int] | None:
        return self.stand[0]

    @property
    def position(self) -> Position | None:
        return self.stand[1]

    def refresh(self) -> bool:
        """Take in the file if another process replaced it; True when it did."""
        identity = _file_identity(self.path)
        if identity is None:
            raise MissingDataFile(self.path)
        if identity == self._identity and self._data is not None:
            return False
        if self._data is not None and not self.dirty:
            changes = tail_changes(self.path, self.position, SCHEMA_VERSION)
            if changes is not None and self.apply(changes):
                return True
        data = parse_file(self.path)
        self.replace(data, identity, position_after_parse(self.path, data))
        return True

    def replace(self, data: dict[str, Any], identity: tuple[int, int, int] | None,
                position: Position | None) -> None:
        """Take ``data``, parsed from the file whose identity is ``identity``."""
        self.parses += 1
        self._data = data
        self.stand = (identity, position)
        self.generation += 1
        self.file_generation += 1

    def apply(self, changes: Changes) -> bool:
        """Redo another session's lines on the memory copy (models/store/feed.py). Each must
        fit what is here — an insert a free id, an update or delete a record that is there —
        or nothing is changed, the position is dropped (the next look parses the file) and
        the answer is False."""
        data = self._data
        if data is None or self.in_transaction:
            return False
        if _rereads(data.get(META_TABLE)) != _rereads(changes.meta):
            # A save the log does not describe came in between (an archive move …).
            self.stand = (self._identity, None)
            return False
        seen: dict[tuple[str, str], bool] = {}  # whether a record is there after the ops so far
        for table, record_id, doc, there in changes.ops:
            key = (table, str(record_id))
            here = seen[key] if key in seen else key[1] in data.get(table, {})
            if here != there:  # an update or delete of a record not here, an insert of one that is
                self.stand = (self._identity, None)
                return False
            seen[key] = doc is not None
        for table, record_id, doc, _there in changes.ops:
            if doc is None:
                data[table].pop(str(record_id))
            else:
                data.setdefault(table, {})[str(record_id)] = doc
        data[META_TABLE] = changes.meta
        before = (self.generation, self.file_generation)
        self.stand = (changes.identity, changes.position)
        self.generation += 1
        self.file_generation += 1
        if self.on_applied is not None:
            self.on_applied(changes, *before)
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

    def payload(self) -> bytes:
        """The memory copy as the file's bytes, the meta record first (a reader of the change
        feed finds the file's ``log_seq`` in its first lines)."""
        assert self._data is not None
        data = self._data
        if META_TABLE in data and next(iter(data)) != META_TABLE:
            data = self._data = {META_TABLE: data[META_TABLE], **{k: v for k, v in data.items() if k != META_TABLE}}
        return jsonio.dumps(data)

    def commit(self, payload: bytes | None = None, position: Position | None = None) -> None:
        """Write ``payload`` (the memory copy) over the file; the copy then stands at
        ``position`` in the change log (None: where it stood). A new position is named in
        ``<file>.fed`` just before the new file takes the data file's place, so that no
        session finds the new file without it (models/store/feed.py)."""
        mark = None
        if position is not None:
            def mark(st: os.stat_result) -> None:
                write_feed_mark(self.path, (st.st_ino, st.st_size, st.st_mtime_ns), position)
        atomic_write(self.path, payload if payload is not None else self.payload(), before_replace=mark)
        self.stand = (_file_identity(self.path), position or self.position)
        self.dirty = False

    @property
    def identity(self) -> tuple[int, int, int] | None:
        """(inode, size, mtime_ns) of the file the memory copy was read from."""
        return self._identity

    def forget(self) -> None:
        """Drop what is in memory; the next read comes from the file."""
        self._data = None
        self.stand = (None, None)
        self.generation += 1
        self.file_generation += 1

    def close(self) -> None:
        pass


def _rereads(meta_table: dict[str, Any] | None) -> Any:
    """The meta record's count of saves the change log does not describe."""
    return ((meta_table or {}).get(_META_ID) or {}).get("rereads", 0)


class Newer:
    """What :meth:`Store.read_newer` found: the lines to apply (``changes``) or the parsed
    file (``data`` and its ``position`` in the log), and the memory copy's state it is
    relative to (``base``)."""

    def __init__(self, base: tuple, identity: tuple[int, int, int], *, changes: Changes | None = None,
                 data: dict[str, Any] | None = None, position: Position | None = None):
        self.base = base
        self.identity = identity
        self.changes = changes
        self.data = data
        self.position = position


class _TypedTable:
    """One table as records: in id order, by id, and the stored form each was built from
    (to tell, after another session's save, which records changed)."""

    def __init__(self, file_generation: int, records: list[Record], by_id: dict[int, Record],
                 docs: dict[int, dict[str, Any]]):
        self.file_generation = file_generation
        self.records = records
        self.by_id = by_id
        self.docs = docs

    def put_and_remove(self, put: list[tuple[Record, dict[str, Any]]], removed: list[int]) -> None:
        import bisect

        for record, doc in put:
            if record.id in self.by_id:
                self.records[bisect.bisect_left(self.records, record.id, key=_record_id)] = record
            elif not self.records or self.records[-1].id < record.id:
                self.records.append(record)
            else:
                self.records.insert(bisect.bisect_left(self.records, record.id, key=_record_id), record)
            self.by_id[record.id] = record
            self.docs[record.id] = doc
        if removed:
            gone = set(removed) & self.by_id.keys()
            if gone:
                self.records[:] = [r for r in self.records if r.id not in gone]
                for record_id in gone:
                    del self.by_id[record_id]
                    self.docs.pop(record_id, None)


def _record_id(record: Record) -> int:
    return record.id


class Store:
    """The school's data: typed reads from memory, changes in locked transactions.

    ``actor`` is the login that every change is stamped with. ``guard`` is the
    permission check (``models.permissions.check_change``) called for every change as
    ``guard(store, actor, action, before, after)``; it raises to refuse. Without one
    nothing is checked: the session (models/session.py) opens the store with it, and
    only builders of a file from nothing (the demo school) and tests go without.
    ``clock`` stamps changes, and is today() while a change is made (without one:
    models.clock.today(), read at each use).
    """

    def __init__(self, path: str | os.PathLike, actor: str = "", *, create: bool = False,
                 guard: Callable[..., None] | None = None, clock: Clock | None = None):
        self.path = resolve_data_path(path)
        self.actor = actor
        self.guard = guard
        self.clock = clock if clock is not None else Clock()
        self._lock_path = lock_path(self.path)
        # Called with a sentence when a save went through but something beside it did not
        # (today's backup): the app shows it, a command prints it.
        self.on_warning: Callable[[str], None] = _print_warning
        self.warnings: list[str] = []
        try:
            if not self.path.exists():
                if not create:
                    raise MissingDataFile(self.path)
                self._create()
            if self.path.is_dir():
                raise AccessDenied(self.path, None, faults.READ, "file")
            self._storage_holder: list[LockedJSONStorage] = []
            self.db = TinyDB(self.path, storage=self._make_storage)
            self.db.table_class = _UncachedTable
            self.storage: LockedJSONStorage = self._storage_holder[0]
            self.storage.refresh()
            self._cache: dict[str, _TypedTable] = {}
            self.storage.on_applied = self._applied
            # The memory copy's generation as far as the typed tables know: a write that did
            # not come through a Transaction method (which keep them in step) drops them.
            self._follow()
            self._migrate_if_needed()
        except OSError as error:
            raise AccessDenied(self.path, error, faults.READ, "file") from None

    def _make_storage(self, path: Path) -> LockedJSONStorage:
        storage = LockedJSONStorage(path)
        self._storage_holder.append(storage)
        return storage

    def _create(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise AccessDenied(self.path.parent, error, faults.CREATE, "folder") from None
        with self._locked():
            if not self.path.exists():
                meta = {"schema_version": SCHEMA_VERSION, "created_at": self.clock.stamp(), "next_ids": {}}
                try:
                    atomic_write(self.path, jsonio.dumps({META_TABLE: {_META_ID: meta}}))
                except OSError as error:
                    raise WriteFailed(self.path, error) from None

    # -- locking ---------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with hold_lock(self.path):
            self._remove_stale_temporary_files()
            yield

    def _remove_stale_temporary_files(self) -> None:
        # Under the lock no writer is between its temporary file and its rename, so every
        # temporary file left here belongs to a writer that was killed.
        for leftover in stale_temporary_files(self.path):
            with contextlib.suppress(OSError):
                leftover.unlink()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Run changes under the lock; they reach the file together, or not at all. The
        rules they meet see the store's day as today() (models/clock.py)."""
        if self.storage.in_transaction:
            raise RuntimeError("transactions do not nest")
        with self._locked(), clock.as_of(self.clock.today()):
            if self.storage.refresh():
                self._drop_tinydb_caches()
            self.storage.in_transaction = True
            try:
                tx = Transaction(self)
                yield tx
                if self.storage.dirty:
                    backup_problem = self._backup_before_first_change_of_day()
                    self._log_then_commit(tx)
                    if backup_problem:
                        self._warn(backup_problem)
            except DataFileError:
                self._abandon()
                raise
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
        self._cache.clear()

    def _drop_tinydb_caches(self) -> None:
        """After the file was read afresh. The typed tables stay: each is rebuilt on its next
        read, keeping the records whose stored form did not change (``_indexed``)."""
        for table in self.db._tables.values():
            table._next_id = None
            table.clear_cache()

    # -- reads -----------------------------------------------------------------

    def refresh(self) -> bool:
        """Pick up another session's save; True when there was one."""
        if self.storage.refresh():
            self._drop_tinydb_caches()
            return True
        return False

    def file_changed(self) -> bool:
        """Whether the file is no longer the one in memory (a ``stat``; nothing is read)."""
        return _file_identity(self.path) != self.storage.identity

    def read_newer(self) -> Newer | None:
        """What another session's save changed, without touching what is in memory: for a
        worker thread. The change log's new lines when they line up (models/store/feed.py),
        else the whole file parsed. Hand the result to :meth:`adopt` on the thread that uses
        the store. None when there is nothing newer."""
        base = (self.storage.stand, self.storage.generation)  # the stand first: see adopt
        identity = _file_identity(self.path)
        if identity is None:
            raise MissingDataFile(self.path)
        if identity == base[0][0]:
            return None
        changes = tail_changes(self.path, base[0][1], SCHEMA_VERSION)
        if changes is not None:
            return Newer(base, changes.identity, changes=changes)
        data = parse_file(self.path)
        if _file_identity(self.path) != identity:
            return None  # replaced again while we read: the next look takes the newest
        return Newer(base, identity, data=data, position=position_after_parse(self.path, data))

    def adopt(self, newer: Newer | None) -> bool:
        """Take what :meth:`read_newer` found, unless the memory copy moved on since (a save
        of our own, another read); True when it was taken."""
        if newer is None or self.storage.in_transaction:
            return False
        stand, generation = newer.base
        # The stand is replaced whole whenever it changes, so "is" tells whether it is the one
        # the worker started from (its identity and its place in the log together).
        if stand is not self.storage.stand or generation != self.storage.generation:
            return False
        if newer.changes is not None:
            if not self.storage.apply(newer.changes):
                return False  # the next look parses the file
        else:
            self.storage.replace(newer.data, newer.identity, newer.position)
        self._drop_tinydb_caches()
        return True

    def _applied(self, changes: Changes, generation: int, file_generation: int) -> None:
        """Another session's lines were applied to the memory copy: keep the typed tables in
        step, turning only the records they changed into records again."""
        if (self._followed_generation, self._followed_file_generation) != (generation, file_generation):
            return  # not in step before: each is rebuilt on its next read (``_indexed``)
        now = self.storage.file_generation
        touched = changes.by_table()
        for name, typed in list(self._cache.items()):
            if typed.file_generation != file_generation:
                continue
            records = touched.get(name)
            if records:
                cls = TABLES.get(name)
                try:
                    put = [(cls.from_dict(doc, record_id), doc) for record_id, doc in records.items()
                           if doc is not None]
                except Exception:  # noqa: BLE001 - a record this version cannot read: rebuild
                    del self._cache[name]
                    continue
                typed.put_and_remove(put, [record_id for record_id, doc in records.items() if doc is None])
            typed.file_generation = now
        self._follow()

    @property
    def generation(self) -> int:
        self.storage.read()
        return self.storage.generation

    def _indexed(self, cls: type[R]) -> tuple[list[R], dict[int, R]]:
        """The typed records of a table, kept across this session's own saves (each
        Transaction method updates them) and, after another session's save, rebuilt only
        where a record's stored form changed: a save does not turn 4,500 observations
        into records again."""
        raw = self.storage.read()
        if self.storage.generation != self._followed_generation:
            if self.storage.file_generation == self._followed_file_generation:
                self._cache.clear()  # changed in memory by something we did not follow
            self._follow()
        cached = self._cache.get(cls.TABLE)
        if cached is not None and cached.file_generation == self.storage.file_generation:
            return cached.records, cached.by_id  # type: ignore[return-value]
        table = raw.get(cls.TABLE, {})
        old_docs = cached.docs if cached is not None else {}
        old_records = cached.by_id if cached is not None else {}
        records, docs = [], {}
        for doc_id, doc in table.items():
            record_id = int(doc_id)
            before = old_docs.get(record_id)
            record = old_records[record_id] if before is not None and before == doc else None
            records.append(record if record is not None else cls.from_dict(doc, record_id))
            docs[record_id] = doc
        if any(records[n].id > records[n + 1].id for n in range(len(records) - 1)):
            records.sort(key=_record_id)
        typed = _TypedTable(self.storage.file_generation, records, {r.id: r for r in records}, docs)
        self._cache[cls.TABLE] = typed
        return records, typed.by_id  # type: ignore[return-value]

    _followed_file_generation = 0

    def _follow(self) -> None:
        self._followed_generation = self.storage.generation
        self._followed_file_generation = self.storage.file_generation

    def _wrote(self, cls: type[Record] | None = None, put: list[tuple[Record, dict[str, Any]]] = (),
               removed: list[int] = ()) -> None:
        """A Transaction method changed the memory copy: keep the typed table in step (the
        records ``put`` with their stored form, the ids ``removed``)."""
        followed = self.storage.generation
        # A transaction that found another session's save re-read the file: until the next
        # read follows that, the typed tables are not known to be in step with the memory copy.
        in_step = self._followed_file_generation == self.storage.file_generation
        if cls is not None:
            typed = self._cache.get(cls.TABLE)
            if typed is not None and typed.file_generation == self.storage.file_generation and in_step:
                typed.put_and_remove(put, removed)
            elif typed is not None:
                del self._cache[cls.TABLE]  # rebuilt from the memory copy on its next read
        if in_step:
            self._followed_generation = followed

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
        """The change log (models/store/changelog.py), oldest first; each entry's ``id``
        is its number in the log."""
        legacy = self.storage.read().get(AUDIT_TABLE, {})  # a file not yet migrated (read-only user)
        entries = [dict(doc, id=int(k)) for k, doc in sorted(legacy.items(), key=lambda kv: int(kv[0]))]
        return entries + self.changelog.entries()

    @property
    def changelog(self) -> ChangeLog:
        return ChangeLog(self.path)

    def changes_since(self, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """The change feed: log entries appended after byte ``offset`` (every session's
        saves) and the offset to pass next time. A session that keeps the offset learns
        which tables and records changed without re-reading the data file."""
        return self.changelog.read_since(offset)

    def _log_then_commit(self, tx: Transaction) -> None:
        """Append the transaction's lines to the change log, then replace the data file
        (whose meta record then names the last line it holds). A data file that could
        not be written leaves lines behind that the next save marks abandoned."""
        log = self.changelog
        tail = log.tail()
        landed = int(self.meta().get("log_seq", 0) or 0)
        if tail.seq < landed:
            # Lines the data file knows of are gone (the log was cut or deleted): number on
            # from the data file's count, so the gap stays visible to `jiaoyan check`.
            tail = Tail(landed, tail.hash, tail.end)
        entries = list(tx.log_entries)
        if tail.seq > landed:
            lost = unlanded(log.read_since(0)[0], landed)
            if lost:
                entries.insert(0, {"action": "abandoned", "seqs": [min(lost), max(lost)],
                                   "at": clock.real_now().isoformat(sep=" "), "uid": faults.login_name()})
        if not tx.feedable:
            # Open sessions cannot redo this save from its lines: they parse the file.
            tx.set_meta(rereads=int(_rereads(self.storage.read().get(META_TABLE)) or 0) + 1)
        position = None
        if entries:
            # The file's meta record names the last line it holds and that line's hash
            # (models/store/feed.py); a save the lines do not describe says so in its last line.
            if not tx.feedable:
                entries[-1] = {**entries[-1], "reread": True}
            lines, _written, last_hash = log.prepare(entries, tail)
            tx.set_meta(log_seq=tail.seq + len(entries), log_hash=last_hash)
            try:
                log.write(lines, tail)
            except OSError as error:
                raise WriteFailed(log.path, error, "log") from None
            log_id, written = log.written
            position = Position(written.seq, written.end, written.hash, log_id)
        payload = self.storage.payload()
        was_sound = read_verdict(self.path) == self.storage.identity
        self.storage.commit(payload, position)
        if was_sound and self.storage.identity is not None:
            # A sound file plus records validated on the way in is still sound.
            write_verdict(self.path, self.storage.identity)

    # -- backups and migrations -----------------------------------------------------

    def backup(self, reason: str = MANUAL) -> Path:
        """Copy the data file to a new dated backup (:func:`make_backup`). A manual one
        (which prunes older manual ones) leaves a line in the change log."""
        if reason != MANUAL:
            return make_backup(self.path, reason)
        with self._locked():
            target = make_backup(self.path, reason)
            with contextlib.suppress(OSError):
                self.changelog.append([{"at": clock.real_now().isoformat(sep=" "), "uid": faults.login_name(),
                                        "who": self.actor, "action": "backup", "table": "",
                                        "path": str(target)}])
        return target

    def _backup_before_first_change_of_day(self) -> str:
        """Back up before the day's first change; the sentence to show once the save is
        done when the backup could not be made ("" when all went well)."""
        today = self.clock.today().strftime("%Y%m%d")
        if any(b.name.startswith(f"{self.path.stem}-{today}") and not is_manual_backup(b)
               for b in list_backups(self.path)):
            return ""
        try:
            self.backup("daily")
        except BackupFailed as error:
            # The save matters more than its copy: it goes ahead, and the message names
            # the backups folder (not the data file) so the right thing gets fixed.
            return t("fault.backup_failed_save_done", reason=str(error))
        return ""

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        with contextlib.suppress(Exception):
            self.on_warning(message)

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
            make_backup(self.path, f"before-v{SCHEMA_VERSION}")
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](data, self.path)
                version += 1
                data[META_TABLE][_META_ID]["schema_version"] = version
            atomic_write(self.path, jsonio.dumps(data))
            self.storage.forget()
        self._drop_tinydb_caches()


def _migrate_0_to_1(data: dict[str, Any], db: Path) -> None:
    """A plain TinyDB file (no meta): add the meta record and id counters."""
    next_ids = {}
    for name, table in data.items():
        if table:
            next_ids[name] = max(int(k) for k in table) + 1
    data.setdefault(META_TABLE, {})[_META_ID] = {
        "schema_version": 0, "created_at": clock.stamp(), "next_ids": next_ids,
    }


def _migrate_1_to_2(data: dict[str, Any], db: Path) -> None:
    """The change log leaves the data file: the ``audit`` table's entries are appended, in
    order, to ``<file>.changes`` (chained like every new line; ``uid`` is unknown for
    them, ``legacy_id`` keeps their old number) and the table is dropped. Run under the
    lock, after a backup. Entries a crashed earlier run already moved are not moved twice."""
    table = data.get(AUDIT_TABLE, {})
    log = ChangeLog(db)
    moved = {e.get("legacy_id") for e in log.read_since(0)[0] if "legacy_id" in e}
    entries = []
    for key, entry in sorted(table.items(), key=lambda kv: int(kv[0])):
        if int(key) in moved or not isinstance(entry, dict):
            continue
        entries.append({**{k: v for k, v in entry.items() if k != "id"}, "uid": "", "legacy_id": int(key)})
    written = log.append(entries)
    data.pop(AUDIT_TABLE, None)
    meta = data.setdefault(META_TABLE, {}).setdefault(_META_ID, {})
    meta.get("next_ids", {}).pop(AUDIT_TABLE, None)
    meta["log_seq"] = written[-1]["seq"] if written else log.tail().seq


MIGRATIONS: dict[int, Callable[[dict[str, Any], Path], None]] = {0: _migrate_0_to_1, 1: _migrate_1_to_2}


class Transaction:
    """The changes of one locked write. Stamps, audits and validates each record."""

    def __init__(self, store: Store):
        self.store = store
        self.actor = store.actor
        self.log_entries: list[dict[str, Any]] = []  # the change log's lines, appended at commit
        # Whether the lines describe every change (models/store/feed.py): open sessions redo
        # them instead of parsing the file.
        self.feedable = True

    def _log(self, entry: dict[str, Any]) -> None:
        # The real clock and the real uid: JIAOYAN_TODAY and a script's actor cannot backdate
        # or rename a line (models/store/changelog.py).
        self.log_entries.append({"at": clock.real_now().isoformat(sep=" "), "uid": faults.login_name(),
                                 "who": self.actor, **entry})

    def _table(self, cls: type[Record]) -> Table:
        return self.store.db.table(cls.TABLE)

    # One record in, changed or out: straight into the memory copy. TinyDB's own table
    # methods copy the whole table twice per call (4,500 observations for one insert).
    def _put(self, table_name: str, record_id: int, doc: dict[str, Any]) -> None:
        data = self.store.storage.read()
        data.setdefault(table_name, {})[str(record_id)] = doc
        self.store.storage.write(data)

    def _remove(self, table_name: str, record_id: int) -> None:
        data = self.store.storage.read()
        data.get(table_name, {}).pop(str(record_id), None)
        self.store.storage.write(data)

    def _meta(self) -> dict[str, Any]:
        return dict(self.store.storage.read().get(META_TABLE, {}).get(_META_ID) or {})

    def _next_id(self, table_name: str) -> int:
        # Ids are never reused, even after a term's records move to its archive,
        # so the counter lives in the meta record rather than in TinyDB's max + 1.
        meta = self._meta()
        next_ids = dict(meta.get("next_ids", {}))
        existing = self.store.storage.read().get(table_name, {})
        highest = max(map(int, existing), default=0)
        new_id = max(int(next_ids.get(table_name, 1)), highest + 1)
        next_ids[table_name] = new_id + 1
        meta["next_ids"] = next_ids
        self._put(META_TABLE, int(_META_ID), meta)
        self.store._wrote()
        return new_id

    def _check(self, action: str, before: Record | None, after: Record | None) -> None:
        if after is not None:
            problems = after.validate()
            if problems:
                raise ValidationFailed(problems)
            if isinstance(after, Teacher) and after.login:
                self._check_login_free(after)
        if self.store.guard is not None:
            self.store.guard(self.store, self.actor, action, before, after)

    def _check_login_free(self, teacher: Teacher, batch: list[Record] = ()) -> None:
        """A login names one teacher, whatever the caller checked before the lock: two
        imports side by side must not both add ``zhangsan``."""
        owner = next((x for x in self.store.all(Teacher) if x.login == teacher.login and x.id != teacher.id),
                     None) or next((x for x in batch if x.login == teacher.login and x is not teacher), None)
        if owner is not None:
            raise ValidationFailed([Problem("login", t("roster.error.login_taken", value=teacher.login,
                                                       name=owner.name))])

    def _audit(self, action: str, cls: type[Record], record_id: int,
               before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        whole = after
        if before is not None and after is not None:
            changed = [k for k in set(before) | set(after)
                       if before.get(k) != after.get(k) and k not in ("updated_at", "updated_by", "version")]
            before = {k: before.get(k) for k in sorted(changed)}
            after = {k: after.get(k) for k in sorted(changed)}
        entry = {"action": action, "table": cls.TABLE, "record_id": record_id, "before": before, "after": after}
        if action == "update":
            entry["doc"] = whole  # the whole record as stored, for the change feed
        self._log(entry)

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
        self._put(record.TABLE, new_id, data)
        self._stored(record, data)
        self._audit("insert", type(record), new_id, None, data)
        return record

    def _stored(self, record: Record, data: dict[str, Any]) -> None:
        cls = type(record)
        self.store._wrote(cls, put=[(cls.from_dict(data, record.id), data)])

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
        self._put(record.TABLE, record.id, data)
        self._stored(record, data)
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
            if isinstance(record, Teacher) and record.login:
                self._check_login_free(record, stamped)
            stamped.append(record)
        first = self._next_id(cls.TABLE)
        self._reserve_ids(cls.TABLE, first + len(stamped))
        stamped = [r.copy(id=first + n) for n, r in enumerate(stamped)]
        docs = [r.to_dict() for r in stamped]
        self._table(cls).insert_multiple(Document(doc, doc_id=r.id) for r, doc in zip(stamped, docs))
        self.store._wrote(cls, put=[(cls.from_dict(doc, r.id), doc) for r, doc in zip(stamped, docs)])
        # One line for the batch. A small one carries its records for the change feed; a copy
        # of a large one (the demo, an import) would double the log: sessions parse the file.
        entry = {"action": "insert_many", "table": cls.TABLE, "record_ids": [r.id for r in stamped],
                 "before": None, "after": None}
        if len(docs) <= FEED_BATCH:
            entry["docs"] = docs
        else:
            self.feedable = False
        self._log(entry)
        return stamped

    def _reserve_ids(self, table_name: str, next_free: int) -> None:
        meta = self._meta()
        meta["next_ids"] = {**meta.get("next_ids", {}), table_name: next_free}
        self._put(META_TABLE, int(_META_ID), meta)
        self.store._wrote()

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
        self._put(record.TABLE, record.id, data)
        self._stored(record, data)
        self._audit("update", type(record), record.id, current.to_dict(), data)
        return record

    def delete(self, record: Record) -> None:
        current = self.get(type(record), record.id)
        if current is None:
            return
        self._check("delete", current, None)
        self._remove(record.TABLE, record.id)
        self.store._wrote(type(record), removed=[record.id])
        self._audit("delete", type(record), record.id, current.to_dict(), None)

    def delete_many(self, records: list[Record], *, archiving: bool = False) -> None:
        """Remove many records of one type with one audit line (closing a term moves
        thousands; a full copy of each in the audit would keep them in the file).

        ``archiving``: the records have just been written to their term's archive (closing a
        finished term). The guard is asked about an ``"archive"`` action, which is the
        office's to take, instead of about each record's own delete rule (an author-only
        document, a judged 评比 entry) that is about people removing work, not moving it."""
        if not records:
            return
        cls = type(records[0])
        present = []
        for record in records:
            current = self.get(cls, record.id)
            if current is not None:
                self._check("archive" if archiving else "delete", current, None)
                present.append(current.id)
        if not present:
            return
        self._table(cls).remove(doc_ids=present)
        self.store._wrote(cls, removed=present)
        if archiving:
            self.feedable = False  # a term leaving the file: open sessions read it afresh
        self._log({"action": "delete_many", "table": cls.TABLE, "record_ids": present, "before": None, "after": None})

    def remove_audit_entries(self, entry_ids: list[int]) -> None:
        """Drop entries of a schema-1 ``audit`` table from the data file (only a file not
        yet migrated has one; the change log itself is append-only)."""
        if entry_ids and AUDIT_TABLE in self.store.storage.read():
            self.store.db.table(AUDIT_TABLE).remove(doc_ids=[int(i) for i in entry_ids])
            self.store._wrote()
            self.feedable = False

    def set_meta(self, **values: Any) -> None:
        meta = self._meta()
        meta.update(values)
        self._put(META_TABLE, int(_META_ID), meta)
        self.store._wrote()

    def save_policy(self, policy: Policy) -> Policy:
        existing = self.store.all(Policy)
        if existing:
            return self.update(policy.copy(id=existing[0].id), check_version=bool(policy.id))
        return self.insert(policy)


class BadRestoreSource(DataFileError):
    exit_code = 1

    def __init__(self, source: Path, reason: str):
        super().__init__(t("store.restore_bad_source", source=source, reason=reason))


def restore_from(db: Path, source: Path, actor: str = "") -> Path | None:
    """Put ``source`` (a backup) in place of ``db``. What it replaces is kept in the backup
    folder first, even if it is damaged, under a name no other backup has, and the change
    log gets a line saying who restored what. Returns the kept copy's path, if there was a
    file. Who may restore is the caller's question (``models.permissions.check_restore``)."""
    try:
        raw = source.read_bytes()
    except OSError as error:
        raise BadRestoreSource(source, error.strerror or str(error)) from None
    try:
        data = _parse(raw)
    except jsonio.JSONDecodeError as error:
        raise BadRestoreSource(source, str(error).splitlines()[0][:120] if str(error) else "JSON") from None
    db = resolve_data_path(db)
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AccessDenied(db.parent, error, faults.CREATE, "folder") from None
    with hold_lock(db):
        kept = None
        if db.exists():
            kept = make_backup(db, "before-restore")
        log = ChangeLog(db)
        try:
            written = log.append([{"at": clock.real_now().isoformat(sep=" "), "uid": faults.login_name(),
                                   "who": actor, "action": "restore", "table": "", "source": str(source),
                                   "kept": str(kept or "")}])
        except OSError as error:
            raise WriteFailed(log.path, error, "log") from None
        meta = data.get(META_TABLE, {}).get(_META_ID)
        if isinstance(meta, dict) and int(meta.get("schema_version", 0) or 0) >= 2:
            # The restored file holds the log up to here: earlier lines are not "abandoned".
            meta["log_seq"] = written[-1]["seq"]
            raw = jsonio.dumps(data)
        try:
            atomic_write(db, raw)
        except OSError as error:
            raise WriteFailed(db, error) from None
        return kept
