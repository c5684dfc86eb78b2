"""Who may read and change what. Every screen, export and report asks here;
none decides on its own.

Reading: the comments of an observation (:func:`can_read_comments`).
Changing: :func:`check_change` is the store's guard (``Store.guard``); it runs
inside every transaction for every insert, update and delete, so a rule holds
for the app, the command line and any script alike. Screens ask :func:`can`
to show only the keys the user may use; the store refuses the rest anyway.

The rules (issue 8):

* 教导处 (``Teacher.is_admin``): everything — roster, groups, terms, policy, archiving.
* A group leader: the activities of their groups (and of the groups under them),
  with attendance, minutes, speakers; and their groups' research theme.
* A 课题's host: the project's record (facts, members, dates, stages) — not its host, not deleting it.
* Every teacher: the observations they made (as observer), their own outcomes,
  the meetings of pairings they are in, the goals of those pairings, and their
  own profile (not their admin flag, roles, login or active flag).
* Nobody edits another person's evaluation: in ``Pairing.evaluations`` the
  mentor writes the ``summary``, the admin the ``grade`` and ``comment`` —
  not even the admin rewrites a mentor's summary.
* The school always keeps one active admin.
* Someone not on the roster changes nothing, except on a file that has no
  admin yet (``jiaoyan init`` and the demo builder make the first one).
"""

from __future__ import annotations

from collections.abc import Iterable

from models import competitions, documents, prep
from models.i18n import t
from models.activities import attendees_of
from models.people import leaders_of, teacher_by_login  # teacher_by_login: imported from here too
from models.records import (Activity, Document, DocumentKind, Group, HandIn, MentorMeeting, Observation, Outcome,
                            Pairing, PrepPlan, Project, Reading, Record, Teacher, Training)
from models.errors import PermissionDenied

ACTIONS = ("insert", "update", "delete")
# What a teacher may change in their own profile; the rest is the admin's.
# `joined` is not here: it sets the observation quota of a teacher who joined mid-term,
# so a teacher who could set it could cut her own quota (issue 12). The admin sets it.
SELF_EDITABLE_TEACHER_FIELDS = frozenset({"name", "gender", "subjects", "grades", "note"})
GROUP_LEADER_FIELDS = frozenset({"themes"})  # a leader sets the theme; the admin shapes the group
PAIRING_PARTNER_FIELDS = frozenset({"goals"})
# A 课题's host (主持人) keeps the project's record: its facts as approved (number, title, level),
# its members and dates, its stages and their documents. Handing the project to another host
# and deleting it are the office's; members only read it.
PROJECT_HOST_FIELDS = frozenset({"number", "title", "level", "member_ids", "start", "planned_end", "stages", "note"})
ACTIVITY_ATTENDEE_FIELDS = frozenset({"leave_requests"})  # an attendee asks for leave; the office answers
MENTOR_EVALUATION_KEYS = frozenset({"summary"})  # everything else in an evaluation is the admin's
_STAMPS = frozenset({"id", "created_by", "created_at", "updated_by", "updated_at", "version"})


# -- reading ------------------------------------------------------------------------


def can_read_comments(store, viewer: Teacher | None, observation: Observation) -> bool:
    """The comments, process notes, scores and rating of an observation are for its observer, the observed
    teacher, that teacher's group leaders and the admin; others see only that it happened."""
    if viewer is None:
        return False
    if viewer.is_admin:
        return True
    if viewer.id in (observation.observer_id, observation.teacher_id):
        return True
    return viewer.id in leaders_of(store.all(Group), observation.teacher_id)


def can_read_evaluation(store, viewer: Teacher | None, pairing: Pairing) -> bool:
    """The office's grade and comment on a pairing are for the mentor, the mentee, the
    mentee's group leaders and the admin, like an observation's comments."""
    if viewer is None:
        return False
    if viewer.is_admin or viewer.id in (pairing.mentor_id, pairing.mentee_id):
        return True
    return viewer.id in leaders_of(store.all(Group), pairing.mentee_id)


def redacted(observation: Observation) -> Observation:
    """The observation as someone without the right to its comments sees it: the
    教学过程 notes and the rubric's scores are the observer's judgement too."""
    return observation.copy(strengths="", shortcomings="", suggestions="", rating="", process="", scores={},
                            rubric={})


def readable(store, viewer: Teacher | None, observation: Observation) -> Observation:
    return observation if can_read_comments(store, viewer, observation) else redacted(observation)


# -- who is who ------------------------------------------------------------------------


def has_admin(store) -> bool:
    return any(x.is_admin and x.active for x in store.all(Teacher))


def _actor(store, actor: Teacher | str | None) -> Teacher | None:
    if isinstance(actor, Teacher):
        return actor
    return teacher_by_login(store, actor or "")


def _name(store, teacher_id: int) -> str:
    teacher = store.get(Teacher, teacher_id) if teacher_id else None
    return teacher.name if teacher else "?"


def _names(store, ids: Iterable[int]) -> str:
    return "、".join(_name(store, i) for i in sorted(set(ids)) if i) or t("access.who.nobody")


def group_and_ancestors(store, group_id: int) -> list[Group]:
    """The group, its parent, its parent's parent …: a 教研组长 manages the 备课组 under them."""
    chain, seen = [], set()
    group = store.get(Group, group_id) if group_id else None
    while group is not None and group.id not in seen:
        seen.add(group.id)
        chain.append(group)
        group = store.get(Group, group.parent_id) if group.parent_id else None
    return chain


def leads_group(store, actor: Teacher, group_id: int) -> bool:
    """True when the actor leads the group or a group above it (and it is active)."""
    return any(g.active and g.leader_id == actor.id for g in group_and_ancestors(store, group_id))


def group_leader_ids(store, group_id: int) -> set[int]:
    return {g.leader_id for g in group_and_ancestors(store, group_id) if g.active and g.leader_id}


def pairing_partners(store, pairing_id: int) -> tuple[int, int]:
    pairing = store.get(Pairing, pairing_id) if pairing_id else None
    return (pairing.mentor_id, pairing.mentee_id) if pairing else (0, 0)


# -- the rules, one per record type ------------------------------------------------------


def _area_rules() -> dict:
    """Tables whose areas keep their own rule beside their records: table → (check, full
    rights, refusal exception). Documents (issue 17): nobody edits another's document,
    the author submits, the reviewer returns or approves; the kinds, hand-ins and
    required reading are the office's. 集体备课: the group's leader sets the schedule,
    members add their own comments."""
    rules = {}
    for cls in (Document, DocumentKind, HandIn, Reading):
        rules[cls.TABLE] = (documents.check_document_change, documents.has_full_rights,
                            documents.DocumentRefused)
    rules[PrepPlan.TABLE] = (prep.check_prep_change, _prep_full_rights, prep.PrepRefused)
    # 评比 (issue 18): the office opens and publishes; a teacher submits their own outcome
    # before the deadline; only a judge scores, and only their own scores.
    for cls in competitions.RECORD_TYPES:
        rules[cls.TABLE] = (competitions.check_change, competitions.has_full_rights, competitions.CompetitionRefused)
    return rules


def _prep_full_rights(store, actor: Teacher, record: Record) -> bool:
    try:
        prep.check_prep_change(store, actor, "insert", None, record)
    except prep.PrepRefused:
        return False
    return True


_AREA_RULES = _area_rules()


def has_full_rights(store, actor: Teacher, record: Record) -> bool:
    """May the actor create, delete, and change every field of this record (the
    evaluation rule aside)?"""
    if record.TABLE in _AREA_RULES:  # documents: not even the admin writes another's
        return _AREA_RULES[record.TABLE][1](store, actor, record)
    if actor.is_admin:
        return True
    if isinstance(record, Observation):
        return record.observer_id == actor.id
    if isinstance(record, (Outcome, Training)):
        return record.teacher_id == actor.id
    if isinstance(record, MentorMeeting):
        return actor.id in pairing_partners(store, record.pairing_id)
    if isinstance(record, Activity):
        return bool(record.group_id) and leads_group(store, actor, record.group_id)
    return False  # terms, policy, teachers, groups, pairings, anything new: the admin's


def editable_fields(store, actor: Teacher, record: Record) -> frozenset[str]:
    """The fields of an existing record the actor may change without full rights."""
    if isinstance(record, Teacher) and record.id == actor.id:
        return SELF_EDITABLE_TEACHER_FIELDS
    if isinstance(record, Group) and leads_group(store, actor, record.id):
        return GROUP_LEADER_FIELDS
    if isinstance(record, Pairing) and actor.id in (record.mentor_id, record.mentee_id):
        return PAIRING_PARTNER_FIELDS
    if isinstance(record, Project) and record.host_id == actor.id:
        return PROJECT_HOST_FIELDS
    if isinstance(record, Activity) and actor.id in attendees_of(record):
        return ACTIVITY_ATTENDEE_FIELDS  # their own leave request only (_check_leave_requests)
    return frozenset()


def _check_leave_requests(store, actor: Teacher, before: Record | None, after: Record | None) -> None:
    """Leave asked for beforehand (issue 16): a teacher asks for (or withdraws) their own
    leave; only the office (the admin) answers it — not even the group's leader."""
    if not isinstance(before, Activity) or not isinstance(after, Activity) or actor.is_admin:
        return
    old, new = before.leave_requests, after.leave_requests
    for key in set(old) | set(new):
        if old.get(key) == new.get(key):
            continue
        if key != str(actor.id) or new.get(key) not in (None, "pending") or old.get(key) not in (None, "pending"):
            raise PermissionDenied(t("access.who.leave_answer"))


def who_may(store, record: Record, action: str = "update") -> str:
    """The sentence that says who may make this kind of change."""
    if isinstance(record, Observation):
        if action == "insert":
            return t("access.who.observation_insert", observer=_name(store, record.observer_id))
        return t("access.who.observation", observer=_name(store, record.observer_id))
    if isinstance(record, Outcome):
        return t("access.who.outcome", teacher=_name(store, record.teacher_id))
    if isinstance(record, Training):
        return t("research.who.training", teacher=_name(store, record.teacher_id))
    if isinstance(record, Project):
        if action == "delete":
            return t("research.who.project_delete", host=_name(store, record.host_id))
        if action == "insert":
            return t("research.who.project_insert")
        return t("research.who.project", host=_name(store, record.host_id))
    if isinstance(record, MentorMeeting):
        mentor, mentee = pairing_partners(store, record.pairing_id)
        return t("access.who.meeting", mentor=_name(store, mentor), mentee=_name(store, mentee))
    if isinstance(record, Activity):
        if not record.group_id:
            return t("access.who.school_activity")
        group = store.get(Group, record.group_id)
        return t("access.who.activity", group=group.name if group else "?",
                 leaders=_names(store, group_leader_ids(store, record.group_id)))
    if isinstance(record, Teacher):
        return t("access.who.teacher")
    if isinstance(record, Group):
        return t("access.who.group", leaders=_names(store, group_leader_ids(store, record.id)))
    if isinstance(record, Pairing):
        return t("access.who.pairing")
    return t("access.who.admin", what=t(f"access.what.{record.TABLE}") if record.TABLE else "")


def changed_fields(before: Record, after: Record) -> set[str]:
    """Fields whose value differs, leaving out the stamps the store sets itself."""
    old, new = before.to_dict(), after.to_dict()
    return {k for k in set(old) | set(new) if k not in _STAMPS and old.get(k) != new.get(k)}


def evaluation_changes(before: Pairing | None, after: Pairing | None) -> set[tuple[str, str]]:
    """(term id, key) of every evaluation entry that was added, changed or removed."""
    old = before.evaluations if before else {}
    new = after.evaluations if after else {}
    changes = set()
    for term_id in set(old) | set(new):
        first, second = old.get(term_id, {}) or {}, new.get(term_id, {}) or {}
        for key in set(first) | set(second):
            if (first.get(key) or "") != (second.get(key) or ""):
                changes.add((term_id, key))
    return changes


def _check_evaluations(store, actor: Teacher, before: Pairing | None, after: Pairing | None) -> None:
    """Nobody edits another person's evaluation, the admin included."""
    pairing = after or before
    for _term_id, key in sorted(evaluation_changes(before, after)):
        if key in MENTOR_EVALUATION_KEYS:
            mentors = {p.mentor_id for p in (before, after) if p is not None}
            if mentors != {actor.id}:
                raise PermissionDenied(t("access.who.evaluation_summary",
                                         mentor=_name(store, pairing.mentor_id)))
        elif not actor.is_admin:
            raise PermissionDenied(t("access.who.evaluation_grade"))


def _check_last_admin(store, before: Record | None, after: Record | None) -> None:
    if not isinstance(before, Teacher) or not (before.is_admin and before.active):
        return
    if isinstance(after, Teacher) and after.is_admin and after.active:
        return
    if not any(x.is_admin and x.active and x.id != before.id for x in store.all(Teacher)):
        raise PermissionDenied(t("access.last_admin"))


def check_change(store, actor_login: str, action: str, before: Record | None, after: Record | None) -> None:
    """The store's guard: raise :class:`PermissionDenied` unless ``actor_login`` may make
    this change. ``before`` is None for an insert, ``after`` None for a delete."""
    actor = teacher_by_login(store, actor_login)
    if actor is None:
        if not has_admin(store):
            return  # a new file: `jiaoyan init` is making the first admin
        raise PermissionDenied(t("access.unknown_actor", login=actor_login or "?"))
    record = after if after is not None else before
    if record is None:
        return
    if action == "archive":  # closing a finished term moves its records into the archive file
        if not actor.is_admin:
            raise PermissionDenied(t("access.admin_only_action", what=t("palette.dashboard.close_term"),
                                     login=actor_login))
        return
    if record.TABLE in _AREA_RULES:  # an area with its own workflow rule (documents, 集体备课)
        check, _full_rights, refused = _AREA_RULES[record.TABLE]
        try:
            check(store, actor, action, before, after)
        except refused as error:
            raise PermissionDenied(error.reason) from None
        return
    if action == "insert" or before is None:
        if not has_full_rights(store, actor, after):
            raise PermissionDenied(who_may(store, after, "insert"))
    elif action == "delete" or after is None:
        if not has_full_rights(store, actor, before):
            raise PermissionDenied(who_may(store, before, "delete"))
    else:
        if not (has_full_rights(store, actor, before) and has_full_rights(store, actor, after)):
            changed = changed_fields(before, after)
            if isinstance(record, Pairing):
                changed.discard("evaluations")  # judged field by field below
            if not changed <= editable_fields(store, actor, before):
                if isinstance(before, Project) and before.host_id == actor.id:
                    raise PermissionDenied(t("research.who.project_host"))
                raise PermissionDenied(who_may(store, before, "update"))
    if isinstance(record, Pairing):
        _check_evaluations(store, actor, before if isinstance(before, Pairing) else None,
                           after if isinstance(after, Pairing) else None)
    _check_leave_requests(store, actor, before, after)
    _check_last_admin(store, before, after)
    if isinstance(before, Outcome) and after is None:
        competitions.check_outcome_removal(store, actor, before)


def require_admin(store, actor_login: str, what: str) -> Teacher:
    """The admin on the roster running this, or :class:`PermissionDenied` naming ``what``."""
    actor = teacher_by_login(store, actor_login)
    if actor is None or not actor.is_admin:
        raise PermissionDenied(t("access.admin_only_action", what=what, login=actor_login or "?"))
    return actor


def check_restore(db, source, actor_login: str) -> None:
    """Only an admin restores a backup (it replaces everyone's data, the roster included).
    Admin of the file being replaced; when that file cannot be read any more (the reason
    to restore), admin of the backup being put back."""
    from models.store.storage import DataFileError, Store

    what = t("access.action.restore")
    try:
        store = Store(db, actor=actor_login, guard=None)
    except DataFileError:
        store = None
    if store is not None:
        require_admin(store, actor_login, what)
        return
    try:
        backup = Store(source, actor=actor_login, guard=None)
    except DataFileError:
        raise PermissionDenied(t("access.admin_only_action", what=what, login=actor_login or "?")) from None
    require_admin(backup, actor_login, what)


# -- for screens: show only the keys the user may use ----------------------------------------


def can(store, actor: Teacher | str | None, action: str, record: Record, field: str | None = None) -> bool:
    """May ``actor`` (a Teacher or a login) do ``action`` to ``record``?

    ``action`` is ``insert``, ``update`` or ``delete``; for ``update`` a ``field``
    narrows the question ("may I change the theme?"). ``evaluation.summary`` and
    ``evaluation.grade`` / ``evaluation.comment`` ask about a pairing's evaluation.
    Without a field, ``update`` is True when the actor may change at least something.
    """
    teacher = _actor(store, actor)
    if teacher is None:
        return not has_admin(store)
    if field is not None and field.startswith("evaluation."):
        key = field.split(".", 1)[1]
        if not isinstance(record, Pairing):
            return False
        return record.mentor_id == teacher.id if key in MENTOR_EVALUATION_KEYS else teacher.is_admin
    if action in ("insert", "delete"):
        return has_full_rights(store, teacher, record)
    if has_full_rights(store, teacher, record):
        if isinstance(record, Teacher) and field in ("is_admin", "active") and record.id == teacher.id:
            return any(x.is_admin and x.active and x.id != teacher.id for x in store.all(Teacher))
        return True
    allowed = editable_fields(store, teacher, record)
    if isinstance(record, Activity) and field is None:
        # Asking for one's own leave is not editing the activity: only asked by its field name.
        allowed = allowed - ACTIVITY_ATTENDEE_FIELDS
    if isinstance(record, Pairing) and record.mentor_id == teacher.id:
        allowed = allowed | {"evaluations"}
    return field in allowed if field is not None else bool(allowed)


def refusal(store, actor: Teacher | str | None, action: str, record: Record) -> str:
    """What to tell a user who pressed a key for something they may not do."""
    if _actor(store, actor) is None:
        return t("access.unknown_actor", login=actor if isinstance(actor, str) else "?")
    return who_may(store, record, action)
