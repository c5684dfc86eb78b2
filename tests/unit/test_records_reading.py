"""Reading a stored record without the dataclass's __init__ (models/records.py
Record.from_dict, issue 13) makes exactly the record __init__ makes."""

from __future__ import annotations

import dataclasses

import pytest

from models.records import TABLES, Competition, Outcome, Policy, Teacher


def _through_init(cls, data: dict, record_id: int):
    names = {f.name for f in dataclasses.fields(cls)}
    flags = {f.name for f in dataclasses.fields(cls) if f.type in ("bool", bool)}
    values = {k: v for k, v in data.items() if k in names}
    for flag in flags & values.keys():
        values[flag] = values[flag] is True
    values["id"] = int(record_id or data.get("id", 0) or 0)
    return cls(**values)


def test_every_stored_record_of_the_demo_reads_as_its_init_makes_it(demo_store):
    raw = demo_store.storage.read()
    checked = 0
    for table, cls in TABLES.items():
        for doc_id, doc in raw.get(table, {}).items():
            read = cls.from_dict(doc, int(doc_id))
            assert type(read) is cls
            assert read == _through_init(cls, doc, int(doc_id))
            assert vars(read) == vars(_through_init(cls, doc, int(doc_id)))
            checked += 1
    assert checked > 1000


@pytest.mark.parametrize("cls", sorted(TABLES.values(), key=lambda c: c.__name__), ids=lambda c: c.__name__)
def test_missing_fields_get_their_defaults_and_fresh_lists(cls):
    first, second = cls.from_dict({}, 7), cls.from_dict({}, 8)
    assert first == dataclasses.replace(cls(), id=7)
    for f in dataclasses.fields(cls):
        if f.default_factory is not dataclasses.MISSING:
            assert getattr(first, f.name) is not getattr(second, f.name), f"{f.name} shared between records"


def test_unknown_keys_are_left_out_flags_must_be_true_and_post_init_runs():
    teacher = Teacher.from_dict({"name": "张敏", "is_admin": "true", "shoe_size": 42}, 3)
    assert teacher.id == 3 and teacher.name == "张敏" and teacher.is_admin is False
    assert not hasattr(teacher, "shoe_size")
    assert Outcome.from_dict({"level": "区级"}).level == "区/县级" == Outcome(level="区级").level
    assert Competition.from_dict({"level": "区级"}).level == Competition(level="区级").level
    assert Policy.from_dict({}).school_name == Policy().school_name
