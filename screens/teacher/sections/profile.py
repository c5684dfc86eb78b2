"""The teacher's subjects, grades, roles and login."""

from __future__ import annotations

from rich.text import Text

from models.i18n import t

ORDER = 0


def section(app, teacher, term) -> Text | None:
    text = Text()
    text.append(teacher.name, style="bold")
    if not teacher.active:
        text.append("  " + t("teacher_page.inactive"), style="dim")
    text.append("\n")
    rows = [
        (t("roster.subjects"), "、".join(teacher.subjects)),
        (t("roster.grades"), "、".join(teacher.grades)),
        (t("field.roles"), "、".join(teacher.roles)),
        (t("roster.login"), teacher.login),
    ]
    for label, value in rows:
        text.append(f"{label}：", style="bold")
        text.append(value or "—")
        text.append("\n")
    return text
