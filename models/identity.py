"""Who is running this process, as the operating system says — never as the user says.

Two set-ups (README, "Deployment"):

* **One Unix account per person.** The login of the process's *real uid* is
  matched to ``Teacher.login``. ``$USER`` and ``$LOGNAME`` are ignored: anyone
  can set them.
* **One shared account** (say ``jiaoyan``) that nobody has a shell in: each
  person's SSH key sits in its ``authorized_keys`` with
  ``restrict,pty,command="jiaoyan-ssh --as LOGIN"``, so sshd runs exactly that
  command, whatever the person asked for. ``--as`` is honoured only when all of
  these hold (:func:`check_forced_command`):

  1. the real uid's account is *the* shared account, named in
     ``/etc/jiaoyan/shared-account`` (or ``<install prefix>/etc/jiaoyan/shared-account``
     for an install in its own venv). That file is trusted only when it and its
     folder belong to root or to whoever owns the installed code, and neither is
     writable by group or others — so a teacher cannot name their own account.
     An environment variable is *not* accepted as this setting: a teacher with
     their own account could set it to their own name;
  2. ``SSH_CONNECTION`` is set (sshd sets it for every session);
  3. the parent process is sshd itself (``/proc/<ppid>/exe`` is ``sshd`` or
     ``sshd-session``; its ``comm`` when the exe cannot be read), or the
     account's shell running ``-c COMMAND`` whose parent is sshd — which is how
     sshd starts a forced command.

  Rule 1 is what a teacher at a normal shell cannot get round: a process runs as
  the shared account only through a forced command, because that account has no
  other way in. Rules 2 and 3 keep ``--as`` out of cron jobs, ``su`` and local
  consoles even for whoever administers the server. A teacher with their *own*
  account is refused at rule 1 whatever they do with ``exec`` or variables.
"""

from __future__ import annotations

import os
import pwd
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from models.i18n import t

SHARED_ACCOUNT_FILE = Path("/etc/jiaoyan/shared-account")
SSHD_NAMES = frozenset({"sshd", "sshd-session"})
SHELL_NAMES = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox"})
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class IdentityRefused(Exception):
    """The process may not act as the login it asked for. The message is for the user."""

    exit_code = 1


def os_login() -> str:
    """The login of the process's real uid; $USER and $LOGNAME are ignored on purpose,
    since anyone can set them."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid{os.getuid()}"


# -- the shared account's setting ------------------------------------------------------


def shared_account_files() -> list[Path]:
    """Where the shared account may be named: /etc first, then the install's own prefix."""
    return [SHARED_ACCOUNT_FILE, Path(sys.prefix) / "etc" / "jiaoyan" / "shared-account"]


def code_owner() -> int:
    """The uid that owns the installed code: whoever could change the code could
    change the checks anyway, so a setting they own is no weaker."""
    return os.stat(Path(__file__).resolve().parent).st_uid


def is_trusted_setting(path: Path) -> bool:
    """The file and its folder belong to root or the code's owner, and only they may write them."""
    owners = {0, code_owner()}
    try:
        for target in (path, path.parent):
            st = os.stat(target)
            if st.st_uid not in owners or st.st_mode & 0o022:
                return False
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class SharedAccount:
    name: str
    path: Path


def shared_account(files: list[Path] | None = None) -> tuple[SharedAccount | None, str]:
    """The configured shared account, or None and why not (a message)."""
    untrusted = ""
    for path in files if files is not None else shared_account_files():
        if not path.is_file():
            continue
        if not is_trusted_setting(path):
            untrusted = t("access.as_reason.untrusted_config", path=path)
            continue
        try:
            name = path.read_text(encoding="utf-8").split()[0].strip()
        except (OSError, IndexError, UnicodeDecodeError):
            continue
        if name:
            return SharedAccount(name, path), ""
    return None, untrusted or t("access.as_reason.no_shared_account")


# -- the process tree ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessInfo:
    pid: int
    ppid: int
    name: str  # basename of the executable, else the kernel's comm
    argv: tuple[str, ...]


def read_process(pid: int) -> ProcessInfo | None:
    """What /proc says about a process; None when it is gone or unreadable."""
    base = Path("/proc") / str(pid)
    try:
        stat = (base / "stat").read_text()
    except OSError:
        return None
    # The comm field is in parentheses and may itself hold spaces or ')'.
    fields = stat[stat.rindex(")") + 2:].split()
    ppid = int(fields[1])
    try:
        name = os.path.basename(os.readlink(base / "exe"))
        name = name.removesuffix(" (deleted)")
    except OSError:  # another user's process: its exe is hidden, its comm is not
        try:
            name = (base / "comm").read_text().strip()
        except OSError:
            name = "?"
    try:
        argv = tuple(a for a in (base / "cmdline").read_bytes().decode("utf-8", "replace").split("\0") if a)
    except OSError:
        argv = ()
    return ProcessInfo(pid, ppid, name, argv)


def started_by_sshd(pid: int | None = None,
                    reader: Callable[[int], ProcessInfo | None] = read_process) -> tuple[bool, str]:
    """Was this process started by sshd as a session's command? (ok, parent's name)."""
    parent = reader(os.getppid() if pid is None else pid)
    if parent is None:
        return False, "?"
    if parent.name in SSHD_NAMES:
        return True, parent.name
    # sshd runs a forced command as `$SHELL -c COMMAND`; most shells exec the last
    # command themselves, some stay as a parent. An interactive shell has no -c.
    if parent.name in SHELL_NAMES and len(parent.argv) >= 3 and parent.argv[1] == "-c":
        grandparent = reader(parent.ppid)
        if grandparent is not None and grandparent.name in SSHD_NAMES:
            return True, parent.name
    return False, parent.name


def check_forced_command(as_login: str, *, env: Mapping[str, str] | None = None,
                         account: str | None = None, files: list[Path] | None = None,
                         parent_pid: int | None = None,
                         reader: Callable[[int], ProcessInfo | None] = read_process) -> None:
    """Raise :class:`IdentityRefused` unless ``--as as_login`` comes from the shared
    account's SSH forced command (see the module's docstring)."""
    env = os.environ if env is None else env
    if not LOGIN_PATTERN.match(as_login or ""):
        raise _refused(t("access.as_reason.bad_login", login=as_login))
    shared, why_not = shared_account(files)
    if shared is None:
        raise _refused(why_not)
    account = account if account is not None else os_login()
    if account != shared.name:
        raise _refused(t("access.as_reason.wrong_account", account=account, shared=shared.name))
    if not env.get("SSH_CONNECTION"):
        raise _refused(t("access.as_reason.no_ssh"))
    ok, parent = started_by_sshd(parent_pid, reader)
    if not ok:
        raise _refused(t("access.as_reason.not_sshd_child", parent=parent))


def _refused(reason: str) -> IdentityRefused:
    return IdentityRefused(t("access.as_refused", reason=reason))


def resolve_login(as_login: str | None = None) -> str:
    """The login this process acts for: ``--as`` when the forced-command check passes,
    else the real uid's login."""
    if as_login:
        check_forced_command(as_login)
        return as_login
    return os_login()


# -- who may open the app: the sentence a person gets when they may not ----------------


def inactive_teacher_by_login(store, login: str):
    """A deactivated teacher whose login this is (None when there is none)."""
    from models.records import Teacher

    return next((x for x in store.all(Teacher) if x.login == login and not x.active), None)


def roster_holding_shared_account(store, account: str | None = None) -> list:
    """Teachers whose 登录名 is the shared account's own name: a mistake that makes every
    key holder who lands on the account without ``--as`` that teacher."""
    from models.records import Teacher

    if account is None:
        shared, _why = shared_account()
        account = shared.name if shared is not None else None
    if not account:
        return []
    return [x for x in store.all(Teacher) if x.login == account]


def sign_in_problem(store, login: str, *, by_key: bool) -> str | None:
    """Why ``login`` may not open the app, as one message for the person; None when they may.

    ``by_key`` says the login came from a forced command's ``--as`` (set-up B). Without it,
    a process running as the shared account itself means sshd ran something else than the
    key's command — nearly always a ``ForceCommand`` in sshd_config that overrides it —
    and it must not open as whoever the roster (by mistake) gives that account's name."""
    from models.permissions import teacher_by_login

    shared, _why = shared_account()
    if not by_key and shared is not None and login == shared.name:
        wrong = roster_holding_shared_account(store, shared.name)
        message = t("ssh.signin.shared_account", account=shared.name)
        if wrong:
            message += "\n" + t("ssh.signin.shared_on_roster", account=shared.name,
                                names="、".join(x.name for x in wrong))
        return message
    if teacher_by_login(store, login) is not None:
        return None
    inactive = inactive_teacher_by_login(store, login)
    if inactive is not None:
        return t("ssh.signin.deactivated", name=inactive.name, login=login)
    return t("access.not_set_up", login=login, path=store.path)
