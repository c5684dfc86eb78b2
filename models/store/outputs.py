"""Where an export, report or calendar may be written, and how.

Every file jiaoyan writes for a person (``-o FILE``, the dashboard's ``x``) goes
through :func:`write_output`:

* ``-`` is standard output; a character device (``/dev/null``, a terminal) or a
  FIFO is written to directly: replacing it by a regular file would break every
  program that uses it (it happened to ``/dev/null``, run as root).
* A regular file is written through a temporary file and renamed over the old one
  (a half-written export never replaces a good one).
* A folder, a socket, or a symbolic link that points into another folder is
  refused with a sentence.
* The school's own files are never written over: the data file (any file holding
  jiaoyan's data), its lock, its change log, and everything in its backups, archive,
  preferences and logs folders.

:func:`needs_confirmation` tells a screen that an existing file would be replaced, so
it can ask first.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from models.i18n import t
from models.store.storage import DataFileError, atomic_write

# The companions of a data file ``school.json``: school.json.lock, school.json.changes …
COMPANION_SUFFIXES = (".lock", ".changes", ".checked", ".fed", ".passwords", ".passwords.lock")
COMPANION_FOLDERS = (".backups", ".archive", ".prefs", ".logs")
_SNIFF_BYTES = 64 * 1024


class OutputRefused(DataFileError):
    """The output path may not be written; the message says why. Nothing was written."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)


def _looks_like_data_file(path: Path) -> bool:
    """Does the file hold jiaoyan's data (a data file, backup or archive)? They all carry
    the meta record's schema version or an archive's format near the start."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    head = head.lstrip()
    if not head.startswith(b"{"):
        return False
    return b'"schema_version"' in head or (b'"archived_at"' in head and b'"tables"' in head)


def protected_reason(path: Path, data_file: Path | None = None) -> str:
    """Why ``path`` belongs to the school's data and may not be written ("" when it may)."""
    path = Path(path).absolute()
    real = Path(os.path.realpath(path))
    candidates = {path, real}
    if data_file is not None:
        data_real = Path(os.path.realpath(data_file))
        if real == data_real:
            return t("output.is_data_file", path=path)
        for suffix in COMPANION_SUFFIXES:
            if real == data_real.with_name(data_real.name + suffix):
                return t("output.is_companion", path=path, data=data_real)
    for candidate in candidates:
        for parent in candidate.parents:
            if parent.name.endswith(COMPANION_FOLDERS) and (parent.parent / parent.name.rsplit(".", 1)[0]).exists():
                return t("output.in_companion_folder", path=path, folder=parent)
        for suffix in COMPANION_SUFFIXES:
            if candidate.name.endswith(suffix) and candidate.with_name(candidate.name[: -len(suffix)]).is_file() \
                    and _looks_like_data_file(candidate.with_name(candidate.name[: -len(suffix)])):
                return t("output.is_companion", path=path, data=candidate.with_name(candidate.name[: -len(suffix)]))
    if real.is_file() and _looks_like_data_file(real):
        return t("output.is_data_file", path=path)
    return ""


def check_output(path: str | os.PathLike, data_file: Path | None = None) -> None:
    """Raise :class:`OutputRefused` unless ``path`` may be written (see the module)."""
    if str(path) == "-":
        return
    path = Path(path).absolute()
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as error:
        raise OutputRefused(t("output.cannot", path=path, reason=error.strerror or str(error))) from None
    if st is not None and stat.S_ISLNK(st.st_mode):
        target = Path(os.path.realpath(path))
        if target.parent != Path(os.path.realpath(path.parent)):
            raise OutputRefused(t("output.symlink_outside", path=path, target=target))
        try:
            st = os.stat(target)
        except FileNotFoundError:
            st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputRefused(t("output.is_folder", path=path))
    if st is not None and stat.S_ISSOCK(st.st_mode):
        raise OutputRefused(t("output.not_a_file", path=path))
    reason = protected_reason(path, data_file)
    if reason:
        raise OutputRefused(reason)


def is_special(path: str | os.PathLike) -> bool:
    """A device or FIFO (or ``-``): written to directly, never replaced."""
    if str(path) == "-":
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode)


def needs_confirmation(path: str | os.PathLike) -> bool:
    """Would writing ``path`` replace an existing regular file? (Screens ask first.)"""
    if str(path) == "-" or is_special(path):
        return False
    return os.path.isfile(path)


def write_output(path: str | os.PathLike, payload: bytes, data_file: Path | None = None) -> None:
    """Write an export or report to ``path`` (see the module for what is refused).
    Raises :class:`OutputRefused`, or ``OSError`` when the disk refuses."""
    if str(path) == "-":
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return
    check_output(path, data_file)
    path = Path(path).absolute()
    if is_special(path):
        with open(path, "wb", buffering=0) as handle:
            handle.write(payload)
        return
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    atomic_write(path, payload)
