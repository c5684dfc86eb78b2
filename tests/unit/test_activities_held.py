"""Issue 16, held means held: the rule that decides the status on save, and the store's
refusal of a held activity in the future or without attendance."""

from __future__ import annotations

import datetime as dt

import pytest

from models.activities import ASK_HELD, MARK_HELD, NEEDS_ATTENDANCE, held_on_save, recorder_for
from models.records import Activity, Group, Policy
from models.store.storage import ValidationFailed

TODAY = dt.date(2025, 11, 5)


def _planned(**changes) -> Activity:
    return Activity(term_id="2025-2026-1", group_id=1, date="2025-11-05", period=6, status="planned").copy(**changes)


@pytest.mark.parametrize("changes, expected", [
    ({}, ""),
    ({"attendance": {"3": "present"}}, MARK_HELD),
    ({"attendance": {"3": "leave"}, "minutes": "记录"}, MARK_HELD),
    ({"minutes": "只写了记录"}, NEEDS_ATTENDANCE),
    ({"minutes": "   "}, ""),
    ({"attendance": {"3": "present"}, "date": "2025-11-06"}, ""),  # tomorrow: not yet
    ({"attendance": {"3": "present"}, "date": "2025-10-30"}, MARK_HELD),  # a week late is still held
    ({"attendance": {"3": "present"}, "status": "cancelled", "cancel_reason": "x"}, ""),
])
def test_held_on_save(changes, expected):
    assert held_on_save(_planned(**changes), TODAY, Policy()) == expected


def test_a_school_that_confirms_is_asked():
    assert held_on_save(_planned(attendance={"3": "present"}), TODAY, Policy(confirm_held=True)) == ASK_HELD


def test_recorder_defaults_to_who_writes_the_minutes():
    assert recorder_for(None, _planned(minutes="记录"), 7) == 7
    assert recorder_for(None, _planned(), 7) == 0
    assert recorder_for(None, _planned(minutes="记录", recorder_id=9), 7) == 9
    assert recorder_for(_planned(minutes="旧", recorder_id=4), _planned(minutes="新"), 7) == 4


def test_the_store_refuses_a_future_held_activity_and_one_without_attendance(demo_store):
    group = next(g for g in demo_store.all(Group) if g.name == "语文教研组")
    tomorrow = next(a for a in demo_store.all(Activity) if a.group_id == group.id and a.date == "2025-11-06")
    with pytest.raises(ValidationFailed) as refused:
        with demo_store.transaction() as tx:
            tx.update(tomorrow.copy(status="held", attendance={str(group.leader_id): "present"}))
    assert "还没到" in str(refused.value.problems[0])
    earlier = next(a for a in demo_store.all(Activity) if a.group_id == group.id and a.status == "held")
    with pytest.raises(ValidationFailed) as refused:
        with demo_store.transaction() as tx:
            tx.update(earlier.copy(attendance={}))
    assert "需要考勤" in str(refused.value.problems[0])
    assert demo_store.get(Activity, tomorrow.id).status == "planned"
