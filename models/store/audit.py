"""Reading the change log: who changed what, when, before → after.

The store appends one entry per change to the change log beside the data file, under
the same lock, before the data file is replaced (models/store/changelog.py); this
module only turns entries into lines for people.
The log holds observation comments, so only the admin reads it (the
comment-visibility rule, models/permissions.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from models.i18n import has, t

_STAMPS = ("created_by", "created_at", "updated_by", "updated_at", "version")
VALUE_WIDTH = 60
SIGN_IN_ACTIONS = frozenset({"signin", "signin_failed", "signin_locked", "signout", "password_set",
                             "password_changed"})  # characters of one value shown before it is cut with …


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: str
    who: str
    action: str  # the translated action: 新建 / 修改 / 删除 / 批量新建
    record: str  # 教师 #12, 听课记录 ×30
    changes: tuple[Change, ...]
    name: str = ""  # who, as the teacher's name (the table's narrow column); empty when unknown

    def search_text(self) -> str:
        return " ".join([self.at, self.who, self.action, self.record,
                         *(f"{c.field} {c.before} {c.after}" for c in self.changes)]).lower()


def select(entries: Iterable[dict[str, Any]], *, since: dt.date | None = None, who: str | None = None) -> list[dict]:
    """Entries on or after ``since`` made by ``who``, oldest first."""
    chosen = []
    for entry in entries:
        if since is not None and str(entry.get("at", ""))[:10] < since.isoformat():
            continue
        if who and who not in (entry.get("who"), entry.get("uid")):
            continue
        chosen.append(entry)
    return chosen


def number(value: Any) -> str:
    """2.0 → 2, 0.5 → 0.5: a figure as people write it."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def summary(value: Any) -> str:
    """A dict or list as words, never a Python or JSON repr: ``校级 2、区级 3``, ``优 90``."""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, dict):
        if "title" in value or "name" in value:  # a unit, a stage, a rubric: by its name
            head = str(value.get("title") or value.get("name") or "")
            rest = [summary(v) for k, v in value.items()
                    if k in ("status", "date", "week") and v not in (None, "", [], {}, 0)]
            return " ".join([head, *rest]).strip()
        return "、".join(f"{k} {summary(v)}" if not isinstance(v, dict) else f"{k}：{summary(v)}"
                        for k, v in value.items() if v not in (None, "", [], {}))
    if isinstance(value, (list, tuple)):
        return "、".join(summary(v) if not isinstance(v, dict) else
                        " ".join(summary(x) for x in v.values() if x not in (None, "", [], {}))
                        if not ("title" in v or "name" in v) else summary(v) for v in value)
    return number(value)


def show_value(value: Any) -> str:
    """A stored value as one short line: lists with 、, dicts as ``key value``, cut with …."""
    if value is None or value == "" or value == [] or value == {}:
        return t("access.conflict.empty")
    text = summary(value)
    text = " ".join(text.split())
    return text if len(text) <= VALUE_WIDTH else text[:VALUE_WIDTH - 1] + "…"


# Fields that hold a teacher's or a group's id: the log shows their names.
TEACHER_FIELDS = {"speaker_id", "host_id", "observer_id", "teacher_id", "mentor_id", "mentee_id", "leader_id",
                  "author_id", "recorder_id", "judge_id", "lead_id"}
TEACHER_LIST_FIELDS = {"attendee_ids", "member_ids", "judge_ids"}
GROUP_FIELDS = {"group_id", "parent_id"}
# Fields that hold another record's id: the log shows that record's name.
RECORD_FIELDS = {"activity_id": "activities", "pairing_id": "pairings", "competition_id": "competitions",
                 "outcome_id": "outcomes", "entry_id": "competition_entries", "reading_id": "readings",
                 "prep_id": "prep_plans"}
ATTENDANCE_WORDS = {"present": "calendar.mark_present", "leave": "audit.mark.leave", "absent": "audit.mark.absent"}
# Codes kept in a field, by (table, field) → the catalog's prefix of their labels.
CODE_LABELS = {("groups", "kind"): "roster.group.kind.", ("activities", "status"): "status.",
               ("pairings", "status"): "pairing.", ("terms", "status"): "audit.term.",
               ("competitions", "status"): "competitions.status.", ("documents", "state"): "doc.state.",
               ("document_kinds", "writer"): "doc.writer.", ("document_kinds", "reviewer"): "doc.reviewer_kind.",
               ("handins", "audience"): "doc.audience."}


def _title(record) -> str:
    """What people call a record: its name, title or topic (a pairing: 师傅→徒弟, filled in by Names.of)."""
    for attribute in ("name", "title", "topic"):
        text = getattr(record, attribute, "")
        if text:
            return str(text)
    return ""


@dataclass(frozen=True)
class Names:
    """Who and which group an id is, for the log's readers (built from the store)."""

    teachers: dict[int, str]
    groups: dict[int, str]
    logins: dict[str, str] = None  # Unix login → the teacher's name
    records: dict[str, dict[int, str]] = None  # table → id → the record's name (competitions, outcomes …)

    @classmethod
    def of(cls, store) -> "Names":
        from models.records import TABLES, CompetitionEntry, Group, Outcome, Pairing, Teacher

        teachers = store.all(Teacher)
        people = {x.id: x.name for x in teachers}
        records: dict[str, dict[int, str]] = {}
        for table in RECORD_FIELDS.values():
            kind = TABLES[table]
            if kind is Pairing:
                records[table] = {p.id: f"{people.get(p.mentor_id, p.mentor_id)}→{people.get(p.mentee_id, p.mentee_id)}"
                                  for p in store.all(Pairing)}
            elif kind is CompetitionEntry:
                outcomes = {o.id: o.title for o in store.all(Outcome)}
                records[table] = {e.id: outcomes.get(e.outcome_id) or people.get(e.teacher_id, f"#{e.id}")
                                  for e in store.all(CompetitionEntry)}
            else:
                records[table] = {r.id: _title(r) or (getattr(r, "date", "") or f"#{r.id}") for r in store.all(kind)}
        return cls(people, {g.id: g.name for g in store.all(Group)},
                   {x.login: x.name for x in teachers if x.login}, records)

    def who(self, login: str) -> str:
        """``郑娟（root）``: the name people know, with the login the log keeps."""
        name = (self.logins or {}).get(login)
        return f"{name}（{login}）" if name else login


def field_label(field: str, table: str = "") -> str:
    """A field by its label; ``name`` is 姓名 for a teacher, 名称 for a group or a competition."""
    for key in ([f"audit.field.{table}.{field}"] if table else []) + [f"audit.field.{field}"]:
        if has(key):
            return t(key)
    return field


def _code(prefix: str, value: Any) -> str:
    key = f"{prefix}{value}"
    return t(key) if has(key) else str(value)


def show_field(field: str, value: Any, names: Names | None, table: str = "") -> str:
    """A stored value as its reader knows it: names for ids, labels for codes, dicts as words."""
    if value in (None, "", [], {}):
        return show_value(value)
    if field == "periods" and isinstance(value, list):  # 上午 4 节、下午 3 节
        halves: dict[str, int] = {}
        for period in value:
            half = str(period.get("half", "")) if isinstance(period, dict) else str(period)
            halves[half] = halves.get(half, 0) + 1
        return show_value([t("audit.periods", half=h, count=n) for h, n in halves.items()])
    if field == "rating_thresholds" and isinstance(value, list):  # 优 ≥90
        return show_value([f"{x.get('rating', '')} ≥{number(x.get('min', ''))}" if isinstance(x, dict) else x
                           for x in value])
    if field == "requirements" and isinstance(value, list):
        return show_value([" ".join(part for part in (
            str(x.get("role") or t("audit.every_teacher")), str(x.get("what") or
                                                                _code("research.requirement.kind.", x.get("kind", ""))),
            t("audit.per_term", count=number(x.get("per_term", "")))) if part) if isinstance(x, dict) else x
            for x in value])
    if field == "evaluations" and isinstance(value, dict):  # a term's grade and summary
        return show_value([f"{term}：" + " ".join(str(v) for v in (e.get("grade"), e.get("summary")) if v)
                           if isinstance(e, dict) else f"{term}：{e}" for term, e in value.items()])
    if field == "stages" and isinstance(value, list):
        return show_value([" ".join(filter(None, (str(s.get("name", "")), _code("research.stage.", s.get("status", "")))))
                           if isinstance(s, dict) else s for s in value])
    if (table, field) in CODE_LABELS:
        return show_value(_code(CODE_LABELS[table, field], value))
    if field == "leave_requests" and isinstance(value, dict) and names is None:
        return show_value({k: _code("leave.", v) for k, v in value.items()})
    if names is None or value == 0:
        return show_value(value)

    def teacher(tid) -> str:
        try:
            return names.teachers.get(int(tid), f"#{tid}")
        except (TypeError, ValueError):
            return str(tid)

    if field in TEACHER_FIELDS:
        return show_value(teacher(value))
    if field in GROUP_FIELDS:
        return show_value(names.groups.get(value, f"#{value}") if isinstance(value, int) else value)
    if field in RECORD_FIELDS and isinstance(value, int):
        return show_value((names.records or {}).get(RECORD_FIELDS[field], {}).get(value) or f"#{value}")
    if field in TEACHER_LIST_FIELDS and isinstance(value, list):
        return show_value([teacher(v) for v in value])
    if field == "attendance" and isinstance(value, dict):
        return show_value([f"{teacher(k)}{t(ATTENDANCE_WORDS[v]) if v in ATTENDANCE_WORDS else v}"
                           for k, v in value.items()])
    if field == "leave_requests" and isinstance(value, dict):
        return show_value([f"{teacher(k)}{_code('leave.', v)}" for k, v in value.items()])
    if field == "themes" and isinstance(value, dict):
        return show_value([f"{term}：{theme}" for term, theme in value.items()])
    if field == "history" and isinstance(value, list) and value and isinstance(value[-1], dict):
        step = value[-1]  # a document's review: how many steps, and the newest one first
        last = f"{teacher(step.get('by', 0))}{_code('doc.action.', step.get('action', ''))}"
        if step.get("comment"):
            last += f"：{step['comment']}"
        return show_value(t("audit.history", count=len(value), last=last))
    if field == "units" and isinstance(value, list):
        return show_value([str(u.get("title", "")) + (f"（{teacher(u['lead_id'])}）" if u.get("lead_id") else "")
                           if isinstance(u, dict) else u for u in value])
    return show_value(value)


def table_label(table: str) -> str:
    key = f"access.what.{table}"
    return t(key) if has(key) else table


def describe(entry: dict[str, Any], names: Names | None = None) -> AuditLine:
    """One entry for reading; with ``names``, ids show as names and fields by their labels."""
    action = str(entry.get("action", ""))
    key = f"access.audit.action.{action}"
    label = t(key) if has(key) else action
    raw_who = who = str(entry.get("who", ""))
    uid = str(entry.get("uid") or "")
    if uid and uid != who:  # the system account that ran it, when it is not the teacher's own
        who = f"{who}（{uid}）" if who else uid
    name = (names.logins or {}).get(raw_who, "") if names else ""
    if name:  # the name people know, with the login(s) the log keeps
        who = f"{name}（{raw_who}）" if who == raw_who else f"{name}（{raw_who}，{uid}）"
    if action == "password_set" and uid and uid != raw_who:  # set by the admin for a teacher: say both
        runner = (names.logins or {}).get(uid, "") if names else ""
        target = names.who(raw_who) if names else raw_who
        return AuditLine(int(entry.get("id", 0) or 0), str(entry.get("at", "")),
                         f"{runner}（{uid}）" if runner else uid, label, t("audit.for", who=target), (), name=runner)
    if action in SIGN_IN_ACTIONS:  # the browser door (models/passwords.py): from which address
        return AuditLine(int(entry.get("id", 0) or 0), str(entry.get("at", "")), who, label,
                         str(entry.get("address") or ""), (), name=name)
    if action in ("restore", "backup"):
        return AuditLine(int(entry.get("id", 0) or 0), str(entry.get("at", "")), who, label,
                         str(entry.get("source") or entry.get("path") or ""), (), name=name)
    before, after = entry.get("before") or {}, entry.get("after") or {}
    if action == "insert_many":
        ids = entry.get("record_ids") or []
        record = f"{table_label(entry.get('table', ''))} " + t("access.audit.many", count=len(ids))
        return AuditLine(int(entry.get("id", 0)), str(entry.get("at", "")), who, label, record, (), name=name)
    record = f"{table_label(entry.get('table', ''))} #{entry.get('record_id', '?')}"
    fields = [k for k in sorted(set(before) | set(after)) if k not in _STAMPS]
    if action != "update":  # a whole record: show what it held, not every empty field
        fields = [k for k in fields if (before.get(k) not in (None, "", [], {}, 0, False)
                                        or after.get(k) not in (None, "", [], {}, 0, False))]
    table = str(entry.get("table", ""))
    label_of = (lambda k: field_label(k, table)) if names is not None else (lambda k: k)
    changes = tuple(Change(label_of(k), show_field(k, before.get(k), names, table) if action != "insert" else "",
                           show_field(k, after.get(k), names, table) if action != "delete" else "")
                    for k in fields)
    return AuditLine(int(entry.get("id", 0)), str(entry.get("at", "")), who, label, record, changes, name=name)


def change_text(change: Change) -> str:
    if not change.before:
        return f"{change.field}: {change.after}"
    if not change.after:
        return f"{change.field}: {change.before} → " + t("access.conflict.empty")
    return f"{change.field}: {change.before} → {change.after}"


def as_text_lines(line: AuditLine) -> list[str]:
    """The entry as the `jiaoyan audit` command prints it."""
    lines = [f"{line.at}  {line.who}  {line.action}  {line.record}"]
    lines.extend("    " + change_text(change) for change in line.changes)
    return lines
