"""The teacher's outcomes (教研成果) this term and how each of their points was earned."""

from __future__ import annotations

from rich.text import Text

from models.i18n import t
from models.points import teacher_points
from models.records import Outcome
from models.store.archive import view_for

ORDER = 50


def section(app, teacher, term) -> Text | None:
    if term is None:
        return None
    source = view_for(app.store, term)
    mine = sorted((o for o in source.all(Outcome) if o.teacher_id == teacher.id and o.term_id == term.term_id),
                  key=lambda o: (o.date, o.id))
    points = teacher_points(source, term, teacher.id)
    text = Text()
    text.append(t("dashboard.section.title", count=len(mine), points=f"{points.total:g}") + "\n", style="bold")
    if not mine:
        text.append("  " + t("dashboard.section.none") + "\n", style="dim")
    for o in mine:
        text.append(f"  {o.date}  {o.kind}  ")
        text.append(o.title)
        detail = " ".join(x for x in (o.level, o.award) if x)
        text.append(f"  {detail}\n", style="dim")
    if points.lines:
        text.append(t("points.how") + "  ", style="bold")
        text.append(t("points.heading", total=f"{points.total:g}", earned=f"{points.earned:g}",
                      deducted=f"{points.deducted:g}") + "\n", style="dim")
        for line in points.lines:
            text.append(f"  {line.points:+g}  ", style="green" if line.points >= 0 else "red")
            text.append(line.label)
            text.append(f"  {line.detail}  {line.date}\n", style="dim")
    return text
