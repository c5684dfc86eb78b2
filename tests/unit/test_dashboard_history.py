"""The dashboard's history keeps an archived term's figures beside its archive: the kept
figures equal those worked out from the whole archive, are read without opening the archive,
and are worked out again when anything they were made from changes (the archive file, the
roster, the policy …) — but not when the open term gets a new record."""

from __future__ import annotations

import datetime as dt

import pytest

from models import dashboard
from models.dashboard import build_dashboard
from models.dashboard_history import term_figures
from models.records import Observation, Teacher, Term
from models.store import archive, jsonio
from models.store.archive import archive_path, close_term, figures_path, view_for
from models.store.storage import Store, atomic_write
from models.terms import term_by_id

PREVIOUS, CURRENT = "2024-2025-2", "2025-2026-1"
TODAY = dt.date(2025, 11, 5)


def session(path) -> Store:
    """A new session over the file: nothing kept in memory from another one."""
    archive._cache.clear()
    return Store(path, actor="tester")


@pytest.fixture
def closed(demo_db):
    """The demo with its previous term closed, under a policy that deducts for absences and
    asks every teacher for a 研讨课 (so points and requirements are in the figures too)."""
    store = Store(demo_db, actor="tester")
    with store.transaction() as tx:
        tx.save_policy(store.policy().copy(
            absence_deduction=0.5, requirements=[{"kind": "lesson", "what": "研讨课", "per_term": 1}]))
    close_term(store, PREVIOUS, today=TODAY)
    return demo_db


def whole(store):
    """The figures worked out from the whole archive, as the dashboard of that term shows them."""
    term = term_by_id(store.all(Term), PREVIOUS)
    board = build_dashboard(view_for(store, term), term, TODAY)
    return {f.teacher.id: f for f in board.teachers}, {g.group.id: g for g in board.groups}


def history(store):
    figures = term_figures(store, term_by_id(store.all(Term), PREVIOUS), TODAY)
    return figures.teachers, figures.groups


def no_build_of_the_closed_term(monkeypatch):
    for name in ("build_dashboard", "people_figures"):
        real = getattr(dashboard, name)

        def refuse(source, term, today, *args, real=real):
            assert term.term_id != PREVIOUS, "the closed term's figures were worked out again"
            return real(source, term, today, *args)

        monkeypatch.setattr(dashboard, name, refuse)


def test_the_kept_figures_equal_the_whole_archives_and_are_read_without_it(closed, monkeypatch):
    first = history(session(closed))
    assert figures_path(closed, PREVIOUS).exists()
    teachers, groups = whole(session(closed))
    assert first == (teachers, groups)
    assert any(f.given for f in teachers.values()) and any(g.held for g in groups.values())
    assert any(f.points for f in teachers.values()) and any(f.requirements for f in teachers.values())

    no_build_of_the_closed_term(monkeypatch)
    monkeypatch.setattr(archive, "_read_archive", lambda path: pytest.fail(f"{path} was parsed"))
    assert history(session(closed)) == (teachers, groups)


def test_a_record_of_the_open_term_leaves_the_kept_figures_alone(closed, monkeypatch):
    history(session(closed))
    store = session(closed)
    with store.transaction() as tx:
        model = next(o for o in store.all(Observation) if o.term_id == CURRENT)
        tx.insert(model.copy(id=0, date="2025-11-04", period=8, topic="新的一节", version=0))
    expected = whole(session(closed))
    no_build_of_the_closed_term(monkeypatch)
    assert history(session(closed)) == expected


def test_a_change_to_the_policy_or_the_roster_is_worked_out_again(closed):
    before = history(session(closed))
    store = session(closed)
    with store.transaction() as tx:
        tx.save_policy(store.policy().copy(observation_quota=store.policy().observation_quota + 5))
    after = history(session(closed))
    assert after == whole(session(closed))
    assert [f.quota for f in after[0].values()] != [f.quota for f in before[0].values()]

    store = session(closed)
    teacher = next(x for x in store.all(Teacher) if x.id in after[0] and x.active)
    with store.transaction() as tx:
        tx.update(teacher.copy(roles=["新教师"], joined=""))
    store.policy()
    changed = history(session(closed))
    assert changed == whole(session(closed))


def test_an_archive_written_again_is_worked_out_again(closed):
    before = history(session(closed))
    path = archive_path(closed, PREVIOUS)
    data = jsonio.loads(path.read_bytes())
    observations = data["tables"]["observations"]
    gone = next(iter(observations))
    observer = observations.pop(gone)["observer_id"]
    atomic_write(path, jsonio.dumps(data))
    after = history(session(closed))
    assert after == whole(session(closed))
    assert after[0][observer].given == before[0][observer].given - 1


def test_an_unreadable_kept_file_is_worked_out_again(closed):
    figures = history(session(closed))
    figures_path(closed, PREVIOUS).write_bytes(b"{not json")
    assert history(session(closed)) == figures
    kept = jsonio.loads(figures_path(closed, PREVIOUS).read_bytes())
    assert kept["term_id"] == PREVIOUS  # written again


def test_the_history_works_out_a_closed_term_in_another_process(closed, monkeypatch):
    from models.dashboard import term_over_term_teacher

    store = session(closed)
    expected = whole(store)[0]
    no_build_of_the_closed_term(monkeypatch)  # not in this process
    monkeypatch.setattr(archive, "_read_archive", lambda path: pytest.fail(f"{path} was parsed here"))
    terms = store.all(Term)
    teacher_id = next(iter(expected))
    rows = dict((term.term_id, f) for term, f in term_over_term_teacher(store, teacher_id, terms, TODAY))
    assert figures_path(closed, PREVIOUS).exists()
    assert rows[PREVIOUS] == expected[teacher_id]


def test_when_no_other_process_can_work_it_out_this_one_does(closed, monkeypatch):
    from models import dashboard_history
    from models.dashboard import term_over_term_teacher

    monkeypatch.setattr(dashboard_history, "work_out_elsewhere", lambda *args: False)
    store = session(closed)
    expected = whole(store)[0]
    teacher_id = next(iter(expected))
    rows = dict((term.term_id, f) for term, f in term_over_term_teacher(store, teacher_id, store.all(Term), TODAY))
    assert rows[PREVIOUS] == expected[teacher_id]
