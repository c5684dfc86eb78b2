"""The change feed: how an open session learns another session's save from the change log
instead of parsing the whole data file again (DESIGN.md, storage contract 8).

The data file stays the one truth. Its meta record (written first in the file) names
``log_seq``, the last change-log line it holds, and ``log_hash``, that line's hash
(models/store/changelog.py). A session whose memory copy holds the file as of line M,
seeing the file replaced, reads the file's first bytes (its meta record: line N) and
the log's lines M+1 … N from where it stopped, and redoes them on its memory copy —
only when all of this lines up:

* the file still has the schema this version writes, and its meta record is first;
* N > M: a file replaced without new lines (edited by hand, restored, a change the
  log cannot describe) is parsed;
* the log is the same file (device, inode), at least as long as where the session
  stopped, and the lines follow on: numbers M+1, M+2 … and each line's ``prev`` the
  hash of the line before, the first one's the hash of line M as the session read it;
* every line is one the feed can redo (a data change carrying the whole record, or a
  note such as a sign-in), and no transaction among them was marked as one the lines
  do not describe (``reread``: a term moved to its archive, a large batch);
* line N's hash is the ``log_hash`` the file's meta record names: the chain then
  vouches for every line from M+1 on, so a line changed by hand is never redone;
* the file is the very one that save wrote: ``<file>.fed``, written by the saver just
  before its new file takes the data file's place (the rename keeps the new file's inode,
  size and mtime), names that identity with line N and its hash — a file edited by hand
  or replaced after that save does not match;
* the meta record's count of saves the log does not describe (``rereads``: an archive
  move, a large batch) is the one the memory copy has.

Anything else (a gap, a log shorter than expected, lines marked abandoned after a
crash between the log and the commit, a restore, a schema change) and the file is
parsed whole, as before. :func:`tail_changes` only reads: the caller applies the
result to its memory copy (models/store/storage.py), on its own thread.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.store import jsonio
from models.store.changelog import DATA_ACTIONS, NOTE_ACTIONS, ChangeLog, line_hash
from models.store.paths import feed_mark_path

META_TABLE = "meta"
META_ID = "1"
_HEAD = b'{\n  "meta": '
_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Position:
    """Where a memory copy stands in the log: line ``seq`` (the data file's ``log_seq``),
    the byte where the lines after it begin, that line's hash, and the log's (device,
    inode)."""

    seq: int
    end: int
    hash: str
    log: tuple[int, int]


@dataclass
class Changes:
    """What the lines M+1 … N do to the memory copy: records put (their whole stored form)
    or removed (None), in order, per table; the file's meta table; where the copy then
    stands; the identity of the file it matches."""

    identity: tuple[int, int, int]
    meta: dict[str, Any]
    position: Position
    # (table, record id, the whole record or None to remove it, whether it was there before)
    ops: list[tuple[str, int, dict[str, Any] | None, bool]] = field(default_factory=list)

    def by_table(self) -> dict[str, dict[int, dict[str, Any] | None]]:
        """The last state of each record touched, per table (an insert then a delete of one
        record in the same run: removed)."""
        tables: dict[str, dict[int, dict[str, Any] | None]] = {}
        for table, record_id, doc, _there in self.ops:
            tables.setdefault(table, {})[record_id] = doc
        return tables


def read_head(path: Path) -> tuple[tuple[int, int, int], dict[str, Any]] | None:
    """The identity (inode, size, mtime_ns) of the data file and its meta table, read from
    its first bytes without parsing the rest; None when the file does not begin with it
    (written by hand, by another program, or before the meta record came first)."""
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            raw = handle.read(_HEAD_BYTES)
    except OSError:
        return None
    if not raw.startswith(_HEAD):
        return None
    # The meta table closes on the first line that is just "  }" (indented two: deeper
    # lines are indented more; a newline inside a string is always escaped).
    end = raw.find(b"\n  }", len(_HEAD))
    if end < 0 or raw[end + 4:end + 5] not in (b",", b"\n"):
        return None
    try:
        meta = jsonio.loads(raw[len(_HEAD):end + 4])
    except jsonio.JSONDecodeError:
        return None
    if not isinstance(meta, dict) or not all(isinstance(v, dict) for v in meta.values()):
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns), meta


def mark_text(identity: tuple[int, int, int], seq: int, hash_: str, previous: bytes = b"") -> bytes:
    """``<file>.fed``: the file the last save wrote, then the one before (a session that
    opened that one just as the next save named its own file still finds it)."""
    line = f"{identity[0]} {identity[1]} {identity[2]} {seq} {hash_}\n".encode("ascii")
    return line + previous.split(b"\n", 1)[0][:200] + b"\n" if previous else line


def read_mark(db: Path) -> list[tuple[tuple[int, int, int], int, str]]:
    """What the last saves wrote (``<file>.fed``), newest first: each file's identity, the
    line it ends on and that line's hash. Lines that do not read are left out."""
    try:
        raw = feed_mark_path(db).read_bytes()
    except OSError:
        return []
    marks = []
    for line in raw.split(b"\n")[:2]:
        parts = line.split()
        try:
            marks.append(((int(parts[0]), int(parts[1]), int(parts[2])), int(parts[3]), parts[4].decode("ascii")))
        except (ValueError, IndexError, UnicodeDecodeError):
            continue
    return marks


def position_after_parse(db: Path, data: dict[str, Any]) -> Position | None:
    """Where a memory copy just parsed from the file stands in the log (None: unknown,
    and the next change is parsed whole too)."""
    meta = data.get(META_TABLE, {}).get(META_ID)
    if not isinstance(meta, dict):
        return None
    try:
        seq = int(meta.get("log_seq", 0) or 0)
    except (TypeError, ValueError):
        return None
    found = ChangeLog(db).position_of(seq)
    if found is None:
        return None
    log, tail = found
    return Position(seq, tail.end, tail.hash, log)


def _ops(entry: dict[str, Any]) -> list[tuple[str, int, dict[str, Any] | None, bool]] | None:
    """The records a data line puts or removes; None when the line cannot be redone."""
    action, table = entry.get("action"), entry.get("table")
    if not isinstance(table, str) or not table or table == META_TABLE:
        return None
    try:
        if action in ("insert", "update", "delete"):
            record_id = int(entry["record_id"])
            if action == "delete":
                return [(table, record_id, None, True)]
            doc = entry.get("after") if action == "insert" else entry.get("doc")
            if action == "insert" and entry.get("before") is not None:
                return None
            return [(table, record_id, doc, action == "update")] if isinstance(doc, dict) else None
        ids = [int(i) for i in entry["record_ids"]]
        if action == "delete_many":
            return [(table, record_id, None, True) for record_id in ids]
        docs = entry.get("docs")
        if not isinstance(docs, list) or len(docs) != len(ids) or not all(isinstance(d, dict) for d in docs):
            return None
        return [(table, record_id, doc, False) for record_id, doc in zip(ids, docs)]
    except (KeyError, TypeError, ValueError):
        return None


def tail_changes(db: Path, since: Position | None, schema_version: int) -> Changes | None:
    """What turns a memory copy standing at ``since`` into the data file now at ``db`` (the
    one opened to read its first lines: its identity is in the answer), read from the
    change log; None when anything does not line up and the file must be parsed. Reads
    only; thread-safe."""
    if since is None:
        return None
    head = read_head(db)
    if head is None:
        return None
    identity, meta_table = head
    meta = meta_table.get(META_ID)
    try:
        if int(meta.get("schema_version", 0)) != schema_version:
            return None
        target = int(meta.get("log_seq", 0) or 0)
    except (AttributeError, TypeError, ValueError):
        return None
    if target <= since.seq:
        return None  # the file changed, but not by lines the log has: parse it
    if (identity, target, meta.get("log_hash")) not in read_mark(db):
        return None  # not the very file the save of line N wrote (edited since, or just written)
    read = ChangeLog(db).lines_since(since.end)
    if read is None or read[0] != since.log:
        return None
    log, lines = read
    expected, previous, end, last_is_data = since.seq + 1, since.hash, since.end, False
    ops: list[tuple[str, int, dict[str, Any] | None, bool]] = []
    for line in lines:
        try:
            entry = jsonio.loads(line)
            seq, prev, action = int(entry["seq"]), entry["prev"], entry.get("action")
        except (*jsonio.JSONDecodeError, KeyError, TypeError):
            return None
        if seq != expected or prev != previous:
            return None
        previous, expected, end = line_hash(line), seq + 1, end + len(line) + 1
        if action in DATA_ACTIONS:
            redo = _ops(entry)
            if redo is None or entry.get("reread"):
                return None  # a transaction the lines do not describe
            ops.extend(redo)
            last_is_data = True
        elif action in NOTE_ACTIONS:
            last_is_data = False  # between transactions; never the line a data file names
        else:
            return None  # a restore, lines abandoned, an action this version does not know
        if seq == target:
            break
    else:
        return None  # the log ends before the line the data file names
    if not last_is_data or meta.get("log_hash") != previous:
        return None  # not the lines the save of that file wrote
    return Changes(identity, meta_table, Position(target, end, previous, log), ops)
