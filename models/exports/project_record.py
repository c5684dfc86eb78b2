"""A 课题's record on paper (issue 18): its facts, its stages with dates and status, and
each stage's documents in full — a Report the registry writes (Word through the one
builder, models/exports/word.py)."""

from __future__ import annotations

from models import research
from models.exports.content import Fields, Part, Report, Signatures, Table, Text, as_date
from models.i18n import t
from models.records import Project, Teacher


def project_report(store, project: Project) -> Report:
    names = {x.id: x.name for x in store.all(Teacher)}
    members = "、".join(names.get(m, "?") for m in project.member_ids) or "—"
    facts = Fields([
        (t("research.col.number"), project.number or "—"),
        (t("research.col.title"), project.title),
        (t("research.col.level"), project.level),
        (t("research.field.host"), names.get(project.host_id, "?")),
        (t("research.field.members"), members),
        (t("field.start"), as_date(project.start)),
        (t("research.field.planned_end"), as_date(project.planned_end) if project.planned_end else "—"),
        (t("research.col.state"), research.project_state(project)),
    ])
    rows = [[s.get("name", ""), as_date(s.get("date", "")) or "—", t(f"research.stage.{s.get('status', 'planned')}"),
             as_date(s.get("done_on", "")) or "—", len(s.get("documents", []))] for s in project.stages]
    stages = Table(t("research.print.stages"), [t("research.field.stage"), t("research.field.stage_date"),
                                                 t("field.status"), t("research.field.done_on"),
                                                 t("research.print.documents")], rows, [1, 2, 1, 2, 1])
    parts = [Part(t("research.print.facts"), [facts, stages], sheet=t("research.print.facts"))]
    for s in project.stages:
        for document in s.get("documents", []):
            blocks = [Text(t("research.print.source", name=document["source"]))] if document.get("source") else []
            blocks.append(Text(document.get("text", "") or t("doc.print.empty")))
            parts.append(Part(f"{s.get('name', '')} · {document.get('title', '')}", blocks,
                              sheet=f"{s.get('name', '')}{len(parts)}"))
    parts[-1].blocks.append(Signatures([t("research.print.sign_host"), t("doc.print.sign_date")]))
    title = t("research.print.title", title=project.title)
    return Report(title, parts, school=store.policy().school_name)


def default_project_name(project: Project) -> str:
    safe = "".join(c for c in (project.number + " " + project.title).strip() if c not in '\\/:*?"<>|')
    return f"{safe or 'project'}.docx"
