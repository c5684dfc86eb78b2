"""How fast the end-of-term report and the exports are written, beside their baselines.

    .venv/bin/python bench/report_speed.py [--quick]

1. The term report of the 300-teacher school (bench/large_school.py: an open term of 4,500
   observations, 600 activities) as Word and as Excel through jiaoyan's writers, beside the same rows
   written with each library's fastest plain path (python-docx: ``add_table`` then
   ``add_row().cells``; openpyxl: a write-only workbook and ``append`` of plain values),
   and the Word report's time as a multiple of the Excel one's (issue 14: a small factor).
2. An export of N rows to XLSX for growing N: the time per row stays flat (linear time).

Every figure is measured in this run, on this machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.large_school import large_school  # noqa: E402
from models.exports.content import single_table  # noqa: E402
from models.exports.registry import render  # noqa: E402
from models.exports.term_report import term_report  # noqa: E402
from models.records import Term  # noqa: E402
from models.store.storage import Store  # noqa: E402
from models.exports.word import text_of  # noqa: E402


def plain_rows(report):
    """Each table of the report as (title, headers, rows of text): what both baselines write."""
    return [(tb.title, list(tb.headers), [[text_of(v) for v in row] for row in tb.rows]) for tb in report.tables]


def _timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def baseline_docx(report) -> bytes:
    """python-docx's plain path: one table per table, rows added one by one."""
    from docx import Document

    doc = Document()
    for title, headers, rows in plain_rows(report):
        doc.add_heading(title, level=2)
        table = doc.add_table(rows=1, cols=len(headers))
        for cell, text in zip(table.rows[0].cells, headers):
            cell.text = text
        for row in rows:
            for cell, text in zip(table.add_row().cells, row):
                cell.text = text
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def baseline_xlsx(report) -> bytes:
    """openpyxl's fastest path: a write-only workbook, plain values appended."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, headers, rows in plain_rows(report):
        sheet = book.create_sheet()
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller row counts for the linearity check")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(large_school(Path(folder)), actor="bench")
        term = next(x for x in store.all(Term) if x.term_id == "2025-2026-1")
        build_time, report = _timed(lambda: term_report(store, term, dt.date(2025, 11, 5), None))
        rows = sum(len(tb.rows) for tb in report.tables)
        print(f"term report of the 300-teacher school: {rows} rows in {len(report.tables)} tables "
              f"(gathering the figures: {build_time:.2f} s)")
        print(f"{'what':<34}{'jiaoyan':>10}{'baseline':>10}{'ratio':>8}")
        ours_by_format = {}
        for fmt, baseline in (("docx", baseline_docx), ("xlsx", baseline_xlsx)):
            ours, payload = _timed(lambda: render(report, fmt))
            base, _ = _timed(lambda: baseline(report))
            ours_by_format[fmt] = ours
            print(f"{'report term --format ' + fmt:<34}{ours:>9.2f}s{base:>9.2f}s{ours / base:>7.2f}×"
                  f"   ({len(payload) // 1024} KB)")
        print(f"{'Word report / Excel report':<34}{ours_by_format['docx'] / ours_by_format['xlsx']:>27.2f}×")

    print()
    print(f"{'export of N rows to xlsx':<34}{'total':>10}{'per row':>10}")
    sizes = (1000, 4000, 16000) if args.quick else (2000, 8000, 32000)
    for size in sizes:
        table = single_table("听课记录", ["日期", "听课人", "授课教师", "课题", "优点", "不足", "建议", "等级"],
                             [[dt.date(2025, 9, 1 + n % 28), f"教师{n % 300}", f"教师{(n * 7) % 300}", "《秋天的雨》",
                               "教学目标明确，重难点突出", "学生自主思考的时间偏少", "=给学生留出独立思考的时间", "良"]
                              for n in range(size)])
        seconds, _ = _timed(lambda: render(table, "xlsx"))
        print(f"{f'{size:,} rows':<34}{seconds:>9.2f}s{seconds / size * 1e6:>8.0f}µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
