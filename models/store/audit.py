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


def show_value(value: Any) -> str:
    """A stored value as one short line: lists with 、, dicts as compact JSON."""
    if value is None or value == "" or value == [] or value == {}:
        return t("access.conflict.empty")
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):
        text = "、".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= VALUE_WIDTH else text[:VALUE_WIDTH - 1] + "…"


# Fields that hold a teacher's or a group's id: the log shows their names.
TEACHER_FIELDS = {"speaker_id", "host_id", "observer_id", "teacher_id", "mentor_id", "mentee_id", "leader_id"}
TEACHER_LIST_FIELDS = {"attendee_ids", "member_ids"}
GROUP_FIELDS = {"group_id", "parent_id"}
ATTENDANCE_WORDS = {"present": "calendar.mark_present", "leave": "audit.mark.leave", "absent": "audit.mark.absent"}


@dataclass(frozen=True)
class Names:
    """Who and which group an id is, for the log's readers (built from the store)."""

    teachers: dict[int, str]
    groups: dict[int, str]
    logins: dict[str, str] = None  # Unix login → the teacher's name

    @classmethod
    def of(cls, store) -> "Names":
        from models.records import Group, Teacher

        teachers = store.all(Teacher)
        return cls({x.id: x.name for x in teachers}, {g.id: g.name for g in store.all(Group)},
                   {x.login: x.name for x in teachers if x.login})

    def who(self, login: str) -> str:
        """``郑娟（root）``: the name people know, with the login the log keeps."""
        name = (self.logins or {}).get(login)
        return f"{name}（{login}）" if name else login


def field_label(field: str) -> str:
    key = f"audit.field.{field}"
    return t(key) if has(key) else field


def show_field(field: str, value: Any, names: Names | None) -> str:
    """A stored value as its reader knows it: names for ids, 出席 for present, one theme a term."""
    if names is None or value in (None, "", [], {}, 0):
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
    if field in TEACHER_LIST_FIELDS and isinstance(value, list):
        return show_value([teacher(v) for v in value])
    if field == "attendance" and isinstance(value, dict):
        return show_value([f"{teacher(k)}{t(ATTENDANCE_WORDS[v]) if v in ATTENDANCE_WORDS else v}"
                           for k, v in value.items()])
    if field == "themes" and isinstance(value, dict):
        return show_value([f"{term}：{theme}" for term, theme in value.items()])
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
    label_of = field_label if names is not None else (lambda k: k)
    changes = tuple(Change(label_of(k), show_field(k, before.get(k), names) if action != "insert" else "",
                           show_field(k, after.get(k), names) if action != "delete" else "") for k in fields)
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
