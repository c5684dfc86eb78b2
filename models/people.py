"""Finding teachers and groups: the one search every picker and list uses."""

from __future__ import annotations

from collections.abc import Iterable

from models.pinyin import match_score
from models.records import Group, Teacher


def search_teachers(teachers: Iterable[Teacher], query: str, *, groups: Iterable[Group] = (),
                    include_inactive: bool = False) -> list[Teacher]:
    """Teachers matching ``query`` by name, full pinyin or initials (zs → 张三), or by
    subject, grade, role or group name; best matches first, then by name."""
    group_names: dict[int, list[str]] = {}
    for group in groups:
        for member in group.member_ids:
            group_names.setdefault(member, []).append(group.name)
    scored = []
    for teacher in teachers:
        if not teacher.active and not include_inactive:
            continue
        extra = [*teacher.subjects, *teacher.grades, *teacher.roles, *group_names.get(teacher.id, []), teacher.login]
        score = match_score(query, teacher.name, *extra)
        if score:
            scored.append((-score, teacher.id, teacher))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [teacher for _, _, teacher in scored]


def teacher_by_login(store, login: str) -> Teacher | None:
    """The active teacher whose ``login`` this is, or None: the one way a login (the
    session's, a command's, a change's actor) becomes a Teacher."""
    if not login:
        return None
    return next((x for x in store.all(Teacher) if x.login == login and x.active), None)




def leaders_of(groups: Iterable[Group], teacher_id: int) -> set[int]:
    """The leaders of every active group the teacher belongs to."""
    return {g.leader_id for g in groups if g.active and teacher_id in g.member_ids and g.leader_id}
