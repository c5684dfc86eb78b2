"""Closing a term takes the change log of its records along: the audit entries about the
records that move go into the term's archive (and leave the active file), the close itself
stays in the active log, and `jiaoyan audit` still lists them when --since covers them."""

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


def test_the_terms_entries_move_into_its_archive(changed_school):
    store, edited, deleted, current = changed_school
    before = store.audit_entries()
    moved = close_term(store, PREVIOUS)
    active = Store(store.path).audit_entries()
    kept = archived_audit_entries(store.path, PREVIOUS)

    # the old term's entries: in the archive, no longer in the active file
    assert _about(kept, edited) and _about(kept, deleted)
    assert not _about(active, edited) and not _about(active, deleted)
    assert _about(kept, edited)[0]["after"]["topic"] == "旧学期改过的课题"
    batches = [e for e in kept if e["action"] == "insert_many"]
    assert batches and all(e["table"] in ("activities", "observations", "meetings", "outcomes") for e in batches)
    # the current term's entry, the roster and the close itself stay
    assert _about(active, current)
    assert any(e["table"] == "teachers" for e in active)
    closing = [e for e in active if e["action"] == "delete_many"]
    assert {e["table"] for e in closing} == set(moved)
    assert any(e["table"] == "terms" and (e["after"] or {}).get("status") == "archived" for e in active)
    # nothing lost, nothing twice, and the active log shrank
    assert len(active) < len(before)
    everything = audit_entries(store)
    ids = [e["id"] for e in everything]
    assert ids == sorted(set(ids))
    assert {e["id"] for e in before} <= set(ids)
    assert len(everything) == len(active) + len(kept)


def test_a_second_close_after_a_half_done_one_keeps_the_log(changed_school, monkeypatch):
    """If removing the records fails after the archive was written, the next close writes
    the archive again from both and the log entries are neither lost nor doubled."""
    store, edited, _, _ = changed_school
    from models.store.storage import Transaction, WriteFailed

    def broken(self, ids):
        raise OSError("disk full")

    monkeypatch.setattr(Transaction, "remove_audit_entries", broken)
    with pytest.raises(WriteFailed):
        close_term(store, PREVIOUS)
    assert archive_path(store.path, PREVIOUS).exists()
    assert _about(Store(store.path).audit_entries(), edited)  # the failed transaction left the file as it was
    assert next(x for x in Store(store.path).all(Term) if x.term_id == PREVIOUS).status == "open"
    monkeypatch.undo()
    close_term(Store(store.path, actor="tester"), PREVIOUS)
    assert len(_about(archived_audit_entries(store.path, PREVIOUS), edited)) == 1
    assert len(_about(audit_entries(Store(store.path)), edited)) == 1


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


def test_audit_command_lists_archived_entries_when_since_covers_them(changed_school, capsys, as_admin):
    from tui.cli import main

    store, edited, _, _ = changed_school
    close_term(store, PREVIOUS)
    assert main(["audit", "--db", str(store.path), "--since", "2025-11-05"]) == 0
    out = capsys.readouterr().out
    assert "旧学期改过的课题" in out and "本学期改过的课题" in out
    assert f"听课记录 #{edited}" in out
    assert main(["audit", "--db", str(store.path), "--since", "2025-11-06"]) == 0
    assert "旧学期改过的课题" not in capsys.readouterr().out
