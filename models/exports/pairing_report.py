"""Pairings on paper: the term's export (a table: CSV, XLSX …) and one pair's term record
(a report: Word, Markdown …), both rendered by :mod:`models.exports.registry`.

Observation comments in a record follow models.permissions: the viewer sees them only
when allowed, exactly as on screen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from models.i18n import t
from models.mentoring import (
    evaluation_of, meetings_of, mutual_observations, progress_for_store, records_for_term,
)
from models.permissions import readable
from models.records import MentorMeeting, Observation, Pairing, Teacher, Term
from models.exports import registry
from models.exports.word import cn_date
from models.exports.content import Fields, Part, Report, Signatures, Table, Text, as_date, single_table
from models.records import term_display_name

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
    term_names = {x.term_id: x.name for x in store.all(Term)}

    def term_name(term_id: str) -> str:  # the name the school gave the term, as shown everywhere else
        return (term_names.get(term_id) or _term_name(term_id)) if term_id else ""

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
            term_name(pairing.from_term), term_name(pairing.to_term), t(f"pairing.{pairing.status}"),
            progress.meetings_held, progress.meetings_expected, progress.mentor_observed, progress.mentee_observed,
            "、".join(progress.showcase_lessons),
            "" if progress.weeks_since_last_meeting is None else progress.weeks_since_last_meeting,
            progress.shortfall if progress.active else 0,
            evaluation["summary"], evaluation["grade"], evaluation["comment"],
        ])
    return rows


def export_report(rows: list[list[object]], term: Term, school: str = "") -> Report:
    """The export as one table; the first column (the pairing's id) stays in view in Excel."""
    return single_table(t("mentoring.section.title"), [str(h) for h in rows[0]], rows[1:], school=school,
                        term=term.name, frozen_columns=1)


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


def _term_name(term_id: str) -> str:
    try:
        return term_display_name(term_id)
    except (ValueError, KeyError):
        return term_id


def _span(pairing: Pairing) -> str:
    """``2025—2026学年第一学期 至今``: the terms by name, as printed on paper."""
    if not pairing.to_term:
        return t("mentoring.report.span_open", start=_term_name(pairing.from_term))
    return t("mentoring.report.span_value", start=_term_name(pairing.from_term), end=_term_name(pairing.to_term))


def pairing_record(store, pairing: Pairing, term: Term, viewer: Teacher | None, today: dt.date) -> PairingRecord:
    names = _names(store)
    progress = progress_for_store(store, pairing, term, today)
    basics = [
        (t("mentoring.export.mentor"), names.get(pairing.mentor_id, "?")),
        (t("mentoring.export.mentee"), names.get(pairing.mentee_id, "?")),
        (t("mentoring.export.subject"), pairing.subject),
        (t("mentoring.report.span"), _span(pairing)),
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
    meetings = [[as_date(m.date), m.kind, m.duration_minutes or "", m.content]
                for m in reversed(meetings_of(source.all(MentorMeeting), pairing.id, term.term_id))]
    observations = []
    for observation in mutual_observations(pairing, source.all(Observation), term.term_id):
        shown = readable(store, viewer, observation)
        if shown is observation:
            comments = "\n".join(part for part in (observation.strengths, observation.shortcomings,
                                                   observation.suggestions) if part)
        else:
            comments = t("mentoring.report.hidden")
        observations.append([as_date(observation.date), names.get(observation.observer_id, "?"),
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
        printed=t("mentoring.report.generated", date=cn_date(today)),
    )


def _meeting_header() -> list[str]:
    return [t("mentoring.meet.col.date"), t("mentoring.meet.col.kind"), t("mentoring.meet.col.minutes"),
            t("mentoring.meet.col.content")]


def _observation_header() -> list[str]:
    return [t("mentoring.meet.col.date"), t("mentoring.report.obs.observer"), t("mentoring.report.obs.teacher"),
            t("mentoring.report.obs.topic"), t("mentoring.report.obs.type"), t("mentoring.report.obs.rating"),
            t("mentoring.report.obs.comments")]


def record_report(record: PairingRecord) -> Report:
    """The record as a report: fields, goals, meetings and observations, evaluation, signatures."""
    item_value = (t("mentoring.report.item"), t("mentoring.report.value"))
    none = t("mentoring.page.none")
    meetings: list = ([Table(t("mentoring.report.meetings"), _meeting_header(), record.meetings, [2.2, 1.4, 1, 7])]
                      if record.meetings else [Text(t("mentoring.meet.none"))])
    observations: list = ([Table(t("mentoring.report.observations"), _observation_header(), record.observations,
                                 [2.2, 1.3, 1.3, 2.6, 1.2, 1, 5])]
                          if record.observations else [Text(none)])
    parts = [
        Part(t("mentoring.report.basic"), [Fields(record.basics, item_value)]),
        Part(t("mentoring.page.goals"), [Text(record.goals or none)]),
        Part(t("mentoring.report.progress"), [Fields(record.progress, item_value)]),
        Part(t("mentoring.report.meetings"), meetings),
        Part(t("mentoring.report.observations"), observations),
        Part(t("mentoring.report.evaluation"), [
            Fields(record.evaluation, item_value),
            Signatures([t("mentoring.report.sign.mentor"), t("mentoring.report.sign.mentee"),
                        t("mentoring.report.sign.office")]),
            Text(record.printed),
        ]),
    ]
    return Report(f"{record.school} {record.title}", parts,
                  subtitle=f"{t('mentoring.report.term')}：{record.term_name}", school=record.school,
                  term=record.term_name)


def to_markdown(record: PairingRecord) -> str:
    return registry.render(record_report(record), "md").decode("utf-8")


def write_docx(record: PairingRecord, target: Path) -> None:
    """An A4 Word document in the school's layout (models/exports/word.py), ready to print and sign."""
    registry.save(target, registry.render(record_report(record), "docx"))
