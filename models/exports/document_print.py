"""Documents (issue 17) on paper, with the one Word builder (models/exports/word.py).

:func:`document_docx` prints one document in the school's layout: the title, a table of
kind, author or group, term, date and reviewer, the text (one paragraph a line, first
line indented two characters), the review comment, and a signature line.

:func:`add_documents` puts a group's handed-in documents of one kind into another
Word document — the group's term binder (``jiaoyan report term --group NAME``), which
holds its plan, activity records, research-lesson designs and summary in that order.
"""

from __future__ import annotations

from models import documents as docs
from models.documents import Document
from models.i18n import t
from models.records import Group, Teacher, Term, term_display_name


def handed_in_date(document: Document) -> str:
    """The day it was last handed in (or approved), else the day it was last saved."""
    for step in reversed(document.history):
        if step.get("action") in ("submitted", "approved"):
            return str(step.get("at", ""))[:10]
    return document.updated_at[:10]


def _reviewed(store, document: Document) -> str:
    last = next((s for s in reversed(document.history) if s.get("action") in ("returned", "approved")), None)
    if last is None:
        return docs.reviewer_label(store, document) + " · " + t(f"doc.state.{document.state}")
    from models.exports.word import cn_date

    who = store.get(Teacher, last.get("by", 0)) if last.get("by") else None
    return f"{who.name if who else '?'} · {t('doc.action.' + last['action'])} · {cn_date(str(last.get('at', ''))[:10])}"


def _write_body(doc, document: Document) -> None:
    lines = document.body.split("\n") if document.body.strip() else []
    if not lines:
        doc.paragraph(t("doc.print.empty"))
    for line in lines:
        stripped = line.strip()
        # A heading-like line (一、… / 二、…) is not indented; body lines are (首行缩进).
        doc.paragraph(stripped, indent=bool(stripped) and not _is_numbered_heading(stripped))


def _is_numbered_heading(line: str) -> bool:
    return len(line) > 1 and line[0] in "一二三四五六七八九十" and line[1] in "、．."


def add_document(doc, store, document: Document, *, heading_level: int = 0) -> None:
    """One document's parts into ``doc`` (a WordDocument): its title as a heading when
    ``heading_level`` is given (in a binder), its facts, text, comment and signatures."""
    from models.exports.word import cn_date

    if heading_level:
        doc.heading(document.title, level=heading_level)
    reading = store.get(docs.Reading, document.reading_id) if document.reading_id else None
    pairs = [(t("doc.print.kind"), document.kind), (t("doc.print.author"), docs.author_label(store, document)),
             (t("doc.print.term"), term_display_name(document.term_id)),
             (t("doc.print.date"), cn_date(handed_in_date(document))),
             (t("doc.print.review"), _reviewed(store, document))]
    if reading is not None:
        pairs.insert(2, (t("doc.print.reading"), f"《{reading.title}》{reading.author}"))
    doc.fields(pairs, headers=(), widths=(1, 4))
    doc.paragraph()
    _write_body(doc, document)
    doc.paragraph()
    doc.paragraph(t("doc.print.comment"), bold=True)
    doc.paragraph(document.review_comment() or "—", indent=True)
    doc.signatures([t("doc.print.sign_author"), t("doc.print.sign_reviewer"), t("doc.print.sign_date")])


def document_docx(store, document: Document) -> bytes:
    """One document, printed in the school's layout."""
    from models.exports.word import WordDocument

    doc = WordDocument(document.title, school=store.policy().school_name,
                       term=term_display_name(document.term_id), author=store.policy().school_name)
    add_document(doc, store, document)
    return doc.to_bytes()


def default_document_name(document: Document) -> str:
    safe = "".join(c for c in document.title if c not in '\\/:*?"<>|').strip() or "document"
    return f"{safe}.docx"


def group_documents(store, term: Term, group: Group, kinds: tuple[str, ...]) -> list[Document]:
    """The group's handed-in documents of these kinds this term (approved first, then by date)."""
    found = [d for d in docs.reader(store, term.term_id).all(Document) if d.term_id == term.term_id
             and d.group_id == group.id
             and d.kind in kinds and d.state in docs.HANDED_IN_STATES]
    return sorted(found, key=lambda d: (d.state != "approved", handed_in_date(d), d.id))


def lesson_designs(store, term: Term, group: Group) -> list[Document]:
    """The 教学设计 the group's members handed in this term, by date."""
    members = set(group.member_ids) | ({group.leader_id} if group.leader_id else set())
    found = [d for d in docs.reader(store, term.term_id).all(Document) if d.term_id == term.term_id
             and d.kind == "教学设计"
             and d.author_id in members and d.state in docs.HANDED_IN_STATES]
    return sorted(found, key=lambda d: (handed_in_date(d), d.id))


def add_documents(doc, store, heading: str, found: list[Document], *, missing: str) -> None:
    """A part of a binder: a heading, then each document on its own pages (or ``missing``)."""
    doc.page_break()
    doc.heading(heading, level=1)
    if not found:
        doc.paragraph(missing)
        return
    for n, document in enumerate(found):
        if n:
            doc.page_break()
        add_document(doc, store, document, heading_level=2)


def add_plan(doc, store, term: Term, group: Group) -> None:
    add_documents(doc, store, t("doc.binder.plan"), group_documents(store, term, group, ("教研计划",)),
                  missing=t("doc.binder.missing", kind="教研计划"))


def add_designs(doc, store, term: Term, group: Group) -> None:
    add_documents(doc, store, t("doc.binder.designs"), lesson_designs(store, term, group),
                  missing=t("doc.binder.missing", kind="教学设计"))


def add_summary(doc, store, term: Term, group: Group) -> None:
    add_documents(doc, store, t("doc.binder.summary"), group_documents(store, term, group, ("教研总结",)),
                  missing=t("doc.binder.missing", kind="教研总结"))
