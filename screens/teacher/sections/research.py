"""The teacher's 学时 this term and year, the training they still owe a report on, and
their 课题 (issue 18)."""

from __future__ import annotations

from rich.text import Text

from models import research
from models.i18n import t
from models.records import Project, Term
from models.store.archive import ArchiveView

ORDER = 70


def section(app, teacher, term) -> Text | None:
    if term is None:
        return None
    store = app.store
    year_ids = [x.term_id for x in research.terms_of_year(store.all(Term), research.school_year_of(term.term_id))]
    source = ArchiveView(store, year_ids)
    figures = research.teacher_hours(source, term, teacher, app.today)
    text = Text()
    from models.dashboard_text import requirement_label
    from models.pace import teacher_requirements
    from models.store.archive import view_for

    required = teacher_requirements(view_for(store, term), teacher, term, min(app.today, term.end_date))
    if required:
        text.append(t("research.section.requirements") + "\n", style="bold")
        for r in required:
            style = "green" if r.met else ("bold red" if r.behind else "")
            text.append(f"  {requirement_label(r)} {r.done}/{r.due}" + (" ✔" if r.met else (" ▼" if r.behind else ""))
                        + "\n", style=style)
    text.append(t("research.section.hours", term=f"{figures.term_hours:g}", year=f"{figures.year_hours:g}",
                  target=f"{figures.year_target:g}") + "\n", style="bold")
    if figures.remote_minimum:
        text.append("  " + t("research.section.remote", hours=f"{figures.remote_term:g}",
                             minimum=f"{figures.remote_minimum:g}") + "\n",
                    style="bold red" if figures.remote_short else "dim")
    for line in research.hours_lines(source, teacher.id, [term.term_id])[-8:]:
        text.append(f"  {line.date}  ")
        text.append(line.what)
        text.append(f"  {line.hours:g}\n", style="dim")
    for training in figures.reports_owed:
        text.append("  " + t("research.owed", what=training.report_back, title=training.title) + "\n",
                    style="bold red")
    mine = research.projects_of(store.all(Project), teacher.id)
    if mine:
        text.append(t("research.section.projects", count=len(mine)) + "\n", style="bold")
        for project in mine:
            text.append("  ")
            text.append(f"{project.number} {project.title}".strip())
            text.append(f"  {project.level} · {research.project_state(project)}\n", style="dim")
    return text
