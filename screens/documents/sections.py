"""The documents shown on a teacher's page and on a group's page (what the viewer may read)."""

from __future__ import annotations

from rich.text import Text

from models import documents as docs
from models.i18n import t
from screens.documents.screen import STATE_STYLES


def _lines(text: Text, store, found: list[docs.Document]) -> None:
    if not found:
        text.append("  " + t("doc.section.none") + "\n", style="dim")
    for document in sorted(found, key=lambda d: (d.kind, d.id)):
        text.append(f"  {document.kind}  ")
        text.append(document.title)
        text.append("  " + t(f"doc.state.{document.state}") + "\n", style=STATE_STYLES.get(document.state, ""))


def teacher_section(app, teacher, term) -> Text | None:
    if term is None:
        return None
    store = app.store
    found = docs.documents_of_teacher(store, app.user, teacher.id, term.term_id)
    text = Text()
    text.append(t("doc.section.title", count=len(found)) + "\n", style="bold")
    _lines(text, store, found)
    return text


def group_section(app, group, term) -> Text | None:
    if term is None or group is None:
        return None
    store = app.store
    found = docs.documents_of_group(store, app.user, group.id, term.term_id)
    text = Text()
    text.append(t("doc.section.title", count=len(found)) + "：", style="bold")
    text.append("\n")
    _lines(text, store, found)
    return text


def prep_lines(store, activities) -> list[str]:
    """``集体备课 识字一（主备人 陈颖）`` for each unit a meeting of the day discusses."""
    from models.prep import units_for_activity
    from models.records import Teacher

    lines = []
    for activity in activities:
        for _plan, unit in units_for_activity(store, activity.id, activity.term_id):
            lead = store.get(Teacher, unit.get("lead_id", 0)) if unit.get("lead_id") else None
            lines.append(t("prep.day_line", unit=unit.get("title", ""), lead=lead.name if lead else "—"))
    return lines
