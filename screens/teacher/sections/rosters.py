"""The teacher's groups (and which they lead) and their mentor or mentees."""

from __future__ import annotations

from rich.text import Text

from models.i18n import t
from models.records import Group, Pairing, Teacher
from models.rosters import mentoring_of

ORDER = 10


def section(app, teacher, term) -> Text | None:
    store = app.store
    teachers = {x.id: x for x in store.all(Teacher)}
    text = Text()
    text.append(t("roster.page.groups") + "：", style="bold")
    groups = [g for g in store.all(Group) if teacher.id in g.member_ids or g.leader_id == teacher.id]
    if not groups:
        text.append("—")
    for index, group in enumerate(groups):
        if index:
            text.append("、")
        text.append(group.name)
        if group.leader_id == teacher.id:
            text.append(t("roster.page.leads"), style="bold")
        if not group.active:
            text.append(" " + t("roster.group.archived"), style="dim")
    text.append("\n")
    as_mentor, as_mentee = mentoring_of(store.all(Pairing), teacher.id)

    def names(pairings, other) -> list[tuple[str, bool]]:
        found = []
        for pairing in pairings:
            person = teachers.get(getattr(pairing, other))
            if person is not None:
                found.append((person.name, pairing.status == "active"))
        return found

    for label_key, people in (("roster.page.mentor", names(as_mentee, "mentor_id")),
                              ("roster.page.mentees", names(as_mentor, "mentee_id"))):
        if not people:
            continue
        text.append(t(label_key) + "：", style="bold")
        for index, (name, active) in enumerate(people):
            if index:
                text.append("、")
            text.append(name, style="" if active else "dim")
            if not active:
                text.append(t("roster.page.pairing_ended"), style="dim")
        text.append("\n")
    return text
