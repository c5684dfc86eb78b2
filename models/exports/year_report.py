"""The school year's review on paper or in a spreadsheet (issue 18): one row per teacher
with the points of each term and the year, study hours against the target, lessons
observed and taught, outcomes; then how every point was earned. A Report the registry
writes (xlsx through the one spreadsheet writer and its formula guard, docx through the
one Word builder)."""

from __future__ import annotations

from models.exports.content import Part, Report, Table, as_date
from models.i18n import t
from models.records import term_display_name
from models.year import YearReview


def year_report(review: YearReview, school: str = "") -> Report:
    term_headers = [t(f"term.half.{x.term_id.rsplit('-', 1)[-1]}") for x in review.terms]
    headers = [t("year.col.teacher"), *[t("year.col.term_points", term=h) for h in term_headers],
               t("year.col.points"), t("year.col.hours"), t("year.col.observed"), t("year.col.taught"),
               t("year.col.outcomes")]
    rows = []
    for row in review.rows:
        rows.append([row.teacher.name, *[row.points_by_term.get(x.term_id, 0.0) for x in review.terms], row.points,
                     row.hours, row.observed, row.taught, row.outcomes])
    summary = Table(t("year.summary"), headers, rows, [3, *[2] * len(review.terms), 2, 2, 2, 2, 2],
                    frozen_columns=1)
    detail_rows = []
    for row in review.rows:
        for term_id, line in row.point_lines:
            detail_rows.append([row.teacher.name, term_display_name(term_id), as_date(line.date), line.label,
                                line.detail, line.points])
    details = Table(t("year.details"), [t("year.col.teacher"), t("year.col.term"), t("year.col.date"),
                                        t("year.col.what"), t("year.col.how"), t("year.col.line_points")],
                    detail_rows, [2, 3, 2, 5, 4, 1])
    title = t("year.title", year=review.year.replace("-", "—"))
    return Report(title, [Part(t("year.summary"), [summary], sheet=t("year.summary")),
                          Part(t("year.details"), [details], sheet=t("year.details"))],
                  school=school, term=t("year.subtitle", year=review.year.replace("-", "—")))


def default_year_name(year: str, fmt: str) -> str:
    return f"{t('year.file_name')}-{year}.{fmt}"
