"""成果与评比: outcomes (教研成果) with their full texts — the rules the screens and the
command line share. Points live in models/points.py, 评比 in models/competitions.py.

An outcome's text is written in jiaoyan (the documents' full-screen editor) or read
from a ``.docx``/``.txt``/``.md`` file on the server with the documents' own reader
(:func:`models.documents.text_from_file`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from models.dates import BadInput, parse_date
from models.errors import InputError
from models.i18n import t
from models.records import OUTCOME_KINDS, OUTCOME_LEVELS, Outcome, Teacher, Term, normalize_level
from models.terms import is_archived

# Kinds that carry a text worth binding (反思, 随笔, 案例, 论文, 课题成果 …); 获奖 may too.
TEXT_KINDS = ("教学反思", "教学随笔", "教学案例", "教学论文", "课题", "获奖", "读书笔记", "教学设计")


class OutcomeRefused(InputError):
    """An outcome that cannot be made as asked; the message says what to fix."""


def read_text_file(path: str | Path) -> str:
    """The text of a .docx, .txt or .md file on the server (the documents' reader), or
    :class:`OutcomeRefused` with the sentence saying why not."""
    from models.documents import DocumentRefused, text_from_file

    try:
        return text_from_file(Path(path).expanduser())
    except DocumentRefused as error:
        raise OutcomeRefused(error.reason) from None


def check_kind(kind: str) -> str:
    kind = kind.strip()
    if kind not in OUTCOME_KINDS:
        raise OutcomeRefused(t("error.bad_choice", field=t("field.outcome_kind"), value=kind,
                               choices="、".join(OUTCOME_KINDS)))
    return kind


def check_level(level: str) -> str:
    level = normalize_level(level)
    if level not in OUTCOME_LEVELS:
        raise OutcomeRefused(t("error.bad_choice", field=t("field.level"), value=level,
                               choices="、".join(OUTCOME_LEVELS)))
    return level


def make_outcome(store, teacher: Teacher, term: Term, *, kind: str, title: str, level: str = "校级",
                 award: str = "", day: str = "", today: dt.date, text: str = "") -> Outcome:
    """A new outcome, checked (not yet saved): kind and level from the lists, the term open,
    the date understood (today when none), the points as the policy has them now."""
    if is_archived(term):
        raise OutcomeRefused(t("dashboard.outcome.archived", term=term.term_id))
    kind, level = check_kind(kind), check_level(level)
    try:
        date = parse_date(day, today) if day.strip() else today
    except BadInput as error:
        raise OutcomeRefused(str(error)) from None
    outcome = Outcome(teacher_id=teacher.id, term_id=term.term_id, kind=kind, title=title.strip(), level=level,
                      award=award.strip(), date=date.isoformat(), text=text.replace("\r\n", "\n").replace("\r", "\n"))
    outcome.points = store.policy().points_for(kind, outcome.award, level)
    problems = outcome.validate()
    if problems:
        raise OutcomeRefused("\n".join(str(p) for p in problems))
    return outcome


def text_summary(outcome: Outcome) -> str:
    """How much text an outcome carries: ``1,234 字`` (empty when none)."""
    count = sum(1 for c in outcome.text if not c.isspace())
    return t("outcomes.text_count", count=f"{count:,}") if count else ""


__all__ = ["OutcomeRefused", "TEXT_KINDS", "check_kind", "check_level", "make_outcome", "read_text_file",
           "text_summary"]
