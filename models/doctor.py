"""`jiaoyan doctor`: does this server hold what the app needs? One line per check,
each saying what to fix. No Textual here: it must run where the app cannot."""

from __future__ import annotations

import fcntl
import grp
import os
import shutil
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from models.i18n import t
from models.store import faults
from models.store.paths import backup_dir, default_data_dir, lock_path

OK, PROBLEM, NOTE = "ok", "problem", "note"
MIN_COLUMNS, MIN_ROWS = 80, 24
COLOR_SYSTEMS = ("auto", "standard", "256", "truecolor", "windows")
LOCK_WAIT_SECONDS = 5.0
MIN_FREE_BYTES = 100 * 1024 * 1024
LAUNCH_UMASK = 0o007
UTF8_FALLBACK = "C.UTF-8"


def _is_utf8(value: str) -> bool:
    return "utf-8" in value.lower() or "utf8" in value.lower()


def launch_environment(env: Mapping[str, str]) -> tuple[dict[str, str], bool]:
    """The environment the launcher ``jiaoyan-ssh`` gives the app, and whether Python must
    restart for it (a new locale). Doctor checks this environment, so its verdict is the
    same whether it is started as ``jiaoyan doctor`` or ``jiaoyan-ssh doctor``."""
    env = dict(env)
    restart = False
    current = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    if not _is_utf8(current):
        env["LC_ALL"] = UTF8_FALLBACK
        env["LANG"] = UTF8_FALLBACK
        restart = True
    if env.get("TERM", "") in ("", "dumb", "unknown"):
        env["TERM"] = "xterm-256color"
    return env, restart


@dataclass(frozen=True)
class Check:
    status: str  # ok / problem / note
    message: str


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _mode(st: os.stat_result) -> str:
    return f"{stat.S_IMODE(st.st_mode):04o}"


def human_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"


def check_locale(env: Mapping[str, str], launched: bool = False) -> Check:
    """``launched``: judge the environment the launcher makes (it falls back to C.UTF-8)."""
    value = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or "C"
    if _is_utf8(value):
        return Check(OK, t("access.doctor.locale_ok", value=value))
    if launched:
        return Check(OK, t("ssh.doctor.locale_fallback", value=value))
    return Check(PROBLEM, t("access.doctor.locale_bad", value=value))


def check_terminal(env: Mapping[str, str], fd: int = 1) -> list[Check]:
    checks = []
    system = env.get("TEXTUAL_COLOR_SYSTEM", "")
    if system and system not in COLOR_SYSTEMS:
        checks.append(Check(PROBLEM, t("access.doctor.colour_system_bad", value=system)))
    if not os.isatty(fd):
        checks.append(Check(NOTE, t("access.doctor.tty_none")))
        return checks
    size = os.get_terminal_size(fd)
    if size.columns < MIN_COLUMNS or size.lines < MIN_ROWS:
        checks.append(Check(PROBLEM, t("access.doctor.size_bad", cols=size.columns, rows=size.lines)))
    else:
        checks.append(Check(OK, t("access.doctor.size_ok", cols=size.columns, rows=size.lines)))
    term = env.get("TERM", "")
    if term in ("", "dumb", "unknown"):
        checks.append(Check(PROBLEM, t("access.doctor.colour_bad", term=term or "-")))
    else:
        colours = (t("access.doctor.colour_system", value=system) if system
                   else t("access.doctor.colour_auto"))
        checks.append(Check(OK, t("access.doctor.colour_ok", term=term, colours=colours)))
    return checks


def check_umask(mask: int | None = None) -> list[Check]:
    """The app runs with the launcher's umask 007; the shell's own matters only for
    commands run by hand, so a different one is a note, not a problem."""
    if mask is None:
        mask = os.umask(0)
        os.umask(mask)
    checks = [Check(OK, t("access.doctor.umask_ok", value=f"{LAUNCH_UMASK:03o}"))]
    # The group must be able to write what we create (the lock, backups); others must see nothing.
    if mask & 0o060 or (mask & 0o007) != 0o007:
        checks.append(Check(NOTE, t("ssh.doctor.umask_shell", value=f"{mask:03o}")))
    return checks


def _personal(folder: Path) -> bool:
    """The default per-user data dir: one person's data, group rules do not apply."""
    try:
        return folder.resolve() == default_data_dir().resolve()
    except OSError:
        return False


def check_directory(db: Path, user: str) -> list[Check]:
    folder = db.parent
    if not folder.is_dir():
        return [Check(PROBLEM, t("access.doctor.dir_missing", path=folder))]
    st = os.stat(folder)
    group, mode, checks = _group_name(st.st_gid), _mode(st), []
    shared = not _personal(folder)
    severity = PROBLEM if shared else NOTE
    fine = True
    if shared and not st.st_mode & stat.S_ISGID:
        checks.append(Check(severity, t("access.doctor.dir_not_setgid", path=folder, mode=mode, group=group)))
        fine = False
    if shared and (st.st_mode & 0o070) != 0o070:
        checks.append(Check(severity, t("access.doctor.dir_group_cannot_write", path=folder, mode=mode)))
        fine = False
    if st.st_mode & 0o007:
        checks.append(Check(severity, t("access.doctor.dir_open_to_others", path=folder, mode=mode)))
        fine = False
    if shared and group == user:
        checks.append(Check(NOTE, t("access.doctor.dir_personal_group", path=folder, group=group)))
    if shared and os.getuid() not in (0, st.st_uid) and not faults.in_group(st.st_gid):
        # The first thing a new staff account meets: the folder is the group's, and they are not in it.
        checks.append(Check(PROBLEM, t("access.doctor.not_in_group", login=user, group=group, path=folder)))
        fine = False
    elif not os.access(folder, os.W_OK | os.X_OK):
        checks.append(Check(PROBLEM, t("access.doctor.not_writable", path=folder, user=user, group=group)))
        fine = False
    if fine:
        checks.insert(0, Check(OK, t("access.doctor.dir_ok", path=folder, group=group, mode=mode)))
    return checks


def check_file(db: Path) -> list[Check]:
    try:
        exists = db.exists()
        folder_st = os.stat(db.parent)
    except OSError as error:
        return [Check(PROBLEM, faults.explain(db, error, faults.READ, "file"))]
    if not exists:
        return [Check(PROBLEM, t("access.doctor.file_missing", path=db))]
    from models.store.storage import DataFileError, parse_file

    checks, st = [], os.stat(db)
    try:
        parse_file(db)
    except (DataFileError, OSError) as error:
        checks.append(Check(PROBLEM, t("access.doctor.file_unreadable", path=db, reason=str(error).splitlines()[0])))
    if os.access(db, os.R_OK) and not os.access(db, os.W_OK):
        checks.append(Check(PROBLEM, faults.explain(db, None, faults.WRITE, "file")))
    shared = not _personal(db.parent)
    lock = lock_path(db)
    if os.path.isdir(lock) or os.path.islink(lock):
        checks.append(Check(PROBLEM, faults.explain(lock, None, faults.WRITE, "lock")))
    from models.store.paths import changelog_path

    for path in (db, lock, changelog_path(db)):
        if not path.is_file() or path.is_symlink():
            continue
        pst = os.stat(path)
        mode = stat.S_IMODE(pst.st_mode)
        if shared and (mode & 0o007 or (mode & 0o060) != 0o060):
            checks.append(Check(PROBLEM, t("access.doctor.file_mode_bad", path=path, mode=_mode(pst))))
        if shared and pst.st_gid != folder_st.st_gid:
            checks.append(Check(PROBLEM, t("access.doctor.file_group_bad", path=path, group=_group_name(pst.st_gid),
                                           dir_group=_group_name(folder_st.st_gid))))
    if not checks:
        checks.append(Check(OK, t("access.doctor.file_ok", path=db, group=_group_name(st.st_gid), mode=_mode(st),
                                  size=human_size(st.st_size))))
    return checks


def check_lock(db: Path, wait: float = LOCK_WAIT_SECONDS) -> Check:
    from models.store.storage import DataFileError, _open_lock

    path = lock_path(db)
    started = time.monotonic()
    existed = path.exists()
    try:
        fd = _open_lock(path)  # exactly as a save opens it
        if not existed:  # made here: as the app would make it, whatever this shell's umask
            os.fchmod(fd, 0o666 & ~LAUNCH_UMASK)
    except DataFileError as error:
        return Check(PROBLEM, str(error))
    except OSError as error:
        return Check(PROBLEM, t("access.doctor.lock_bad", path=path, reason=error.strerror or str(error)))
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() - started > wait:
                    return Check(PROBLEM, t("access.doctor.lock_busy", path=path, seconds=int(wait)))
                time.sleep(0.05)
            except OSError as error:
                return Check(PROBLEM, t("access.doctor.lock_bad", path=path, reason=error.strerror or str(error)))
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
    return Check(OK, t("access.doctor.lock_ok", path=path, ms=round((time.monotonic() - started) * 1000)))


def check_backups(db: Path) -> Check:
    from models.store.storage import list_backups

    folder = backup_dir(db)
    backups = list_backups(db)
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        return Check(PROBLEM, t("access.doctor.backup_not_writable", path=folder))
    if not folder.exists() and not os.access(db.parent, os.W_OK | os.X_OK):
        return Check(PROBLEM, t("access.doctor.backup_not_writable", path=folder))
    if not backups:
        return Check(NOTE, t("access.doctor.backup_none", path=folder))
    return Check(OK, t("access.doctor.backup_ok", path=folder, count=len(backups), newest=backups[0].name))


def check_leftovers(db: Path) -> Check | None:
    """Temporary files of writers that were killed; the next save removes them."""
    from models.store.storage import stale_temporary_files

    leftovers = stale_temporary_files(db)
    if not leftovers:
        return None
    size = 0
    for path in leftovers:
        try:
            size += path.stat().st_size
        except OSError:
            pass
    return Check(PROBLEM, t("access.doctor.leftovers", count=len(leftovers), size=human_size(size),
                            folder=db.parent))


def check_disk(db: Path) -> Check:
    folder = db.parent if db.parent.is_dir() else Path("/")
    free = shutil.disk_usage(folder).free
    try:
        size = db.stat().st_size
    except OSError:
        size = 0
    need = max(MIN_FREE_BYTES, 20 * size)  # 14 backups, a temp copy per save, and room to grow
    if free < need:
        return Check(PROBLEM, t("access.doctor.disk_low", free=human_size(free), need=human_size(need)))
    return Check(OK, t("access.doctor.disk_ok", free=human_size(free)))


def check_identity(db: Path, login: str) -> list[Check]:
    from models.identity import inactive_teacher_by_login, roster_holding_shared_account, shared_account
    from models.permissions import teacher_by_login
    from models.store.storage import DataFileError, Store

    checks = []
    account, _why = shared_account()
    if account is not None:
        checks.append(Check(NOTE, t("access.doctor.shared_account", account=account.name, path=account.path)))
    try:
        exists = db.exists()
    except OSError:
        return checks  # check_file has said why
    if exists:
        try:
            store = Store(db, actor=login)
            teacher = teacher_by_login(store, login)
            wrong = roster_holding_shared_account(store, account.name) if account is not None else []
            inactive = inactive_teacher_by_login(store, login)
        except DataFileError:
            return checks
        if account is not None:
            forced = check_shared_account_forced(account.name, sshd_forced_command(account.name))
            if forced is not None:
                checks.append(forced)
        if wrong:
            checks.append(Check(PROBLEM, t("ssh.doctor.shared_on_roster", account=account.name,
                                           names="、".join(x.name for x in wrong))))
        if account is not None and login == account.name:
            checks.append(Check(NOTE, t("ssh.doctor.you_are_shared", account=account.name)))
        elif teacher is not None:
            checks.append(Check(OK, t("access.doctor.identity_ok", name=teacher.name, login=login,
                                      admin=t("header.admin") if teacher.is_admin else "")))
        elif inactive is not None:
            checks.append(Check(NOTE, t("ssh.doctor.deactivated", login=login, name=inactive.name)))
        else:
            # The IT teacher who runs doctor need not be on the roster: a note, not a problem.
            checks.append(Check(NOTE, t("access.doctor.identity_unknown", login=login)))
    return checks


def serve_processes(proc: Path = Path("/proc")) -> list[tuple[str, ...]]:
    """The command lines of the `jiaoyan serve` servers running on this machine."""
    found = []
    try:
        entries = list(proc.iterdir())
    except OSError:
        return found
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            argv = tuple(a for a in (entry / "cmdline").read_bytes().decode("utf-8", "replace").split("\0") if a)
        except OSError:
            continue
        program = os.path.basename(argv[0]) if argv else ""
        if not (program.startswith("python") or program == "jiaoyan") or "serve" not in argv:
            continue  # a wrapper (timeout, sudo) is not the server itself
        if any(a.endswith(("jiaoyan", "tui", "tui.cli")) for a in argv[:argv.index("serve")]):
            found.append(argv)
    return found


def check_serve(db: Path, running: list[tuple[str, ...]] | None = None) -> list[Check]:
    """The browser door (`jiaoyan serve`): the password file's mode and owner, and whether
    passwords cross the network in clear (no --cert, no --proxy behind nginx's https)."""
    from models import passwords

    path = passwords.passwords_path(db)
    if not path.exists():
        return [Check(NOTE, t("serve.doctor.no_file"))]
    problem = passwords.file_problem(db)
    if problem:
        return [Check(PROBLEM, problem)]
    st = os.stat(path)
    try:
        count = str(len(passwords.read_entries(db)))
    except Exception:  # readable by the service account only, as it should be
        count = "?"
    checks = [Check(OK, t("serve.doctor.file_ok", path=path, owner=faults.owner_name(st.st_uid), count=count))]
    running = serve_processes() if running is None else running
    for argv in running:
        if "--cert" in argv:
            checks.append(Check(OK, t("serve.doctor.tls_on", command=" ".join(argv[-12:]))))
        elif "--proxy" in argv:
            checks.append(Check(NOTE, t("serve.doctor.tls_proxy")))
        else:
            checks.append(Check(NOTE, t("serve.doctor.cleartext", command=" ".join(argv[-12:]))))
    if not running:
        checks.append(Check(NOTE, t("serve.doctor.tls_note")))
    return checks


def sshd_forced_command(account: str, sshd: str | None = None, config: Path | None = None) -> str | None:
    """The ForceCommand sshd_config (or ``config``) gives ``account``; None when there is
    none, or sshd cannot say (it needs root to read its configuration)."""
    import subprocess

    sshd = sshd or shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)
    if sshd is None or os.geteuid() != 0:
        return None
    try:
        result = subprocess.run([sshd, "-T", *(["-f", str(config)] if config else []),
                                 "-C", f"user={account},host=localhost,addr=127.0.0.1"],
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    for line in result.stdout.splitlines():
        name, _, value = line.partition(" ")
        if name.lower() == "forcecommand" and value.strip() and value.strip() != "none":
            return value.strip()
    return None


def check_shared_account_forced(account: str, forced: str | None) -> Check | None:
    """A ForceCommand for the shared account overrides every key's ``--as``."""
    if forced is None:
        return None
    return Check(PROBLEM, t("ssh.doctor.forcecommand_shared", account=account, command=forced))


def run_checks(db: Path, *, login: str, env: Mapping[str, str] | None = None, fd: int = 1,
               mouse: bool = True, umask: int | None = None) -> list[Check]:
    """Every check, on the environment the launcher gives the app (``launch_environment``):
    the same verdict however doctor is started."""
    from models.downloads import exports_root

    env, _restart = launch_environment(os.environ if env is None else env)
    state = t("access.doctor.mouse_on" if mouse else "access.doctor.mouse_off")
    checks = [Check(NOTE, t("ssh.doctor.launcher")), check_locale(env, launched=True), *check_terminal(env, fd),
              Check(NOTE, t("ssh.doctor.mouse", state=state)),
              *check_umask(umask), *check_directory(db, login), *check_file(db)]
    if db.parent.is_dir() and os.access(db.parent, os.X_OK):
        checks.append(check_lock(db))
        checks.append(check_backups(db))
        leftovers = check_leftovers(db)
        if leftovers is not None:
            checks.append(leftovers)
        checks.append(Check(NOTE, t("ssh.doctor.exports", path=exports_root(db))))
    checks.append(check_disk(db))
    checks.extend(check_identity(db, login))
    if db.parent.is_dir() and os.access(db.parent, os.X_OK):
        checks.extend(check_serve(db))
    return checks
