"""The roster's rules beyond one record: unique logins, the school's subject and grade
lists, the 教导处 → 教研组 → 备课组 tree, themes per term, and when a group may go."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from models.i18n import t
from models.records import Activity, Group, Pairing, Policy, Problem, Record, Teacher

KIND_ORDER = {"office": 0, "research": 1, "prep": 2}
_STAMPS = frozenset({"id", "created_by", "created_at", "updated_by", "updated_at", "version"})
SLOT_FIELDS = ("slot_weekday", "slot_period", "slot_place")


def teacher_problems(teacher: Teacher, teachers: Iterable[Teacher], policy: Policy) -> list[Problem]:
    """Everything wrong with ``teacher`` among the school's ``teachers``."""
    problems = list(teacher.validate())
    if teacher.login:
        owner = next((x for x in teachers if x.login == teacher.login and x.id != teacher.id), None)
        if owner is not None:
            problems.append(Problem("login", t("roster.error.login_taken", value=teacher.login, name=owner.name)))
    for subject in teacher.subjects:
        if subject not in policy.subjects:
            problems.append(Problem("subjects", t("roster.error.unknown_subject", value=subject,
                                                  choices="、".join(policy.subjects))))
    for grade in teacher.grades:
        if grade not in policy.grades:
            problems.append(Problem("grades", t("roster.error.unknown_grade", value=grade,
                                                choices="、".join(policy.grades))))
    return problems


def namesake_warning(teacher: Teacher, teachers: Iterable[Teacher]) -> str:
    """A warning (not an error) when another teacher has the same name; empty if none."""
    others = [x for x in teachers if x.name == teacher.name.strip() and x.id != teacher.id]
    if not others:
        return ""
    return t("roster.warning.namesake", name=teacher.name.strip(), labels="、".join(x.label for x in others))


def distinct_labels(teachers: Iterable[Teacher]) -> dict[int, str]:
    """Each teacher's name, with subject and grade added only where two share a name,
    and the login too if even that does not tell them apart."""
    teachers = list(teachers)
    counts: dict[str, int] = {}
    for teacher in teachers:
        counts[teacher.name] = counts.get(teacher.name, 0) + 1
    labels = {x.id: (x.label if counts[x.name] > 1 else x.name) for x in teachers}
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label] = seen.get(label, 0) + 1
    return {i: (f"{label}·{next(x.login for x in teachers if x.id == i)}" if seen[label] > 1 else label)
            for i, label in labels.items()}


# -- groups ---------------------------------------------------------------------------


def children_of(groups: Iterable[Group], parent_id: int) -> list[Group]:
    return sorted((g for g in groups if g.parent_id == parent_id),
                  key=lambda g: (KIND_ORDER.get(g.kind, 9), not g.active, g.id))


def group_tree(groups: Iterable[Group]) -> list[tuple[int, Group]]:
    """(depth, group) in display order: each group followed by its children. Groups whose
    parent is missing are shown at the top level so none is ever lost from view."""
    groups = list(groups)
    known = {g.id for g in groups}
    roots = sorted((g for g in groups if not g.parent_id or g.parent_id not in known or g.parent_id == g.id),
                   key=lambda g: (KIND_ORDER.get(g.kind, 9), not g.active, g.id))
    ordered: list[tuple[int, Group]] = []
    visited: set[int] = set()

    def walk(group: Group, depth: int) -> None:
        if group.id in visited:
            return
        visited.add(group.id)
        ordered.append((depth, group))
        for child in children_of(groups, group.id):
            if child.id != group.id:
                walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    for group in groups:  # a cycle the tree could not reach
        if group.id not in visited:
            walk(group, 0)
    return ordered


def descendants(groups: Iterable[Group], group_id: int) -> set[int]:
    groups = list(groups)
    found: set[int] = set()
    frontier = [group_id]
    while frontier:
        current = frontier.pop()
        for child in groups:
            if child.parent_id == current and child.id not in found and child.id != group_id:
                found.add(child.id)
                frontier.append(child.id)
    return found


def group_problems(group: Group, groups: Iterable[Group], teachers: Iterable[Teacher],
                   policy: Policy) -> list[Problem]:
    """Everything wrong with ``group`` within the school's tree."""
    groups = list(groups)
    problems = list(group.validate())
    by_id = {g.id: g for g in groups}
    if group.parent_id:
        parent = by_id.get(group.parent_id)
        if parent is None:
            problems.append(Problem("parent_id", t("roster.error.no_parent")))
        elif group.id and (parent.id == group.id or parent.id in descendants(groups, group.id)):
            problems.append(Problem("parent_id", t("roster.error.parent_cycle", name=parent.name)))
    if group.subject and group.subject not in policy.subjects:
        problems.append(Problem("subject", t("roster.error.unknown_subject", value=group.subject,
                                             choices="、".join(policy.subjects))))
    for grade in group.grades:
        if grade not in policy.grades:
            problems.append(Problem("grades", t("roster.error.unknown_grade", value=grade,
                                                choices="、".join(policy.grades))))
    if group.slot_weekday and not group.slot_period:
        problems.append(Problem("slot_period", t("roster.error.slot_needs_period")))
    if group.slot_period and not 1 <= group.slot_period <= len(policy.periods):
        problems.append(Problem("slot_period", t("roster.error.slot_period", count=len(policy.periods))))
    teacher_ids = {x.id for x in teachers}
    if group.leader_id and group.leader_id not in teacher_ids:
        problems.append(Problem("leader_id", t("roster.error.no_leader")))
    return problems


def with_leader_as_member(group: Group) -> Group:
    """The leader belongs to the group they lead."""
    if group.leader_id and group.leader_id not in group.member_ids:
        return group.copy(member_ids=[group.leader_id, *group.member_ids])
    return group


def set_theme(group: Group, term_id: str, theme: str) -> Group:
    """The group with ``theme`` for ``term_id``; earlier terms' themes stay as they were."""
    themes = dict(group.themes)
    if theme.strip():
        themes[term_id] = theme.strip()
    else:
        themes.pop(term_id, None)
    return group.copy(themes=themes)


def earlier_themes(group: Group, term_id: str) -> list[tuple[str, str]]:
    """(term id, theme) of the terms before ``term_id``, newest first."""
    return sorted(((k, v) for k, v in group.themes.items() if k < term_id), reverse=True)


def activities_of_group(activities: Iterable[Activity], group_id: int) -> list[Activity]:
    return [a for a in activities if a.group_id == group_id]


@dataclass
class DeleteCheck:
    allowed: bool
    reason: str = ""


def can_delete_group(group: Group, groups: Iterable[Group], activities: Iterable[Activity]) -> DeleteCheck:
    """A group with activities (its history) or with groups under it is never deleted:
    it is archived instead (``active=False``)."""
    count = len(activities_of_group(activities, group.id))
    if count:
        return DeleteCheck(False, t("roster.group.delete_refused_activities", name=group.name, count=count))
    children = [g for g in groups if g.parent_id == group.id and g.id != group.id]
    if children:
        return DeleteCheck(False, t("roster.group.delete_refused_children", name=group.name, count=len(children)))
    return DeleteCheck(True)


def mentoring_of(pairings: Iterable[Pairing], teacher_id: int) -> tuple[list[Pairing], list[Pairing]]:
    """(pairings where the teacher is the mentor, pairings where they are the mentee)."""
    pairings = list(pairings)
    return ([p for p in pairings if p.mentor_id == teacher_id],
            [p for p in pairings if p.mentee_id == teacher_id])


def group_names_by_teacher(groups: Iterable[Group]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for group in groups:
        if not group.active:
            continue
        for member in group.member_ids:
            names.setdefault(member, []).append(group.name)
    return names


# -- saving over someone else's change ------------------------------------------------------


def edited_fields(original: Record, edited: Record) -> list[str]:
    """The fields the user changed in a form, stamps left out, in the record's order."""
    before, after = original.to_dict(), edited.to_dict()
    return [k for k in after if k not in _STAMPS and before.get(k) != after.get(k)]


def rebase_edit(original: Record | None, edited: Record, theirs: Record | None) -> Record:
    """The user's edit laid onto the version someone else saved meanwhile: their record
    with only the fields the user changed taken from the form. Keeping "mine" in the
    conflict dialog then overwrites what the user changed, never the other fields that
    the other person changed. With no original or no theirs (deleted), the edit as is."""
    if original is None or theirs is None:
        return edited
    return theirs.copy(**{name: getattr(edited, name) for name in edited_fields(original, edited)})


def slot_changed(before: Group | None, after: Group) -> bool:
    """Did the weekly slot (weekday, period or place) change? A new group has none before."""
    if before is None:
        return False
    return any(getattr(before, name) != getattr(after, name) for name in SLOT_FIELDS)
