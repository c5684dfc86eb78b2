"""成果集: the selected outcomes bound into one Word document (装订成册).

A cover, a table of contents (a real Word TOC field whose result is already the written
list, so it reads without a field update), then each outcome on its own page: its title,
its author (and kind, level, award), its full text. Page numbers in the footer, like
every document of the one Word builder (models/exports/word.py). The registry
(models/exports/registry.py) writes content of kind ``booklet`` as .docx.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from models.i18n import t
from models.records import OUTCOME_KINDS, Outcome, Teacher, Term

# Reflections and cases first, as schools bind them.
BOOKLET_ORDER = ("教学反思", "教学案例", "教学随笔", "教学论文", "教学设计", "读书笔记", "课题", "获奖", "公开课")
KIND = "booklet"


@dataclass
class BookletEntry:
    outcome_id: int
    kind: str
    title: str
    author: str
    level: str
    award: str
    date: str
    text: str

    @property
    def bookmark(self) -> str:
        return f"outcome_{self.outcome_id}"

    @property
    def heading(self) -> str:
        """《title》; a title with its own book marks nests them the Chinese way: 《〈小雨沙沙〉教学反思》."""
        return t("booklet.entry_title", title=self.title.replace("《", "〈").replace("》", "〉"))


@dataclass
class Booklet:
    title: str
    school: str
    term: str
    day: dt.date
    entries: list[BookletEntry] = field(default_factory=list)
    kind: str = KIND  # the registry's kind of content


def kind_order(kind: str) -> tuple[int, str]:
    order = BOOKLET_ORDER + tuple(k for k in OUTCOME_KINDS if k not in BOOKLET_ORDER)
    return (order.index(kind) if kind in order else len(order), kind)


def booklet_outcomes(source, term: Term, kinds: Iterable[str] = (), ids: Iterable[int] = ()) -> list[Outcome]:
    """Exactly the outcomes ``ids`` (the ones the office picked), or else those of ``term`` of
    the given kinds (all when none) that have their text written (an award or a note with no
    text would be a page saying so: a booklet binds texts); in the booklet's order: by kind
    (reflections first), then by date."""
    kinds, ids = set(kinds), set(ids)
    chosen = [o for o in source.all(Outcome) if o.term_id == term.term_id
              and (not kinds or o.kind in kinds) and (o.id in ids if ids else bool(o.text.strip()))]
    return sorted(chosen, key=lambda o: (kind_order(o.kind), o.date, o.id))


def build_booklet(source, term: Term, today: dt.date, kinds: Iterable[str] = (), ids: Iterable[int] = ()) -> Booklet:
    names = {x.id: x.name for x in source.all(Teacher)}
    kinds = tuple(kinds)
    school = source.policy().school_name
    title = t("booklet.title_kind", kind="、".join(kinds)) if kinds else t("booklet.title")
    entries = [BookletEntry(o.id, o.kind, o.title, names.get(o.teacher_id, "?"), o.level, o.award, o.date, o.text)
               for o in booklet_outcomes(source, term, kinds, ids)]
    return Booklet(title=title, school=school, term=term.name, day=today, entries=entries)


# The written contents' page numbers are worked out from the text's length on A4 in 宋体
# 五号 (38 characters a line, 35 lines a page, as LibreOffice sets it); Word and WPS put the
# exact ones in when they update the field, which they are asked to on opening.
CHARS_PER_LINE = 38
LINES_PER_PAGE = 35
TOC_LINES_PER_PAGE = 38


def _text_lines(text: str) -> int:
    from rich.cells import cell_len

    return max(1, -(-(4 + cell_len(text)) // (2 * CHARS_PER_LINE)))  # the first line is indented two characters


def entry_pages(entry: BookletEntry) -> int:
    """How many pages an entry takes: its heading, the line about it, a blank line, its text."""
    lines = 3 + sum(_text_lines(line.strip()) for line in entry.text.splitlines() if line.strip())
    return max(1, -(-lines // LINES_PER_PAGE))


def start_pages(booklet: Booklet) -> list[int]:
    """The page each entry starts on: after the cover and the contents, each on a new page."""
    page = 2 + max(1, -(-(len(booklet.entries) + 3) // TOC_LINES_PER_PAGE))
    starts = []
    for entry in booklet.entries:
        starts.append(page)
        page += entry_pages(entry)
    return starts


def booklet_to_docx(booklet: Booklet, progress: Callable[[int, int], None] | None = None) -> bytes:
    from models.exports.word import WordDocument, cn_date

    doc = WordDocument(booklet.title, school=booklet.school, term=booklet.term, show_title=False)
    doc.cover(booklet.title, [booklet.school, booklet.term, t("booklet.count", count=len(booklet.entries)),
                              cn_date(booklet.day)])
    doc.contents(t("booklet.contents"), [(t("booklet.toc_line", title=e.heading, author=e.author), e.bookmark)
                                          for e in booklet.entries], pages=start_pages(booklet))
    total = len(booklet.entries) or 1
    for number, entry in enumerate(booklet.entries, 1):
        doc.heading(entry.heading, 1, bookmark=entry.bookmark, center=True)
        about = "　".join(x for x in (entry.author, entry.kind, entry.level, entry.award, cn_date(entry.date)) if x)
        doc.paragraph(about, align="center")
        doc.paragraph("")
        lines = [line.strip() for line in entry.text.splitlines()]
        if not any(lines):
            doc.paragraph(t("booklet.no_text"))
        for line in lines:
            if line:
                doc.paragraph(line, indent=True)
        if number < len(booklet.entries):
            doc.page_break()
        if progress:
            progress(number, total)
    return doc.to_bytes()


def default_booklet_name(term_id: str) -> str:
    return t("booklet.file", term=term_id) + ".docx"


__all__ = ["BOOKLET_ORDER", "Booklet", "BookletEntry", "KIND", "booklet_outcomes", "booklet_to_docx",
           "build_booklet", "default_booklet_name"]
