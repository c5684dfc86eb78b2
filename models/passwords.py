"""Passwords for the browser door (``jiaoyan serve``), and who is slowed or locked out.

The SSH door needs no passwords: the operating system (or the key's forced command) says
who someone is (models/identity.py). The browser door has only what a person types, so
each teacher who uses it has a password, kept beside the data file:

* ``school.json.passwords`` (beside the *real* data file, as the lock and the change log)
  holds, per login, a salted scrypt hash (``hashlib.scrypt``: slow and memory-hard on
  purpose), whether the password is a one-time one the teacher must change at first
  sign-in, and when and by whom it was set. Never a password itself.
* The file is mode 0600 and belongs to the account that runs ``jiaoyan serve``: whoever
  can write it can sign in as anyone, so only that account (and root) may. It is written
  whole, through a temporary file and a rename, under its own lock
  (``school.json.passwords.lock``).
* :class:`SignInGuard` slows failed sign-ins and locks a login, and an address, after
  repeated failures for a while (in the server's memory: a restart clears the locks).
* :func:`check_served_identity` is what the app process started by the server asks
  before it acts for the login it was handed: its real uid must own the password file
  — a teacher with a shell of their own cannot start it as someone else.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from models.clock import real_now
from models.errors import InputError, PermissionDenied
from models.i18n import t
from models.store import faults

SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LENGTH = 2 ** 14, 8, 1, 32
SALT_BYTES = 16
FILE_MODE = 0o600
MIN_LENGTH = 8
# Letters and digits nobody misreads when the admin reads a one-time password aloud.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789"
ONE_TIME_LENGTH = 10


class PasswordProblem(InputError):
    """A password command or change that cannot go ahead; the message says why."""


class PasswordFileRefused(PermissionDenied):
    """This process may not read or write the password file; the message says who may."""


def passwords_path(db: str | os.PathLike) -> Path:
    """``school.json.passwords`` beside the real data file (a symbolic link followed, as the
    store does, so that a link elsewhere never points at another password file)."""
    from models.store.storage import resolve_data_path

    real = resolve_data_path(db)
    return real.with_name(real.name + ".passwords")


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


# -- hashing ----------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64): the parameters travel with the hash, so they can
    be raised later without breaking the passwords already set."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=SCRYPT_LENGTH)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Does ``password`` match ``stored``? Compared in constant time; a malformed entry
    matches nothing."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        salt_raw, digest_raw = base64.b64decode(salt), base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=salt_raw, n=int(n), r=int(r), p=int(p),
                             dklen=len(digest_raw), maxmem=256 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, digest_raw)


# Hashed once, so that a login nobody has costs a sign-in attempt the same time as one that exists.
_DUMMY = None


def dummy_check(password: str) -> None:
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = hash_password(secrets.token_hex(8))
    verify_password(password, _DUMMY)


def one_time_password() -> str:
    return "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))


def password_problem(password: str, confirm: str, *, login: str, old: str | None = None) -> str | None:
    """Why ``password`` may not become the new one (a sentence); None when it may."""
    if password != confirm:
        return t("serve.password.mismatch")
    if len(password) < MIN_LENGTH:
        return t("serve.password.too_short", length=MIN_LENGTH)
    if password.strip().lower() == login.lower():
        return t("serve.password.is_login")
    if old is not None and password == old:
        return t("serve.password.same_as_old")
    return None


# -- the file -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    hash: str
    must_change: bool
    set_at: str
    set_by: str


def _read(path: Path) -> dict[str, Entry]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except PermissionError:
        raise PasswordFileRefused(t("serve.passwords.unreadable", path=path, owner=_owner(path),
                                    account=faults.login_name())) from None
    if not raw.strip():
        return {}  # made empty by `install -m 600 -o jiaoyan /dev/null …` (README): nobody has one yet
    try:
        data = json.loads(raw.decode("utf-8"))
        users = data.get("users", {}) if isinstance(data, dict) else {}
        return {str(login): Entry(str(v.get("hash", "")), v.get("must_change") is True, str(v.get("set_at", "")),
                                  str(v.get("set_by", "")))
                for login, v in users.items() if isinstance(v, dict)}
    except (ValueError, AttributeError):
        raise PasswordProblem(t("serve.passwords.damaged", path=path)) from None


def _owner(path: Path) -> str:
    try:
        return faults.owner_name(os.stat(path).st_uid)
    except OSError:
        return "?"


def read_entries(db: str | os.PathLike) -> dict[str, Entry]:
    return _read(passwords_path(db))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    fd = os.open(_lock_path(path), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write(path: Path, entries: dict[str, Entry]) -> None:
    """The whole file, 0600, through a temporary file beside it, fsynced, then renamed; the
    old file's owner kept when root writes it."""
    payload = json.dumps({"version": 1, "users": {login: {"hash": e.hash, "must_change": e.must_change,
                                                          "set_at": e.set_at, "set_by": e.set_by}
                                                  for login, e in sorted(entries.items())}},
                         ensure_ascii=False, indent=1).encode("utf-8")
    try:
        old = os.lstat(path)
    except FileNotFoundError:
        old = None
    if old is not None and not stat.S_ISREG(old.st_mode):
        raise PasswordProblem(t("serve.passwords.not_regular", path=path))
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)  # before a byte is written: never readable by the group
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if old is not None and os.getuid() == 0 and (old.st_uid, old.st_gid) != (0, 0):
            os.chown(tmp_name, old.st_uid, old.st_gid)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    with contextlib.suppress(OSError):
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def may_manage(db: str | os.PathLike) -> str | None:
    """Why this process may not set passwords (a sentence), None when it may: the account
    that owns the password file (the one that runs ``jiaoyan serve``) or root; the first
    file is made by whoever runs ``jiaoyan passwd`` first — never root, whose file the
    server could not read."""
    path = passwords_path(db)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.getuid() == 0:
            return t("serve.passwd.not_as_root", path=path)
        return None
    if os.getuid() in (0, st.st_uid):
        return None
    return t("serve.passwd.not_owner", path=path, owner=faults.owner_name(st.st_uid),
             account=faults.login_name())


def set_password(db: str | os.PathLike, login: str, password: str, *, must_change: bool, by: str) -> None:
    """Store ``password``'s hash for ``login`` (the file made if need be)."""
    store_hash(db, login, hash_password(password), must_change=must_change, by=by)  # slow: before the lock


def store_hash(db: str | os.PathLike, login: str, digest: str, *, must_change: bool, by: str) -> None:
    """Store a hash made by :func:`hash_password` for ``login``."""
    path = passwords_path(db)
    try:
        with _locked(path):
            entries = _read(path)
            entries[login] = Entry(digest, must_change, real_now().isoformat(sep=" ", timespec="seconds"), by)
            _write(path, entries)
    except PermissionError:
        raise PasswordFileRefused(t("serve.passwords.unwritable", path=path, owner=_owner(path),
                                    account=faults.login_name())) from None


def check_password(db: str | os.PathLike, login: str, password: str) -> Entry | None:
    """The entry when ``password`` is ``login``'s, else None (same cost either way)."""
    entry = read_entries(db).get(login)
    if entry is None:
        dummy_check(password)
        return None
    return entry if verify_password(password, entry.hash) else None


def file_problem(db: str | os.PathLike) -> str | None:
    """What is wrong with the password file's mode (for doctor and the server); None if fine."""
    path = passwords_path(db)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return t("serve.passwords.not_regular", path=path)
    if stat.S_IMODE(st.st_mode) & 0o077:
        return t("serve.passwords.mode", path=path, mode=f"{stat.S_IMODE(st.st_mode):04o}")
    return None


def check_served_identity(db: str | os.PathLike, login: str) -> None:
    """May this process act for ``login`` as handed to it by ``jiaoyan serve``? Only when it
    runs as the account that owns the password file (which only the server's account can
    be: a teacher's own account is refused), that file is 0600, and ``login`` has a
    password in it. Raises :class:`PasswordFileRefused` otherwise."""
    from models.identity import LOGIN_PATTERN

    path = passwords_path(db)
    if not LOGIN_PATTERN.match(login or ""):
        raise PasswordFileRefused(t("serve.child.refused", reason=t("access.as_reason.bad_login", login=login)))
    try:
        st = os.stat(path)
    except OSError:
        raise PasswordFileRefused(t("serve.child.refused", reason=t("serve.child.no_file", path=path))) from None
    if st.st_uid != os.getuid():
        raise PasswordFileRefused(t("serve.child.refused", reason=t(
            "serve.child.not_owner", path=path, owner=faults.owner_name(st.st_uid), account=faults.login_name())))
    problem = file_problem(db)
    if problem:
        raise PasswordFileRefused(t("serve.child.refused", reason=problem))
    if login not in _read(path):
        raise PasswordFileRefused(t("serve.child.refused", reason=t("serve.child.no_password", login=login)))


# -- the change log --------------------------------------------------------------------------


def log_event(db: str | os.PathLike, action: str, login: str, **details: str) -> None:
    """One line in the change log (models/store/changelog.py) under the data file's lock:
    a sign-in, a failure, a lock, a sign-out, a password set or changed. Not a data change:
    the store never marks it abandoned."""
    from models.store.changelog import ChangeLog
    from models.store.storage import hold_lock, resolve_data_path

    real = resolve_data_path(db)
    entry = {"at": real_now().isoformat(sep=" "), "uid": faults.login_name(), "who": _printable(login),
             "action": action, "table": "", **{k: _printable(v) for k, v in details.items()}}
    with hold_lock(real):
        ChangeLog(real).append([entry])


def _printable(value: str, limit: int = 64) -> str:
    """What someone typed into the login field, safe to keep in a log line."""
    text = "".join(c if c.isprintable() else "?" for c in str(value))
    return text if len(text) <= limit else text[:limit - 1] + "…"


# -- slowing and locking ----------------------------------------------------------------------


@dataclass
class _Tries:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0
    locked_at: float = 0.0


@dataclass
class SignInGuard:
    """Failed sign-ins per login and per address: each failure slows the next answer, and
    ``max_failures`` within ``window`` seconds lock the login (or ``max_address_failures``
    the address) for ``lock_seconds``. A password set anew (``passwd --reset``) after a lock
    began lifts the login's lock."""

    max_failures: int = 5
    max_address_failures: int = 20
    window: float = 15 * 60
    lock_seconds: float = 15 * 60
    delay_step: float = 0.5
    max_delay: float = 3.0
    clock: object = time.monotonic
    logins: dict[str, _Tries] = field(default_factory=dict)
    addresses: dict[str, _Tries] = field(default_factory=dict)

    def _now(self) -> float:
        return self.clock()

    def locked(self, login: str, address: str, *, set_at_wall: float | None = None) -> tuple[str, float] | None:
        """("login" or "address", seconds left) when a sign-in may not even be tried."""
        now = self._now()
        tries = self.logins.get(login)
        if tries is not None and tries.locked_until > now:
            if set_at_wall is not None and set_at_wall > time.time() - (now - tries.locked_at):
                self.logins.pop(login, None)  # the password was set again since the lock began
            else:
                return "login", tries.locked_until - now
        tries = self.addresses.get(address)
        if tries is not None and tries.locked_until > now:
            return "address", tries.locked_until - now
        return None

    def failed(self, login: str, address: str) -> tuple[float, str | None]:
        """Count a failure; (seconds to slow this answer by, "login"/"address" when it locked)."""
        now = self._now()
        newly_locked = None
        worst = 0
        for key, table, limit, kind in ((login, self.logins, self.max_failures, "login"),
                                        (address, self.addresses, self.max_address_failures, "address")):
            tries = table.setdefault(key, _Tries())
            tries.failures = [x for x in tries.failures if now - x < self.window] + [now]
            worst = max(worst, len(tries.failures))
            if len(tries.failures) >= limit and tries.locked_until <= now:
                tries.locked_until, tries.locked_at = now + self.lock_seconds, now
                tries.failures = []
                newly_locked = newly_locked or kind
        return min(self.max_delay, self.delay_step * worst), newly_locked

    def succeeded(self, login: str) -> None:
        self.logins.pop(login, None)


def minutes(seconds: float) -> int:
    return max(1, int(seconds + 59) // 60)
