"""One figure everywhere: a pair's meetings held and expected are the same in the dashboard,
`report term`, `export pairings` and `report pairing` (issue 14; it was 10 in two of them and
9 in the other two, and a behind pair showed "4 / 10" beside 落后 5); and a teacher's lessons
observed against the quota are the same on the dashboard, its text, `report term` (Excel and
Word), the 听课本 cover and the home view."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from models.dashboard import build_dashboard
from models.exports.pairing_report import export_report, export_rows, pairing_record, record_report
from models.exports.registry import render
from models.exports.term_report import term_report
from models.mentoring import progress_for_store
from models.records import Pairing, Teacher, Term

TODAY = dt.date(2025, 11, 5)


def test_the_same_pair_has_the_same_figures_in_every_document(demo_store):
    term = next(x for x in demo_store.all(Term) if x.term_id == "2025-2026-1")
    admin = next(x for x in demo_store.all(Teacher) if x.is_admin)
    names = {x.id: x.name for x in demo_store.all(Teacher)}

    dashboard = {(names[p.pairing.mentor_id], names[p.pairing.mentee_id]): (p.meetings, p.expected)
                 for p in build_dashboard(demo_store, term, TODAY).pairings}

    book = load_workbook(io.BytesIO(render(term_report(demo_store, term, TODAY, admin), "xlsx")))
    sheet = book["师徒带教"]
    header = [c.value for c in sheet[1]]
    held_at, expected_at = header.index("带教次数"), header.index("应有")
    report = {(row[0], row[1]): (row[held_at], row[expected_at])
              for row in sheet.iter_rows(min_row=2, values_only=True)}

    rows = export_rows(demo_store, term, TODAY)
    exported_csv = list(csv.reader(io.StringIO(render(export_report(rows, term), "csv").decode("utf-8-sig"))))
    export = {(row[1], row[2]): (int(row[7]), int(row[8]), int(row[13])) for row in exported_csv[1:]}

    assert dashboard and set(dashboard) == set(report) == set(export)
    for pair, (held, expected) in dashboard.items():
        assert report[pair] == (held, expected), pair
        assert export[pair][:2] == (held, expected), pair
        assert export[pair][2] == max(0, expected - held), pair  # 落后 = expected − held

    for pairing in demo_store.all(Pairing):
        pair = (names[pairing.mentor_id], names[pairing.mentee_id])
        if pair not in dashboard:
            continue
        record = pairing_record(demo_store, pairing, term, admin, TODAY)
        fields = dict(record.progress)
        assert (int(fields["带教次数"]), int(fields["应带教次数"])) == dashboard[pair]
        markdown = render(record_report(record), "md").decode()
        assert f"| 应带教次数 | {dashboard[pair][1]} |" in markdown
        progress = progress_for_store(demo_store, pairing, term, TODAY)  # the 师徒 list and the pairing's page
        assert (progress.meetings_held, progress.meetings_expected) == dashboard[pair]

    # The behind pair of the demo school: 4 held of 9 expected, 5 behind, everywhere.
    lagging = next(pair for pair in export if pair[1] == "周海峰")
    assert export[lagging] == (4, 9, 5) and dashboard[lagging] == (4, 9)


def test_a_teachers_lessons_observed_and_quota_are_the_same_in_every_document(demo_store):
    """听课 given / 任务 per teacher: the dashboard, its text for the cron mail, `report term` as
    Excel and as Word, the 听课本 cover (notebook_of) and the teacher's home view."""
    import docx

    from models.dashboard_text import render_text
    from models.exports.observation_pages import notebook_of
    from models.home import build_home

    term = next(x for x in demo_store.all(Term) if x.term_id == "2025-2026-1")
    admin = next(x for x in demo_store.all(Teacher) if x.is_admin)
    teachers = {x.id: x for x in demo_store.all(Teacher)}
    dash = build_dashboard(demo_store, term, TODAY)
    dashboard = {f.teacher.name: (f.given, f.quota) for f in dash.teachers}
    assert len(dashboard) == len({f.teacher.id for f in dash.teachers})  # names are unique in the demo

    report = term_report(demo_store, term, TODAY, admin)
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    sheet = book["听课统计"]  # the part's first table: by teacher
    header = [c.value for c in sheet[1]]
    name_at, given_at, quota_at = header.index("教师"), header.index("听课"), header.index("任务")
    excel = {row[name_at]: (row[given_at], row[quota_at]) for row in sheet.iter_rows(min_row=2, values_only=True)}

    word = docx.Document(io.BytesIO(render(report, "docx")))
    table = next(tb for tb in word.tables if [c.text for c in tb.rows[0].cells][:3] == ["教师", "所在组", "听课"])
    cells = [[c.text for c in row.cells] for row in table.rows]
    w_given, w_quota = cells[0].index("听课"), cells[0].index("任务")
    in_word = {row[0]: (int(row[w_given]), int(row[w_quota])) for row in cells[1:]}

    text = render_text(dash, {x.id: x.name for x in teachers.values()}, plain=True)

    assert dashboard and dashboard == excel == in_word
    for f in dash.teachers:
        book_of = notebook_of(demo_store, admin, f.teacher, term)
        assert (book_of.given, book_of.quota) == (f.given, f.quota), f.teacher.name
        line = next((x for x in text.splitlines() if x.startswith(f.teacher.name + " ")), None)
        if line is not None:  # the text cuts long names; the figure follows the name
            assert f"{f.given}/{f.quota}" in line, line
    for login in ("zhangmin", "chenying"):
        teacher = next(x for x in teachers.values() if x.login == login)
        pace = next(line for line in build_home(demo_store, teacher, TODAY).lines if line.kind == "pace")
        assert f"听课 {dashboard[teacher.name][0]}/{dashboard[teacher.name][1]} 节" in pace.text
