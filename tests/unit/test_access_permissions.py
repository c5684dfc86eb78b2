"""Every permission rule, from three users' sides: the admin (郑娟, "tester"), a group
leader (曾思远, 数学教研组长) and an ordinary teacher. Changes go through a guarded
Store, so what is checked is what the store really refuses."""

from __future__ import annotations

import pytest

from models.permissions import PermissionDenied, can, check_change
from models.records import (Activity, Group, MentorMeeting, Observation, Outcome, Pairing, Policy, Teacher,
                            Term)
from models.store.storage import Store

ADMIN, LEADER = "tester", "zengsiyuan"


def guarded(path, login):
    return Store(path, actor=login, guard=check_change)


def by_login(store, login):
    return next(x for x in store.all(Teacher) if x.login == login)


@pytest.fixture
def world(demo_db):
    """The demo school plus an ordinary teacher who leads nothing and a pairing he mentors."""
    store = Store(demo_db, actor=ADMIN)
    groups = store.all(Group)
    leaders = {g.leader_id for g in groups}
    math = next(g for g in groups if g.name == "数学教研组")
    ordinary = next(x for x in store.all(Teacher)
                    if not x.is_admin and x.id not in leaders and x.id in math.member_ids and x.login)
    other = next(x for x in store.all(Teacher)
                 if not x.is_admin and x.id not in leaders and x.id not in (ordinary.id,) and x.login)
    with store.transaction() as tx:
        pairing = tx.insert(Pairing(mentor_id=ordinary.id, mentee_id=other.id, from_term="2025-2026-1",
                                    evaluations={"2024-2025-2": {"summary": "old", "grade": "合格", "comment": "ok"}}))
    return {"db": demo_db, "math": math, "ordinary": ordinary.login, "other": other.login, "pairing": pairing}


def attempt(path, login, change):
    """Run ``change(tx, store)`` as ``login``; True if the store accepted it."""
    store = guarded(path, login)
    try:
        with store.transaction() as tx:
            change(tx, store)
    except PermissionDenied:
        return False
    return True


def refusal(path, login, change) -> str:
    store = guarded(path, login)
    with pytest.raises(PermissionDenied) as caught:
        with store.transaction() as tx:
            change(tx, store)
    return str(caught.value)


def term_of(store):
    return store.all(Term)[-1]


# -- terms, policy, groups, roster: the admin's ------------------------------------------------


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, False), ("ordinary", False)])
def test_terms_and_archiving_are_the_admins(world, login, allowed):
    login = world.get(login, login)
    change = lambda tx, s: tx.update(term_of(s).copy(status="archived"))  # noqa: E731
    assert attempt(world["db"], login, change) is allowed
    if not allowed:
        assert "教导处" in refusal(world["db"], login, change)


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, False), ("ordinary", False)])
def test_policy_is_the_admins(world, login, allowed):
    login = world.get(login, login)
    change = lambda tx, s: tx.save_policy(s.policy().copy(school_name="新名字"))  # noqa: E731
    assert attempt(world["db"], login, change) is allowed


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, False), ("ordinary", False)])
def test_adding_a_teacher_is_the_admins(world, login, allowed):
    login = world.get(login, login)
    assert attempt(world["db"], login, lambda tx, s: tx.insert(Teacher(name="新老师", login="xinlaoshi"))) is allowed


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, False), ("ordinary", False)])
def test_groups_membership_and_slots_are_the_admins(world, login, allowed):
    login = world.get(login, login)
    math_id = world["math"].id
    change = lambda tx, s: tx.update(s.get(Group, math_id).copy(slot_place="新教室"))  # noqa: E731
    assert attempt(world["db"], login, change) is allowed
    if not allowed:
        message = refusal(world["db"], login, change)
        assert "教导处" in message and "曾思远" in message  # says who may


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, True), ("ordinary", False)])
def test_a_leader_sets_their_groups_theme(world, login, allowed):
    login = world.get(login, login)
    math_id = world["math"].id
    change = lambda tx, s: tx.update(s.get(Group, math_id).copy(themes={"2025-2026-1": "说理课堂"}))  # noqa: E731
    assert attempt(world["db"], login, change) is allowed


def test_a_leader_cannot_set_another_groups_theme(world):
    store = Store(world["db"])
    chinese = next(g for g in store.all(Group) if g.name == "语文教研组")
    change = lambda tx, s: tx.update(s.get(Group, chinese.id).copy(themes={"2025-2026-1": "x"}))  # noqa: E731
    assert not attempt(world["db"], LEADER, change)


def test_a_research_leader_manages_the_prep_groups_under_them(world):
    store = Store(world["db"])
    prep = next(g for g in store.all(Group) if g.parent_id == world["math"].id)
    change = lambda tx, s: tx.update(s.get(Group, prep.id).copy(themes={"2025-2026-1": "x"}))  # noqa: E731
    assert attempt(world["db"], LEADER, change)


# -- activities ------------------------------------------------------------------------------------


def _math_activity(store, world):
    return next(a for a in store.all(Activity) if a.group_id == world["math"].id)


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, True), ("ordinary", False)])
def test_group_activities_attendance_minutes_and_speaker(world, login, allowed):
    login = world.get(login, login)
    store = Store(world["db"])
    activity = _math_activity(store, world)
    member = world["math"].member_ids[-1]

    def change(tx, s):
        current = s.get(Activity, activity.id)
        tx.update(current.copy(minutes="记录", speaker_id=member, attendance={str(member): "leave"}))
    assert attempt(world["db"], login, change) is allowed
    new = Activity(term_id=term_of(store).term_id, group_id=world["math"].id, date="2025-11-20")
    assert attempt(world["db"], login, lambda tx, s: tx.insert(new)) is allowed
    if not allowed:
        assert "曾思远" in refusal(world["db"], login, lambda tx, s: tx.insert(new))


def test_a_leader_cannot_touch_another_groups_activity_or_move_one_away(world):
    store = Store(world["db"])
    chinese = next(g for g in store.all(Group) if g.name == "语文教研组")
    theirs = next(a for a in store.all(Activity) if a.group_id == chinese.id)
    assert not attempt(world["db"], LEADER, lambda tx, s: tx.update(s.get(Activity, theirs.id).copy(minutes="x")))
    mine = _math_activity(store, world)
    assert not attempt(world["db"], LEADER,
                       lambda tx, s: tx.update(s.get(Activity, mine.id).copy(group_id=chinese.id)))


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, False), ("ordinary", False)])
def test_school_wide_events_are_the_admins(world, login, allowed):
    login = world.get(login, login)
    new = Activity(term_id="2025-2026-1", group_id=0, date="2025-11-21", kind="专家讲座")
    assert attempt(world["db"], login, lambda tx, s: tx.insert(new)) is allowed


# -- observations, outcomes, meetings ------------------------------------------------------


@pytest.mark.parametrize("login", [ADMIN, LEADER, "ordinary"])
def test_everyone_logs_and_edits_their_own_observations(world, login):
    login = world.get(login, login)
    store = Store(world["db"])
    me = by_login(store, login)
    observed = by_login(store, world["other"]) if login != world["other"] else by_login(store, ADMIN)
    record = Observation(term_id="2025-2026-1", date="2025-11-05", observer_id=me.id, teacher_id=observed.id,
                         topic="认识钟表")
    box = {}
    assert attempt(world["db"], login, lambda tx, s: box.setdefault("obs", tx.insert(record)))
    assert attempt(world["db"], login, lambda tx, s: tx.update(s.get(Observation, box["obs"].id).copy(rating="优")))
    assert attempt(world["db"], login, lambda tx, s: tx.delete(s.get(Observation, box["obs"].id)))


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, False), ("ordinary", False)])
def test_only_the_observer_or_admin_edits_someone_elses_observation(world, login, allowed):
    login = world.get(login, login)
    store = Store(world["db"])
    me = by_login(store, login)
    theirs = next(o for o in store.all(Observation) if me.id not in (o.observer_id,))
    assert attempt(world["db"], login,
                   lambda tx, s: tx.update(s.get(Observation, theirs.id).copy(strengths="改"))) is allowed
    if not allowed:
        message = refusal(world["db"], login, lambda tx, s: tx.delete(s.get(Observation, theirs.id)))
        assert store.get(Teacher, theirs.observer_id).name in message


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, False), ("ordinary", False)])
def test_logging_an_observation_in_someone_elses_name(world, login, allowed):
    login = world.get(login, login)
    store = Store(world["db"])
    me = by_login(store, login)
    a, b = [x for x in store.all(Teacher) if x.id != me.id][1:3]
    record = Observation(term_id="2025-2026-1", date="2025-11-05", observer_id=a.id, teacher_id=b.id, topic="x")
    assert attempt(world["db"], login, lambda tx, s: tx.insert(record)) is allowed


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, False), ("ordinary", True)])
def test_outcomes_belong_to_their_teacher(world, login, allowed):
    login = world.get(login, login)
    store = Store(world["db"])
    owner = by_login(store, world["ordinary"])
    record = Outcome(teacher_id=owner.id, term_id="2025-2026-1", title="反思", date="2025-11-01")
    assert attempt(world["db"], login, lambda tx, s: tx.insert(record)) is allowed
    own = Outcome(teacher_id=by_login(store, login).id, term_id="2025-2026-1", title="我的", date="2025-11-01")
    assert attempt(world["db"], login, lambda tx, s: tx.insert(own))


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, False), ("ordinary", True), ("other", True)])
def test_meetings_belong_to_the_pair(world, login, allowed):
    login = world.get(login, login)
    meeting = MentorMeeting(pairing_id=world["pairing"].id, term_id="2025-2026-1", date="2025-11-04", content="说课")
    box = {}
    assert attempt(world["db"], login, lambda tx, s: box.setdefault("m", tx.insert(meeting))) is allowed
    if allowed:
        assert attempt(world["db"], login, lambda tx, s: tx.update(s.get(MentorMeeting, box["m"].id).copy(content="改")))


# -- pairings and evaluations ------------------------------------------------------------------


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, False), ("ordinary", False), ("other", False)])
def test_pairings_are_made_and_ended_by_the_admin(world, login, allowed):
    login = world.get(login, login)
    pid = world["pairing"].id
    assert attempt(world["db"], login, lambda tx, s: tx.update(s.get(Pairing, pid).copy(status="ended"))) is allowed


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, False), ("ordinary", True), ("other", True)])
def test_the_pair_may_change_their_goals(world, login, allowed):
    login = world.get(login, login)
    pid = world["pairing"].id
    assert attempt(world["db"], login, lambda tx, s: tx.update(s.get(Pairing, pid).copy(goals="站稳讲台"))) is allowed


def _with_evaluation(s, pid, **values):
    pairing = s.get(Pairing, pid)
    evaluations = {k: dict(v) for k, v in pairing.evaluations.items()}
    evaluations.setdefault("2025-2026-1", {}).update(values)
    return pairing.copy(evaluations=evaluations)


@pytest.mark.parametrize("login,allowed", [(ADMIN, False), (LEADER, False), ("ordinary", True), ("other", False)])
def test_only_the_mentor_writes_the_summary_not_even_the_admin(world, login, allowed):
    login = world.get(login, login)
    pid = world["pairing"].id
    change = lambda tx, s: tx.update(_with_evaluation(s, pid, summary="本学期进步很大"))  # noqa: E731
    assert attempt(world["db"], login, change) is allowed
    if not allowed:
        assert "师傅" in refusal(world["db"], login, change)


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, False), ("ordinary", False), ("other", False)])
def test_only_the_admin_gives_grade_and_comment(world, login, allowed):
    login = world.get(login, login)
    pid = world["pairing"].id
    change = lambda tx, s: tx.update(_with_evaluation(s, pid, grade="优秀", comment="好"))  # noqa: E731
    assert attempt(world["db"], login, change) is allowed


def test_the_admin_may_not_rewrite_an_old_summary_but_may_end_the_pairing(world):
    pid = world["pairing"].id

    def rewrite(tx, s):
        pairing = s.get(Pairing, pid)
        tx.update(pairing.copy(evaluations={"2024-2025-2": {**pairing.evaluations["2024-2025-2"], "summary": "改"}}))
    assert not attempt(world["db"], ADMIN, rewrite)
    assert attempt(world["db"], ADMIN, lambda tx, s: tx.update(s.get(Pairing, pid).copy(status="ended")))


# -- profiles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("login", [ADMIN, LEADER, "ordinary"])
def test_everyone_edits_their_own_profile(world, login):
    login = world.get(login, login)
    change = lambda tx, s: tx.update(by_login(s, login).copy(note="周三下午有课", subjects=["数学"]))  # noqa: E731
    assert attempt(world["db"], login, change)


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, False), ("ordinary", False)])
def test_admin_flag_and_roles_are_the_admins(world, login, allowed):
    login = world.get(login, login)
    assert attempt(world["db"], login, lambda tx, s: tx.update(by_login(s, login).copy(roles=["骨干教师"]))) is allowed
    if login != ADMIN:
        assert not attempt(world["db"], login, lambda tx, s: tx.update(by_login(s, login).copy(is_admin=True)))
        assert not attempt(world["db"], login, lambda tx, s: tx.update(by_login(s, login).copy(login="tester2")))


@pytest.mark.parametrize("login,allowed", [(ADMIN, True), (LEADER, False), ("ordinary", False)])
def test_someone_elses_profile_is_the_admins(world, login, allowed):
    login = world.get(login, login)
    target = world["other"]
    assert attempt(world["db"], login, lambda tx, s: tx.update(by_login(s, target).copy(note="x"))) is allowed


def test_the_last_admin_cannot_be_removed(world):
    assert not attempt(world["db"], ADMIN, lambda tx, s: tx.update(by_login(s, ADMIN).copy(is_admin=False)))

    def promote_then_step_down(tx, s):
        tx.update(by_login(s, LEADER).copy(is_admin=True))
    assert attempt(world["db"], ADMIN, promote_then_step_down)
    assert attempt(world["db"], ADMIN, lambda tx, s: tx.update(by_login(s, ADMIN).copy(is_admin=False)))


# -- strangers and new files ---------------------------------------------------------------


def test_someone_not_on_the_roster_changes_nothing(world):
    message = refusal(world["db"], "stranger", lambda tx, s: tx.save_policy(s.policy().copy(school_name="x")))
    assert "stranger" in message and "名册" in message


def test_a_new_file_lets_its_creator_make_the_first_admin(tmp_path):
    store = Store(tmp_path / "new.json", actor="first", create=True, guard=check_change)
    with store.transaction() as tx:
        tx.save_policy(Policy())
        tx.insert(Teacher(name="第一位", login="first", is_admin=True))
        tx.insert(Term(term_id="2025-2026-1", name="x", start="2025-09-01", end="2026-01-20"))
    stranger = Store(tmp_path / "new.json", actor="someone", guard=check_change)
    with pytest.raises(PermissionDenied):
        with stranger.transaction() as tx:
            tx.insert(Teacher(name="我", login="someone", is_admin=True))


def test_a_refused_change_saves_nothing(world):
    before = (world["db"]).read_bytes()
    store = guarded(world["db"], world["ordinary"])
    with pytest.raises(PermissionDenied):
        with store.transaction() as tx:
            tx.insert(Outcome(teacher_id=by_login(store, world["ordinary"]).id, term_id="2025-2026-1",
                              title="ok", date="2025-11-01"))
            tx.update(term_of(store).copy(name="x"))
    assert world["db"].read_bytes() == before


# -- can(): what screens ask to decide which keys to show ----------------------------------------


def test_can_answers_the_same_as_the_guard_from_three_sides(world):
    store = Store(world["db"])
    math = store.get(Group, world["math"].id)
    pairing = store.get(Pairing, world["pairing"].id)
    activity = _math_activity(store, world)
    ordinary = world["ordinary"]
    assert can(store, ADMIN, "update", math) and can(store, ADMIN, "delete", activity)
    assert can(store, LEADER, "update", math) and can(store, LEADER, "update", math, "themes")
    assert not can(store, LEADER, "update", math, "member_ids") and not can(store, LEADER, "delete", math)
    assert can(store, LEADER, "update", activity) and not can(store, ordinary, "update", activity)
    assert not can(store, ordinary, "update", math)
    assert can(store, ordinary, "update", pairing, "evaluation.summary")
    assert not can(store, ADMIN, "update", pairing, "evaluation.summary")
    assert can(store, ADMIN, "update", pairing, "evaluation.grade")
    assert not can(store, ordinary, "update", pairing, "evaluation.grade")
    me = by_login(store, ordinary)
    assert can(store, me, "update", me, "note") and not can(store, me, "update", me, "is_admin")
    assert not can(store, "stranger", "insert", Outcome())
