"""Closing a term and the change log: since schema 2 the log is an append-only file beside
the data file, so nothing of it moves; entries that terms closed before schema 2 took into
their archives are still listed, and `jiaoyan audit` lists everything --since covers."""

from __future__ import annotations

import datetime as dt

import pytest

from models.store import archive
from models.store.archive import archive_path, archived_audit_entries, audit_entries, close_term
from models.records import Observation, Term
from models.store.storage import Store

PREVIOUS, CURRENT = "2024-2025-2", "2025-2026-1"


@pytest.fixture
def changed_school(demo_db):
    """The demo, with one observation of each term edited and one of the old term deleted."""
    store = Store(demo_db, actor="tester")
    old = [o for o in store.all(Observation) if o.term_id == PREVIOUS]
    new = next(o for o in store.all(Observation) if o.term_id == CURRENT)
    with store.transaction() as tx:
        tx.update(old[0].copy(topic="旧学期改过的课题"))
        tx.delete(old[1])
        tx.update(new.copy(topic="本学期改过的课题"))
    return store, old[0].id, old[1].id, new.id


def _about(entries, record_id):
    return [e for e in entries if e.get("table") == "observations" and e.get("record_id") == record_id]


def test_closing_a_term_keeps_its_entries_in_the_change_log(changed_school):
    store, edited, deleted, current = changed_school
    before = store.audit_entries()
    moved = close_term(store, PREVIOUS)
    after = Store(store.path).audit_entries()
    # since schema 2 the log is its own append-only file: nothing of it moves or shrinks
    assert after[:len(before)] == before
    assert _about(after, edited) and _about(after, deleted) and _about(after, current)
    assert _about(after, edited)[0]["after"]["topic"] == "旧学期改过的课题"
    assert not archived_audit_entries(store.path, PREVIOUS)
    closing = after[len(before):]
    # one delete_many per table that had records of the term (the demo's old term has no documents or trainings)
    assert {e["table"] for e in closing if e["action"] == "delete_many"} == {k for k, n in moved.items() if n}
    assert any(e["table"] == "terms" and (e["after"] or {}).get("status") == "archived" for e in closing)
    ids = [e["id"] for e in audit_entries(store)]
    assert ids == sorted(set(ids))


def test_a_second_close_after_a_half_done_one_keeps_the_log(changed_school, monkeypatch):
    """If removing the records fails after the archive was written, nothing reaches the log
    and the next close logs the close once."""
    store, edited, _, _ = changed_school
    from models.store.storage import Transaction, WriteFailed

    def broken(self, records, **_):
        raise OSError("disk full")

    before = len(store.audit_entries())
    monkeypatch.setattr(Transaction, "delete_many", broken)
    with pytest.raises(WriteFailed):
        close_term(store, PREVIOUS)
    assert archive_path(store.path, PREVIOUS).exists()
    assert len(Store(store.path).audit_entries()) == before
    assert next(x for x in Store(store.path).all(Term) if x.term_id == PREVIOUS).status == "open"
    monkeypatch.undo()
    close_term(Store(store.path, actor="tester"), PREVIOUS)
    assert len(_about(audit_entries(Store(store.path)), edited)) == 1


def test_entries_an_old_close_moved_into_its_archive_are_still_listed(changed_school):
    """Terms closed before schema 2 took their entries into the archive's audit table."""
    import json

    store, _, _, _ = changed_school
    close_term(store, PREVIOUS)
    path = archive_path(store.path, PREVIOUS)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["tables"]["audit"] = {"3": {"at": "2025-06-01 10:00:00", "who": "tester", "action": "update",
                                     "table": "observations", "record_id": 999, "before": {"topic": "甲"},
                                     "after": {"topic": "旧档案里的修改"}}}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    entries = audit_entries(Store(store.path))
    assert _about(entries, 999) and entries.index(_about(entries, 999)[0]) == 0


def test_since_after_the_close_does_not_open_the_archive(changed_school, monkeypatch):
    store, _, _, _ = changed_school
    close_term(store, PREVIOUS)

    def must_not_read(*_args):
        raise AssertionError("an archive older than --since was read")

    monkeypatch.setattr(archive, "archived_audit_entries", must_not_read)
    later = audit_entries(store, since=dt.date(2025, 11, 6))
    assert later == store.audit_entries()


@pytest.fixture
def as_admin(monkeypatch):
    import models.identity

    monkeypatch.setattr(models.identity, "os_login", lambda: "tester")


def test_audit_command_lists_the_closed_terms_changes(changed_school, capsys, as_admin):
    from tui.cli import main

    store, edited, _, _ = changed_school
    close_term(store, PREVIOUS)
    today = dt.date.today()  # the log keeps the machine's real clock, whatever JIAOYAN_TODAY says
    assert main(["audit", "--db", str(store.path), "--since", today.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "旧学期改过的课题" in out and "本学期改过的课题" in out
    assert f"听课记录 #{edited}" in out
    later = (today + dt.timedelta(days=1)).isoformat()
    assert main(["audit", "--db", str(store.path), "--since", later]) == 0
    assert "旧学期改过的课题" not in capsys.readouterr().out
