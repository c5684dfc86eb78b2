"""Why the operating system refused a file, as one sentence with the exact fix.

A refused ``open`` or ``rename`` says only "Permission denied"; the person who
meets it is a teacher, and the person who fixes it is whoever runs the server.
:func:`explain` looks at the path and its folders (owner, group, mode, whether
the caller is in the group, read-only mounts, a directory where a file should
be) and says who is refused what, and the command that fixes it.

No Textual and no store here: doctor, the store and the commands all use it.
"""

from __future__ import annotations

import errno
import grp
import os
import pwd
import stat
from pathlib import Path

from models.i18n import t

READ, WRITE, CREATE = "read", "write", "create"


def login_name() -> str:
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid{os.getuid()}"


def group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def owner_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def in_group(gid: int) -> bool:
    return gid == os.getgid() or gid in os.getgroups()


def _mode(st: os.stat_result) -> str:
    return f"{stat.S_IMODE(st.st_mode):04o}"


def _is_read_only_mount(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _blocked_folder(path: Path) -> Path | None:
    """The first folder on the way to ``path`` that the caller may not enter."""
    parts = path.absolute().parents
    for folder in reversed(parts):
        try:
            if not os.access(folder, os.X_OK):
                return folder
        except OSError:
            return folder
    return None


def _fix_for_group(target: Path, st: os.stat_result, want_dir: bool) -> str:
    """The fix when ``target`` (file or folder) is not open to the caller."""
    login, group = login_name(), group_name(st.st_gid)
    bits = 0o070 if want_dir else 0o060
    if st.st_uid == os.getuid():
        return t("fault.fix_chmod_own", path=target, mode="2770" if want_dir else "0660")
    if (st.st_mode & bits) == bits and not in_group(st.st_gid):
        return t("fault.fix_usermod", group=group, login=login)
    mode = "2770" if want_dir else "0660"
    folder_group = group
    if not want_dir:
        try:
            folder_group = group_name(os.stat(target.parent).st_gid)
        except OSError:
            pass
    if folder_group != group:
        return t("fault.fix_chgrp_chmod", group=folder_group, path=target, mode=mode)
    return t("fault.fix_chmod", path=target, mode=mode)


def explain(path: str | os.PathLike, error: OSError | None = None, action: str = READ,
            kind: str = "file") -> str:
    """One sentence: who (the real uid's login) cannot do what to ``path``, why, and
    the command that fixes it. ``action`` is READ, WRITE (replace it) or CREATE (make
    it in its folder). ``kind`` names the file for the user: file (the data file),
    lock, backup, backups (the folder), log (the change log), output."""
    path = Path(path)
    login = login_name()
    what = t(f"fault.what.{kind}")
    code = error.errno if error is not None else None
    reason = (error.strerror or str(error)) if error is not None else ""
    if code == errno.ENOSPC or code == errno.EDQUOT:
        return t("fault.disk_full", what=what, path=path)
    if code == errno.EROFS or (action in (WRITE, CREATE) and _is_read_only_mount(path.parent)):
        return t("fault.read_only_mount", what=what, path=path, folder=path.parent)
    blocked = _blocked_folder(path)
    if blocked is not None:
        try:
            st = os.stat(blocked)
        except OSError:
            return t("fault.generic", login=login, what=what, path=path, reason=reason or "?")
        return t("fault.folder_closed", login=login, folder=blocked, owner=owner_name(st.st_uid),
                 group=group_name(st.st_gid), mode=_mode(st), fix=_fix_for_group(blocked, st, True))
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode) and kind != "backups":
        return t("fault.lock_is_directory" if kind == "lock" else "fault.is_directory", what=what, path=path)
    if st is not None and stat.S_ISLNK(st.st_mode) and kind == "lock":
        return t("fault.lock_is_symlink", path=path, target=os.readlink(path))
    if st is not None:
        need = os.R_OK if action == READ else os.W_OK
        if not os.access(path, need):
            return t("fault.file_closed", login=login, what=what, path=path, owner=owner_name(st.st_uid),
                     group=group_name(st.st_gid), mode=_mode(st),
                     verb=t("fault.verb.read" if action == READ else "fault.verb.write"),
                     fix=_fix_for_group(path, st, False))
    folder = path.parent
    if action in (WRITE, CREATE) and not os.access(folder, os.W_OK | os.X_OK):
        try:
            fst = os.stat(folder)
        except OSError:
            return t("fault.generic", login=login, what=what, path=path, reason=reason or "?")
        return t("fault.folder_read_only", login=login, what=what, path=path, folder=folder,
                 owner=owner_name(fst.st_uid), group=group_name(fst.st_gid), mode=_mode(fst),
                 fix=_fix_for_group(folder, fst, True))
    return t("fault.generic", login=login, what=what, path=path, reason=reason or "?")
