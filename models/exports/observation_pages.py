"""The pages a school binds (issue 15): one A4 听课记录表 per lesson, and a teacher's 听课本
for a term (a cover, then one page per lesson in date order).

Both are built with the one Word builder (models/exports/word.py); a school that keeps
its own 听课记录表 form puts it in the templates folder and the single page is filled into
it instead (models/exports/templates.py). Both obey the visibility rule: someone who may
not read a record's comments gets no page of it — :func:`observation_docx` refuses, and
:func:`notebook_docx` leaves such lessons out (the cover says how many).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.dates import format_period
from models.i18n import t
from models.observations import observation_reader, observations_given
from models.permissions import PermissionDenied, can_read_comments
from models.records import Observation, Teacher, Term, term_display_name
from models.rubrics import criteria_of, full_marks_of, show_number


class NotFound(PermissionDenied):
    """No such record (or none the viewer may see); exit code 1 like a refusal."""


def _term_name(terms: dict[str, Term], term_id: str) -> str:
    term = terms.get(term_id)
    if term is not None and term.name:
        return term.name
    try:
        return term_display_name(term_id)
    except ValueError:
        return term_id


def observation_context(store, record: Observation) -> dict[str, object]:
    """The fields of one 听课记录表, by the names a school's template uses."""
    names = {x.id: x.name for x in store.all(Teacher)}
    terms = {x.term_id: x for x in store.all(Term)}
    policy = store.policy()
    return {
        "学校": policy.school_name, "学期": _term_name(terms, record.term_id),
        "日期": dt.date.fromisoformat(record.date), "节次": format_period(record.period, policy),
        "听课人": names.get(record.observer_id, ""), "授课教师": names.get(record.teacher_id, ""),
        "学科": record.subject, "班级": record.grade_class, "课题": record.topic, "课型": record.lesson_type,
        "教学过程": record.process, "优点": record.strengths, "不足": record.shortcomings,
        "建议": record.suggestions, "等级": record.rating,
        "总分": show_number(record.total) if record.total is not None else "",
    }


def _record_page(doc, store, record: Observation) -> None:
    """One lesson on one A4 page, in the layout of a paper 听课记录表."""
    from models.exports.word import Cell, cn_date

    fields = observation_context(store, record)
    label = {"bold": True, "align": "center"}
    rating = fields["等级"] or ""
    if fields["总分"]:
        rating = t("exports.observation.rating_with_total", rating=rating or "—", total=fields["总分"],
                   full=show_number(full_marks_of(record.rubric)))
    process_height = 8.0 if record.scores else 11.0  # the rubric takes its share of the page
    doc.table(None, [
        [Cell(t("observations.field.observer"), **label), fields["听课人"],
         Cell(t("exports.observation.date_period"), **label), f"{cn_date(record.date)} {fields['节次']}"],
        [Cell(t("observations.field.subject"), **label), fields["学科"],
         Cell(t("observations.field.grade_class"), **label), fields["班级"]],
        [Cell(t("observations.field.topic"), **label), Cell(fields["课题"], span=3)],
        [Cell(t("observations.field.teacher"), **label), fields["授课教师"],
         Cell(t("observations.field.lesson_type"), **label), fields["课型"]],
        [Cell(t("observations.field.process"), **label), Cell(record.process, span=3, height=process_height)],
        [Cell(t("observations.field.strengths"), **label), Cell(record.strengths, span=3, height=1.6)],
        [Cell(t("observations.field.shortcomings"), **label), Cell(record.shortcomings, span=3, height=1.6)],
        [Cell(t("observations.field.suggestions"), **label), Cell(record.suggestions, span=3, height=1.6)],
        [Cell(t("observations.field.rating"), **label), Cell(rating, span=3)],
    ], widths=[2, 4, 2, 4])
    if record.scores:
        rows = []
        for criterion in criteria_of(record.rubric):
            score = record.scores.get(criterion["name"])
            rows.append([criterion["name"], criterion.get("descriptor", ""),
                         Cell(show_number(criterion["max"]), align="center"),
                         Cell(show_number(score) if score is not None else "", align="center")])
        rows.append([Cell(t("exports.observation.total"), bold=True), "",
                     Cell(show_number(full_marks_of(record.rubric)), align="center"),
                     Cell(show_number(record.total), bold=True, align="center")])
        doc.paragraph(t("exports.observation.rubric", name=record.rubric.get("name", "")), bold=True)
        doc.table([t("exports.observation.criterion"), t("exports.observation.descriptor"),
                   t("exports.observation.max"), t("exports.observation.score")], rows, widths=[3, 7, 1.4, 1.4])
    doc.signatures([t("exports.observation.observer_sign"), t("exports.observation.teacher_sign")])


def _reader_and_record(store, observation_id: int):
    reader = observation_reader(store, "")  # every term, archived ones too
    return reader, reader.get(Observation, observation_id)


def observation_docx(store, viewer: Teacher | None, observation_id: int, db_path=None) -> bytes:
    """One 听课记录表. :class:`PermissionDenied` when the viewer may not read the record's
    comments (they get no page of it at all), :class:`NotFound` when there is no such record."""
    from models.exports.templates import render_record
    from models.exports.word import WordDocument

    reader, record = _reader_and_record(store, observation_id)
    if record is None:
        raise NotFound(t("exports.observation.no_record", id=observation_id))
    if not can_read_comments(reader, viewer, record):
        raise PermissionDenied(t("exports.observation.not_yours"))
    context = observation_context(reader, record)

    def build() -> bytes:
        doc = WordDocument(t("exports.observation.title"), school=str(context["学校"]), term=str(context["学期"]))
        _record_page(doc, reader, record)
        return doc.to_bytes()

    return render_record("observation", context, db_path, build=build)


@dataclass
class Notebook:
    """What goes into a teacher's 听课本: the lessons the viewer may read, and how many were left out."""

    teacher: Teacher
    term: Term
    pages: list[Observation]
    given: int  # every lesson the teacher observed this term
    hidden: int  # of which the viewer may not read the comments
    quota: int


def notebook_of(store, viewer: Teacher | None, teacher: Teacher, term: Term) -> Notebook:
    reader = observation_reader(store, term.term_id)
    given = sorted(observations_given(reader, teacher.id, term.term_id), key=lambda o: (o.date, o.period, o.id))
    pages = [o for o in given if can_read_comments(reader, viewer, o)]
    return Notebook(teacher=teacher, term=term, pages=pages, given=len(given), hidden=len(given) - len(pages),
                    quota=store.policy().quota_for(teacher.roles))


def notebook_docx(store, viewer: Teacher | None, teacher: Teacher, term: Term, db_path=None) -> bytes:
    """The teacher's 听课本 for the term: a cover (school, term, name, lessons against the
    quota), then one page per lesson the viewer may read, in date order — the school's own
    听课记录表 filled in when it keeps one in the templates folder beside ``db_path``."""
    from models.exports.templates import fill, join_pages, school_path
    from models.exports.word import WordDocument

    book = notebook_of(store, viewer, teacher, term)
    reader = observation_reader(store, term.term_id)
    policy = store.policy()
    doc = WordDocument(t("exports.notebook.title"), school=policy.school_name, term=term.name, show_title=False)
    for _ in range(5):
        doc.paragraph("")
    doc.paragraph(policy.school_name, align="center", size=22)
    doc.paragraph("")
    doc.paragraph(t("exports.notebook.title"), align="center", size=36, bold=True)
    doc.paragraph("")
    doc.paragraph(term.name, align="center", size=16)
    for _ in range(6):
        doc.paragraph("")
    for line in (t("exports.notebook.name", name=teacher.name),
                 t("exports.notebook.count", count=book.given, quota=book.quota)):
        doc.paragraph(line, align="center", size=16)
    if book.hidden:
        doc.paragraph(t("exports.notebook.hidden", count=book.hidden), align="center")
    if not book.pages:
        doc.paragraph(t("exports.notebook.none"), align="center")
    own_form = school_path("observation", db_path) if db_path else None
    if own_form is not None and book.pages:  # one filled form a lesson, after the cover
        return join_pages([doc.to_bytes(), *(fill(own_form, "observation", observation_context(reader, record))
                                             for record in book.pages)])
    for record in book.pages:
        doc.page_break()
        doc.paragraph(t("exports.observation.title"), align="center", size=16, bold=True)
        _record_page(doc, reader, record)
    return doc.to_bytes()
