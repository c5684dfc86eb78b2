"""评比 competitions (三优评比 and the like): the office opens one, teachers submit their
outcomes, judges score them, the office publishes the result and recommends the best
upward (区/县, 市 …). Results and recommendations feed points (models/points.py).

Who may do what (checked by the store on every save, through models/permissions.py):

* The office (admin) opens, changes and publishes a competition, and sets each entry's
  prize and recommendation. A published competition is closed: nothing of it changes.
* A teacher submits their own outcome, of a kind the competition accepts, while it is
  open and the deadline has not passed; they may withdraw it until the deadline. The
  office may submit for a teacher too.
* Only a judge of the competition scores, and only their own scores — not even the
  office writes a judge's score. Judges score until publication.

Who may read the scores (:func:`visible_scores`): before publication a judge sees their
own, the office all; a teacher sees none, not even of their own entries. After
publication a teacher sees the scores of their own entries; results (prize,
recommendation, average) are everyone's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models import clock
from models.errors import PermissionDenied
from models.i18n import t
from models.records import (OUTCOME_LEVELS, Competition, CompetitionEntry, CompetitionScore, Outcome, Record,
                            Teacher)

RECORD_TYPES: tuple[type[Record], ...] = (Competition, CompetitionEntry, CompetitionScore)
RECOMMEND_LEVELS = OUTCOME_LEVELS[1:]  # 区/县级 and above


class CompetitionRefused(PermissionDenied):
    """A step of a competition this user may not take; ``reason`` says why."""


# -- reading ------------------------------------------------------------------------------


def competitions_of(source, term_id: str) -> list[Competition]:
    return sorted((c for c in source.all(Competition) if c.term_id == term_id), key=lambda c: (c.deadline, c.id))


def entries_of(source, competition: Competition) -> list[CompetitionEntry]:
    return sorted((e for e in source.all(CompetitionEntry) if e.competition_id == competition.id),
                  key=lambda e: (e.submitted, e.id))


def scores_of(source, competition: Competition) -> list[CompetitionScore]:
    return [s for s in source.all(CompetitionScore) if s.competition_id == competition.id]


def is_judge(competition: Competition, teacher: Teacher | None) -> bool:
    return teacher is not None and teacher.id in competition.judge_ids


def is_open(competition: Competition, today: dt.date) -> bool:
    """Taking entries: not published and the deadline not passed."""
    return competition.status == "open" and today.isoformat() <= competition.deadline


def visible_scores(source, viewer: Teacher | None, competition: Competition) -> list[CompetitionScore]:
    """The scores ``viewer`` may see (see the module's docstring)."""
    if viewer is None:
        return []
    scores = scores_of(source, competition)
    if viewer.is_admin:
        return scores
    if competition.status == "published":
        mine = {e.id for e in entries_of(source, competition) if e.teacher_id == viewer.id}
        return [s for s in scores if s.entry_id in mine or s.judge_id == viewer.id]
    return [s for s in scores if s.judge_id == viewer.id]


def average(scores: list[CompetitionScore]) -> float | None:
    return round(sum(s.score for s in scores) / len(scores), 1) if scores else None


@dataclass
class EntryRow:
    """One entry as ``viewer`` sees it: the outcome, its teacher, the scores they may see."""

    entry: CompetitionEntry
    outcome: Outcome | None
    teacher: Teacher | None
    scores: list[CompetitionScore]
    my_score: CompetitionScore | None  # the viewer's own score as a judge

    @property
    def average(self) -> float | None:
        return average(self.scores)


def entry_rows(source, viewer: Teacher | None, competition: Competition) -> list[EntryRow]:
    """The entries with what ``viewer`` may see of their scores; after publication the
    best first (prize, then average), before it in the order they came."""
    outcomes = {o.id: o for o in source.all(Outcome)}
    teachers = {x.id: x for x in source.all(Teacher)}
    visible = visible_scores(source, viewer, competition)
    rows = []
    for entry in entries_of(source, competition):
        mine = [s for s in visible if s.entry_id == entry.id]
        own = next((s for s in mine if viewer is not None and s.judge_id == viewer.id), None)
        rows.append(EntryRow(entry, outcomes.get(entry.outcome_id), teachers.get(entry.teacher_id), mine, own))
    if competition.status == "published":
        order = {p: i for i, p in enumerate(("一等奖", "二等奖", "三等奖", "优秀奖"))}
        rows.sort(key=lambda r: (order.get(r.entry.prize, 9), -(r.average or 0), r.entry.id))
    return rows


def submittable_outcomes(source, teacher: Teacher, competition: Competition) -> list[Outcome]:
    """The teacher's outcomes of the competition's term and kinds not yet submitted to it."""
    taken = {e.outcome_id for e in entries_of(source, competition)}
    return sorted((o for o in source.all(Outcome) if o.teacher_id == teacher.id and o.term_id == competition.term_id
                   and o.kind in competition.kinds and o.id not in taken), key=lambda o: (o.date, o.id))


# -- the steps ----------------------------------------------------------------------------------


def submit(store, teacher: Teacher, competition: Competition, outcome: Outcome, today: dt.date) -> CompetitionEntry:
    entry = CompetitionEntry(term_id=competition.term_id, competition_id=competition.id, outcome_id=outcome.id,
                             teacher_id=outcome.teacher_id, submitted=today.isoformat())
    with store.transaction() as tx:
        return tx.insert(entry)


def set_score(store, judge: Teacher, entry: CompetitionEntry, score: float, comment: str = "") -> CompetitionScore:
    """The judge's own score of an entry: made, or changed."""
    mine = next((s for s in store.all(CompetitionScore) if s.entry_id == entry.id and s.judge_id == judge.id), None)
    with store.transaction() as tx:
        if mine is None:
            return tx.insert(CompetitionScore(term_id=entry.term_id, competition_id=entry.competition_id,
                                              entry_id=entry.id, judge_id=judge.id, score=score, comment=comment))
        return tx.update(mine.copy(score=score, comment=comment))


def set_result(store, entry: CompetitionEntry, prize: str, recommended: str) -> CompetitionEntry:
    with store.transaction() as tx:
        return tx.update(entry.copy(prize=prize, recommended=recommended))


def not_ready(store, competition: Competition, today: dt.date) -> list[str]:
    """What publishing now would leave out, one sentence each, for the office's confirm: entries
    still taken (the deadline not passed), judges who have not scored every entry, entries
    without a prize. Publishing stays the office's choice: a judge may be away for good."""
    entries = entries_of(store, competition)
    missing = []
    if today.isoformat() <= competition.deadline:
        missing.append(t("competitions.ready.deadline", deadline=competition.deadline))
    scores = scores_of(store, competition)
    for judge_id in competition.judge_ids:
        scored = {s.entry_id for s in scores if s.judge_id == judge_id}
        unscored = sum(1 for e in entries if e.id not in scored)
        if unscored:
            missing.append(t("competitions.ready.scores", judge=_name(store, judge_id), count=unscored))
    unprized = sum(1 for e in entries if not e.prize)
    if unprized:
        missing.append(t("competitions.ready.prizes", count=unprized))
    return missing


def publish(store, competition: Competition, today: dt.date) -> Competition:
    with store.transaction() as tx:
        return tx.update(competition.copy(status="published", published=today.isoformat()))


# -- the store's guard (models/permissions.py) ---------------------------------------------------------


def _name(store, teacher_id: int) -> str:
    teacher = store.get(Teacher, teacher_id) if teacher_id else None
    return teacher.name if teacher else "?"


def _term_over(store, term_id: str) -> bool:
    from models.records import Term
    from models.terms import term_by_id

    term = term_by_id(store.all(Term), term_id) if term_id else None
    return term is not None and term.end_date < clock.today()


def _competition_of(store, record: Record) -> Competition | None:
    if isinstance(record, Competition):
        return record
    competition_id = getattr(record, "competition_id", 0)
    return store.get(Competition, competition_id) if competition_id else None


def check_change(store, actor: Teacher, action: str, before: Record | None, after: Record | None) -> None:
    """Raise :class:`CompetitionRefused` unless ``actor`` may make this change."""
    record = after if after is not None else before
    if action == "delete" and actor.is_admin and _term_over(store, getattr(record, "term_id", "")):
        return  # closing a finished term moves its competitions, entries and scores to the archive
    if isinstance(record, Competition):
        if not actor.is_admin:
            raise CompetitionRefused(t("competitions.who.office"))
        if isinstance(before, Competition) and before.status == "published" and action != "delete":
            raise CompetitionRefused(t("competitions.who.published", name=before.name))
        if action == "delete" and entries_of(store, before):
            raise CompetitionRefused(t("competitions.who.has_entries", name=before.name))
        return
    competition = _competition_of(store, record)
    if competition is None:
        raise CompetitionRefused(t("competitions.who.no_competition"))
    if isinstance(record, CompetitionScore):
        _check_score(store, actor, competition, before, after)
    elif isinstance(record, CompetitionEntry):
        _check_entry(store, actor, action, competition, before, after)


def _check_score(store, actor: Teacher, competition: Competition, before, after) -> None:
    for score in (before, after):
        if score is not None and (score.judge_id != actor.id or actor.id not in competition.judge_ids):
            raise CompetitionRefused(t("competitions.who.judge", name=competition.name))
    if competition.status == "published":
        raise CompetitionRefused(t("competitions.who.published", name=competition.name))
    if after is not None:
        entry = store.get(CompetitionEntry, after.entry_id)
        if entry is None or entry.competition_id != competition.id:
            raise CompetitionRefused(t("competitions.who.no_entry"))


def _check_entry(store, actor: Teacher, action: str, competition: Competition, before, after) -> None:
    if competition.status == "published":
        raise CompetitionRefused(t("competitions.who.published", name=competition.name))
    if action == "update":
        changed = {k for k in ("prize", "recommended") if getattr(before, k) != getattr(after, k)}
        others = {f for f in before.to_dict() if f not in ("prize", "recommended", "created_by", "created_at",
                                                            "updated_by", "updated_at", "version")
                  and before.to_dict()[f] != after.to_dict()[f]}
        if others or (changed and not actor.is_admin):
            raise CompetitionRefused(t("competitions.who.result"))
        return
    entry = after if after is not None else before
    if not actor.is_admin and entry.teacher_id != actor.id:
        raise CompetitionRefused(t("competitions.who.own_entry", name=_name(store, entry.teacher_id)))
    today = clock.today().isoformat()
    if today > competition.deadline and not actor.is_admin:
        raise CompetitionRefused(t("competitions.who.deadline", name=competition.name, deadline=competition.deadline))
    if action == "delete":
        if any(score.entry_id == entry.id for score in scores_of(store, competition)):
            raise CompetitionRefused(t("competitions.who.scored"))
        return
    outcome = store.get(Outcome, entry.outcome_id)
    if outcome is None or outcome.teacher_id != entry.teacher_id:
        raise CompetitionRefused(t("competitions.who.no_outcome"))
    if outcome.kind not in competition.kinds:
        raise CompetitionRefused(t("competitions.who.kind", kind=outcome.kind, kinds="、".join(competition.kinds)))
    if entry.prize or entry.recommended:
        raise CompetitionRefused(t("competitions.who.result"))
    if any(e.outcome_id == entry.outcome_id for e in entries_of(store, competition)):
        raise CompetitionRefused(t("competitions.who.twice", title=outcome.title))


def check_outcome_removal(store, actor: Teacher, outcome: Outcome) -> None:
    """An outcome submitted to a competition stays while its entry does (withdraw it first);
    closing its finished term moves both to the archive."""
    if actor.is_admin and _term_over(store, outcome.term_id):
        return
    entry = next((e for e in store.all(CompetitionEntry) if e.outcome_id == outcome.id), None)
    if entry is not None:
        competition = store.get(Competition, entry.competition_id)
        raise CompetitionRefused(t("competitions.who.outcome_entered", title=outcome.title,
                                   name=competition.name if competition else "?"))


def has_full_rights(store, actor: Teacher, record: Record) -> bool:
    """May the actor make or remove this record (for the screens' keys)?"""
    try:
        check_change(store, actor, "insert", None, record)
    except CompetitionRefused:
        return False
    return True


# -- points (models/points.py) -------------------------------------------------------------------------


def result_lines(source, policy, term_id: str) -> list[tuple[int, object]]:
    """(teacher id, PointLine) for each prize and each recommendation of the published
    competitions of the term: a prize earns the award points of the competition's level,
    a recommendation what its level adds (Policy.level_points)."""
    from models.points import COMPETITION, PointLine

    outcomes = {o.id: o for o in source.all(Outcome)}
    lines = []
    for competition in competitions_of(source, term_id):
        if competition.status != "published":
            continue
        for entry in entries_of(source, competition):
            outcome = outcomes.get(entry.outcome_id)
            title = outcome.title if outcome else "?"
            if entry.prize:
                points = float(policy.award_points.get(competition.level, 0.0))
                lines.append((entry.teacher_id, PointLine(
                    COMPETITION, competition.published, t("points.label.prize", name=competition.name, title=title,
                                                          prize=entry.prize),
                    f"{competition.level}{entry.prize} {points:g}", points, entry.id)))
            if entry.recommended:
                points = float(policy.level_points.get(entry.recommended, 0.0))
                lines.append((entry.teacher_id, PointLine(
                    COMPETITION, competition.published, t("points.label.recommended", name=competition.name,
                                                          title=title, level=entry.recommended),
                    t("points.detail.recommended", level=entry.recommended, points=f"{points:g}"), points, entry.id)))
    return lines


__all__ = ["CompetitionRefused", "EntryRow", "RECOMMEND_LEVELS", "RECORD_TYPES", "average", "check_change",
           "competitions_of", "entries_of", "entry_rows", "has_full_rights", "is_judge", "is_open", "not_ready", "publish",
           "result_lines", "scores_of", "set_result", "set_score", "submit", "submittable_outcomes",
           "visible_scores"]
