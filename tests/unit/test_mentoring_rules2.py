"""Round 2 of the 师徒 rules: permissions asked of models.permissions, archived terms read
from their archive file, short term labels, and a demo where only one pair lags."""

from __future__ import annotations

import datetime as dt

import pytest

from models.store.archive import close_term
from models.mentoring import (
    can_grade, can_write_summary, check_meeting, progress_for_store, save_meeting, set_evaluation,
    short_term_label,
)
from models.exports.pairing_report import pairing_record, to_markdown
from models.permissions import PermissionDenied, check_change
from models.records import MentorMeeting, Observation, Pairing, Teacher, Term
from models.store.storage import Store, ValidationFailed
from tui.cli import main

TODAY = dt.date(2025, 11, 5)
PREVIOUS = "2024-2025-2"


def named(store, name) -> Teacher:
    return next(t for t in store.all(Teacher) if t.name == name)


def pair_of(store, mentee) -> Pairing:
    return next(p for p in store.all(Pairing) if p.mentee_id == named(store, mentee).id)


def term(store, term_id) -> Term:
    return next(t for t in store.all(Term) if t.term_id == term_id)


def test_short_term_labels():
    assert short_term_label("2025-2026-1") == "25-26上"
    assert short_term_label("2024-2025-2") == "24-25下"
    assert short_term_label("not a term") == "not a term"


def test_summary_is_the_mentors_and_the_grade_the_admins(demo_store):
    pairing = pair_of(demo_store, "余梦瑶")
    admin, mentor, mentee = named(demo_store, "郑娟"), named(demo_store, "张敏"), named(demo_store, "余梦瑶")
    assert can_write_summary(demo_store, mentor, pairing) and not can_write_summary(demo_store, admin, pairing)
    assert not can_write_summary(demo_store, mentee, pairing) and not can_write_summary(demo_store, None, pairing)
    assert can_grade(demo_store, admin, pairing) and not can_grade(demo_store, mentor, pairing)
    # The logins work as well as the records.
    assert can_write_summary(demo_store, "zhangmin", pairing) and can_grade(demo_store, "tester", pairing)
    with pytest.raises(ValidationFailed):
        set_evaluation(demo_store, pairing, "2025-2026-1", admin, summary="教导处代写")
    assert "教导处代写" not in str(Store(demo_store.path).get(Pairing, pairing.id).evaluations)


def test_the_guard_agrees_with_the_screens(demo_db):
    mentor = Store(demo_db, actor="zhangmin", guard=check_change)
    pairing = pair_of(mentor, "刘欣怡")
    saved = set_evaluation(mentor, pairing, "2025-2026-1", named(mentor, "张敏"), summary="能独立备课")
    assert saved.evaluations["2025-2026-1"]["summary"] == "能独立备课"
    with mentor.transaction() as tx:  # the pair may change the goals
        tx.update(saved.copy(goals="新的目标"))
    with pytest.raises(PermissionDenied):  # … but not the subject
        with mentor.transaction() as tx:
            tx.update(mentor.get(Pairing, pairing.id).copy(subject="数学"))
    outsider = Store(demo_db, actor="chensiyuan", guard=check_change)
    with pytest.raises(PermissionDenied):
        save_meeting(outsider, MentorMeeting(pairing_id=pairing.id, date="2025-11-03", kind="说课", content="x"),
                     TODAY)


@pytest.fixture
def archived(demo_db):
    """The demo with last term closed: its meetings and observations are in the archive file."""
    store = Store(demo_db, actor="tester", guard=check_change)
    moved = close_term(store, PREVIOUS, today=TODAY)
    assert moved[MentorMeeting.TABLE] > 0
    assert not [m for m in store.all(MentorMeeting) if m.term_id == PREVIOUS]
    return store


def test_progress_of_an_archived_term_reads_its_archive(archived):
    pairing = pair_of(archived, "余梦瑶")
    progress = progress_for_store(archived, pairing, term(archived, PREVIOUS), TODAY)
    assert progress.meetings_held == progress.meetings_expected == 19
    assert progress.mentor_observed == 1 and progress.mentee_observed == 1


def test_record_and_cli_report_of_an_archived_term(archived, capsys, monkeypatch):
    # The grade is shown to the admin (郑娟) running the command, not to a stranger.
    monkeypatch.setattr("models.identity.os_login", lambda: "tester")
    pairing = pair_of(archived, "余梦瑶")
    record = pairing_record(archived, pairing, term(archived, PREVIOUS), named(archived, "郑娟"), TODAY)
    assert len(record.meetings) == 19 and len(record.observations) == 2
    assert ("考核等级", "合格") in record.evaluation
    assert "## 互相听课" in to_markdown(record)
    assert main(["--db", str(archived.path), "report", "pairing", str(pairing.id), "--term", PREVIOUS]) == 0
    out = capsys.readouterr().out
    assert "2024—2025学年第二学期" in out and out.count("2025-0") >= 19 and "合格" in out


def test_no_meeting_can_be_added_to_an_archived_term(archived):
    pairing = pair_of(archived, "余梦瑶")
    problems = check_meeting(MentorMeeting(pairing_id=pairing.id, date="2025-06-03", kind="说课", content="补记"),
                             pairing, archived.all(Term), TODAY)
    assert any("已归档" in p.message for p in problems)


def test_the_demo_has_exactly_one_pair_behind_and_it_is_zhou_haifeng(demo_store):
    current = term(demo_store, "2025-2026-1")
    behind = [p for p in demo_store.all(Pairing) if progress_for_store(demo_store, p, current, TODAY).behind]
    assert [named_id(demo_store, p.mentee_id) for p in behind] == ["周海峰"]
    # The others have met every school week so far; the laggard about one week in three.
    lagging = progress_for_store(demo_store, behind[0], current, TODAY)
    assert lagging.meetings_held == 4 and lagging.shortfall == 5


@pytest.mark.parametrize("today", ["2025-10-09", "2025-12-31", "2026-04-15"])
def test_the_demo_lags_only_where_intended_on_other_days(tmp_path, today):
    from models.demo import build_demo
    from models.terms import current_term

    day = dt.date.fromisoformat(today)
    store = build_demo(tmp_path / "s.json", "tester", day)
    now = current_term(store.all(Term), day)
    behind = [p for p in store.all(Pairing) if (g := progress_for_store(store, p, now, day)) and g.behind]
    assert [named_id(store, p.mentee_id) for p in behind] == ["周海峰"]


def named_id(store, teacher_id) -> str:
    return store.get(Teacher, teacher_id).name


def test_observations_between_the_pair_survive_archiving(archived):
    pairing = pair_of(archived, "余梦瑶")
    assert not [o for o in archived.all(Observation) if o.term_id == PREVIOUS]
    from models.store.archive import view_for

    view = view_for(archived, term(archived, PREVIOUS))
    assert [o for o in view.all(Observation) if {o.observer_id, o.teacher_id} == {pairing.mentor_id,
                                                                                      pairing.mentee_id}]
