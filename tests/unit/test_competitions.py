"""评比 (issue 18): who may submit, score, see scores and publish; results feed points."""

from __future__ import annotations

import datetime as dt

import pytest

from models import competitions as comp
from models.errors import PermissionDenied
from models.points import COMPETITION, teacher_points
from models.records import Competition, CompetitionEntry, CompetitionScore, Outcome, Policy, Teacher, Term
from models.session import open_session
from models.store.storage import Store

TERM = "2025-2026-1"
DAY = dt.date(2025, 11, 5)


@pytest.fixture
def school(tmp_path):
    path = tmp_path / "school.json"
    store = Store(path, actor="office", create=True)
    with store.transaction() as tx:
        tx.save_policy(Policy())
        tx.insert(Term(term_id=TERM, name="本学期", start="2025-09-01", end="2026-01-20"))
        office = tx.insert(Teacher(name="教导", login="office", is_admin=True))
        ann = tx.insert(Teacher(name="安", login="ann"))
        bob = tx.insert(Teacher(name="鲍", login="bob"))
        judge = tx.insert(Teacher(name="裁", login="judge"))
        other = tx.insert(Teacher(name="另", login="other"))
        reflection = tx.insert(Outcome(teacher_id=ann.id, term_id=TERM, kind="教学反思", title="识字反思",
                                       date="2025-10-10", text="正文"))
        case = tx.insert(Outcome(teacher_id=bob.id, term_id=TERM, kind="教学案例", title="阅读案例", date="2025-10-11"))
        note = tx.insert(Outcome(teacher_id=ann.id, term_id=TERM, kind="读书笔记", title="笔记", date="2025-10-12"))
        contest = tx.insert(Competition(term_id=TERM, name="三优评比", kinds=["教学反思", "教学案例"],
                                        deadline="2025-11-20", judge_ids=[judge.id, other.id]))
    people = dict(office=office, ann=ann, bob=bob, judge=judge, other=other)
    return path, people, dict(reflection=reflection, case=case, note=note), contest


def session(path, login, today=DAY):
    return open_session(path, login=login, today=today.isoformat())


def test_only_the_office_opens_a_competition(school):
    path, people, outcomes, contest = school
    with pytest.raises(PermissionDenied, match="教导处"):
        with session(path, "ann").store.transaction() as tx:
            tx.insert(Competition(term_id=TERM, name="x", kinds=["教学反思"], deadline="2025-12-01",
                                  judge_ids=[people["judge"].id]))
    problems = Competition(term_id=TERM, name="", kinds=[], deadline="12-01").validate()
    assert {p.field for p in problems} >= {"name", "kinds", "deadline", "judge_ids"}


def test_a_teacher_submits_their_own_outcome_of_an_accepted_kind_before_the_deadline(school):
    path, people, outcomes, contest = school
    ann = session(path, "ann")
    entry = comp.submit(ann.store, people["ann"], contest, outcomes["reflection"], DAY)
    assert entry.teacher_id == people["ann"].id
    with pytest.raises(PermissionDenied, match="已经报送过"):
        comp.submit(ann.store, people["ann"], contest, outcomes["reflection"], DAY)
    with pytest.raises(PermissionDenied, match="不收“读书笔记”"):
        comp.submit(ann.store, people["ann"], contest, outcomes["note"], DAY)
    with pytest.raises(PermissionDenied, match="鲍本人"):  # not someone else's outcome
        comp.submit(ann.store, people["ann"], contest, outcomes["case"], DAY)
    late = session(path, "bob", dt.date(2025, 11, 21))
    with pytest.raises(PermissionDenied, match="截止"):
        comp.submit(late.store, people["bob"], contest, outcomes["case"], dt.date(2025, 11, 21))
    assert [o.title for o in comp.submittable_outcomes(ann.store, people["ann"], contest)] == []
    assert [o.title for o in comp.submittable_outcomes(ann.store, people["bob"], contest)] == ["阅读案例"]


def test_only_judges_score_only_their_own_and_teachers_see_no_scores_before_publication(school):
    path, people, outcomes, contest = school
    entry = comp.submit(session(path, "ann").store, people["ann"], contest, outcomes["reflection"], DAY)
    judge, other = session(path, "judge"), session(path, "other")
    mine = comp.set_score(judge.store, people["judge"], entry, 88, "好")
    comp.set_score(other.store, people["other"], entry, 92)
    comp.set_score(judge.store, people["judge"], entry, 90, "很好")  # changes their own
    for login in ("ann", "office", "other"):  # nobody writes a judge's score, the office included
        with pytest.raises(PermissionDenied, match="评委"):
            with session(path, login).store.transaction() as tx:
                tx.update(session(path, login).store.get(CompetitionScore, mine.id).copy(score=10))
    with pytest.raises(PermissionDenied, match="评委"):
        comp.set_score(session(path, "bob").store, people["bob"], entry, 50)
    store = judge.store
    assert [s.score for s in comp.visible_scores(store, people["judge"], contest)] == [90]
    assert comp.visible_scores(store, people["ann"], contest) == []
    assert sorted(s.score for s in comp.visible_scores(store, people["office"], contest)) == [90, 92]
    with pytest.raises(PermissionDenied, match="教导处"):  # the result is the office's
        comp.set_result(session(path, "ann").store, entry, "一等奖", "区/县级")


def test_published_results_and_recommendations_feed_points_and_close_the_competition(school):
    path, people, outcomes, contest = school
    entry = comp.submit(session(path, "ann").store, people["ann"], contest, outcomes["reflection"], DAY)
    comp.set_score(session(path, "judge").store, people["judge"], entry, 95)
    office = session(path, "office").store
    term = next(x for x in office.all(Term))
    before = teacher_points(office, term, people["ann"].id).total
    entry = comp.set_result(office, office.get(CompetitionEntry, entry.id), "一等奖", "区/县级")
    assert teacher_points(office, term, people["ann"].id).total == before  # not before publication
    comp.publish(office, office.get(Competition, contest.id), DAY)
    lines = teacher_points(office, term, people["ann"].id).of(COMPETITION)
    # a school competition's prize: the 校级 award (2); recommended to 区/县级: what that level adds (1)
    assert [(line.points, line.date) for line in lines] == [(2.0, "2025-11-05"), (1.0, "2025-11-05")]
    assert "一等奖" in lines[0].label and "区/县级" in lines[1].label
    ann = session(path, "ann").store
    assert [s.score for s in comp.visible_scores(ann, people["ann"], office.get(Competition, contest.id))] == [95]
    with pytest.raises(PermissionDenied, match="已发布"):
        comp.set_score(session(path, "judge").store, people["judge"], entry, 10)
    with pytest.raises(PermissionDenied, match="已发布"):
        comp.set_result(office, office.get(CompetitionEntry, entry.id), "", "")


def test_jiaoyan_check_knows_the_competition_records(school):
    from models.store.integrity import check_file

    path, people, outcomes, contest = school
    comp.submit(session(path, "ann").store, people["ann"], contest, outcomes["reflection"], DAY)
    assert check_file(path) == []


def test_a_closed_term_keeps_its_competitions_and_their_points_in_its_archive(school):
    from models.store.archive import close_term, view_for

    path, people, outcomes, contest = school
    entry = comp.submit(session(path, "ann").store, people["ann"], contest, outcomes["reflection"], DAY)
    comp.set_score(session(path, "judge").store, people["judge"], entry, 80)  # the judge's own: archived too
    office = session(path, "office").store
    comp.set_result(office, office.get(CompetitionEntry, entry.id), "二等奖", "")
    comp.publish(office, office.get(Competition, contest.id), DAY)
    later = session(path, "office", dt.date(2026, 2, 1)).store
    moved = close_term(later, TERM)
    assert (moved["competitions"], moved["competition_entries"], moved["competition_scores"]) == (1, 1, 1)
    assert later.all(Competition) == []
    term = next(x for x in later.all(Term))
    lines = teacher_points(view_for(later, term), term, people["ann"].id).of(COMPETITION)
    assert [line.points for line in lines] == [2.0]


def test_an_outcome_in_a_competition_is_not_deleted_under_it(school):
    path, people, outcomes, contest = school
    ann = session(path, "ann").store
    entry = comp.submit(ann, people["ann"], contest, outcomes["reflection"], DAY)
    for store in (ann, session(path, "office").store):
        with pytest.raises(PermissionDenied, match="先撤回"):
            with store.transaction() as tx:
                tx.delete(store.get(Outcome, outcomes["reflection"].id))
    with ann.transaction() as tx:  # withdrawn, it may go
        tx.delete(ann.get(CompetitionEntry, entry.id))
        tx.delete(ann.get(Outcome, outcomes["reflection"].id))


def test_a_judge_s_home_lists_the_entries_still_to_score(school):
    from models.home import build_home

    path, people, outcomes, contest = school
    entry = comp.submit(session(path, "ann").store, people["ann"], contest, outcomes["reflection"], DAY)
    store = session(path, "judge").store
    lines = [line for line in build_home(store, people["judge"], DAY).lines if line.kind == "judge"]
    assert [(line.text, line.jump.place, line.jump.record_id) for line in lines] == [
        ("评比“三优评比”：还有 1 件作品待你评分", "competition", contest.id)]
    comp.set_score(store, people["judge"], entry, 90)
    assert not [line for line in build_home(store, people["judge"], DAY).lines if line.kind == "judge"]
    assert not [line for line in build_home(store, people["ann"], DAY).lines if line.kind == "judge"]


def test_a_scored_entry_is_not_withdrawn(school):
    path, people, outcomes, contest = school
    ann = session(path, "ann").store
    entry = comp.submit(ann, people["ann"], contest, outcomes["reflection"], DAY)
    comp.set_score(session(path, "judge").store, people["judge"], entry, 70)
    with pytest.raises(PermissionDenied, match="不能再撤回"):
        with ann.transaction() as tx:
            tx.delete(ann.get(CompetitionEntry, entry.id))
    from models.store.integrity import check_file

    assert check_file(path) == []
