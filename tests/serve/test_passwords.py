"""Passwords of the browser door (models/passwords.py) and `jiaoyan passwd`: only a salted
scrypt hash is kept, in a 0600 file beside the data file, written whole; the admin's
one-time password must be changed; failed sign-ins are slowed and lock a login and an
address; every step is a line in the change log."""

from __future__ import annotations

import os
import stat

import pytest

from models import passwords
from models.store.changelog import ChangeLog
from tui import cli


def test_a_hash_is_salted_scrypt_and_checks_only_its_password():
    first, second = passwords.hash_password("秋天的雨 2025"), passwords.hash_password("秋天的雨 2025")
    assert first.startswith("scrypt$16384$8$1$") and first != second  # a new salt each time
    assert passwords.verify_password("秋天的雨 2025", first)
    assert not passwords.verify_password("秋天的雨 2024", first)
    assert not passwords.verify_password("x", "not a hash")


def test_the_file_holds_hashes_only_mode_0600_beside_the_real_data_file(demo_db, tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(demo_db)
    passwords.set_password(link, "zhangmin", "a-secret-1", must_change=False, by="test")
    path = demo_db.with_name("school.json.passwords")
    assert passwords.passwords_path(link) == path  # beside the real file, as the lock and the log
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert b"a-secret-1" not in path.read_bytes()
    assert passwords.check_password(demo_db, "zhangmin", "a-secret-1") is not None
    assert passwords.check_password(demo_db, "zhangmin", "a-secret-2") is None
    assert passwords.check_password(demo_db, "nobody", "a-secret-1") is None
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]  # written whole, renamed
    os.chmod(path, 0o644)
    assert "chmod 600" in passwords.file_problem(demo_db)


def test_new_passwords_follow_the_rules():
    assert passwords.password_problem("abc", "abc", login="zm")  # too short
    assert passwords.password_problem("abcdefgh1", "abcdefgh2", login="zm")  # differ
    assert passwords.password_problem("zhangmin", "zhangmin", login="zhangmin")  # the login
    assert passwords.password_problem("abcdefgh1", "abcdefgh1", login="zm", old="abcdefgh1")
    assert passwords.password_problem("春眠不觉晓处处啼鸟", "春眠不觉晓处处啼鸟", login="zm") is None
    assert passwords.password_problem("chunmian-2025", "chunmian-2025", login="zm") is None


def test_failures_slow_then_lock_the_login_and_the_address():
    now = [1000.0]
    guard = passwords.SignInGuard(max_failures=3, max_address_failures=5, lock_seconds=60, clock=lambda: now[0])
    delays = [guard.failed("zhangmin", "10.0.0.9") for _ in range(2)]
    assert [d for d, _ in delays] == [0.5, 1.0] and guard.locked("zhangmin", "10.0.0.9") is None
    delay, locked = guard.failed("zhangmin", "10.0.0.9")
    assert locked == "login" and guard.locked("zhangmin", "10.0.0.9")[0] == "login"
    assert guard.locked("chenying", "10.0.0.9") is None  # another login from there may still try
    guard.failed("chenying", "10.0.0.9")
    _, locked = guard.failed("wangfang", "10.0.0.9")
    assert locked == "address" and guard.locked("liuxinyi", "10.0.0.9")[0] == "address"
    assert guard.locked("liuxinyi", "10.0.0.7") is None
    now[0] += 61
    assert guard.locked("zhangmin", "10.0.0.9") is None


@pytest.fixture
def as_login(monkeypatch):
    def use(login: str) -> None:
        monkeypatch.setattr("models.identity.os_login", lambda: login)
    return use


def test_passwd_prints_a_one_time_password_that_must_be_changed(demo_db, capsys, as_login):
    path = demo_db.with_name("school.json.passwords")
    if os.getuid() == 0:
        # root may not make the first file (the server's account could not read it) …
        assert cli.main(["passwd", "zhangmin", "--db", str(demo_db)]) == 1
        assert "install -m 600" in capsys.readouterr().err and not path.exists()
        # … but sets passwords in an empty one made for the service account.
        path.touch(mode=0o600)
    assert cli.main(["passwd", "zhangmin", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    secret = out.split("：", 1)[1].split()[0]
    assert "张敏" in out and len(secret) == passwords.ONE_TIME_LENGTH
    entry = passwords.check_password(demo_db, "zhangmin", secret)
    assert entry is not None and entry.must_change
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

    # Again without --reset: refused; with it, a new one replaces the old.
    assert cli.main(["passwd", "zhangmin", "--db", str(demo_db)]) == 1
    assert "--reset" in capsys.readouterr().err
    assert cli.main(["passwd", "zhangmin", "--reset", "--db", str(demo_db)]) == 0
    assert passwords.check_password(demo_db, "zhangmin", secret) is None

    # Someone not on the roster gets none.
    assert cli.main(["passwd", "ghost", "--db", str(demo_db)]) == 1
    assert "名册" in capsys.readouterr().err

    logged = [e for e in ChangeLog(demo_db).entries() if e.get("action") == "password_set"]
    assert [(e["who"], e["reset"]) for e in logged] == [("zhangmin", "no"), ("zhangmin", "yes")]
    from models.store.audit import describe

    line = describe(logged[0])  # who ran it (the admin's account) and for whom
    assert (line.action, line.who, line.record) == ("设置密码", logged[0]["uid"], "为 zhangmin")
    from models.store.audit import Names
    from models.store.storage import Store

    named = describe(logged[0], Names.of(Store(demo_db, actor="root")))
    assert named.record == "为 张敏（zhangmin）" and "张敏" not in named.who
