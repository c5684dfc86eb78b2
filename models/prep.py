"""集体备课: a 备课组's term schedule of units or lessons, each with a 主备人 (lead
preparer) and the prep activity where it is discussed.

The 主备人 writes the 共案 (a :class:`~models.documents.Document` of kind 共案 linked
by ``prep_id`` and ``prep_unit``); each member adds comments here and writes their own
adapted version (个案) and, after teaching, a short 反思 — documents linked the same
way, so they are written in the same editor, reviewed and printed like any other.

Who may do what (:func:`check_prep_change`, called by the store's guard): the group's
leader (or the leader above, or the office) sets the schedule, the 主备人 and the
activities; every member of the group adds, changes and removes only their own
comments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from models import clock
from models.errors import PermissionDenied
from models.i18n import t
from models.records import Activity, Group, PrepPlan, Record, Teacher, Term  # PrepPlan: in the one record list

UNIT_KEYS = ("uid", "title", "week", "lead_id", "activity_id", "lead_fixed", "comments")




def new_unit(plan: PrepPlan, title: str, week: int = 0, lead_id: int = 0, activity_id: int = 0) -> dict:
    uid = max((u.get("uid", 0) for u in plan.units), default=0) + 1
    return {"uid": uid, "title": title.strip(), "week": int(week or 0), "lead_id": int(lead_id or 0),
            "activity_id": int(activity_id or 0), "lead_fixed": bool(lead_id), "comments": []}


# -- the 主备人 rotation ----------------------------------------------------------------------


def lead_candidates(group: Group, teachers: Iterable[Teacher] = ()) -> list[int]:
    """Members in rotation order, the leader last (as for central speakers)."""
    inactive = {x.id for x in teachers if not x.active}
    members = [m for m in group.member_ids if m not in inactive]
    return [m for m in members if m != group.leader_id] + [m for m in members if m == group.leader_id]


def assign_leads(units: list[dict], group: Group, teachers: Iterable[Teacher] = ()) -> list[dict]:
    """Give every unit whose 主备人 was not set by hand (``lead_fixed``) a 主备人, so that
    everyone leads before anyone leads twice; hand-set ones count as turns taken.
    Units keep their order."""
    candidates = lead_candidates(group, teachers)
    if not candidates:
        return [dict(u) for u in units]
    order = {m: n for n, m in enumerate(candidates)}
    turns = dict.fromkeys(candidates, 0)
    last = dict.fromkeys(candidates, -1)
    for step, unit in enumerate(units):
        if unit.get("lead_fixed") and unit.get("lead_id") in turns:
            turns[unit["lead_id"]] += 1
            last[unit["lead_id"]] = step
    result = []
    for step, unit in enumerate(units):
        unit = dict(unit)
        if not (unit.get("lead_fixed") and unit.get("lead_id")):
            chosen = min(candidates, key=lambda m: (turns[m], last[m], order[m]))
            turns[chosen] += 1
            last[chosen] = 10_000 + step
            unit["lead_id"] = chosen
            unit["lead_fixed"] = False
        result.append(unit)
    return result


def prep_activities(store, term: Term, group: Group) -> list[Activity]:
    """The group's meetings this term that can host a unit's discussion, in date order."""
    return sorted((a for a in store.all(Activity)
                   if a.term_id == term.term_id and a.group_id == group.id
                   and a.status not in ("cancelled", "skipped")), key=lambda a: (a.date, a.period))


def link_activities(units: list[dict], activities: list[Activity], term: Term) -> list[dict]:
    """Units with a week and no activity get the group's meeting of that week."""
    from models.terms import week_of

    by_week: dict[int, Activity] = {}
    for activity in activities:
        by_week.setdefault(week_of(term, dt.date.fromisoformat(activity.date)), activity)
    result = []
    for unit in units:
        unit = dict(unit)
        if unit.get("week") and not unit.get("activity_id") and unit["week"] in by_week:
            unit["activity_id"] = by_week[unit["week"]].id
        result.append(unit)
    return result


def plan_for(store, term_id: str, group_id: int) -> PrepPlan | None:
    from models.documents import reader

    return next((p for p in reader(store, term_id).all(PrepPlan) if p.term_id == term_id and p.group_id == group_id),
                None)


def units_for_activity(store, activity_id: int, term_id: str | None = None) -> list[tuple[PrepPlan, dict]]:
    """What a prep activity discussed: the (plan, unit) pairs that point at it (``term_id``:
    the activity's term, read from its archive once it is closed)."""
    from models.documents import reader

    source = reader(store, term_id) if term_id else store
    return [(plan, unit) for plan in source.all(PrepPlan) for unit in plan.units
            if unit.get("activity_id") == activity_id]


def schedule(store, term: Term, group: Group, titles: list[str], first_week: int = 0) -> PrepPlan:
    """Make (or extend) the group's plan with ``titles``, one a week from ``first_week`` (or
    no week), 主备人 in rotation and each unit linked to its week's meeting. Stored."""
    teachers = store.all(Teacher)
    with store.transaction() as tx:
        plan = plan_for(store, term.term_id, group.id) or PrepPlan(term_id=term.term_id, group_id=group.id)
        units = list(plan.units)
        for n, title in enumerate(x for x in titles if x.strip()):
            units.append(new_unit(plan.copy(units=units), title, week=first_week + n if first_week else 0))
        units = assign_leads(units, group, teachers)
        units = link_activities(units, prep_activities(store, term, group), term)
        plan = plan.copy(units=units)
        return tx.update(plan) if plan.id else tx.insert(plan)


def add_comment(store, actor: Teacher, plan: PrepPlan, uid: int, text: str) -> PrepPlan:
    if not text.strip():
        raise ValueError(t("prep.error.empty_comment"))
    units = []
    for unit in plan.units:
        unit = dict(unit)
        if unit.get("uid") == uid:
            unit["comments"] = [*unit.get("comments", []),
                                {"by": actor.id, "at": clock.stamp(), "text": text.strip()}]
        units.append(unit)
    with store.transaction() as tx:
        return tx.update(plan.copy(units=units))


# -- the guard's rule --------------------------------------------------------------------------


class PrepRefused(PermissionDenied):
    """A step of 集体备课 this user may not take; ``reason`` says why."""


def _leads(store, actor: Teacher, group_id: int) -> bool:
    from models.documents import leads

    return actor.is_admin or leads(store, actor.id, group_id)


def _without_comments(units: list[dict]) -> list[dict]:
    return [{k: v for k, v in u.items() if k != "comments"} for u in units]


def check_prep_change(store, actor: Teacher, action: str, before: Record | None, after: Record | None) -> None:
    record = after if after is not None else before
    if not isinstance(record, PrepPlan):
        return
    if before is None or after is None:
        if not _leads(store, actor, record.group_id):
            raise PrepRefused(t("prep.who.schedule"))
        return
    assert isinstance(before, PrepPlan) and isinstance(after, PrepPlan)
    if _leads(store, actor, before.group_id) and _leads(store, actor, after.group_id):
        # The leader shapes the schedule, but other members' comments are theirs.
        _check_comments(before, after, actor, leader=True)
        return
    if (before.term_id, before.group_id) != (after.term_id, after.group_id) \
            or _without_comments(before.units) != _without_comments(after.units):
        raise PrepRefused(t("prep.who.schedule"))
    from models.documents import member_of

    if not member_of(store, actor.id, before.group_id):
        raise PrepRefused(t("prep.who.comment"))
    _check_comments(before, after, actor, leader=False)


def _check_comments(before: PrepPlan, after: PrepPlan, actor: Teacher, *, leader: bool) -> None:
    """Only your own comments may be added, changed or removed (a unit the leader removes
    takes its comments with it)."""
    old = {u.get("uid"): u.get("comments", []) for u in before.units}
    for unit in after.units:
        first, second = old.get(unit.get("uid"), []), unit.get("comments", [])
        theirs_before = [c for c in first if c.get("by") != actor.id]
        theirs_after = [c for c in second if c.get("by") != actor.id]
        if theirs_before != theirs_after:
            raise PrepRefused(t("prep.who.others_comments"))
