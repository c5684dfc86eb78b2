"""One session value, handed down: nothing passes the day, the language or the
permission check through environment variables or module globals."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from models.errors import DataFileError, InputError, JiaoyanError, PermissionDenied
from models.records import Policy


def test_the_app_reads_its_day_and_user_from_the_session_not_the_environment(demo_db):
    from tui.app import make_app

    before = dict(os.environ)
    app = make_app(demo_db, login="zhangmin", today="2027-03-03", lang="en")
    assert dict(os.environ) == before  # neither JIAOYAN_TODAY nor JIAOYAN_LANG was written
    assert app.today == dt.date(2027, 3, 3) and app.session.language == "en"
    assert app.user is not None and app.user.login == "zhangmin" == app.login == app.store.actor
    with pytest.raises(AttributeError):
        app.store = None  # a view of the session, not a second copy
    # The store stamps changes with the session's day; its guard is the permission check.
    with app.store.transaction() as tx:
        me = tx.update(app.user.copy(note="x"))
    assert me.updated_at.startswith("2027-03-03")
    with pytest.raises(PermissionDenied):
        with app.store.transaction() as tx:
            tx.save_policy(Policy(school_name="x"))


def test_the_command_line_reads_lang_once_and_writes_no_environment(demo_db, capsys, monkeypatch):
    from tui.cli import main

    monkeypatch.setattr("models.identity.os_login", lambda: "tester")
    before = dict(os.environ)
    assert main(["dashboard", "--db", str(demo_db), "--plain", "--lang", "en"]) == 0
    assert dict(os.environ) == before
    out = capsys.readouterr().out
    assert out and "== 教师 ==" not in out  # the English catalog, chosen once from --lang

    from models.store import storage

    assert not hasattr(storage, "install_default_guard")  # no module-global guard either


def test_one_error_tree_with_three_siblings():
    from models.dates import BadInput
    from models.identity import IdentityRefused
    from models.roster_import import RosterFileError
    from models.store.archive import CannotClose
    from models.store.storage import ConflictError, CorruptDataFile, MissingDataFile, ValidationFailed

    for branch in (DataFileError, PermissionDenied, InputError):
        assert issubclass(branch, JiaoyanError)
    assert not issubclass(PermissionDenied, DataFileError) and not issubclass(InputError, DataFileError)
    assert issubclass(CorruptDataFile, DataFileError) and issubclass(MissingDataFile, DataFileError)
    assert issubclass(IdentityRefused, PermissionDenied)
    for error in (BadInput, ValidationFailed, ConflictError, RosterFileError, CannotClose):
        assert issubclass(error, InputError)
    assert DataFileError.exit_code == 2 and MissingDataFile.exit_code == 1
    assert PermissionDenied.exit_code == InputError.exit_code == 1


def test_the_cli_turns_each_error_into_its_sentence_and_exit_code(demo_db, tmp_path, capsys, monkeypatch):
    from tui.cli import main

    monkeypatch.setattr("models.identity.os_login", lambda: "zhangmin")
    # Input: an unknown --term.
    assert main(["report", "term", "--db", str(demo_db), "--term", "2099-2100-1", "--format", "md"]) == 1
    assert "没有学期“2099-2100-1”" in capsys.readouterr().err
    # Data file: one that does not parse.
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert main(["dashboard", "--db", str(broken)]) == 2
    assert "Traceback" not in capsys.readouterr().err
    # Permission: a teacher's change the rules refuse (closing a term is the admin's).
    monkeypatch.setattr("models.identity.os_login", lambda: "nobody-here")
    assert main(["term", "close", "2024-2025-2", "--db", str(demo_db)]) == 1
    assert capsys.readouterr().err.strip()
