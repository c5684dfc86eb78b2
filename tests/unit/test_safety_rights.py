"""Issue 12: who may do what holds everywhere — restore, backups, joined, pairing grades,
imports side by side, the clock."""

from __future__ import annotations

import datetime as dt

import pytest

from models.permissions import PermissionDenied, check_change
from models.records import Group, Pairing, Teacher, Term
from models.store.storage import Store, ValidationFailed
from tui.cli import main

ADMIN = "tester"
TODAY = dt.date(2025, 11, 5)


def by_login(store, login) -> Teacher:
    return next(x for x in store.all(Teacher) if x.login == login)


def ordinary(store) -> Teacher:
    """A teacher who is no admin, leads no group and is in no pairing."""
    groups, pairings = store.all(Group), store.all(Pairing)
    busy = {g.leader_id for g in groups} | {p.mentor_id for p in pairings} | {p.mentee_id for p in pairings}
    return next(x for x in store.all(Teacher) if not x.is_admin and x.id not in busy and x.login)


@pytest.fixture
def as_login(monkeypatch):
    def switch(login):
        monkeypatch.setattr("tui.commands.core.command_login", lambda: login)
    return switch


def test_a_teacher_cannot_restore_a_backup(demo_store, as_login, capsys):
    teacher = ordinary(demo_store)
    backup = demo_store.backup("manual")
    with demo_store.transaction() as tx:
        tx.insert(Teacher(name="备份之后"))
    before = demo_store.path.read_bytes()
    as_login(teacher.login)
    assert main(["restore", str(backup), "--db", str(demo_store.path)]) == 1
    assert "管理员" in capsys.readouterr().err
    assert demo_store.path.read_bytes() == before
    as_login(ADMIN)
    assert main(["restore", str(backup), "--db", str(demo_store.path)]) == 0
    assert demo_store.path.read_bytes() != before


def test_a_teacher_cannot_make_manual_backups_that_prune(demo_store, as_login, capsys):
    as_login(ordinary(demo_store).login)
    assert main(["backup", "--db", str(demo_store.path)]) == 1
    assert "管理员" in capsys.readouterr().err


def test_joined_is_the_admins_field(demo_store):
    teacher = ordinary(demo_store)
    mine = Store(demo_store.path, actor=teacher.login, guard=check_change)
    with pytest.raises(PermissionDenied):
        with mine.transaction() as tx:
            tx.update(by_login(mine, teacher.login).copy(joined="2025-11-01"))
    with mine.transaction() as tx:  # the name is still hers to change
        tx.update(by_login(mine, teacher.login).copy(name=teacher.name + "老师"))
    admin = Store(demo_store.path, actor=ADMIN, guard=check_change)
    with admin.transaction() as tx:
        tx.update(by_login(admin, teacher.login).copy(joined="2025-11-01"))


def _graded_pairing(store) -> Pairing:
    pairing = store.all(Pairing)[0]
    with store.transaction() as tx:
        evaluations = dict(pairing.evaluations)
        evaluations["2025-2026-1"] = {**evaluations.get("2025-2026-1", {}), "grade": "待改进",
                                      "comment": "备课不认真"}
        pairing = tx.update(pairing.copy(evaluations=evaluations))
    return pairing


def test_pairing_grades_reach_only_those_who_may_read_them(demo_store):
    from models.exports.pairing_report import export_rows, pairing_record

    pairing = _graded_pairing(demo_store)
    term = next(x for x in demo_store.all(Term) if x.term_id == "2025-2026-1")
    outsider = ordinary(demo_store)
    mentee = demo_store.get(Teacher, pairing.mentee_id)
    seen = {}
    for who, viewer in (("outsider", outsider), ("mentee", mentee), ("nobody", None)):
        rows = export_rows(demo_store, term, TODAY, viewer)
        row = next(r for r in rows[1:] if r[0] == pairing.id)
        record = pairing_record(demo_store, pairing, term, viewer, TODAY)
        seen[who] = ("备课不认真" in row, "待改进" in row, any("备课不认真" in v for _, v in record.evaluation))
    assert seen["mentee"] == (True, True, True)
    assert seen["outsider"] == (False, False, False) and seen["nobody"] == (False, False, False)


def test_export_pairings_hides_the_grade_from_a_teacher_outside_the_pair(demo_store, as_login, capsys):
    pairing = _graded_pairing(demo_store)
    as_login(ordinary(demo_store).login)
    assert main(["export", "pairings", "--term", "2025-2026-1", "--format", "csv", "--db",
                 str(demo_store.path)]) == 0
    out = capsys.readouterr().out
    assert str(pairing.id) in out and "备课不认真" not in out and "待改进" not in out


def test_an_invalid_jiaoyan_today_is_refused_with_a_sentence(demo_db, monkeypatch, capsys):
    monkeypatch.setenv("JIAOYAN_TODAY", "2025-13-45")
    assert main(["dashboard", "--plain", "--db", str(demo_db)]) == 1
    err = capsys.readouterr().err
    assert "JIAOYAN_TODAY" in err and "2025-13-45" in err and "Traceback" not in err


def test_one_login_names_one_teacher_even_inside_one_transaction(demo_store):
    with pytest.raises(ValidationFailed):
        with demo_store.transaction() as tx:
            tx.insert_many([Teacher(name="甲", login="same"), Teacher(name="乙", login="same")])
    with pytest.raises(ValidationFailed):
        with demo_store.transaction() as tx:
            tx.insert(Teacher(name="丙", login=by_login(demo_store, ADMIN).login))
    assert not [x for x in demo_store.all(Teacher) if x.login == "same"]


def test_two_imports_side_by_side_write_each_person_once(demo_db, tmp_path):
    from models.roster_import import apply_preview, preview_file

    roster = tmp_path / "名册.csv"
    roster.write_text("姓名,学科,登录名\n" + "".join(f"新人{n},语文,newbie{n}\n" for n in range(20)), encoding="utf-8")
    first, second = Store(demo_db, actor=ADMIN), Store(demo_db, actor=ADMIN)
    seen_by_first, seen_by_second = preview_file(roster, first), preview_file(roster, second)
    assert len(seen_by_first.to_add) == len(seen_by_second.to_add) == 20
    apply_preview(first, seen_by_first)
    with pytest.raises(ValidationFailed) as info:
        apply_preview(second, seen_by_second)
    assert "重新预览" in str(info.value)
    logins = [x.login for x in Store(demo_db, actor=ADMIN).all(Teacher) if x.login.startswith("newbie")]
    assert sorted(logins) == sorted(f"newbie{n}" for n in range(20))
