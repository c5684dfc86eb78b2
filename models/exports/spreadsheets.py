"""The one CSV writer and the one XLSX writer, with the one formula guard.

Every table jiaoyan writes for Excel goes through here (teachers, activities,
observations, pairings, the term report), so they all behave the same:

- **The guard.** A cell of user text that starts with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return is a formula to Excel, LibreOffice and WPS (a tab then ``=`` too:
  the tab is dropped on paste). :func:`needs_guard` is the one test; CSV prefixes such
  text with ``'`` (:func:`csv_cell`), XLSX stores it as a text cell that is never
  calculated (:func:`_text_cell`). Numbers and dates are not user text and stay typed.
- **CSV**: UTF-8 with a BOM and CRLF line ends, as Excel on a Chinese Windows PC expects;
  dates as ``2025-11-05``. Only a report of one table can be a CSV.
- **XLSX** (openpyxl's write-only mode: time linear in rows): one sheet per table, a bold
  header row that is frozen, filtered and repeated on every printed page; dates as date
  cells, numbers as numbers; columns as wide as their Chinese (capped, long text wraps);
  printed on A4, landscape when wide, fitted to one page wide, with the school and term
  in the page header and "第 X 页 共 Y 页" in the footer. A part's signature lines
  (``Signatures``: 评委签名, 教导处（盖章）, 日期 …) follow its last table on that sheet after
  a blank row, inside the print area, one line per row — or one label per row when the
  line is wider than the table — so they print under the table on its last page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Callable
from pathlib import Path

from dataclasses import dataclass, field

from models.exports.content import Fields, Percent, Report, Signatures, Table
from models.i18n import t

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Kept for older callers: the same set.
FORMULA_STARTS = DANGEROUS_STARTS

Progress = Callable[[int, int], None]  # (rows done, rows in all)


def needs_guard(value: object) -> bool:
    """True for text a spreadsheet would run as a formula: the one test every cell goes through."""
    return isinstance(value, str) and value[:1] in DANGEROUS_STARTS


def csv_cell(value: object) -> object:
    """A cell as CSV text: guarded user text gets a leading ``'``; a date is ISO; None is empty."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Percent):
        return str(value)
    if needs_guard(value):
        return "'" + value
    return value


def unguard(text: str) -> str:
    """The reverse of :func:`csv_cell` for jiaoyan's own files read back (the roster import)."""
    if text[:1] == "'" and needs_guard(text[1:]):
        return text[1:]
    return text


def cell_width(value: object) -> int:
    """Width in terminal/Excel columns: Chinese characters count two."""
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(value))


def _value_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Percent):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# -- CSV ------------------------------------------------------------------------------------------

def csv_bytes(report: Report, progress: Progress | None = None) -> bytes:
    """The report's one table as CSV (UTF-8 with BOM, CRLF)."""
    tables = _sheets(report)
    if len(tables) != 1:
        raise ValueError(t("exports.csv_one_table"))
    table = tables[0]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in table.headers])
    total = len(table.rows)
    for index, row in enumerate(table.rows, 1):
        writer.writerow([csv_cell(v) for v in row])
        if progress and index % 500 == 0:
            progress(index, total)
    if progress:
        progress(total, total)
    return buffer.getvalue().encode("utf-8-sig")


# -- XLSX -----------------------------------------------------------------------------------------

PORTRAIT_WIDTH = 95  # Excel width units that fit across A4 portrait; wider sheets print landscape
MAX_WIDTH = 60
LINE_HEIGHT = 15  # points a line of 11-point text takes in a row
MAX_ROW_HEIGHT = 400  # points: a row still fits on a printed A4 page (Excel's own limit is 409)


@dataclass
class _Sheet(Table):
    """A sheet to write: a table, and the signature lines printed under it."""

    signatures: list[Signatures] = field(default_factory=list)


def _sheets(report: Report) -> list[_Sheet]:
    """The tables as sheets: a part whose tables share their columns is one sheet with the
    table's title (a group) in a first column; otherwise each table is its own sheet (the
    first named after the part, the others "part·table"). Fields become a two-column table.
    A part's signature lines go under its last sheet (a part without a table: under the
    sheet before)."""
    sheets: list[_Sheet] = []
    for part in report.parts:
        tables = [b if isinstance(b, Table) else _fields_table(b) for b in part.blocks
                  if isinstance(b, (Table, Fields))]
        signatures = [b for b in part.blocks if isinstance(b, Signatures) and b.labels]
        name = part.sheet or part.title
        if not tables:
            pass
        elif len(tables) > 1 and all(tb.headers == tables[0].headers for tb in tables):
            first = tables[0]
            sheets.append(_Sheet(name, [t("exports.col.section")] + list(first.headers),
                                 [[tb.title, *row] for tb in tables for row in tb.rows],
                                 [3, *(first.widths or [1] * len(first.headers))],
                                 frozen_columns=first.frozen_columns))
        else:
            for index, table in enumerate(tables):
                sheets.append(_Sheet(name if index == 0 else f"{name}·{table.title}", table.headers, table.rows,
                                     table.widths, frozen_columns=table.frozen_columns))
        if signatures and sheets:
            sheets[-1].signatures.extend(signatures)
    return sheets


def signature_rows(lines: list[Signatures], width: float) -> list[str]:
    """The signature lines as the texts of rows in the first column: a line of its labels
    (``教导处（盖章）：＿＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿＿＿＿``, each place as long as the
    Word one) when it fits in ``width`` (the table's width in Excel units), else one label a
    row, so nothing runs off the page."""
    rows: list[str] = []
    for signatures in lines:
        pieces = []
        for label in signatures.labels:
            room = int(width - cell_width(f"{label}：") - 2) // 2  # what is left of the table's width
            blank = "＿" * max(4, min((signatures.blank + 1) // 2, room))  # the name, the seal or the date
            pieces.append(f"{label}：{blank}")
        line = "　　".join(pieces)
        rows.extend([line] if cell_width(line) + 2 <= width else pieces)
    return rows


def _fields_table(fields: Fields) -> Table:
    headers = list(fields.headers or (t("exports.col.item"), t("exports.col.value")))
    return Table(headers[0], headers, [[label, value] for label, value in fields.pairs], [1, 3])


def _excel_widths(table: Table) -> list[float]:
    columns = len(table.headers)
    measured = [cell_width(h) + 2 for h in table.headers]
    for row in table.rows[:500]:
        for index, value in enumerate(row[:columns]):
            width = cell_width(_value_text(value)) + 2 if not isinstance(value, dt.date) else 12
            if width > measured[index]:
                measured[index] = width
    weights = table.widths or []
    total = sum(weights) if weights else 0
    widths = []
    for index, width in enumerate(measured):
        cap = MAX_WIDTH
        if total and index < len(weights):
            cap = max(10, min(MAX_WIDTH, weights[index] / total * 150))
        widths.append(max(6, min(width, max(cap, cell_width(table.headers[index]) + 2))))
    return widths


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` Excel units wide (Chinese
    characters two units; each line break starts a new line)."""
    room = max(1.0, width - 1)  # the cell's padding
    return sum(max(1, int(-(-cell_width(line) // room))) for line in text.splitlines() or [""])


def row_height(row: list, widths: list[float], wrapped: list[bool]) -> float | None:
    """The height in points a row needs so its wrapping cells print whole (None: one line,
    the default). LibreOffice and Excel do not grow a row openpyxl gives no height."""
    lines = max((wrapped_lines(value, widths[index]) for index, value in enumerate(row[:len(widths)])
                 if wrapped[index] and isinstance(value, str)), default=1)
    return min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3) if lines > 1 else None


def _sheet_title(title: str, taken: set[str]) -> str:
    clean = "".join("_" if ch in '[]:*?/\\' else ch for ch in title)[:31].strip("'") or "Sheet"
    candidate, number = clean, 2
    while candidate in taken:
        candidate = f"{clean[:28]}_{number}"
        number += 1
    taken.add(candidate)
    return candidate


def _print_text(text: str) -> str:
    # & starts a code in Excel's header/footer language.
    return text.replace("&", "&&")


def xlsx_bytes(report: Report, progress: Progress | None = None) -> bytes:
    """One sheet per table (see :func:`_sheets`), print-ready; time linear in rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    book = Workbook(write_only=True)
    book.properties.creator = report.school or "jiaoyan"
    book.properties.title = report.title
    taken: set[str] = set()
    sheets = _sheets(report)
    total = sum(len(s.rows) for s in sheets)
    done = 0
    bold = Font(bold=True)
    header_alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    page_header = _print_text(" ".join(x for x in (report.school, report.term) if x))
    page_footer = t("exports.xlsx.footer")
    for table in sheets:
        sheet = book.create_sheet(_sheet_title(table.title, taken))
        widths = _excel_widths(table)
        columns = len(table.headers)
        for index, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        # Columns whose text is wider than the column wrap inside it.
        wrapped = [False] * columns
        for row in table.rows[:500]:
            for index, value in enumerate(row[:columns]):
                if isinstance(value, str) and (cell_width(value) + 2 > widths[index] or "\n" in value):
                    wrapped[index] = True
        last = get_column_letter(max(1, columns))
        sheet.freeze_panes = f"{get_column_letter(table.frozen_columns + 1)}2"
        sheet.print_title_rows = "1:1"
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
        setup = sheet.page_setup
        setup.paperSize = 9  # A4
        setup.orientation = "landscape" if sum(widths) > PORTRAIT_WIDTH else "portrait"
        setup.fitToWidth = 1
        setup.fitToHeight = 0  # as many pages down as the rows need
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.print_options.horizontalCentered = True
        if page_header:
            sheet.oddHeader.center.text = page_header
        sheet.oddFooter.center.text = page_footer
        header_cells = []
        for title in table.headers:
            cell = WriteOnlyCell(sheet, value=_value_text(title))
            cell.data_type = "s"
            cell.font = bold
            cell.alignment = header_alignment
            header_cells.append(cell)
        sheet.append(header_cells)
        for number, row in enumerate(table.rows, 2):
            height = row_height(row, widths, wrapped)
            if height:
                sheet.row_dimensions[number].height = height
            out = []
            for index, value in enumerate(row):
                if isinstance(value, str):
                    guarded = needs_guard(value)
                    if guarded or (index < columns and wrapped[index]):
                        cell = _text_cell(WriteOnlyCell(sheet, value=value), guarded)
                        cell.alignment = wrap if index < columns and wrapped[index] else top
                        out.append(cell)
                    else:
                        out.append(value)
                elif isinstance(value, (dt.date, dt.datetime)):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "yyyy-mm-dd" if not isinstance(value, dt.datetime) else "yyyy-mm-dd hh:mm"
                    out.append(cell)
                elif isinstance(value, Percent):  # a number Excel sums and sorts, shown as 66%
                    cell = WriteOnlyCell(sheet, value=float(value))
                    cell.number_format = "0%"
                    out.append(cell)
                else:
                    out.append(value)
            if height:  # a tall row: its one-line cells stand at the top beside the wrapped text
                out = [_at_top(sheet, value, top) for value in out]
            sheet.append(out)
            done += 1
            if progress and done % 500 == 0:
                progress(done, total)
        used = len(table.rows) + 1
        if table.signatures:
            sheet.append([])
            used += 1
            for text in signature_rows(table.signatures, sum(widths)):
                cell = _text_cell(WriteOnlyCell(sheet, value=text), needs_guard(text))
                cell.alignment = Alignment(vertical="bottom")
                sheet.row_dimensions[used + 1].height = 30  # room to sign above the line
                sheet.append([cell])
                used += 1
        sheet.print_area = f"A1:{last}{used}"  # the table and its signature lines, nothing cut
    if not sheets:
        book.create_sheet("Sheet")
    buffer = io.BytesIO()
    book.save(buffer)
    if progress:
        progress(total, total)
    return buffer.getvalue()


def _at_top(sheet, value, top):
    """A cell of a tall row, aligned to the top (a cell already aligned keeps its alignment)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    if not isinstance(value, Cell):
        value = WriteOnlyCell(sheet, value=value)
    if value.alignment.vertical is None:
        value.alignment = top
    return value


def _text_cell(cell, guarded: bool):
    """User text as a text cell: never calculated, and kept as text if someone edits it."""
    if guarded:
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def save(path: str | Path, payload: bytes) -> None:
    """Write an export through the one output rule (models/store/outputs.py): a temporary
    file for a regular file, directly to a device or FIFO, never over the school's data."""
    from models.store.outputs import write_output

    write_output(Path(path), payload)
