"""Pairings on paper: the term's export (CSV/XLSX) and one pair's term record (Markdown/Word).

Observation comments in a record follow models.permissions: the viewer sees them only
when allowed, exactly as on screen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from models.dates import format_date
from models.i18n import t
from models.mentoring import (
    evaluation_of, meetings_of, mutual_observations, progress_for_store, records_for_term, span_label,
)
from models.permissions import readable
from models.records import MentorMeeting, Observation, Pairing, Teacher, Term
from models.exports.spreadsheets import Sheet, csv_bytes, save, xlsx_bytes

EXPORT_COLUMNS = (
    "id", "mentor", "mentee", "subject", "from_term", "to_term", "status", "held", "expected",
    "mentor_observed", "mentee_observed", "lessons", "since", "behind", "summary", "grade", "comment",
)


def _names(store) -> dict[int, str]:
    return {teacher.id: teacher.name for teacher in store.all(Teacher)}


def export_rows(store, term: Term, today: dt.date, viewer: Teacher | None = None) -> list[list[object]]:
    """A header row and one row per pairing that ran in ``term``. The office's grade and
    comment show only where ``viewer`` may read them (models.permissions)."""
    from models.mentoring import covers_term
    from models.permissions import can_read_evaluation

    names = _names(store)
    rows: list[list[object]] = [[t(f"mentoring.export.{column}") for column in EXPORT_COLUMNS]]
    for pairing in store.all(Pairing):
        if not covers_term(pairing, term.term_id):
            continue
        progress = progress_for_store(store, pairing, term, today)
        evaluation = evaluation_of(pairing, term.term_id)
        if not can_read_evaluation(store, viewer, pairing):
            evaluation = {**evaluation, "grade": "", "comment": ""}
        rows.append([
            pairing.id, names.get(pairing.mentor_id, "?"), names.get(pairing.mentee_id, "?"), pairing.subject,
            pairing.from_term, pairing.to_term, t(f"pairing.{pairing.status}"),
            progress.meetings_held, progress.meetings_expected, progress.mentor_observed, progress.mentee_observed,
            "、".join(progress.showcase_lessons),
            "" if progress.weeks_since_last_meeting is None else progress.weeks_since_last_meeting,
            progress.shortfall if progress.active else 0,
            evaluation["summary"], evaluation["grade"], evaluation["comment"],
        ])
    return rows


def write_csv(rows: list[list[object]], target: Path | None) -> str:
    """UTF-8 with a BOM so that Excel opens it; returns the text when there is no target."""
    data = csv_bytes(rows[0], rows[1:])
    if target is None:
        return data.decode("utf-8-sig")
    save(target, data)
    return ""


def write_xlsx(rows: list[list[object]], target: Path, title: str) -> None:
    """The first column (the pairing's id) stays in view when scrolling right."""
    save(target, xlsx_bytes([Sheet(title, rows[0], rows[1:], frozen_columns=1)]))


# -- one pairing's term record ------------------------------------------------------------

@dataclass
class PairingRecord:
    """Everything the printed record shows, already in words."""

    school: str
    title: str
    term_name: str
    basics: list[tuple[str, str]]
    goals: str
    progress: list[tuple[str, str]]
    meetings: list[list[str]]  # date, kind, minutes, content
    observations: list[list[str]]  # date, observer, teacher, topic, type, rating, comments
    evaluation: list[tuple[str, str]]
    printed: str


def pairing_record(store, pairing: Pairing, term: Term, viewer: Teacher | None, today: dt.date) -> PairingRecord:
    names = _names(store)
    terms = store.all(Term)
    progress = progress_for_store(store, pairing, term, today)
    basics = [
        (t("mentoring.export.mentor"), names.get(pairing.mentor_id, "?")),
        (t("mentoring.export.mentee"), names.get(pairing.mentee_id, "?")),
        (t("mentoring.export.subject"), pairing.subject),
        (t("mentoring.report.span"), span_label(pairing)),
        (t("mentoring.export.status"), t(f"pairing.{pairing.status}")),
    ]
    figures = []
    if progress is not None:
        figures = [
            (t("mentoring.export.held"), str(progress.meetings_held)),
            (t("mentoring.export.expected"), str(progress.meetings_expected)),
            (t("mentoring.export.mentor_observed"), str(progress.mentor_observed)),
            (t("mentoring.export.mentee_observed"), str(progress.mentee_observed)),
            (t("mentoring.export.lessons"), "、".join(progress.showcase_lessons) or t("mentoring.page.none")),
        ]
    source = records_for_term(store, term)  # an archived term's records are in its archive file
    meetings = [[format_date(m.date, terms), m.kind, str(m.duration_minutes or ""), m.content]
                for m in reversed(meetings_of(source.all(MentorMeeting), pairing.id, term.term_id))]
    observations = []
    for observation in mutual_observations(pairing, source.all(Observation), term.term_id):
        shown = readable(store, viewer, observation)
        if shown is observation:
            comments = "\n".join(part for part in (observation.strengths, observation.shortcomings,
                                                   observation.suggestions) if part)
        else:
            comments = t("mentoring.report.hidden")
        observations.append([observation.date, names.get(observation.observer_id, "?"),
                             names.get(observation.teacher_id, "?"), observation.topic, observation.lesson_type,
                             shown.rating, comments])
    evaluation = evaluation_of(pairing, term.term_id)
    from models.permissions import can_read_evaluation

    if not can_read_evaluation(store, viewer, pairing):
        evaluation = {**evaluation, "grade": t("mentoring.report.hidden"), "comment": t("mentoring.report.hidden")}
    return PairingRecord(
        school=store.policy().school_name, title=t("mentoring.report.title"), term_name=term.name,
        basics=basics, goals=pairing.goals, progress=figures, meetings=meetings, observations=observations,
        evaluation=[(t("mentoring.eval.summary"), evaluation["summary"]),
                    (t("mentoring.eval.grade"), evaluation["grade"]),
                    (t("mentoring.eval.comment"), evaluation["comment"])],
        printed=t("mentoring.report.generated", date=today.isoformat()),
    )


def _meeting_header() -> list[str]:
    return [t("mentoring.meet.col.date"), t("mentoring.meet.col.kind"), t("mentoring.meet.col.minutes"),
            t("mentoring.meet.col.content")]


def _observation_header() -> list[str]:
    return [t("mentoring.meet.col.date"), t("mentoring.report.obs.observer"), t("mentoring.report.obs.teacher"),
            t("mentoring.report.obs.topic"), t("mentoring.report.obs.type"), t("mentoring.report.obs.rating"),
            t("mentoring.report.obs.comments")]


def _md_cell(value: str) -> str:
    # A table cell is one line; a pipe would end the cell.
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>") or " "


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(str(c)) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def to_markdown(record: PairingRecord) -> str:
    item, value = t("mentoring.report.item"), t("mentoring.report.value")
    parts = [
        f"# {record.school} {record.title}", "", f"**{t('mentoring.report.term')}**：{record.term_name}", "",
        f"## {t('mentoring.report.basic')}", "", _md_table([item, value], [list(r) for r in record.basics]), "",
        f"## {t('mentoring.page.goals')}", "", record.goals or t("mentoring.page.none"), "",
        f"## {t('mentoring.report.progress')}", "", _md_table([item, value], [list(r) for r in record.progress]), "",
        f"## {t('mentoring.report.meetings')}", "",
        _md_table(_meeting_header(), record.meetings) if record.meetings else t("mentoring.meet.none"), "",
        f"## {t('mentoring.report.observations')}", "",
        _md_table(_observation_header(), record.observations) if record.observations else t("mentoring.page.none"),
        "",
        f"## {t('mentoring.report.evaluation')}", "", _md_table([item, value], [list(r) for r in record.evaluation]),
        "", t("mentoring.report.signatures"), "", record.printed, "",
    ]
    return "\n".join(parts)


def write_docx(record: PairingRecord, target: Path) -> None:
    """A Word document on A4 with headings and tables, ready to print and sign."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    # East Asian text needs its own font name, or Word falls back to a font without Chinese.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")

    def table(header: list[str], rows: list[list[str]]) -> None:
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, header):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for row in rows:
            cells = grid.add_row().cells
            for cell, text in zip(cells, row):
                cell.text = str(text)

    document.add_heading(f"{record.school} {record.title}", level=0)
    document.add_paragraph(f"{t('mentoring.report.term')}：{record.term_name}")
    document.add_heading(t("mentoring.report.basic"), level=1)
    table([t("mentoring.report.item"), t("mentoring.report.value")], [list(r) for r in record.basics])
    document.add_heading(t("mentoring.page.goals"), level=1)
    document.add_paragraph(record.goals or t("mentoring.page.none"))
    document.add_heading(t("mentoring.report.progress"), level=1)
    table([t("mentoring.report.item"), t("mentoring.report.value")], [list(r) for r in record.progress])
    document.add_heading(t("mentoring.report.meetings"), level=1)
    if record.meetings:
        table(_meeting_header(), record.meetings)
    else:
        document.add_paragraph(t("mentoring.meet.none"))
    document.add_heading(t("mentoring.report.observations"), level=1)
    if record.observations:
        table(_observation_header(), record.observations)
    else:
        document.add_paragraph(t("mentoring.page.none"))
    document.add_heading(t("mentoring.report.evaluation"), level=1)
    table([t("mentoring.report.item"), t("mentoring.report.value")], [list(r) for r in record.evaluation])
    document.add_paragraph("")
    document.add_paragraph(t("mentoring.report.signatures"))
    document.add_paragraph(record.printed)
    import io

    from models.store.outputs import write_output

    buffer = io.BytesIO()
    document.save(buffer)
    write_output(target, buffer.getvalue())
