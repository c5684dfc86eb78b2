"""Files that reach the person: where an export goes by default, and the command that
fetches it to their own computer when they work over SSH.

Exports go to the person's folder beside the data file (models.store.paths.exports_dir:
``<data dir>/exports/<login>/``); after writing one over SSH the message shows the exact
``scp LOGIN@HOST:PATH .`` to run on their own PC, with the server's address as their
SSH session reached it (``SSH_CONNECTION``), else the host's name.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import socket
from collections.abc import Mapping
from pathlib import Path

from models.i18n import t
from models.store.paths import exports_dir


def personal_export_path(db: Path, login: str, file_name: str) -> Path:
    """``<data dir>/exports/<login>/<file_name>``, the folder made if need be (group-shared
    like the data folder: the umask of the launcher keeps it 0770)."""
    folder = exports_dir(db, login)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path.home() / file_name  # a read-only data folder: the home folder still works
    return folder / file_name


def dated_name(stem: str, today: dt.date, suffix: str) -> str:
    return f"{stem}-{today.isoformat()}.{suffix.lstrip('.')}"


def server_address(env: Mapping[str, str] | None = None) -> str | None:
    """The server as the SSH session reached it: SSH_CONNECTION's server address
    ("client port server port"), else the host name; None outside SSH."""
    env = os.environ if env is None else env
    connection = env.get("SSH_CONNECTION", "").split()
    if len(connection) >= 3:
        host = connection[2]
    elif env.get("SSH_CLIENT") or env.get("SSH_TTY"):
        host = socket.gethostname()
    else:
        return None
    return f"[{host}]" if ":" in host else host


def fetch_command(path: Path, account: str, env: Mapping[str, str] | None = None) -> str | None:
    """``scp zhangmin@10.0.0.5:/srv/jiaoyan/exports/zhangmin/名册.xlsx .`` (None outside SSH)."""
    host = server_address(env)
    if host is None:
        return None
    return f"scp {account}@{host}:{shlex.quote(str(path))} ."


def saved_message(path: Path, account: str, env: Mapping[str, str] | None = None) -> str:
    """Where the file is, and over SSH how to fetch it."""
    command = fetch_command(path, account, env)
    message = t("delivery.saved", path=str(path))
    if command:
        message += "\n" + t("delivery.fetch", command=command)
    return message
