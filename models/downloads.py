"""Files off the server: each person's export folder, and how they fetch from it.

Over SSH the app is a forced command, so a person's ``scp`` or ``sftp`` (Windows' own
``scp``, WinSCP, macOS) reaches jiaoyan, not a shell. jiaoyan answers a download
request itself (tui/download.py), read-only and only from that person's own export
folder, ``<data file>.exports/<login>/``; every other path is refused. This module
holds what needs no I/O: where the folder is, what a request asks for, and the
exact command a person types on their PC to fetch a file.
"""

from __future__ import annotations

import os
import re
import shlex
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SFTP_SERVERS = frozenset({"sftp-server", "internal-sftp"})
SCP_FLAGS_ALLOWED = frozenset("fpvdq")  # -f (send), -p (times), -v, -d (target is a dir), -q


def exports_root(db: Path) -> Path:
    return Path(db).with_name(Path(db).name + ".exports")


def export_folder(db: Path, login: str) -> Path:
    """The person's own folder for exports and reports (not created here)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", login).lstrip(".") or "_"
    return exports_root(db) / safe


@dataclass(frozen=True)
class Request:
    """What an SSH client asked sshd to run, as far as jiaoyan answers it.

    kind: ``sftp`` (the sftp subsystem: sftp, WinSCP, scp of OpenSSH 9+), ``scp-get``
    (the classic scp protocol, sending ``paths``), ``scp-put`` (an upload, refused), or
    ``other`` (anything else: the app opens if there is a terminal)."""

    kind: str
    paths: tuple[str, ...] = ()
    times: bool = False
    recursive: bool = False


def parse_request(original_command: str | None) -> Request | None:
    """The request in ``SSH_ORIGINAL_COMMAND``; None when the client asked for nothing."""
    if not original_command or not original_command.strip():
        return None
    try:
        words = shlex.split(original_command)
    except ValueError:
        return Request("other")
    if not words:
        return None
    program = PurePosixPath(words[0]).name
    if program in SFTP_SERVERS:
        return Request("sftp")
    if program != "scp":
        return Request("other")
    flags: set[str] = set()
    paths: list[str] = []
    only_paths = False
    for word in words[1:]:
        if only_paths or not word.startswith("-") or word == "-":
            paths.append(word)
        elif word == "--":
            only_paths = True
        else:
            flags.update(word[1:])
    if "t" in flags:
        return Request("scp-put", tuple(paths))
    if "f" not in flags:
        return Request("other")
    return Request("scp-get", tuple(paths), times="p" in flags, recursive="r" in flags)


def resolve_inside(folder: Path, requested: str) -> Path | None:
    """The file ``requested`` names inside ``folder``, or None when it leaves the folder.

    The folder is the person's whole world: ``/`` and relative paths start at it, and the
    folder's real absolute path is understood too (the app shows that one). Symbolic links
    and ``..`` are followed and then checked, so nothing outside can be reached."""
    root = Path(os.path.realpath(folder))
    text = requested.strip() or "."
    if text == "~" or text.startswith("~/"):
        text = text[1:] or "/"
    real_prefix = str(root) + "/"
    if text == str(root) or text.startswith(real_prefix):
        relative = text[len(str(root)):]
    else:
        relative = text
    candidate = Path(os.path.realpath(root / relative.lstrip("/")))
    if candidate != root and root not in candidate.parents:
        return None
    return candidate


def virtual_path(folder: Path, path: Path) -> str:
    """How a path inside the folder looks to the person: the folder is ``/``."""
    root = Path(os.path.realpath(folder))
    relative = Path(os.path.realpath(path)).relative_to(root).as_posix()
    return "/" if relative == "." else "/" + relative


def server_address(env: Mapping[str, str]) -> tuple[str, int | None]:
    """The address and port the person's SSH client reached (from ``SSH_CONNECTION``),
    else this machine's name and no port."""
    parts = env.get("SSH_CONNECTION", "").split()
    if len(parts) == 4:
        host, port = parts[2], parts[3]
        if ":" in host:
            host = f"[{host}]"
        return host, int(port) if port.isdigit() else None
    return socket.gethostname(), None


def download_command(path: Path, *, account: str, env: Mapping[str, str]) -> str:
    """The command that fetches ``path`` to the current folder of the person's PC: it works
    with Windows' own ``scp`` (cmd or PowerShell), macOS and Linux alike."""
    host, port = server_address(env)
    port_part = f"-P {port} " if port not in (None, 22) else ""
    remote = f"{account}@{host}:{path}"
    if any(ch in remote for ch in " '\"&|;<>()$`\\"):
        remote = '"' + remote.replace('"', '\\"') + '"'
    return f"scp {port_part}{remote} ."
