"""Serving a person's download through the SSH forced command, read-only, from their
own export folder and nowhere else (models/downloads.py says which folder and why).

Two protocols, because the tools people have speak one or the other:

* **SFTP** (version 3, as OpenSSH's sftp-server): sftp, WinSCP, FileZilla, and the scp
  of OpenSSH 9 and later. Only what reading needs is answered (open for reading, read,
  stat, list a folder, realpath); every write, rename, link or removal is refused. The
  folder is the client's ``/``: nothing outside it can be named.
* **classic scp** (``scp -f PATH``: Windows 10's scp, ``scp -O``, WinSCP in SCP mode):
  one file at a time, inside the folder.

Nothing here uses a shell or starts another program.
"""

from __future__ import annotations

import os
import stat
import struct
import sys
from pathlib import Path
from typing import BinaryIO

from models.downloads import Request, resolve_inside, virtual_path
from models.i18n import t

# -- classic scp ------------------------------------------------------------------------


def _ack(reader: BinaryIO) -> bool:
    """The sink's answer: 0 is fine; 1 or 2 come with a message line."""
    first = reader.read(1)
    if first == b"\0":
        return True
    if first in (b"\1", b"\2"):
        reader.readline()
    return False


def serve_scp(folder: Path, request: Request, reader: BinaryIO, writer: BinaryIO) -> int:
    """Send the requested files as ``scp -f`` does; refuse anything outside ``folder``."""

    def refuse(message: str) -> None:
        writer.write(b"\1scp: " + message.encode("utf-8") + b"\n")
        writer.flush()

    if not _ack(reader):  # the sink starts with a zero byte
        return 1
    status = 0
    if request.recursive:
        refuse(t("ssh.download.no_folders"))
        return 1
    for requested in request.paths or ("",):
        path = resolve_inside(folder, requested)
        if path is None or not path.is_file():
            refuse(t("ssh.download.refused", path=requested))
            status = 1
            continue
        try:
            handle = open(path, "rb")
        except OSError as error:
            refuse(t("ssh.download.unreadable", path=requested, reason=error.strerror or str(error)))
            status = 1
            continue
        with handle:
            st = os.fstat(handle.fileno())
            if request.times:
                writer.write(f"T{int(st.st_mtime)} 0 {int(st.st_atime)} 0\n".encode())
                writer.flush()
                if not _ack(reader):
                    return 1
            name = path.name.replace("\n", "?")
            writer.write(f"C{stat.S_IMODE(st.st_mode) & 0o644:04o} {st.st_size} {name}\n".encode("utf-8"))
            writer.flush()
            if not _ack(reader):
                return 1
            left = st.st_size
            while left > 0:
                chunk = handle.read(min(65536, left))
                if not chunk:
                    break
                writer.write(chunk)
                left -= len(chunk)
            writer.write(b"\0")
            writer.flush()
            if not _ack(reader):
                return 1
    return status


# -- SFTP version 3, read-only ----------------------------------------------------------

INIT, VERSION, OPEN, CLOSE, READ = 1, 2, 3, 4, 5
LSTAT, FSTAT, OPENDIR, READDIR, REALPATH, STAT = 7, 8, 11, 12, 16, 17
STATUS, HANDLE, DATA, NAME, ATTRS = 101, 102, 103, 104, 105
OK, EOF, NO_SUCH_FILE, PERMISSION_DENIED, FAILURE, BAD_MESSAGE, OP_UNSUPPORTED = 0, 1, 2, 3, 4, 5, 8
READ_FLAG = 0x1
ATTR_SIZE, ATTR_PERMISSIONS, ATTR_ACMODTIME = 0x1, 0x4, 0x8
MAX_PACKET = 256 * 1024
MAX_READ = 64 * 1024


class _Packet:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def u32(self) -> int:
        (value,) = struct.unpack_from(">I", self.data, self.at)
        self.at += 4
        return value

    def u64(self) -> int:
        (value,) = struct.unpack_from(">Q", self.data, self.at)
        self.at += 8
        return value

    def string(self) -> bytes:
        size = self.u32()
        value = self.data[self.at:self.at + size]
        if len(value) != size:
            raise struct.error("short string")
        self.at += size
        return value


def _string(value: bytes | str) -> bytes:
    raw = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
    return struct.pack(">I", len(raw)) + raw


def _attrs(st: os.stat_result) -> bytes:
    # Size, a read-only mode and times; no owner: the client has no use for the server's uids.
    mode = stat.S_IFMT(st.st_mode) | (stat.S_IMODE(st.st_mode) & 0o555)
    return struct.pack(">IQIII", ATTR_SIZE | ATTR_PERMISSIONS | ATTR_ACMODTIME, st.st_size, mode,
                       int(st.st_atime), int(st.st_mtime))


def _longname(name: str, st: os.stat_result) -> str:
    kind = "d" if stat.S_ISDIR(st.st_mode) else "-"
    return f"{kind}r--r--r--    1 jiaoyan  jiaoyan  {st.st_size:>10} {name}"


class SftpServer:
    """Answers one SFTP session on ``reader``/``writer`` from ``folder``."""

    def __init__(self, folder: Path, reader: BinaryIO, writer: BinaryIO):
        self.folder = folder
        self.reader, self.writer = reader, writer
        self.handles: dict[bytes, object] = {}
        self.next_handle = 0

    # packets
    def _read_exact(self, size: int) -> bytes | None:
        chunks, left = [], size
        while left:
            chunk = self.reader.read(left)
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def receive(self) -> tuple[int, _Packet] | None:
        header = self._read_exact(4)
        if header is None:
            return None
        (size,) = struct.unpack(">I", header)
        if size < 1 or size > MAX_PACKET:
            return None
        body = self._read_exact(size)
        if body is None:
            return None
        return body[0], _Packet(body[1:])

    def send(self, kind: int, payload: bytes) -> None:
        self.writer.write(struct.pack(">IB", len(payload) + 1, kind) + payload)
        self.writer.flush()

    def status(self, request_id: int, code: int, message: str = "") -> None:
        self.send(STATUS, struct.pack(">II", request_id, code) + _string(message) + _string("en"))

    # paths
    def resolve(self, raw: bytes) -> Path | None:
        return resolve_inside(self.folder, raw.decode("utf-8", "surrogateescape"))

    def new_handle(self, value: object) -> bytes:
        self.next_handle += 1
        handle = str(self.next_handle).encode()
        self.handles[handle] = value
        return handle

    # the session
    def serve(self) -> int:
        first = self.receive()
        if first is None or first[0] != INIT:
            return 1
        self.send(VERSION, struct.pack(">I", 3))
        while True:
            packet = self.receive()
            if packet is None:
                break
            kind, body = packet
            try:
                request_id = body.u32()
            except struct.error:
                return 1
            try:
                self.answer(kind, request_id, body)
            except (struct.error, UnicodeError):
                self.status(request_id, BAD_MESSAGE, "bad message")
        for value in self.handles.values():
            if hasattr(value, "close"):
                value.close()
        return 0

    def answer(self, kind: int, request_id: int, body: _Packet) -> None:
        denied = t("ssh.download.sftp_read_only")
        if kind == REALPATH:
            path = self.resolve(body.string())
            if path is None:
                self.status(request_id, NO_SUCH_FILE, denied)
                return
            shown = virtual_path(self.folder, path)
            try:
                attrs = _attrs(os.stat(path))
            except OSError:
                attrs = struct.pack(">I", 0)
            self.send(NAME, struct.pack(">II", request_id, 1) + _string(shown) + _string(shown) + attrs)
        elif kind in (STAT, LSTAT):
            path = self.resolve(body.string())
            try:
                if path is None:
                    raise FileNotFoundError
                st = os.stat(path)
            except OSError:
                self.status(request_id, NO_SUCH_FILE, denied)
                return
            self.send(ATTRS, struct.pack(">I", request_id) + _attrs(st))
        elif kind == OPEN:
            raw = body.string()
            flags = body.u32()
            path = self.resolve(raw)
            if flags & ~READ_FLAG or not flags & READ_FLAG:
                self.status(request_id, PERMISSION_DENIED, denied)
                return
            if path is None or not path.is_file():
                self.status(request_id, NO_SUCH_FILE, denied)
                return
            try:
                handle = open(path, "rb")
            except OSError:
                self.status(request_id, PERMISSION_DENIED, denied)
                return
            self.send(HANDLE, struct.pack(">I", request_id) + _string(self.new_handle(handle)))
        elif kind == READ:
            handle = self.handles.get(body.string())
            offset, length = body.u64(), body.u32()
            if handle is None or isinstance(handle, list):
                self.status(request_id, FAILURE, "bad handle")
                return
            handle.seek(offset)
            data = handle.read(min(length, MAX_READ))
            if not data:
                self.status(request_id, EOF, "")
                return
            self.send(DATA, struct.pack(">I", request_id) + _string(data))
        elif kind == FSTAT:
            handle = self.handles.get(body.string())
            if handle is None or isinstance(handle, list):
                self.status(request_id, FAILURE, "bad handle")
                return
            self.send(ATTRS, struct.pack(">I", request_id) + _attrs(os.fstat(handle.fileno())))
        elif kind == OPENDIR:
            path = self.resolve(body.string())
            if path is None or not path.is_dir():
                self.status(request_id, NO_SUCH_FILE, denied)
                return
            entries = []
            for name in [".", ".."] + sorted(os.listdir(path)):
                target = path if name in (".", "..") else path / name
                inside = resolve_inside(self.folder, str(target))
                if inside is None:
                    continue  # a link that points outside: not shown
                try:
                    entries.append((name, os.stat(inside)))
                except OSError:
                    continue
            self.send(HANDLE, struct.pack(">I", request_id) + _string(self.new_handle(entries)))
        elif kind == READDIR:
            entries = self.handles.get(body.string())
            if not isinstance(entries, list):
                self.status(request_id, FAILURE, "bad handle")
                return
            if not entries:
                self.status(request_id, EOF, "")
                return
            batch, entries[:] = entries[:100], entries[100:]
            payload = b"".join(_string(name) + _string(_longname(name, st)) + _attrs(st) for name, st in batch)
            self.send(NAME, struct.pack(">II", request_id, len(batch)) + payload)
        elif kind == CLOSE:
            handle = self.handles.pop(body.string(), None)
            if handle is None:
                self.status(request_id, FAILURE, "bad handle")
                return
            if hasattr(handle, "close"):
                handle.close()
            self.status(request_id, OK, "")
        elif kind in (200,):  # extensions: none offered
            self.status(request_id, OP_UNSUPPORTED, denied)
        else:  # write, setstat, remove, mkdir, rmdir, rename, readlink, symlink …
            self.status(request_id, PERMISSION_DENIED, denied)


def serve_request(request: Request, folder: Path, reader: BinaryIO | None = None,
                  writer: BinaryIO | None = None) -> int:
    """Answer an SFTP or scp download request from ``folder``; refuse an upload."""
    reader = sys.stdin.buffer if reader is None else reader
    writer = sys.stdout.buffer if writer is None else writer
    if request.kind == "sftp":
        return SftpServer(folder, reader, writer).serve()
    if request.kind == "scp-get":
        return serve_scp(folder, request, reader, writer)
    message = t("ssh.download.no_upload")
    if request.kind == "scp-put":
        writer.write(b"\1scp: " + message.encode("utf-8") + b"\n")
        writer.flush()
    print(message, file=sys.stderr)
    return 1
