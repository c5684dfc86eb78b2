"""The one registry from format name to writer, read by the CLI and the screens alike.

Every export builds content (a :class:`~models.exports.content.Report`, or a calendar
feed) and asks :func:`render` for the format the user chose. Which formats an export
offers follows from the kind of its content (:func:`formats_for`), so a new format is
one entry in :data:`FORMATS`: its name, file suffix, the kinds it can hold and its writer.

==========  =========  ====================  ==========================================
format      suffix     holds                 writer
==========  =========  ====================  ==========================================
csv         .csv       table                 models.exports.spreadsheets.csv_bytes
xlsx        .xlsx      table, report         models.exports.spreadsheets.xlsx_bytes
docx        .docx      table, report,        models.exports.word.report_to_docx
                       booklet               models.exports.booklet.booklet_to_docx (same builder)
md          .md        table, report         models.exports.markdown.to_markdown
ics         .ics       calendar              models.exports.ics.ics_bytes
==========  =========  ====================  ==========================================

Reports of kind "report" that the CLI and a screen both print: the term and year reports,
a 课题's record (project_record.py), a 评比's result (competition_result.py: ``docx`` and
``xlsx``, through the same two writers above).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from models.i18n import t

Progress = Callable[[int, int], None]


def _csv(content, progress):
    from models.exports.spreadsheets import csv_bytes

    return csv_bytes(content, progress)


def _xlsx(content, progress):
    from models.exports.spreadsheets import xlsx_bytes

    return xlsx_bytes(content, progress)


def _docx(content, progress):
    if getattr(content, "kind", "") == "booklet":  # 成果集: cover, contents, full texts (models/exports/booklet.py)
        from models.exports.booklet import booklet_to_docx

        return booklet_to_docx(content, progress)
    from models.exports.word import report_to_docx

    return report_to_docx(content, progress)


def _md(content, progress):
    from models.exports.markdown import to_markdown

    return to_markdown(content).encode("utf-8")


def _ics(content, progress):
    from models.exports.ics import ics_bytes

    return ics_bytes(content)


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    holds: frozenset[str]  # kinds of content: "table", "report", "calendar", "booklet"
    write: Callable[[object, Progress | None], bytes]
    text: bool  # can be printed to a terminal or a pipe


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("csv", ".csv", frozenset({"table"}), _csv, True),
    Format("xlsx", ".xlsx", frozenset({"table", "report"}), _xlsx, False),
    Format("docx", ".docx", frozenset({"table", "report", "booklet"}), _docx, False),
    Format("md", ".md", frozenset({"table", "report"}), _md, True),
    Format("ics", ".ics", frozenset({"calendar"}), _ics, True),
)}


def formats_for(kind: str) -> tuple[str, ...]:
    """The formats that can hold content of this kind, in the registry's order."""
    return tuple(name for name, f in FORMATS.items() if kind in f.holds)


def format_help(kind: str, default: str | None = None) -> str:
    """The ``--format`` help of a command, from the registry: ``格式：csv（默认）、xlsx、docx、md``
    (English: ``format: csv (default), xlsx, docx, md``), so it names every format offered."""
    names = [t("exports.cli.format_default", name=name) if name == default else name for name in formats_for(kind)]
    return t("exports.cli.format", formats=t("exports.cli.format_sep").join(names))


def render(content, fmt: str, progress: Progress | None = None) -> bytes:
    """The content as a file of format ``fmt``. ``progress(done, total)`` is called as
    rows are written (for a progress bar or line)."""
    entry = FORMATS.get(fmt)
    kind = getattr(content, "kind", "report")
    if entry is None or kind not in entry.holds:
        raise ValueError(t("exports.unknown_format", fmt=fmt, known="、".join(formats_for(kind))))
    return entry.write(content, progress)


def format_for_path(path: str | Path, kind: str) -> str | None:
    """The format a file name asks for (by its suffix), if content of ``kind`` can have it."""
    suffix = Path(path).suffix.lower()
    return next((name for name in formats_for(kind) if FORMATS[name].suffix == suffix), None)


def suffixes_for(kind: str) -> str:
    """``.xlsx、.csv`` — for a message saying which endings are understood."""
    return "、".join(FORMATS[name].suffix for name in formats_for(kind))


def save(path: str | Path, payload: bytes) -> None:
    """Write through a temporary file, so a half-written export never replaces a good one."""
    from models.exports.spreadsheets import save as atomic_save

    atomic_save(path, payload)
