"""The teacher's research activities this term: as speaker, as host, and attendance."""

from __future__ import annotations

from rich.text import Text

from models.activities import activities_of_teacher
from models.store.archive import view_for
from models.dates import format_period
from models.i18n import t
from models.records import Activity, Group

ORDER = 30


def section(app, teacher, term) -> Text | None:
    if term is None:
        return None
    store = app.store
    policy = store.policy()
    groups = {g.id: g for g in store.all(Group)}
    # An archived term's activities are in its archive file: read them from there.
    source = view_for(store, term)
    mine = sorted(activities_of_teacher((a for a in source.all(Activity) if a.term_id == term.term_id), teacher.id),
                  key=lambda a: (a.date, a.period))
    text = Text(t("calendar.section.title") + "\n", style="bold")
    if not mine:
        text.append(t("calendar.section.none") + "\n", style="dim")
        return text
    marks = {"present": 0, "leave": 0, "absent": 0}
    for activity in mine:
        mark = activity.attendance.get(str(teacher.id))
        if mark in marks:
            marks[mark] += 1
    spoke = [a for a in mine if a.speaker_id == teacher.id and a.status not in ("skipped", "cancelled")]
    hosted = [a for a in mine if a.host_id == teacher.id and a.status not in ("skipped", "cancelled")]
    text.append(t("calendar.section.summary", speaker=len(spoke), host=len(hosted), **marks) + "\n")
    for activity in mine:
        roles = []
        if activity.speaker_id == teacher.id:
            roles.append(t("calendar.field.speaker"))
        if activity.host_id == teacher.id:
            roles.append(t("calendar.field.host"))
        if not roles:
            continue
        group = groups.get(activity.group_id)
        line = Text(f"  {activity.date} {format_period(activity.period, policy)} ")
        line.append(group.name if group else (activity.event or t("calendar.school_wide")))
        line.append(f" {activity.topic} ")
        line.append("（" + "、".join(roles) + "）", style="cyan")
        line.append(" " + t(f"status.{activity.status}"), style="dim")
        text.append_text(line)
        text.append("\n")
    return text
