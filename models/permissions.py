"""Who may read and change what. Every screen, export and report asks here;
none decides on its own."""

from __future__ import annotations

from models.people import leaders_of
from models.records import Group, Observation, Teacher


def can_read_comments(store, viewer: Teacher | None, observation: Observation) -> bool:
    """The comments and rating of an observation are for its observer, the observed
    teacher, that teacher's group leaders and the admin; others see only that it happened."""
    if viewer is None:
        return False
    if viewer.is_admin:
        return True
    if viewer.id in (observation.observer_id, observation.teacher_id):
        return True
    return viewer.id in leaders_of(store.all(Group), observation.teacher_id)


def redacted(observation: Observation) -> Observation:
    """The observation as someone without the right to its comments sees it."""
    return observation.copy(strengths="", shortcomings="", suggestions="", rating="")


def readable(store, viewer: Teacher | None, observation: Observation) -> Observation:
    return observation if can_read_comments(store, viewer, observation) else redacted(observation)
