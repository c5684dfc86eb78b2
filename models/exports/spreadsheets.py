"""Tables for Excel: CSV that a school PC opens right, and XLSX with a header that stays put.

Every export of the app (teachers, activities, observations, pairings, term reports) writes
through here, so they all behave the same: UTF-8 with a BOM for CSV, a bold frozen header
row and columns wide enough for their Chinese in XLSX, and typed text that starts like a
formula (``=1+1``) kept as text.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@")


def cell_width(value: object) -> int:
    """Width in terminal/Excel columns: Chinese characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(value))


def csv_safe(value: object) -> object:
    # A cell starting with = + - @ is a formula to Excel; typed text must stay text.
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]], *,
              protect_formulas: bool = True) -> bytes:
    """UTF-8 with a BOM and CRLF line ends, as Excel on a Chinese Windows PC expects.
    ``protect_formulas=False`` is for files meant to be read back by jiaoyan itself."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(v) for v in row] if protect_formulas else list(row))
    return buffer.getvalue().encode("utf-8-sig")


@dataclass
class Sheet:
    """One worksheet: a title, a header row and the rows under it."""

    title: str
    header: Sequence[object]
    rows: list[Sequence[object]] = field(default_factory=list)
    widths: Sequence[float] | None = None  # None: measured from the content
    heading: str = ""  # an optional title line above the header (the header then starts on row 2)
    frozen_columns: int = 0  # columns kept in view when scrolling right (e.g. an id)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        table = book.create_sheet(_sheet_title(sheet.title, book.sheetnames))
        if sheet.heading:
            table.append([sheet.heading])
            table.cell(row=1, column=1).font = Font(bold=True, size=13)
        table.append(list(sheet.header))
        header_row = table.max_row
        for cell in table[header_row]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            table.append(list(row))
            for cell in table[table.max_row]:
                if isinstance(cell.value, str) and cell.value[:1] in FORMULA_STARTS:
                    cell.data_type = "s"  # shown as typed, never calculated
        table.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}{header_row + 1}"
        widths = sheet.widths or _measured_widths(sheet)
        for index, width in enumerate(widths, 1):
            letter = get_column_letter(index)
            table.column_dimensions[letter].width = width
            if width >= 30:
                for cell in table[letter][header_row:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _measured_widths(sheet: Sheet) -> list[float]:
    columns = len(sheet.header)
    widths = [cell_width(h) + 2 for h in sheet.header]
    for row in sheet.rows[:500]:
        for index, value in enumerate(list(row)[:columns]):
            widths[index] = max(widths[index], min(cell_width(value) + 2, 50))
    return [max(6, w) for w in widths]


def _sheet_title(title: str, taken: list[str]) -> str:
    clean = "".join("_" if ch in '[]:*?/\\' else ch for ch in title)[:31] or "Sheet"
    candidate, number = clean, 2
    while candidate in taken:
        candidate = f"{clean[:28]}_{number}"
        number += 1
    return candidate


def save(path: str | Path, payload: bytes) -> None:
    """Write an export through the one output rule (models/store/outputs.py): a temporary
    file for a regular file, directly to a device or FIFO, never over the school's data."""
    from models.store.outputs import write_output

    write_output(Path(path), payload)
