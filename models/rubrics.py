"""评课量表: the school's own evaluation sheets, and scoring a lesson on one.

A rubric is a list of named criteria with a maximum score each (教学目标 15, 教学内容 20 …),
optionally a one-line descriptor each, and the lesson types and subjects it applies to
(none listed = every type, every subject). The admin edits them in the policy screen or
imports the sheet the school already keeps (:func:`read_rubric_file`, ``jiaoyan import
rubric``). A scored observation keeps a copy of the rubric as it was
(:func:`snapshot`), so changing a rubric never changes a record already scored.

Only the admin changes rubrics: models/permissions.py gives every record type it does
not name to the admin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from models.errors import InputError
from models.i18n import t
from models.records import Problem, Record

MAX_CRITERIA = 20  # the scoring form has this many score fields
CRITERION_LINE = re.compile(r"^\s*(?P<name>.+?)\s+(?P<max>\d+(?:\.\d+)?)\s*(?:分)?(?:\s+(?P<descriptor>.*?))?\s*$")
LIST_SEPARATORS = re.compile(r"[;；,，、/／\s]+")


@dataclass
class Rubric(Record):
    """评课量表. ``criteria`` are ``{"name", "max", "descriptor"}`` in the sheet's order."""

    TABLE: ClassVar[str] = "rubrics"

    name: str = ""
    criteria: list[dict[str, Any]] = field(default_factory=list)
    lesson_types: list[str] = field(default_factory=list)  # empty: every lesson type
    subjects: list[str] = field(default_factory=list)  # empty: every subject
    active: bool = True

    @property
    def full_marks(self) -> float:
        return sum(float(c.get("max", 0)) for c in self.criteria)

    def applies_to(self, lesson_type: str, subject: str) -> bool:
        return (self.active and (not self.lesson_types or lesson_type in self.lesson_types)
                and (not self.subjects or subject in self.subjects))

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        if not self.name.strip():
            problems.append(Problem("name", t("error.required", field=t("rubric.field.name"))))
        problems += criteria_problems(self.criteria)
        return problems


def criteria_problems(criteria: list[dict[str, Any]]) -> list[Problem]:
    problems: list[Problem] = []
    if not criteria:
        problems.append(Problem("criteria", t("rubric.error.no_criteria")))
    if len(criteria) > MAX_CRITERIA:
        problems.append(Problem("criteria", t("rubric.error.too_many", count=len(criteria), most=MAX_CRITERIA)))
    seen: set[str] = set()
    for number, criterion in enumerate(criteria, 1):
        name = str(criterion.get("name", "")).strip()
        maximum = criterion.get("max")
        if not name:
            problems.append(Problem("criteria", t("rubric.error.criterion_no_name", number=number)))
        elif name in seen:
            problems.append(Problem("criteria", t("rubric.error.criterion_twice", name=name)))
        seen.add(name)
        if isinstance(maximum, bool) or not isinstance(maximum, (int, float)) or maximum <= 0:
            problems.append(Problem("criteria", t("rubric.error.bad_max", name=name or number, value=maximum)))
    return problems


def number(value: float) -> int | float:
    """14.0 → 14: scores and maxima read as people write them, and store as they typed."""
    return int(value) if float(value).is_integer() else float(value)


def show_number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def snapshot(rubric: Rubric) -> dict[str, Any]:
    """The copy a scored observation keeps."""
    return {"id": rubric.id, "name": rubric.name, "version": rubric.version,
            "criteria": [dict(c) for c in rubric.criteria]}


def full_marks_of(snap: dict[str, Any]) -> float:
    return sum(float(c.get("max", 0)) for c in (snap or {}).get("criteria", []))


def criteria_of(snap: dict[str, Any]) -> list[dict[str, Any]]:
    return list((snap or {}).get("criteria", []))


def rubric_for(rubrics: Iterable[Rubric], lesson_type: str, subject: str) -> Rubric | None:
    """The rubric a lesson is scored on: the most specific active one that applies
    (naming the type and the subject, then the type, then the subject, then neither);
    the oldest among equals. None when no rubric applies (a 推门课 may have none)."""
    fitting = [r for r in rubrics if r.applies_to(lesson_type, subject)]
    if not fitting:
        return None
    return min(fitting, key=lambda r: (not r.lesson_types, not r.subjects, r.id))


def rubric_for_entry(store, lesson_type: str, subject: str, editing=None) -> dict[str, Any]:
    """The rubric snapshot an entry is scored on. A record already scored keeps its own
    copy while the same rubric still applies; otherwise the school's current one."""
    current = rubric_for(store.all(Rubric), lesson_type, subject)
    kept = getattr(editing, "rubric", None) or {}
    if kept and editing.scores and (current is None or current.id == kept.get("id")):
        return kept
    return snapshot(current) if current is not None else {}


# -- reading what people typed ----------------------------------------------------------------


def parse_score(text: str) -> float | None:
    """``14``, ``14.5``, ``１４`` (full width) → a number; None when it is not one."""
    value = text.strip().translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    if not re.fullmatch(r"\d+(?:\.\d+)?", value):
        return None
    return number(float(value))


def read_scores(snap: dict[str, Any], typed: dict[str, str]) -> tuple[dict[str, float], list[Problem]]:
    """Typed scores (criterion name → text; blank = not scored) checked against a rubric
    snapshot: unknown names, non-numbers and scores over the maximum are problems."""
    maxima = {c["name"]: c["max"] for c in criteria_of(snap)}
    scores: dict[str, float] = {}
    problems: list[Problem] = []
    for name, text in typed.items():
        if not str(text).strip():
            continue
        if not snap:
            problems.append(Problem("scores", t("rubric.error.no_rubric")))
            break
        if name not in maxima:
            problems.append(Problem("scores", t("rubric.error.unknown_criterion", name=name, rubric=snap["name"],
                                                choices="、".join(maxima))))
            continue
        value = parse_score(str(text))
        if value is None:
            problems.append(Problem("scores", t("rubric.error.score_not_number", name=name, value=text)))
        elif value > maxima[name]:
            problems.append(Problem("scores", t("rubric.error.score_over_max", name=name, value=f"{value:g}",
                                                max=f"{maxima[name]:g}")))
        else:
            scores[name] = value
    return scores, problems


def derived_rating(policy, snap: dict[str, Any], scores: dict[str, float]) -> str:
    """The rating the thresholds give, once every criterion is scored; else ""."""
    criteria = criteria_of(snap)
    if not criteria or any(c["name"] not in scores for c in criteria):
        return ""
    return policy.rating_for(sum(scores.values()), full_marks_of(snap))


def split_list(text: str) -> list[str]:
    values = []
    for part in LIST_SEPARATORS.split(text or ""):
        if part and part not in values:
            values.append(part)
    return values


def criteria_text(criteria: list[dict[str, Any]]) -> str:
    """One line per criterion, ``教学目标 15 目标明确、具体``: how the editor shows them."""
    lines = []
    for c in criteria:
        line = f"{c.get('name', '')} {show_number(c.get('max'))}"
        if c.get("descriptor"):
            line += f" {c['descriptor']}"
        lines.append(line)
    return "\n".join(lines)


def parse_criteria_text(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The editor's lines back into criteria, or the problems (with line numbers)."""
    criteria, problems = [], []
    for number_, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = CRITERION_LINE.match(line)
        if not match:
            problems.append(t("rubric.error.bad_line", line=number_, text=line.strip()))
            continue
        criteria.append({"name": match["name"].strip(), "max": number(float(match["max"])),
                         "descriptor": (match["descriptor"] or "").strip()})
    return criteria, problems


# -- importing the school's sheet ------------------------------------------------------------

NAME_HEADERS = {"评价项目", "项目", "评价内容", "评价指标", "指标", "一级指标", "评分项目", "评价维度", "维度",
                "内容", "类别", "criterion", "criteria", "item", "name"}
MAX_HEADERS = {"分值", "满分", "分数", "权重", "配分", "标准分", "最高分", "max", "points", "score", "maximum"}
DESCRIPTOR_HEADERS = {"评价要点", "要点", "评价标准", "标准", "评分标准", "描述", "说明", "评价要求", "要求",
                      "descriptor", "description"}
TOTAL_NAMES = {"合计", "总分", "总计", "满分", "小计", "total", "sum"}


class RubricFileError(InputError, ValueError):
    """The file cannot be read as a rubric at all; the message says why. The command line
    prints it through its one handler (tui/cli.py); ValueError for callers that catch that."""


@dataclass
class RubricSheet:
    """What a rubric file holds: its criteria, or the problems with their line numbers."""

    title: str = ""  # a title line above the header, used as the name when none is given
    criteria: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    stated_total: float | None = None  # the 合计 row's figure, when the sheet has one
    encoding: str = ""


def _normalise(text: str) -> str:
    return re.sub(r"[\s\u3000*＊:：（）()]", "", text).lower()


def read_rubric_file(path: str | Path) -> RubricSheet:
    """Read a rubric from CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or XLSX, with any title
    lines above the header row, the way the roster import reads a roster."""
    from models.roster_import import RosterFileError, _csv_rows, _xlsx_rows, decode_text

    path = Path(path)
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise RubricFileError(t("roster.import.no_file", path=path)) from None
    except OSError as error:
        raise RubricFileError(t("roster.import.unreadable", path=path, reason=error.strerror or error)) from None
    if not raw.strip():
        raise RubricFileError(t("rubric.import.empty", path=path))
    try:
        if raw[:4] == b"PK\x03\x04":
            rows, encoding = _xlsx_rows(raw, path), ""
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            raise RubricFileError(t("roster.import.bad_xlsx", path=path))
        elif path.suffix.lower() == ".xls":
            raise RubricFileError(t("roster.import.old_xls", path=path))
        else:
            text, encoding = decode_text(raw, path)
            rows = _csv_rows(text)
    except RosterFileError as error:
        raise RubricFileError(str(error)) from None
    return _read_rows(rows, path, encoding)


def _read_rows(rows, path: Path, encoding: str) -> RubricSheet:
    header_index = None
    columns: dict[str, int] = {}
    for index, row in enumerate(rows):
        names = [_normalise(cell) for cell in row.cells]
        name_col = next((i for i, n in enumerate(names) if n in NAME_HEADERS), None)
        max_col = next((i for i, n in enumerate(names) if n in MAX_HEADERS or n.startswith("分值")), None)
        if name_col is not None and max_col is not None:
            header_index = index
            columns = {"name": name_col, "max": max_col}
            descriptor = next((i for i, n in enumerate(names) if n in DESCRIPTOR_HEADERS), None)
            if descriptor is not None:
                columns["descriptor"] = descriptor
            break
    if header_index is None:
        raise RubricFileError(t("rubric.import.no_header", path=path))
    sheet = RubricSheet(encoding=encoding)
    titles = [c for r in rows[:header_index] for c in r.cells if c.strip()]
    sheet.title = titles[0].strip() if titles else ""

    def cell(row, key: str) -> str:
        column = columns.get(key)
        return row.cells[column].strip() if column is not None and column < len(row.cells) else ""

    body = rows[header_index + 1:]
    last_filled = max((i for i, r in enumerate(body) if any(c.strip() for c in r.cells)), default=-1)
    for index, row in enumerate(body[:last_filled + 1]):
        if not any(c.strip() for c in row.cells):
            sheet.problems.append(t("rubric.import.blank_row", line=row.line))
            continue
        name, maximum, descriptor = cell(row, "name"), cell(row, "max"), cell(row, "descriptor")
        if _normalise(name) in TOTAL_NAMES:
            value = parse_score(maximum.rstrip("分"))
            if value is None:
                sheet.problems.append(t("rubric.import.bad_total", line=row.line, value=maximum))
            else:
                sheet.stated_total = value
            continue
        if sheet.stated_total is not None:
            sheet.problems.append(t("rubric.import.after_total", line=row.line))
            continue
        if not name:
            sheet.problems.append(t("rubric.import.no_name", line=row.line))
            continue
        if not maximum:
            sheet.problems.append(t("rubric.import.no_max", line=row.line, name=name))
            continue
        value = parse_score(maximum.rstrip("分"))
        if value is None or value <= 0:
            sheet.problems.append(t("rubric.import.bad_max", line=row.line, name=name, value=maximum))
            continue
        if any(c["name"] == name for c in sheet.criteria):
            sheet.problems.append(t("rubric.import.twice", line=row.line, name=name))
            continue
        sheet.criteria.append({"name": name, "max": value, "descriptor": descriptor})
    if not sheet.criteria and not sheet.problems:
        sheet.problems.append(t("rubric.import.no_criteria", path=path))
    if len(sheet.criteria) > MAX_CRITERIA:
        sheet.problems.append(t("rubric.error.too_many", count=len(sheet.criteria), most=MAX_CRITERIA))
    total = sum(c["max"] for c in sheet.criteria)
    if sheet.stated_total is not None and not sheet.problems and abs(total - sheet.stated_total) > 1e-9:
        sheet.problems.append(t("rubric.import.wrong_total", stated=f"{sheet.stated_total:g}", total=f"{total:g}"))
    return sheet


def resolve_types(text: str, policy) -> tuple[list[str], list[str]]:
    """``研讨课,公开课`` (or initials ``ytk``) → the school's lesson types; unknown ones are problems."""
    from models.observations import match_choice

    types, problems = [], []
    for part in split_list(text):
        found = part if part in policy.lesson_types else match_choice(part, policy.lesson_types)
        if found is not None and not part.isascii() and not found.startswith(part):
            found = None  # Chinese must be the type itself or its beginning (研讨 → 研讨课)
        if found is None:
            problems.append(t("rubric.error.unknown_type", value=part, choices="、".join(policy.lesson_types)))
        elif found not in types:
            types.append(found)
    return types, problems


def resolve_subjects(text: str, policy) -> tuple[list[str], list[str]]:
    subjects, problems = [], []
    for part in split_list(text):
        if part not in policy.subjects:
            problems.append(t("rubric.error.unknown_subject", value=part, choices="、".join(policy.subjects)))
        elif part not in subjects:
            subjects.append(part)
    return subjects, problems


def save_rubric(store, rubric: Rubric) -> Rubric:
    """Insert or update (by id) under the store's lock. A name is the school's handle for a
    rubric, so two active rubrics may not share one."""
    from models.store.storage import ValidationFailed

    with store.transaction() as tx:
        clash = next((r for r in tx.all(Rubric) if r.name == rubric.name.strip() and r.id != rubric.id), None)
        if clash is not None:
            raise ValidationFailed([Problem("name", t("rubric.error.name_taken", name=rubric.name))])
        rubric = rubric.copy(name=rubric.name.strip())
        return tx.update(rubric) if rubric.id else tx.insert(rubric)


def import_rubric(store, sheet: RubricSheet, name: str, lesson_types: list[str],
                  subjects: list[str]) -> tuple[Rubric, bool]:
    """Store the sheet as a rubric; one of the same name is replaced (its scored records
    keep their copy). Returns the rubric and whether it replaced one."""
    existing = next((r for r in store.all(Rubric) if r.name == name), None)
    base = existing or Rubric()
    saved = save_rubric(store, base.copy(name=name, criteria=sheet.criteria, lesson_types=lesson_types,
                                         subjects=subjects, active=True))
    return saved, existing is not None


def describe(rubric: Rubric | RubricSheet, name: str = "", lesson_types: list[str] | None = None,
             subjects: list[str] | None = None) -> list[str]:
    """The rubric as lines of text, for the import preview and the editor."""
    criteria = rubric.criteria
    types = lesson_types if lesson_types is not None else getattr(rubric, "lesson_types", [])
    subjects = subjects if subjects is not None else getattr(rubric, "subjects", [])
    lines = [t("rubric.describe.title", name=name or getattr(rubric, "name", ""),
               total=f"{sum(c['max'] for c in criteria):g}", count=len(criteria))]
    lines.append(t("rubric.describe.applies", types="、".join(types) or t("rubric.every_type"),
                   subjects="、".join(subjects) or t("rubric.every_subject")))
    for c in criteria:
        line = f"  {c['name']}  {c['max']:g}"
        if c.get("descriptor"):
            line += f"  {c['descriptor']}"
        lines.append(line)
    return lines
