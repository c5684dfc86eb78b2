"""What an export holds, before it is a file: a report of parts, each a list of blocks.

Every export builds one :class:`Report` (a roster is a report of one table; the
term report has many parts; a pairing record mixes fields, text and tables) and
:mod:`models.exports.registry` turns it into the format asked for. Cells hold
typed values: ``str`` (user text, guarded against formulas in CSV/XLSX),
``int``/``float`` (numbers stay numbers), ``datetime.date`` (a date cell in Excel,
``2025年11月5日`` in Word, ``2025-11-05`` in CSV), :class:`Percent` (a number shown as ``66%``)
or ``None`` (empty).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Union



class Percent(float):
    """A share (``0.66``) that prints as ``66%``: a number cell with a percent format in
    Excel (a school can sum and sort it), the text ``66%`` in Word, Markdown and CSV."""

    def __str__(self) -> str:
        return f"{float(self):.0%}"


Value = Union[str, int, float, dt.date, None]


@dataclass
class Table:
    """A table with a header row. ``widths`` are relative column weights (Word divides the
    page width by them; Excel caps a column by its share); empty means equal."""

    title: str
    headers: list[str]
    rows: list[list[Value]]
    widths: list[float] = field(default_factory=list)
    frozen_columns: int = 0  # Excel: columns that stay in view when scrolling right (e.g. an id)


@dataclass
class Text:
    """A paragraph of text (line breaks kept)."""

    text: str
    bold: bool = False


@dataclass
class Fields:
    """Label → value pairs, printed as a two-column table (项目 | 内容)."""

    pairs: list[tuple[str, Value]]
    headers: tuple[str, str] | None = None  # None: the catalog's 项目 / 内容


@dataclass
class Signatures:
    """A line of places to sign: ``师傅签名：＿＿＿＿　日期：＿＿＿＿``. ``blank``: how long each
    place is, in half-width characters (several judges sign on one line: longer)."""

    labels: list[str]
    blank: int = 18


Block = Union[Table, Text, Fields, Signatures]


@dataclass
class Part:
    """One section of a report: a heading in Word and Markdown, a sheet in Excel."""

    title: str
    blocks: list[Block]
    sheet: str = ""  # Excel sheet name (≤ 31 characters); empty: the title
    note: str = ""

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass
class Report:
    """A whole export. ``school`` and ``term`` go into the printed header of Word and Excel.
    ``kind`` says which formats can hold it: "table" (one table: CSV too) or "report"."""

    title: str
    parts: list[Part]
    subtitle: str = ""
    school: str = ""
    term: str = ""
    kind: str = "report"
    heading_title: bool = True  # Word/Markdown: print the title above the first part

    @property
    def tables(self) -> list[Table]:
        return [tb for part in self.parts for tb in part.tables]


def single_table(title: str, headers: list[str], rows: list[list[Value]], *, widths: list[float] | None = None,
                 sheet: str = "", school: str = "", term: str = "", frozen_columns: int = 0) -> Report:
    """The report of a plain export: one table (teachers, activities, observations, pairings)."""
    table = Table(title, list(headers), rows, list(widths or []), frozen_columns=frozen_columns)
    return Report(title, [Part(title, [table], sheet=sheet or title)], school=school, term=term, kind="table")


def as_date(value: object) -> object:
    """An ISO date string as a ``date`` (so Excel gets a date cell); anything else unchanged."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value
