"""``jiaoyan check``: is the data file sound? Every problem found, as a readable line."""

from __future__ import annotations

from pathlib import Path

from models.i18n import t
from models.records import (
    Activity, Group, MentorMeeting, Observation, Outcome, Pairing, Teacher, Term,
)
from models.store.storage import SCHEMA_VERSION, Store, parse_file


def check_file(path: Path) -> list[str]:
    """Problems in the data file; raises CorruptDataFile when it does not parse at all."""
    parse_file(path)  # the raw file first: a damaged file must not be opened (or migrated)
    store = Store(path, actor="check")
    problems: list[str] = []
    version = store.meta().get("schema_version")
    if version != SCHEMA_VERSION:
        problems.append(t("check.schema", version=version, ours=SCHEMA_VERSION))
    teachers = {x.id for x in store.all(Teacher)}
    terms = {x.term_id for x in store.all(Term)}
    groups = {x.id for x in store.all(Group)}
    pairings = {x.id for x in store.all(Pairing)}

    def bad_ref(kind: str, record_id: int, field: str, value: object) -> None:
        problems.append(t("check.bad_reference", kind=kind, id=record_id, field=field, value=value))

    for cls in (Term, Teacher, Group, Activity, Observation, Pairing, MentorMeeting, Outcome):
        for record in store.all(cls):
            for problem in record.validate():
                problems.append(t("check.invalid", kind=cls.__name__, id=record.id, problem=problem))
    logins: dict[str, int] = {}
    for teacher in store.all(Teacher):
        if teacher.login and teacher.login in logins:
            problems.append(t("check.duplicate_login", login=teacher.login, first=logins[teacher.login],
                              second=teacher.id))
        logins.setdefault(teacher.login, teacher.id)
    for group in store.all(Group):
        for member in group.member_ids + ([group.leader_id] if group.leader_id else []):
            if member not in teachers:
                bad_ref("Group", group.id, "member_ids", member)
        if group.parent_id and group.parent_id not in groups:
            bad_ref("Group", group.id, "parent_id", group.parent_id)
    for activity in store.all(Activity):
        if activity.term_id not in terms:
            bad_ref("Activity", activity.id, "term_id", activity.term_id)
        if activity.group_id and activity.group_id not in groups:
            bad_ref("Activity", activity.id, "group_id", activity.group_id)
    for observation in store.all(Observation):
        for field in ("observer_id", "teacher_id"):
            if getattr(observation, field) not in teachers:
                bad_ref("Observation", observation.id, field, getattr(observation, field))
        if observation.term_id not in terms:
            bad_ref("Observation", observation.id, "term_id", observation.term_id)
    for pairing in store.all(Pairing):
        for field in ("mentor_id", "mentee_id"):
            if getattr(pairing, field) not in teachers:
                bad_ref("Pairing", pairing.id, field, getattr(pairing, field))
    for meeting in store.all(MentorMeeting):
        if meeting.pairing_id not in pairings:
            bad_ref("MentorMeeting", meeting.id, "pairing_id", meeting.pairing_id)
    for outcome in store.all(Outcome):
        if outcome.teacher_id not in teachers:
            bad_ref("Outcome", outcome.id, "teacher_id", outcome.teacher_id)
    problems += _documents_problems(store, teachers, groups, bad_ref)
    return problems


def _documents_problems(store, teachers: set[int], groups: set[int], bad_ref) -> list[str]:
    """Documents and 集体备课 (models/documents.py, models/prep.py)."""
    from models import documents, prep

    problems: list[str] = []
    for cls in (*documents.RECORD_TYPES, *prep.RECORD_TYPES):
        for record in store.all(cls):
            for problem in record.validate():
                problems.append(t("check.invalid", kind=cls.__name__, id=record.id, problem=problem))
    for document in store.all(documents.Document):
        if document.author_id not in teachers:
            bad_ref("Document", document.id, "author_id", document.author_id)
        if document.group_id and document.group_id not in groups:
            bad_ref("Document", document.id, "group_id", document.group_id)
    for plan in store.all(prep.PrepPlan):
        if plan.group_id not in groups:
            bad_ref("PrepPlan", plan.id, "group_id", plan.group_id)
    return problems
