"""End-of-term materials: the figures and records a school hands in, as Word, Excel or Markdown.

:func:`term_report` gathers the parts (themes, each group's activity records,
observation statistics per teacher and group, the observation log, mentoring,
outcomes and points) as plain tables; the writers below lay them out. The
observation log shows comments only where :mod:`models.permissions` lets the
reader see them. Reads go through a source (the Store or an ArchiveView), so an
archived term reports exactly as it did before it was closed.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from models.dashboard import build_dashboard
from models.i18n import t
from models.permissions import readable
from models.exports.spreadsheets import cell_width
from models.records import (
    OUTCOME_KINDS, Activity, Group, MentorMeeting, Observation, Outcome, Pairing, Teacher, Term,
)

FORMATS = ("docx", "xlsx", "md")


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[object]]
    widths: list[float] = field(default_factory=list)  # relative column widths, for Word and Excel


@dataclass
class Part:
    sheet: str  # Excel sheet name (≤ 31 characters)
    title: str
    tables: list[Table]
    note: str = ""


@dataclass
class Report:
    title: str
    subtitle: str
    parts: list[Part]


def _names(source) -> dict[int, str]:
    return {x.id: x.name for x in source.all(Teacher)}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def attendance_cell(activity: Activity, teachers: dict[int, Teacher]) -> str:
    """``12/14`` with the names of those on leave and absent (issue 16: names, not only counts)."""
    from models.activities import attendance_names

    if not activity.attendance:
        return "—"
    names = attendance_names(activity, teachers)
    cell = f"{len(names['present'])}/{len(activity.attendance)}"
    for mark in ("leave", "absent"):
        if names[mark]:
            cell += f"\n{t('calendar.column.' + mark)}：{'、'.join(names[mark])}"
    return cell


def term_report(source, term: Term, today: dt.date, viewer: Teacher | None) -> Report:
    """The term's hand-in materials as tables."""
    dash = build_dashboard(source, term, today)
    names = _names(source)
    groups = {g.id: g for g in source.all(Group)}
    teachers = {x.id: x for x in source.all(Teacher)}
    tid = term.term_id
    parts: list[Part] = []

    themes = Table(t("dashboard.report.themes"),
                   [t("dashboard.col.group"), t("dashboard.col.leader"), t("dashboard.col.theme")],
                   [[g.group.name, names.get(g.group.leader_id, ""), g.theme or t("dashboard.theme_missing")]
                    for g in dash.groups], [3, 2, 7])
    parts.append(Part(t("dashboard.sheet.themes"), t("dashboard.report.themes"), [themes]))

    activities = sorted((a for a in source.all(Activity) if a.term_id == tid and a.status in ("held", "cancelled")),
                        key=lambda a: (a.date, a.period))
    tables = []
    headers = [t("dashboard.col.date"), t("dashboard.col.topic"), t("dashboard.col.host"),
               t("dashboard.col.speaker"), t("dashboard.col.attendance"), t("dashboard.col.minutes")]
    for group_id in [g.group.id for g in dash.groups] + [0]:
        mine = [a for a in activities if a.group_id == group_id]
        if not mine:
            continue
        title = groups[group_id].name if group_id in groups else t("dashboard.school_events")
        rows = []
        for a in mine:
            attendance = attendance_cell(a, teachers)
            minutes = a.minutes if a.status == "held" else t("dashboard.cancelled_because", reason=a.cancel_reason)
            rows.append([a.date, a.topic or a.event, names.get(a.host_id, ""), names.get(a.speaker_id, ""),
                         attendance, minutes])
        tables.append(Table(title, headers, rows, [2, 4, 1.5, 1.5, 1.2, 7]))
    parts.append(Part(t("dashboard.sheet.activities"), t("dashboard.report.activities"), tables))

    per_teacher = Table(
        t("dashboard.report.obs_teachers"),
        [t("dashboard.col.teacher"), t("dashboard.col.groups"), t("dashboard.col.given"), t("dashboard.col.quota"),
         t("dashboard.col.pace"), t("dashboard.col.received"), t("dashboard.col.research"), t("dashboard.col.talk")],
        [[f.teacher.name, "、".join(f.groups), f.given, f.quota, f.pace_marker, f.received,
          f.research_lessons, f.talks] for f in sorted(dash.teachers, key=lambda f: f.teacher.id)],
        [2, 4, 1, 1, 1, 1, 1, 1])
    per_group_rows = []
    for g in dash.groups:
        members = [f for f in dash.teachers if f.teacher.id in g.group.member_ids]
        given = sum(f.given for f in members)
        quota = sum(f.quota for f in members)
        per_group_rows.append([g.group.name, len(members), given, quota, _pct(given / quota if quota else None),
                               sum(f.received for f in members)])
    per_group = Table(t("dashboard.report.obs_groups"),
                      [t("dashboard.col.group"), t("dashboard.col.members"), t("dashboard.col.given"),
                       t("dashboard.col.quota"), t("dashboard.col.done_rate"), t("dashboard.col.received")],
                      per_group_rows, [3, 1, 1, 1, 1, 1])
    parts.append(Part(t("dashboard.sheet.observations"), t("dashboard.report.observations"), [per_teacher, per_group]))

    log_rows = []
    for o in sorted((o for o in source.all(Observation) if o.term_id == tid), key=lambda o: (o.date, o.period)):
        shown = readable(source, viewer, o)
        log_rows.append([o.date, names.get(o.observer_id, ""), names.get(o.teacher_id, ""), o.topic, o.lesson_type,
                         shown.strengths, shown.shortcomings, shown.suggestions, shown.rating])
    log = Table(t("dashboard.report.obs_log"),
                [t("dashboard.col.date"), t("dashboard.col.observer"), t("dashboard.col.teacher"),
                 t("dashboard.col.topic"), t("dashboard.col.lesson_type"), t("dashboard.col.strengths"),
                 t("dashboard.col.shortcomings"), t("dashboard.col.suggestions"), t("dashboard.col.rating")],
                log_rows, [2, 1.5, 1.5, 3, 1.2, 3, 3, 3, 1])
    parts.append(Part(t("dashboard.sheet.obs_log"), t("dashboard.report.obs_log"), [log],
                      note=t("dashboard.report.obs_log_note")))

    pair_rows = [[names.get(p.pairing.mentor_id, ""), names.get(p.pairing.mentee_id, ""), p.pairing.subject,
                  p.meetings, p.expected] for p in dash.pairings]
    pairings = {p.id: p for p in source.all(Pairing)}
    meeting_rows = []
    for m in sorted((m for m in source.all(MentorMeeting) if m.term_id == tid), key=lambda m: m.date):
        p = pairings.get(m.pairing_id)
        meeting_rows.append([m.date, names.get(p.mentor_id, "") if p else "", names.get(p.mentee_id, "") if p else "",
                             m.kind, m.content])
    parts.append(Part(t("dashboard.sheet.mentoring"), t("dashboard.report.mentoring"), [
        Table(t("dashboard.report.pairings"),
              [t("dashboard.col.mentor"), t("dashboard.col.mentee"), t("dashboard.col.subject"),
               t("dashboard.col.meetings"), t("dashboard.col.expected")], pair_rows, [2, 2, 2, 1, 1]),
        Table(t("dashboard.report.meetings"),
              [t("dashboard.col.date"), t("dashboard.col.mentor"), t("dashboard.col.mentee"),
               t("dashboard.col.kind"), t("dashboard.col.content")], meeting_rows, [2, 1.5, 1.5, 1.5, 7]),
    ]))

    outcomes = sorted((o for o in source.all(Outcome) if o.term_id == tid), key=lambda o: (o.teacher_id, o.date))
    outcome_rows = [[names.get(o.teacher_id, ""), o.kind, o.title, o.level, o.award, o.date, o.points]
                    for o in outcomes]
    points_rows = [[f.teacher.name, f.outcomes, f.points]
                   for f in sorted(dash.teachers, key=lambda f: (-f.points, f.teacher.id)) if f.outcomes]
    parts.append(Part(t("dashboard.sheet.outcomes"), t("dashboard.report.outcomes"), [
        Table(t("dashboard.report.outcome_list"),
              [t("dashboard.col.teacher"), t("dashboard.col.kind"), t("dashboard.col.title"), t("dashboard.col.level"),
               t("dashboard.col.award"), t("dashboard.col.date"), t("dashboard.col.points")],
              outcome_rows, [1.5, 1.5, 5, 1, 1, 2, 1]),
        Table(t("dashboard.report.points"),
              [t("dashboard.col.teacher"), t("dashboard.col.outcomes"), t("dashboard.col.points")],
              points_rows, [2, 1, 1]),
    ]))
    school = source.policy().school_name
    return Report(t("dashboard.report.title", school=school, term=term.name),
                  t("dashboard.report.subtitle", day=dash.as_of.isoformat()), parts)


# The booklet puts reflections and cases first, as schools bind them.
BOOKLET_ORDER = ("教学反思", "教学案例", "教学随笔", "教学论文", "教学设计", "读书笔记", "课题", "获奖", "公开课")


def outcomes_booklet(source, term: Term) -> Report:
    """The term's outcomes collected by kind, reflections and cases first."""
    names = _names(source)
    outcomes = [o for o in source.all(Outcome) if o.term_id == term.term_id]
    parts = []
    for kind in BOOKLET_ORDER + tuple(k for k in OUTCOME_KINDS if k not in BOOKLET_ORDER):
        mine = sorted((o for o in outcomes if o.kind == kind), key=lambda o: (o.date, o.id))
        if not mine:
            continue
        rows = [[o.title, names.get(o.teacher_id, ""), o.level, o.award, o.date, o.points] for o in mine]
        parts.append(Part(kind, kind, [Table(kind, [t("dashboard.col.title"), t("dashboard.col.teacher"),
                                                   t("dashboard.col.level"), t("dashboard.col.award"),
                                                   t("dashboard.col.date"), t("dashboard.col.points")],
                                             rows, [5, 1.5, 1, 1, 2, 1])]))
    school = source.policy().school_name
    return Report(t("dashboard.booklet.title", school=school, term=term.name),
                  t("dashboard.booklet.subtitle", count=len(outcomes)), parts)


# -- writers -----------------------------------------------------------------------------------

def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


def to_markdown(report: Report) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"# {report.title}", "", report.subtitle, ""]
    for part in report.parts:
        lines += [f"## {part.title}", ""]
        if part.note:
            lines += [part.note, ""]
        for table in part.tables:
            if len(part.tables) > 1 or table.title != part.title:
                lines += [f"### {table.title}", ""]
            lines.append("| " + " | ".join(esc(h) for h in table.headers) + " |")
            lines.append("|" + "---|" * len(table.headers))
            for row in table.rows:
                lines.append("| " + " | ".join(esc(_cell(v)) for v in row) + " |")
            if not table.rows:
                lines.append("| " + t("dashboard.report.none") + " |" + " |" * (len(table.headers) - 1))
            lines.append("")
    return "\n".join(lines)


def to_docx(report: Report) -> bytes:
    """A Word document on A4 with 2 cm margins; wide tables get a landscape section;
    every table repeats its header row on each printed page."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.font.name = "宋体"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    doc.add_heading(report.title, level=0)
    doc.add_paragraph(report.subtitle)
    landscape = False
    for part in report.parts:
        wide = max((len(tb.headers) for tb in part.tables), default=0) >= 7
        if wide != landscape:
            from docx.enum.section import WD_SECTION

            new = doc.add_section(WD_SECTION.NEW_PAGE)
            new.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
            new.page_width, new.page_height = (Cm(29.7), Cm(21)) if wide else (Cm(21), Cm(29.7))
            landscape = wide
        usable = (29.7 if landscape else 21) - 4
        doc.add_heading(part.title, level=1)
        if part.note:
            doc.add_paragraph(part.note)
        for table in part.tables:
            if len(part.tables) > 1 or table.title != part.title:
                doc.add_heading(table.title, level=2)
            if not table.rows:
                doc.add_paragraph(t("dashboard.report.none"))
                continue
            grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.headers))
            grid.style = "Table Grid"
            grid.autofit = False
            widths = table.widths or [1] * len(table.headers)
            total = sum(widths)
            header = grid.rows[0]
            flag = OxmlElement("w:tblHeader")
            flag.set(qn("w:val"), "true")
            header._tr.get_or_add_trPr().append(flag)
            for column, title in enumerate(table.headers):
                cell = header.cells[column]
                cell.text = title
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row_index, row in enumerate(table.rows, 1):
                cells = grid.rows[row_index].cells
                for column, value in enumerate(row):
                    cells[column].text = _cell(value)
            for column, weight in enumerate(widths):
                width = Cm(usable * weight / total)
                for row in grid.rows:
                    row.cells[column].width = width
                    for paragraph in row.cells[column].paragraphs:
                        for run in paragraph.runs:
                            run.font.size = Pt(9)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def to_xlsx(report: Report) -> bytes:
    """One sheet per part: header row in bold, frozen panes, column widths. A part with
    several tables (one per group) becomes one table with the group in the first column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for part in report.parts:
        name = _sheet_name(part.sheet, used)
        sheet = book.create_sheet(name)
        if len(part.tables) == 1:
            table = part.tables[0]
            headers, rows, widths = table.headers, table.rows, table.widths
        else:
            same = all(tb.headers == part.tables[0].headers for tb in part.tables)
            if same and part.tables:
                headers = [t("dashboard.col.section")] + part.tables[0].headers
                rows = [[tb.title, *row] for tb in part.tables for row in tb.rows]
                widths = [3, *(part.tables[0].widths or [])]
            else:
                headers, rows, widths = [], [], []
        if headers:
            sheet.append(headers)
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in rows:
                sheet.append([v if isinstance(v, (int, float)) else _cell(v) for v in row])
            sheet.freeze_panes = "A2"
            weights = widths or [1] * len(headers)
            for column, header in enumerate(headers, 1):
                longest = max([cell_width(header)] + [cell_width(_cell(r[column - 1])) for r in rows[:200]])
                sheet.column_dimensions[get_column_letter(column)].width = max(6, min(60, longest + 2,
                                                                                 weights[column - 1] * 12 + 6))
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        else:
            # parts whose tables differ stack them, each under its title
            for table in part.tables:
                sheet.append([table.title])
                sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
                sheet.append(table.headers)
                for row in table.rows:
                    sheet.append([v if isinstance(v, (int, float)) else _cell(v) for v in row])
                sheet.append([])
            sheet.freeze_panes = "A3"
            for column in range(1, 1 + max(len(tb.headers) for tb in part.tables)):
                sheet.column_dimensions[get_column_letter(column)].width = 16
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    candidate, n = clean, 1
    while candidate in used:
        n += 1
        candidate = f"{clean[:28]}-{n}"
    used.add(candidate)
    return candidate


def render(report: Report, fmt: str) -> bytes:
    if fmt == "docx":
        return to_docx(report)
    if fmt == "xlsx":
        return to_xlsx(report)
    return to_markdown(report).encode("utf-8")


def default_report_name(kind: str, term_id: str, fmt: str) -> str:
    return t(f"dashboard.file.{kind}", term=term_id) + f".{fmt}"


def write_report(path: Path, payload: bytes) -> None:
    from models.store.outputs import write_output

    write_output(Path(path), payload)
