"""``jiaoyan check``: is the data file sound? Every problem found, as a readable line.

A hand-edited file is checked, not trusted. :func:`structure_problems` reads the raw
tables (before any record is built) and checks every record of every type in
``models.records.RECORD_TYPES``: the table is an object of records, each id a number,
each record an object, each known field of its declared type (a string, a whole
number, ``true``/``false``, a list of strings …); then each record's own rules
(dates, choices …). :func:`check_file` adds what needs the records together (logins,
and the references each type declares in its ``REFERENCES``). The app and the commands refuse a file with structure problems
(:class:`UnsoundDataFile`), with the same list and the restore hint.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from pathlib import Path
from typing import Any

from models.i18n import has, t
from models.records import RECORD_TYPES, TABLES, Record, Teacher, is_iso_date
from models.store.changelog import ChangeLog
from models.store.storage import (
    AUDIT_TABLE, META_TABLE, SCHEMA_VERSION, DataFileError, Store, newest_good_backup, parse_file, read_verdict,
    restore_command, write_verdict,
)

LISTED = 20  # problems shown when the app refuses to open a file


class UnsoundDataFile(DataFileError):
    """The file parses, but its records are not what jiaoyan wrote: it is not opened."""

    exit_code = 2

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:LISTED])
        more = t("check.more", count=len(problems) - LISTED) if len(problems) > LISTED else ""
        backup = newest_good_backup(path)
        hint = (t("check.restore_hint", backup=backup, command=restore_command(path, backup)) if backup
                else t("check.no_backup_hint"))
        super().__init__(t("check.refused", path=path, count=len(problems)) + "\n" + shown
                         + (("\n" + more) if more else "") + "\n" + hint)


@functools.cache
def field_types(cls: type[Record]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.name != "id"}


def _type_name(kind: Any) -> str:
    origin = typing.get_origin(kind)
    if origin is typing.Union or str(kind).startswith("str | None"):
        return t("check.type.str")
    if origin is list:
        return t("check.type.list")
    if origin is dict:
        return t("check.type.dict")
    return t(f"check.type.{getattr(kind, '__name__', 'str')}")


def value_fits(value: Any, kind: Any) -> bool:
    """Does a stored JSON value have the field's declared type? ``true`` is not a number,
    and ``"false"`` is not a boolean."""
    return _checker(kind)(value)


@functools.cache
def _checker(kind: Any):
    """A fast test for one declared type, built once (a big school has 100,000 values)."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is bool:
        return lambda v: v is True or v is False
    if kind is int:
        return lambda v: type(v) is int
    if kind is float:
        return lambda v: type(v) is float or type(v) is int
    if kind is str:
        return lambda v: type(v) is str
    if origin is list:
        item = _checker(args[0])
        return lambda v: type(v) is list and all(map(item, v))
    if origin is dict:
        item = _checker(args[1])
        return lambda v: type(v) is dict and all(type(k) is str for k in v) and all(map(item, v.values()))
    if type(None) in args:
        inner = [_checker(a) for a in args if a is not type(None)]
        return lambda v: v is None or any(c(v) for c in inner)
    return lambda v: True


def _table_label(table: str) -> str:
    """The table as a person reads it and as it is spelled in the file: 听课记录（observations）."""
    key = f"access.what.{table}"
    return t("check.table", label=t(key), table=table) if has(key) else table


# Fields that hold a date: a value that does not parse crashes whatever computes with it.
DATE_FIELDS = frozenset({"start", "end", "date", "joined", "started", "ended"})


def record_problems(cls: type[Record], doc_id: str, doc: Any, full: bool = True) -> list[str]:
    """What is wrong with one stored record, each with its table, id and field. ``full``
    adds the record's own rules (choices, required fields, rules that change with the
    versions); without it only what would break the program is looked at: shape, types
    and dates."""
    if not (isinstance(doc_id, str) and doc_id.isdigit() and int(doc_id) > 0):
        return [t("check.bad_id", table=_table_label(cls.TABLE), id=doc_id)]
    if not isinstance(doc, dict):
        return [t("check.not_a_record", table=_table_label(cls.TABLE), id=doc_id, kind=type(doc).__name__)]
    problems = []
    for name, check in _checkers(cls):
        if name in doc and not check(doc[name]):
            problems.append(t("check.bad_type", table=_table_label(cls.TABLE), id=doc_id, field=name,
                              value=_short(doc[name]), kind=_type_name(field_types(cls)[name])))
    if problems:
        return problems
    if not full:
        for name in DATE_FIELDS & doc.keys():
            if doc[name] and not is_iso_date(doc[name]):
                problems.append(t("check.bad_field", table=_table_label(cls.TABLE), id=doc_id, field=name,
                                  problem=t("check.bad_date", value=doc[name])))
        return problems
    try:
        record = cls.from_dict(doc, int(doc_id))
        for problem in record.validate():
            problems.append(t("check.bad_field", table=_table_label(cls.TABLE), id=doc_id, field=problem.field,
                              problem=problem))
    except Exception as error:  # the record's own rules met something they could not read
        problems.append(t("check.unreadable_record", table=_table_label(cls.TABLE), id=doc_id,
                          reason=type(error).__name__))
    return problems


@functools.cache
def _checkers(cls: type[Record]) -> tuple[tuple[str, Any], ...]:
    return tuple((name, _checker(kind)) for name, kind in field_types(cls).items())


def _short(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def structure_problems(data: dict[str, Any], full: bool = True) -> list[str]:
    """Problems of the raw tables: the meta record, and every record's shape and types
    (and, when ``full``, each record's own rules)."""
    problems: list[str] = []
    meta = data.get(META_TABLE, {}).get("1") if isinstance(data.get(META_TABLE), dict) else None
    if not isinstance(meta, dict):
        problems.append(t("check.no_meta"))
    elif not isinstance(meta.get("schema_version"), int) or isinstance(meta.get("schema_version"), bool):
        problems.append(t("check.schema", version=meta.get("schema_version"), ours=SCHEMA_VERSION))
    tables = TABLES
    for name, table in data.items():
        if name in (META_TABLE, AUDIT_TABLE):
            continue
        cls = tables.get(name)
        if cls is None:
            continue  # a table of a newer version's; kept as it is
        if not isinstance(table, dict):
            problems.append(t("check.bad_table", table=_table_label(name)))
            continue
        for doc_id, doc in table.items():
            problems.extend(record_problems(cls, doc_id, doc, full))
    return problems


def refuse_if_unsound(store: Store) -> None:
    """Raise :class:`UnsoundDataFile` when the store's file has problems that would break
    the program (shape, types, dates); the rules of each record, which change from version
    to version, are `jiaoyan check`'s to list, not a reason to refuse a school its file.

    The version of the file last found sound is remembered beside it (``.checked``: its
    inode, size and mtime; the store carries it over its own saves, which validate every
    record they write), so only a file changed outside jiaoyan is checked in full."""
    data = store.storage.read()
    identity = store.storage.identity
    if identity is not None and read_verdict(store.path) == identity:
        return
    problems = structure_problems(data, full=False)
    if problems:
        raise UnsoundDataFile(store.path, problems)
    if identity is not None:
        write_verdict(store.path, identity)


def reference_problems(store: Store) -> list[str]:
    """Every field a record type names in its ``REFERENCES`` (models/records.py) must name
    a record that exists: the record list is all this reads, so a new type is covered."""
    problems: list[str] = []
    keys: dict[str, set] = {}

    def known(table: str) -> set:
        if table not in keys:
            target = TABLES[table]
            keys[table] = {getattr(x, target.KEY) for x in store.all(target)}
        return keys[table]

    for cls in RECORD_TYPES:
        for reference in cls.REFERENCES:
            for record in store.all(cls):
                value = getattr(record, reference.field)
                for named in value if isinstance(value, list) else [value]:
                    if reference.optional and not named:
                        continue
                    if named not in known(reference.table):
                        problems.append(t("check.bad_reference", kind=cls.__name__, id=record.id,
                                          field=reference.field, value=named))
    return problems


def check_file(path: Path) -> list[str]:
    """Problems in the data file; raises CorruptDataFile when it does not parse at all."""
    data = parse_file(path)  # the raw file first: a damaged file must not be opened (or migrated)
    problems = structure_problems(data)
    # The change log's chain: the first line edited or removed by hand is named, and a log
    # shorter than the data file says (cut, or deleted) too.
    log = ChangeLog(path)
    chain = log.verify()
    problems.extend(chain)
    meta = data.get(META_TABLE, {}).get("1") if isinstance(data.get(META_TABLE), dict) else None
    landed = meta.get("log_seq", 0) if isinstance(meta, dict) else 0
    if not chain and isinstance(landed, int) and landed > log.tail().seq:
        problems.append(t("changes.missing", path=log.path, seq=log.tail().seq, landed=landed))
    if problems:
        return problems  # the records cannot be built safely: the list says what to fix first
    store = Store(path, actor="check")
    version = store.meta().get("schema_version")
    if version != SCHEMA_VERSION:
        problems.append(t("check.schema", version=version, ours=SCHEMA_VERSION))
    if not any(x.is_admin and x.active for x in store.all(Teacher)):
        problems.append(t("check.no_admin"))  # nobody could manage the school (the app still opens)
    logins: dict[str, int] = {}
    for teacher in store.all(Teacher):
        if teacher.login and teacher.login in logins:
            problems.append(t("check.duplicate_login", login=teacher.login, first=logins[teacher.login],
                              second=teacher.id))
        logins.setdefault(teacher.login, teacher.id)
    problems.extend(reference_problems(store))
    return problems


__all__ = ["RECORD_TYPES", "UnsoundDataFile", "check_file", "record_problems", "refuse_if_unsound",
           "structure_problems", "value_fits"]
