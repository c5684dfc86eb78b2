"""``jiaoyan check``: is the data file sound? Every problem found, as a readable line.

It reads the one list of record types (``models/records.py``'s ``RECORD_TYPES``): each
type's records are validated and each of its ``REFERENCES`` must name a record that
exists, so a new record type is checked without an edit here.
"""

from __future__ import annotations

from pathlib import Path

from models.i18n import t
from models.records import RECORD_TYPES, TABLES, Policy, Teacher
from models.store.storage import SCHEMA_VERSION, Store, parse_file


def check_file(path: Path) -> list[str]:
    """Problems in the data file; raises CorruptDataFile when it does not parse at all."""
    parse_file(path)  # the raw file first: a damaged file must not be opened (or migrated)
    store = Store(path, actor="check")
    problems: list[str] = []
    version = store.meta().get("schema_version")
    if version != SCHEMA_VERSION:
        problems.append(t("check.schema", version=version, ours=SCHEMA_VERSION))
    # The policy is one record the store reads on its own (Store.policy), not a table of many.
    record_types = [cls for cls in RECORD_TYPES if cls is not Policy]
    for cls in record_types:
        for record in store.all(cls):
            for problem in record.validate():
                problems.append(t("check.invalid", kind=cls.__name__, id=record.id, problem=problem))
    logins: dict[str, int] = {}
    for teacher in store.all(Teacher):
        if teacher.login and teacher.login in logins:
            problems.append(t("check.duplicate_login", login=teacher.login, first=logins[teacher.login],
                              second=teacher.id))
        logins.setdefault(teacher.login, teacher.id)
    keys: dict[str, set] = {}

    def known(table: str) -> set:
        if table not in keys:
            target = TABLES[table]
            keys[table] = {getattr(x, target.KEY) for x in store.all(target)}
        return keys[table]

    for cls in record_types:
        for record in store.all(cls):
            for reference in cls.REFERENCES:
                value = getattr(record, reference.field)
                for named in value if isinstance(value, list) else [value]:
                    if reference.optional and not named:
                        continue
                    if named not in known(reference.table):
                        problems.append(t("check.bad_reference", kind=cls.__name__, id=record.id,
                                          field=reference.field, value=named))
    return problems
