"""The change log: an append-only file of JSON lines beside the data file.

``school.json.changes`` holds one line per change (DESIGN.md, storage contract 8)::

    {"seq": 41, "at": "2026-12-01 09:14:03", "uid": "zhangmin", "who": "zhangmin",
     "action": "update", "table": "observations", "record_id": 7,
     "before": {...}, "after": {...}, "prev": "<sha-256 of line 40>"}

* ``at`` is the machine's real clock and ``uid`` the login of the process's real uid:
  neither ``JIAOYAN_TODAY`` nor the ``actor`` a script passes to ``Store`` can change
  them. ``who`` is the teacher the session acts for (the same login with one Unix
  account per person; the ``--as`` login through the shared account).
* ``prev`` chains every line to the one before it (the first to ``GENESIS``), so a
  line removed or changed by hand is found: :meth:`ChangeLog.verify` names the first
  broken entry (``jiaoyan check``). The chain detects such edits; with one Unix
  account per person, anyone in the group can still write the file, and it cannot
  prevent them.
* The store appends a transaction's lines under its lock *before* it replaces the data
  file, and records the last sequence number in the data file's meta record
  (``log_seq``). Lines after that number whose data never landed (a full disk, a
  writer killed between the two writes) are marked by an ``abandoned`` line the next
  time something is saved, and readers skip them.

Reading: :meth:`ChangeLog.entries` gives the whole log (for ``jiaoyan audit`` and the
F2 screen); :meth:`ChangeLog.read_since` gives what was appended after a byte offset
and the new offset, so an open session can learn what changed — which tables and
records — by reading the tail instead of re-parsing the whole data file.

The change feed (models/store/storage.py, ``tail_changes``): every data line carries
what a reader needs to redo it — an insert its ``after`` (the whole record), an update
its ``doc`` (the whole stored record beside the ``before``/``after`` of the fields that
changed), a small batch insert its ``docs``. The last line of a transaction that changed
something its lines do not describe (a term moved to its archive, a batch too large to
copy) says ``"reread": true``, which sends readers back to parsing the file.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.i18n import t
from models.store.paths import changelog_path

GENESIS = "0" * 64
# log path → ((device, inode), bytes read, entries): the log only grows, so a process reads
# each line once (an edit by hand that keeps the size shows in `jiaoyan check`, not here).
_cache: dict[Path, tuple[tuple[int, int], int, list[dict[str, Any]]]] = {}
DATA_ACTIONS = frozenset({"insert", "update", "delete", "insert_many", "delete_many"})
# Lines that change nothing in the data file (sign-ins of the browser door, manual backups):
# a reader of the feed passes over them. Any other action it does not know sends it back
# to parsing the file (a restore, lines marked abandoned, anything a later version adds).
NOTE_ACTIONS = frozenset({"signin", "signin_failed", "signin_locked", "signout", "password_set",
                          "password_changed", "backup"})
_TAIL_BYTES = 256 * 1024


def line_hash(line: bytes) -> str:
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


def encode(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")


@dataclass(frozen=True)
class Tail:
    """The last complete entry of the log: its number and hash; ``end`` is the byte where
    the complete lines end (a line cut short by a killed writer lies after it)."""

    seq: int
    hash: str
    end: int


class ChangeLog:
    """The change log of one data file."""

    def __init__(self, db: str | os.PathLike):
        self.path = changelog_path(Path(db))
        # After append: the log's (device, inode) and the end and hash of the last line
        # written (where a session that wrote it goes on reading the feed).
        self.written: tuple[tuple[int, int], Tail] | None = None

    # -- writing (under the store's lock) ---------------------------------------------

    def tail(self) -> Tail:
        try:
            with open(self.path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                start = max(0, size - _TAIL_BYTES)
                while True:
                    handle.seek(start)
                    chunk = handle.read(size - start)
                    end = chunk.rfind(b"\n")
                    if end < 0 and start > 0:
                        start = max(0, start - _TAIL_BYTES)
                        continue
                    break
        except FileNotFoundError:
            return Tail(0, GENESIS, 0)
        if end < 0:
            return Tail(0, GENESIS, 0)
        complete = chunk[:end]
        previous = complete.rfind(b"\n")
        if previous < 0 and start > 0:  # one line longer than the window: read it whole
            return self._tail_slow()
        last = complete[previous + 1:]
        try:
            seq = int(json.loads(last)["seq"])
        except (ValueError, KeyError, TypeError):
            return self._tail_slow()
        return Tail(seq, line_hash(last), start + end + 1)

    def _tail_slow(self) -> Tail:
        raw = self.path.read_bytes()
        end = raw.rfind(b"\n")
        if end < 0:
            return Tail(0, GENESIS, 0)
        last = raw[:end].rsplit(b"\n", 1)[-1]
        try:
            seq = int(json.loads(last)["seq"])
        except (ValueError, KeyError, TypeError):
            seq = raw[:end].count(b"\n") + 1
        return Tail(seq, line_hash(last), end + 1)

    def append(self, entries: list[dict[str, Any]], tail: Tail | None = None) -> list[dict[str, Any]]:
        """Number, chain and append ``entries``, and fsync. The caller holds the store's
        lock. A line a killed writer left half-written is cut off first. Returns the
        entries as written."""
        if not entries:
            return []
        tail = tail or self.tail()
        lines, written, _last = self.prepare(entries, tail)
        self.write(lines, tail)
        return written

    @staticmethod
    def prepare(entries: list[dict[str, Any]], tail: Tail) -> tuple[list[bytes], list[dict[str, Any]], str]:
        """Number and chain ``entries`` after ``tail``: their lines, the entries as they will
        be written, and the hash of the last line (the data file's meta record names it)."""
        seq, previous = tail.seq, tail.hash
        lines, written = [], []
        for entry in entries:
            seq += 1
            entry = {"seq": seq, **{k: v for k, v in entry.items() if k not in ("seq", "prev")}, "prev": previous}
            line = encode(entry)
            previous = line_hash(line)
            lines.append(line)
            written.append(entry)
        return lines, written, previous

    def write(self, lines: list[bytes], tail: Tail) -> None:
        """Append prepared ``lines`` (numbered on from ``tail``) and fsync."""
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        try:
            st = os.fstat(fd)
            if st.st_size > tail.end:
                os.ftruncate(fd, tail.end)  # the torn line of a killed writer: never part of the chain
            payload = b"\n".join(lines) + b"\n"
            start = min(st.st_size, tail.end)
            os.write(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)
        self.written = ((st.st_dev, st.st_ino), Tail(tail.seq + len(lines), line_hash(lines[-1]), start + len(payload)))

    # -- reading ---------------------------------------------------------------------

    def read_since(self, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Entries appended after byte ``offset`` and the offset to pass next time (the
        change feed: an open session keeps the offset and reads only what is new)."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(offset)
                raw = handle.read()
        except FileNotFoundError:
            return [], 0
        end = raw.rfind(b"\n")
        if end < 0:
            return [], offset
        entries = []
        for line in raw[:end].split(b"\n"):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                entries.append(entry)
        return entries, offset + end + 1

    def lines_since(self, offset: int) -> tuple[tuple[int, int], list[bytes]] | None:
        """The log's (device, inode) and its complete lines after byte ``offset``, as
        written (the feed checks each line's hash); None when there is no log or it is
        shorter than ``offset`` (cut, replaced)."""
        try:
            with open(self.path, "rb") as handle:
                st = os.fstat(handle.fileno())
                if st.st_size < offset:
                    return None
                handle.seek(offset)
                raw = handle.read()
        except FileNotFoundError:
            return None
        end = raw.rfind(b"\n")
        return (st.st_dev, st.st_ino), (raw[:end].split(b"\n") if end >= 0 else [])

    def position_of(self, seq: int) -> tuple[tuple[int, int], Tail] | None:
        """The log's (device, inode) and the end and hash of line ``seq``, looked for among
        the last lines (where a session that just parsed the data file starts reading the
        feed); None when it is not there."""
        try:
            with open(self.path, "rb") as handle:
                st = os.fstat(handle.fileno())
                start = max(0, st.st_size - _TAIL_BYTES)
                handle.seek(start)
                chunk = handle.read(st.st_size - start)
        except FileNotFoundError:
            return None
        if seq == 0 and st.st_size == 0:
            return (st.st_dev, st.st_ino), Tail(0, GENESIS, 0)
        end = chunk.rfind(b"\n")
        while end > 0:
            begin = chunk.rfind(b"\n", 0, end) + 1
            if begin == 0 and start > 0:
                return None  # the line may begin before the window
            line = chunk[begin:end]
            try:
                found = int(json.loads(line)["seq"])
            except (ValueError, KeyError, TypeError):
                return None
            if found == seq:
                return (st.st_dev, st.st_ino), Tail(seq, line_hash(line), start + end + 1)
            if found < seq:
                return None
            end = begin - 1
        return None

    def raw_entries(self) -> list[dict[str, Any]]:
        """Every line of the log, parsed. Read once per process and then only what was
        appended since (the F2 screen asks every time another session saves)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            _cache.pop(self.path, None)
            return []
        cached = _cache.get(self.path)
        if cached is None or cached[0] != (st.st_dev, st.st_ino) or st.st_size < cached[1]:
            cached = ((st.st_dev, st.st_ino), 0, [])
        new, offset = self.read_since(cached[1])
        cached = (cached[0], offset, cached[2] + new)
        _cache[self.path] = cached
        return cached[2]

    def entries(self) -> list[dict[str, Any]]:
        """Every entry, oldest first, each with ``id`` (its number); the lines of
        transactions that never reached the data file are left out."""
        raw = self.raw_entries()
        abandoned: set[int] = set()
        for entry in raw:
            if entry.get("action") == "abandoned":
                first, last = entry.get("seqs") or (0, -1)
                abandoned.update(range(int(first), int(last) + 1))
        return [dict(entry, id=entry.get("seq")) for entry in raw
                if entry.get("action") != "abandoned" and entry.get("seq") not in abandoned]

    def verify(self) -> list[str]:
        """The first broken link of the chain, as a sentence ([] when the log is whole)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            return [t("changes.unreadable", path=self.path, reason=error.strerror or str(error))]
        lines = raw.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        elif lines:
            lines.pop()  # a line cut short by a killed writer: the next save removes it
        previous, expected = GENESIS, 1
        for number, line in enumerate(lines, 1):
            try:
                entry = json.loads(line)
                seq, prev = int(entry["seq"]), entry["prev"]
            except (ValueError, KeyError, TypeError):
                return [t("changes.broken_line", path=self.path, line=number)]
            if seq != expected:
                return [t("changes.broken_seq", path=self.path, line=number, seq=seq, expected=expected)]
            if prev != previous:
                return [t("changes.broken_chain", path=self.path, line=number, seq=seq)]
            previous, expected = line_hash(line), seq + 1
        return []


def unlanded(entries: list[dict[str, Any]], log_seq: int) -> list[int]:
    """Numbers of data changes logged after ``log_seq`` (the last the data file holds)."""
    return [int(e["seq"]) for e in entries if int(e.get("seq", 0)) > log_seq and e.get("action") in DATA_ACTIONS]
