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

        def refuse(source, term, today, *args, real=real, **kwargs):
            assert term.term_id != PREVIOUS, "the closed term's figures were worked out again"
            return real(source, term, today, *args, **kwargs)

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


# -- kept at the close, and kept through the edits a school makes that change no figure ------


def test_a_term_closed_has_its_figures_kept_straight_away(demo_db, monkeypatch):
    from models.dashboard_history import close_term_keeping_figures

    store = Store(demo_db, actor="tester")
    with store.transaction() as tx:
        tx.save_policy(store.policy().copy(
            absence_deduction=0.5, requirements=[{"kind": "lesson", "what": "研讨课", "per_term": 1}]))
    moved = close_term_keeping_figures(store, PREVIOUS, today=TODAY)
    assert sum(moved.values()) and figures_path(demo_db, PREVIOUS).exists()
    expected = whole(session(demo_db))
    assert any(f.points for f in expected[0].values()) and any(f.requirements for f in expected[0].values())

    no_build_of_the_closed_term(monkeypatch)  # the first history after the close reads the kept file
    monkeypatch.setattr(archive, "_read_archive", lambda path: pytest.fail(f"{path} was parsed"))
    assert history(session(demo_db)) == expected
    assert history(store) == expected  # the closing session has them in memory too


def test_the_cli_close_keeps_the_figures(demo_db, monkeypatch, capsys):
    import models.identity
    from tui.cli import main

    monkeypatch.setattr(models.identity, "os_login", lambda: "tester")  # the demo's admin runs it

    assert main(["term", "close", PREVIOUS, "--db", str(demo_db)]) == 0
    assert "已归档" in capsys.readouterr().out
    assert figures_path(demo_db, PREVIOUS).exists()
    assert history(session(demo_db)) == whole(session(demo_db))


def test_a_failure_to_keep_the_figures_never_fails_the_close(demo_db):
    from models import dashboard_history

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the figures")

    store = Store(demo_db, actor="tester")
    real, dashboard_history._work_out = dashboard_history._work_out, broken
    try:
        moved = dashboard_history.close_term_keeping_figures(store, PREVIOUS, today=TODAY)
    finally:
        dashboard_history._work_out = real
    assert moved["observations"] > 0
    again = session(demo_db)
    assert term_by_id(again.all(Term), PREVIOUS).status == "archived"
    assert not [o for o in again.all(Observation) if o.term_id == PREVIOUS]
    assert archive_path(demo_db, PREVIOUS).exists() and not figures_path(demo_db, PREVIOUS).exists()
    assert history(again) == whole(session(demo_db))  # worked out when first asked for, as before


def test_edits_that_change_no_figure_keep_the_kept_figures(closed, monkeypatch):
    """A teacher's login, subjects or note, a new teacher who joined after the term, a group's
    weekly slot, the policy's lesson types: a school's everyday edits, none in the figures."""
    from models.records import Group

    history(session(closed))
    store = session(closed)
    previous = term_by_id(store.all(Term), PREVIOUS)
    teacher = next(x for x in store.all(Teacher) if x.active and x.login)
    group = next(g for g in store.all(Group) if g.active and g.kind == "research")
    with store.transaction() as tx:
        tx.update(teacher.copy(login=teacher.login + "2", subjects=["科学"], note="换了手机号 13900000000"))
        tx.insert(Teacher(name="新来的老师", login="xinlai", joined="2025-09-01", roles=["新教师"]))
        tx.update(group.copy(slot_place="三楼会议室", slot_weekday=3,
                             themes=dict(group.themes, **{CURRENT: "新主题"})))
        tx.save_policy(store.policy().copy(lesson_types=[*store.policy().lesson_types, "同课异构"],
                                           minutes_due_days=5))
    assert previous.end < "2025-09-01"
    expected = whole(session(closed))
    no_build_of_the_closed_term(monkeypatch)
    assert history(session(closed)) == expected


def worked_out(monkeypatch) -> list[str]:
    """The terms whose figures this process works out from the archive from now on."""
    from models import dashboard_history

    terms: list[str] = []
    real = dashboard_history._work_out

    def noting(store, view, term, *args):
        terms.append(term.term_id)
        return real(store, view, term, *args)

    monkeypatch.setattr(dashboard_history, "_work_out", noting)
    return terms


def test_edits_that_change_a_figure_are_worked_out_again(closed, monkeypatch):
    """A member leaving a group (its members, their groups), a teacher's new role, another
    quota for a role: worked out again, and equal to the figures of the whole archive."""
    from models.records import Group

    before = history(session(closed))
    again = worked_out(monkeypatch)
    store = session(closed)
    group = next(g for g in store.all(Group) if g.active and g.kind == "research" and len(g.member_ids) > 1)
    member = group.member_ids[0]
    with store.transaction() as tx:
        tx.update(group.copy(member_ids=group.member_ids[1:]))
    after = history(session(closed))
    assert again == [PREVIOUS] and after == whole(session(closed))
    assert group.name in before[0][member].groups and group.name not in after[0][member].groups
    assert after[1][group.id].members == before[1][group.id].members - 1

    store = session(closed)
    by_role = store.policy().observation_quota_by_role
    head = next(x for x in store.all(Teacher) if x.id in after[0] and not set(x.roles) & by_role.keys())
    with store.transaction() as tx:
        tx.update(head.copy(roles=["校长"]))
    promoted = history(session(closed))
    assert again == [PREVIOUS] * 2 and promoted == whole(session(closed))
    assert promoted[0][head.id].quota != after[0][head.id].quota

    store = session(closed)
    with store.transaction() as tx:
        tx.save_policy(store.policy().copy(observation_quota_by_role={**by_role, "校长": 40}))
    assert history(session(closed)) == whole(session(closed)) and again == [PREVIOUS] * 3


def test_a_renamed_group_names_the_kept_figures_anew(closed, monkeypatch):
    """Each teacher's groups (所在组) are named from the groups as they are: a rename changes
    no count, and nothing is worked out again."""
    from models.records import Group

    before = history(session(closed))
    store = session(closed)
    group = next(g for g in store.all(Group) if g.active and g.kind == "research" and g.member_ids)
    with store.transaction() as tx:
        tx.update(group.copy(name=group.name + "（新）"))
    expected = whole(session(closed))
    no_build_of_the_closed_term(monkeypatch)
    after = history(session(closed))
    assert after == expected
    member = group.member_ids[0]
    assert group.name + "（新）" in after[0][member].groups and group.name not in after[0][member].groups
    assert before[0][member].groups != after[0][member].groups


def test_the_figures_read_no_field_the_inputs_digest_leaves_out(closed):
    """Every field of the roster, the groups and the policy the figures read is one the
    inputs digest covers (FIGURE_FIELDS, POLICY_FIELDS); a teacher's name only orders rows."""
    from models.dashboard import people_figures
    from models.dashboard_history import FIGURE_FIELDS, NAMED_WHEN_READ, POLICY_FIELDS
    from models.records import Group, Policy
    from models.store.archive import ArchiveView

    read: dict[type, set] = {Teacher: set(), Group: set(), Policy: set()}
    noting = _noting(read)

    class NotingView(ArchiveView):
        def all(self, cls):
            records = super().all(cls)
            return [noting(r) for r in records] if cls in (Teacher, Group) else records

        def policy(self):
            return noting(super().policy())

    store = session(closed)
    term = term_by_id(store.all(Term), PREVIOUS)
    teachers, _groups = people_figures(NotingView(store, [PREVIOUS]), term, TODAY)
    assert any(f.points for f in teachers) and any(f.requirements for f in teachers)
    assert {"active", "joined", "roles"} <= read[Teacher]  # the noting sees what is read
    assert read[Teacher] - {"id", *NAMED_WHEN_READ[Teacher]} <= set(FIGURE_FIELDS[Teacher])
    assert read[Group] - {"id", *NAMED_WHEN_READ[Group]} <= set(FIGURE_FIELDS[Group])
    assert read[Policy] <= set(POLICY_FIELDS)


def test_a_teacher_added_without_a_day_of_joining_is_added_to_the_kept_figures(closed, monkeypatch):
    """A new teacher with no day of joining is in every term's figures, with nothing done:
    their row is worked out from the roster and the policy, the archives are not read again."""
    from models import dashboard_history

    history(session(closed))
    store = session(closed)
    with store.transaction() as tx:
        added = tx.insert(Teacher(name="没写入职日期", login="meixie", roles=["新教师"]))
    expected = whole(session(closed))
    assert added.id in expected[0]
    monkeypatch.setattr(archive, "_read_archive", lambda path: pytest.fail(f"{path} was parsed"))
    monkeypatch.setattr(dashboard_history, "work_out_elsewhere",
                        lambda *args: pytest.fail("the closed term was worked out again"))
    assert history(session(closed)) == expected
    terms = session(closed).all(Term)
    rows = dict((term.term_id, f) for term, f in dashboard.term_over_term_teacher(
        session(closed), added.id, terms, TODAY))
    assert rows[PREVIOUS] == expected[0][added.id] and rows[PREVIOUS].quota > 0

    store = session(closed)
    with store.transaction() as tx:  # their role changed: their row follows, still without the archive
        tx.update(store.get(Teacher, added.id).copy(roles=["校长"]))
    monkeypatch.undo()
    changed = whole(session(closed))
    monkeypatch.setattr(archive, "_read_archive", lambda path: pytest.fail(f"{path} was parsed"))
    assert history(session(closed)) == changed and changed[0][added.id].quota != expected[0][added.id].quota


def test_a_close_that_finishes_a_half_done_one_leaves_the_figures_to_the_archive(demo_db, monkeypatch):
    """A first close that wrote the archive and failed before the records left: the archive
    may hold more than the second close has in hand (here a record deleted meanwhile), so
    the figures are worked out from the archive when asked for, and equal it."""
    from models.dashboard_history import close_term_keeping_figures

    store = Store(demo_db, actor="tester")
    deleted = next(o for o in store.all(Observation) if o.term_id == PREVIOUS)

    def fail_after_the_archive(*args, **kwargs):
        raise OSError("the disk is full")

    from models.store import storage
    monkeypatch.setattr(storage.Transaction, "update", fail_after_the_archive)
    with pytest.raises(storage.WriteFailed):
        close_term(store, PREVIOUS, today=TODAY)
    monkeypatch.undo()
    assert archive_path(demo_db, PREVIOUS).exists()
    store = session(demo_db)
    with store.transaction() as tx:
        tx.delete(store.get(Observation, deleted.id))
    close_term_keeping_figures(store, PREVIOUS, today=TODAY)
    assert not figures_path(demo_db, PREVIOUS).exists()
    assert history(session(demo_db)) == whole(session(demo_db))


def test_a_teacher_brought_back_with_lessons_in_the_term_is_worked_out_again(closed):
    """A teacher deleted when the figures were kept, back after a restore (here with a day of
    joining after the term, so only their lessons put them in its figures): worked out again."""
    store = session(closed)
    term = term_by_id(store.all(Term), PREVIOUS)
    lessons = [o for o in view_for(store, term).all(Observation) if o.term_id == PREVIOUS]
    teacher = store.get(Teacher, lessons[0].teacher_id)
    data = jsonio.loads(closed.read_bytes())
    kept_doc = data["teachers"].pop(str(teacher.id))
    atomic_write(closed, jsonio.dumps(data))  # the teacher gone (a hand edit of the file)
    without = history(session(closed))
    assert teacher.id not in without[0]
    data["teachers"][str(teacher.id)] = dict(kept_doc, joined="2025-09-01")
    atomic_write(closed, jsonio.dumps(data))  # back, as a restore brings them
    again = history(session(closed))
    assert teacher.id in again[0] and again == whole(session(closed))


# -- the records the figures read, cut from the archive and kept beside it ---------------------


def test_figures_out_of_date_are_worked_out_from_the_records_kept_beside_the_archive(closed, monkeypatch):
    """A quota and a group's members changed: the figures are worked out again, from the cut of
    the archive kept beside it (the few fields the figures read), not from the archive; and they
    equal the figures of the whole archive."""
    from models.records import Group
    from models.store.archive import records_path

    history(session(closed))
    assert records_path(closed, PREVIOUS).exists()
    store = session(closed)
    group = next(g for g in store.all(Group) if g.active and g.kind == "research" and len(g.member_ids) > 1)
    with store.transaction() as tx:
        tx.save_policy(store.policy().copy(observation_quota=store.policy().observation_quota + 5))
        tx.update(group.copy(member_ids=group.member_ids[1:]))
    expected = whole(session(closed))
    again = worked_out(monkeypatch)
    monkeypatch.setattr(archive, "_read_archive", lambda path: pytest.fail(f"{path} was parsed"))
    assert history(session(closed)) == expected and again == [PREVIOUS]
    assert any(f.given for f in expected[0].values()) and any(f.points for f in expected[0].values())


def test_a_cut_of_another_archive_other_fields_or_unreadable_is_not_read(closed, monkeypatch):
    from models.dashboard_history import _RECORDS_CUT
    from models.store.archive import read_records, records_path

    history(session(closed))
    assert read_records(closed, PREVIOUS, _RECORDS_CUT) is not None
    other = {**_RECORDS_CUT, "observations": [*_RECORDS_CUT["observations"], "topic"]}  # another program's
    assert read_records(closed, PREVIOUS, other) is None

    def quota_changed():
        store = session(closed)
        with store.transaction() as tx:
            tx.save_policy(store.policy().copy(observation_quota=store.policy().observation_quota + 1))

    records_path(closed, PREVIOUS).write_bytes(b"{not json")
    quota_changed()
    assert history(session(closed)) == whole(session(closed))  # from the archive, and cut again
    assert read_records(closed, PREVIOUS, _RECORDS_CUT) is not None

    kept = jsonio.loads(records_path(closed, PREVIOUS).read_bytes())
    kept["tables"]["observations"]["not a number"] = {"term_id": PREVIOUS}  # edited by hand: not records
    records_path(closed, PREVIOUS).write_bytes(jsonio.dumps(kept))
    quota_changed()
    assert history(session(closed)) == whole(session(closed))
    assert "not a number" not in jsonio.loads(records_path(closed, PREVIOUS).read_bytes())["tables"]["observations"]

    path = archive_path(closed, PREVIOUS)
    data = jsonio.loads(path.read_bytes())
    observer = data["tables"]["observations"].pop(next(iter(data["tables"]["observations"])))["observer_id"]
    before = history(session(closed))
    atomic_write(path, jsonio.dumps(data))  # the archive written again: its old cut is not of it
    assert read_records(closed, PREVIOUS, _RECORDS_CUT) is None
    after = history(session(closed))
    assert after == whole(session(closed)) and after[0][observer].given == before[0][observer].given - 1


def test_a_close_keeps_the_cut_of_the_records_it_archived(demo_db, monkeypatch):
    """The cut a close keeps from the records in hand is the cut of the archive it wrote."""
    from models.dashboard_history import _RECORDS_CUT, close_term_keeping_figures
    from models.store.archive import read_records

    store = Store(demo_db, actor="tester")
    close_term_keeping_figures(store, PREVIOUS, today=TODAY)
    kept = read_records(demo_db, PREVIOUS, _RECORDS_CUT)
    tables = jsonio.loads(archive_path(demo_db, PREVIOUS).read_bytes())["tables"]
    assert kept == {table: {doc_id: {name: doc[name] for name in names if name in doc}
                            for doc_id, doc in tables.get(table, {}).items()}
                    for table, names in _RECORDS_CUT.items()}
    assert kept["observations"] and kept["activities"]

    store = session(demo_db)
    with store.transaction() as tx:
        tx.save_policy(store.policy().copy(talks_per_term=3, absence_deduction=1.0))
    expected = whole(session(demo_db))
    monkeypatch.setattr(archive, "_read_archive", lambda path: pytest.fail(f"{path} was parsed"))
    assert history(session(demo_db)) == expected


def test_the_figures_read_no_field_of_the_terms_records_the_cut_leaves_out(demo_db):
    """Every field of a term's own records (activities, lessons, outcomes, documents, 评比 and
    their entries) the figures read is one the cut keeps (RECORD_FIELDS): one left out would
    be read as its default."""
    from models.competitions import RECOMMEND_LEVELS
    from models.dashboard import people_figures
    from models.dashboard_history import RECORD_FIELDS
    from models.records import Competition, CompetitionEntry, Document, Outcome
    from models.store.archive import TERM_RECORD_TYPES, ArchiveView

    store = Store(demo_db, actor="tester")
    with store.transaction() as tx:
        tx.save_policy(store.policy().copy(absence_deduction=0.5, requirements=[
            {"kind": "lesson", "what": "研讨课", "per_term": 1}, {"kind": "document", "what": "教学设计", "per_term": 1},
            {"kind": "outcome", "what": "教学反思", "per_term": 1}]))
        outcome = next(o for o in store.all(Outcome) if o.term_id == PREVIOUS)
        author = next(x for x in store.all(Teacher) if x.active)
        tx.insert(Document(term_id=PREVIOUS, kind="教学设计", title="设计", author_id=author.id, state="submitted"))
        competition = tx.insert(Competition(
            term_id=PREVIOUS, name="三优评比", kinds=[outcome.kind], judge_ids=[author.id], deadline="2025-06-01",
            status="published", published="2025-06-20"))
        tx.insert(CompetitionEntry(term_id=PREVIOUS, competition_id=competition.id, outcome_id=outcome.id,
                                   teacher_id=outcome.teacher_id, submitted="2025-05-20", prize="一等奖",
                                   recommended=RECOMMEND_LEVELS[0]))
    close_term(store, PREVIOUS, today=TODAY)

    read: dict[type, set] = {cls: set() for cls in TERM_RECORD_TYPES}
    noting = _noting(read)

    class NotingView(ArchiveView):
        def all(self, cls):
            records = super().all(cls)
            return [noting(r) for r in records] if cls in TERM_RECORD_TYPES else records

    store = session(demo_db)
    term = term_by_id(store.all(Term), PREVIOUS)
    teachers, _groups = people_figures(NotingView(store, [PREVIOUS]), term, TODAY)
    assert any(f.points for f in teachers) and any(f.requirements for f in teachers)
    for cls in (Observation, Outcome, Document, Competition, CompetitionEntry):
        assert read[cls], f"{cls.__name__}: the noting sees what is read"
    for cls, names in read.items():
        assert names - {"id"} <= set(RECORD_FIELDS.get(cls, ())), cls.__name__


def test_the_wait_for_the_workers_ends_when_they_end_or_at_the_timeout():
    import subprocess
    import sys

    from models.dashboard_history import _until_closed

    quick = subprocess.Popen([sys.executable, "-c", "pass"], stdout=subprocess.PIPE)
    slow = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], stdout=subprocess.PIPE)
    try:
        _until_closed([quick.stdout], 60)
        assert quick.wait(timeout=10) == 0
        _until_closed([quick.stdout, slow.stdout], 0.2)  # ends though the slow one is still there
        assert slow.poll() is None
    finally:
        slow.kill()
        slow.wait()
        for process in (quick, slow):
            process.stdout.close()


def _noting(read: dict[type, set]):
    """A function making a copy of a record that notes in ``read[its type]`` each field read."""
    import dataclasses

    noting_types: dict[type, type] = {}

    def noting(record):
        cls = type(record)
        if cls not in noting_types:
            fields, noted = {f.name for f in dataclasses.fields(cls)}, read[cls]

            class Noting(cls):
                def __getattribute__(self, name):
                    if name in fields:
                        noted.add(name)
                    return object.__getattribute__(self, name)

            noting_types[cls] = Noting
        copy = object.__new__(noting_types[cls])
        copy.__dict__.update(record.__dict__)
        return copy

    return noting
