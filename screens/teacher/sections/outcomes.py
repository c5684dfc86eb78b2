"""The teacher's outcomes (教研成果) this term and the points they bring."""

from __future__ import annotations

from rich.text import Text

from models.store.archive import view_for
from models.i18n import t
from models.records import Outcome

ORDER = 50


def section(app, teacher, term) -> Text | None:
    if term is None:
        return None
    source = view_for(app.store, term)
    mine = sorted((o for o in source.all(Outcome) if o.teacher_id == teacher.id and o.term_id == term.term_id),
                  key=lambda o: (o.date, o.id))
    text = Text()
    total = sum(float(o.points) for o in mine)
    text.append(t("dashboard.section.title", count=len(mine), points=f"{total:g}") + "\n", style="bold")
    if not mine:
        text.append("  " + t("dashboard.section.none") + "\n", style="dim")
    for o in mine:
        text.append(f"  {o.date}  {o.kind}  ")
        text.append(o.title)
        detail = " ".join(x for x in (o.level, o.award) if x)
        text.append(f"  {detail}  {o.points:g}\n", style="dim")
    return text
