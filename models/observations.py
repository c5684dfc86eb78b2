"""听课记录 as staff type them: checking an entry, saving it, counting against the quota,
the suggestions of earlier lessons, the log's filters and sorts, and the export.

The quick-entry form, the log and the command line all go through here, so an entry
gets the same checks and the same messages wherever it is typed. Reading comments
always goes through :mod:`models.permissions` (``readable``), never around it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from models.store.archive import ArchiveView, view_for
from models.dates import BadInput, format_period, parse_date, parse_period, short_period  # short_period: read from here too
from models.i18n import t
from models.pace import expected_by_week
from models.people import search_teachers
from models.permissions import can_read_comments, readable
from models.pinyin import full_pinyin, match_score
from models.records import Activity, Group, Observation, Policy, Problem, Teacher, Term
from models.store.storage import ValidationFailed
from models.terms import term_by_id, term_of, week_of, weeks_in

# The export's content and the rubrics are imported where the log is exported or an entry
# checked, not with the module, which the 听课 area imports on its first visit (issue 13).
if TYPE_CHECKING:
    from models.exports.content import Report


# -- choosing from a short list by first letters ------------------------------------------


def match_choice(query: str, choices: Iterable[str]) -> str | None:
    """The choice ``query`` names: exactly, by its start, or by pinyin initials
    (``tm`` → 推门课, ``d`` → 待改进); the earliest of equally good matches."""
    query = query.strip()
    if not query:
        return None
    best, best_score = None, 0
    for choice in choices:
        score = match_score(query, choice)
        if score > best_score:
            best, best_score = choice, score
    return best


# -- an entry as typed ----------------------------------------------------------------------


@dataclass
class Entry:
    """What someone typed for one observation, before it is checked.

    ``observer`` and ``teacher`` are the people picked (None when nothing matched);
    ``observer_text`` and ``teacher_text`` are what was typed, for the message."""

    observer: Teacher | None
    teacher: Teacher | None
    teacher_text: str = ""
    observer_text: str = ""
    date_text: str = ""
    period_text: str = ""
    subject: str = ""
    grade_class: str = ""
    topic: str = ""
    lesson_type: str = "常态课"
    strengths: str = ""
    shortcomings: str = ""
    suggestions: str = ""
    rating: str = ""
    activity_id: int = 0
    followed_up_ids: list[int] = field(default_factory=list)
    process: str = ""
    scores: dict[str, str] = field(default_factory=dict)  # criterion name → the score as typed ("" = none)


def lesson_type_choices(policy: Policy, keep: str = "") -> list[str]:
    """The lesson types a record may take: the school's current ones, plus ``keep`` (the
    value an edited record already has, even if the type was retired or renamed since)."""
    choices = list(policy.lesson_types)
    if keep and keep not in choices:
        choices.append(keep)
    return choices


def rating_choices(policy: Policy, keep: str = "") -> list[str]:
    choices = list(policy.ratings)
    if keep and keep not in choices:
        choices.append(keep)
    return choices


def _teacher_problem(field_name: str, person: Teacher | None, typed: str, label_key: str) -> Problem | None:
    if person is not None:
        return None
    if typed.strip():
        return Problem(field_name, t("observations.error.unknown_teacher", field=t(label_key), value=typed.strip()))
    return Problem(field_name, t("observations.error.no_teacher", field=t(label_key)))


def check_entry(store, entry: Entry, today: dt.date, *,
                editing: Observation | None = None) -> tuple[Observation | None, list[Problem]]:
    """The observation the entry describes, or every problem with it (field, message).

    All problems are found at once so the form can show each beside its field; a
    likely duplicate (same observer, teacher, date and period) is one of them."""
    problems: list[Problem] = []
    policy = store.policy()
    for problem in (_teacher_problem("observer", entry.observer, entry.observer_text, "field.observer"),
                    _teacher_problem("teacher", entry.teacher, entry.teacher_text, "field.teacher")):
        if problem:
            problems.append(problem)
    if entry.observer and entry.teacher and entry.observer.id == entry.teacher.id:
        problems.append(Problem("teacher", t("error.observe_self")))

    day: dt.date | None = None
    term: Term | None = None
    try:
        day = parse_date(entry.date_text, today)
    except BadInput as error:
        problems.append(Problem("date", str(error)))
    if day is not None:
        term = term_of(store.all(Term), day)
        if day > today:
            problems.append(Problem("date", t("observations.error.future", date=day.isoformat())))
        elif term is None:
            problems.append(Problem("date", t("observations.error.no_term", date=day.isoformat())))

    period = 0
    try:
        period = parse_period(entry.period_text, policy)
    except BadInput as error:
        problems.append(Problem("period", str(error)))

    if not entry.topic.strip():
        problems.append(Problem("topic", t("error.required", field=t("field.topic"))))
    types = lesson_type_choices(policy, editing.lesson_type if editing else "")
    if entry.lesson_type not in types:
        problems.append(Problem("lesson_type", t("error.bad_choice", field=t("field.lesson_type"),
                                                  value=entry.lesson_type, choices="、".join(policy.lesson_types))))
    ratings = rating_choices(policy, editing.rating if editing else "")
    if entry.rating and entry.rating not in ratings:
        problems.append(Problem("rating", t("error.bad_choice", field=t("field.rating"), value=entry.rating,
                                             choices="、".join(policy.ratings))))
    from models.rubrics import derived_rating, read_scores, rubric_for_entry

    rubric = rubric_for_entry(store, entry.lesson_type, entry.subject.strip(), editing)
    scores, score_problems = read_scores(rubric, entry.scores)
    problems += score_problems
    if problems:
        return None, problems

    rating = entry.rating or derived_rating(policy, rubric, scores)
    base = editing or Observation()
    observation = base.copy(
        term_id=term.term_id, date=day.isoformat(), period=period, observer_id=entry.observer.id,
        teacher_id=entry.teacher.id, subject=entry.subject.strip(), grade_class=entry.grade_class.strip(),
        topic=entry.topic.strip(), lesson_type=entry.lesson_type, strengths=entry.strengths.strip(),
        shortcomings=entry.shortcomings.strip(), suggestions=entry.suggestions.strip(), rating=rating,
        activity_id=entry.activity_id, followed_up_ids=list(entry.followed_up_ids),
        process=clean_process(entry.process), rubric=rubric if scores else {}, scores=scores)
    duplicate = find_duplicate(store.all(Observation), observation)
    if duplicate is not None:
        return None, [duplicate_problem(store, observation)]
    return observation, []


def clean_process(text: str) -> str:
    """The 教学过程 notes as pasted: Windows and old-Mac line ends become one kind, trailing
    spaces and blank lines at either end go, the lines themselves stay as typed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def find_duplicate(observations: Iterable[Observation], observation: Observation) -> Observation | None:
    """An other record of the same observer, teacher, date and period."""
    for other in observations:
        if (other.id != observation.id and other.observer_id == observation.observer_id
                and other.teacher_id == observation.teacher_id and other.date == observation.date
                and other.period == observation.period):
            return other
    return None


def duplicate_problem(store, observation: Observation) -> Problem:
    names = {x.id: x.name for x in store.all(Teacher)}
    return Problem("duplicate", t(
        "observations.error.duplicate", observer=names.get(observation.observer_id, "?"),
        teacher=names.get(observation.teacher_id, "?"), date=observation.date,
        period=format_period(observation.period, store.policy())))


def save_observation(store, observation: Observation) -> Observation:
    """Insert (or update, when it has an id) under the store's lock; the duplicate check
    runs again inside the lock, since another session may have saved the same lesson."""
    with store.transaction() as tx:
        if find_duplicate(tx.all(Observation), observation) is not None:
            raise ValidationFailed([duplicate_problem(store, observation)])
        if observation.id:
            return tx.update(observation)
        return tx.insert(observation)


def delete_observation(store, observation: Observation) -> None:
    with store.transaction() as tx:
        tx.delete(observation)


def restore_observation(store, observation: Observation) -> Observation:
    """Put a deleted record back (undo) under the id it had.

    Keeping the id keeps every link to it: later records mark its suggestions as
    followed up by id (``followed_up_ids``), and those records may be other
    observers' that this user may not rewrite. The id was never given to another
    record, so taking it back is safe."""
    with store.transaction() as tx:
        return tx.restore(observation)




# -- counting --------------------------------------------------------------------------------


def observations_given(store, teacher_id: int, term_id: str) -> list[Observation]:
    return [o for o in store.all(Observation) if o.observer_id == teacher_id and o.term_id == term_id]


def observations_received(store, teacher_id: int, term_id: str) -> list[Observation]:
    return [o for o in store.all(Observation) if o.teacher_id == teacher_id and o.term_id == term_id]


@dataclass(frozen=True)
class QuotaStatus:
    done: int
    quota: int
    expected: int  # by this week: quota × week / weeks
    week: int

    @property
    def behind(self) -> bool:
        return self.done < self.expected


def quota_status(store, teacher: Teacher, term: Term, today: dt.date) -> QuotaStatus:
    quota = store.policy().quota_for(teacher.roles)
    week = max(0, min(week_of(term, today), weeks_in(term)))
    done = len(observations_given(store, teacher.id, term.term_id))
    return QuotaStatus(done=done, quota=quota, expected=expected_by_week(quota, week, weeks_in(term)), week=week)


def count_message(store, teacher: Teacher, term_id: str) -> str:
    """``本学期已听 7/10 节``."""
    done = len(observations_given(store, teacher.id, term_id))
    return t("observations.count", done=done, quota=store.policy().quota_for(teacher.roles))


# -- closing the loop ------------------------------------------------------------------------


def earlier_suggestions(store, viewer: Teacher | None, teacher_id: int, term_id: str, *,
                        except_id: int = 0) -> list[Observation]:
    """The suggestions made to a teacher this term, most recent first, as far as the
    viewer may read them (a suggestion is a comment, so the visibility rule holds)."""
    found = []
    for observation in store.all(Observation):
        if observation.teacher_id != teacher_id or observation.term_id != term_id or observation.id == except_id:
            continue
        visible = readable(store, viewer, observation)
        if visible.suggestions.strip():
            found.append(visible)
    found.sort(key=lambda o: (o.date, o.period, o.id), reverse=True)
    return found


def activities_on(store, day: dt.date) -> list[Activity]:
    """The activities of a day a lesson can belong to (a cancelled or skipped one cannot)."""
    iso = day.isoformat()
    return sorted((a for a in store.all(Activity) if a.date == iso and a.status in ("planned", "held")),
                  key=lambda a: (a.period, a.id))


def activity_label(store, activity: Activity) -> str:
    group = store.get(Group, activity.group_id) if activity.group_id else None
    what = activity.topic or activity.event or activity.kind
    where = group.name if group else t("observations.school_wide")
    return f"{where}·{what}"


# -- finding people for the command line ----------------------------------------------------


def resolve_teacher(teachers: list[Teacher], text: str, label_key: str = "field.teacher") -> Teacher:
    """The one teacher ``text`` names (name, full pinyin or initials); BadInput when none
    or several fit equally well, listing the candidates."""
    query = text.strip()
    if not query:
        raise BadInput(t("observations.error.no_teacher", field=t(label_key)))
    active = [x for x in teachers if x.active]
    exact = [x for x in active if x.name == query or x.login == query]
    if len(exact) == 1:
        return exact[0]
    candidates = exact or search_teachers(active, query)
    if not exact and candidates:
        top = max(match_score(query, x.name) for x in candidates)
        candidates = [x for x in candidates if match_score(query, x.name) == top] if top else candidates
    if not candidates:
        raise BadInput(t("observations.error.unknown_teacher", field=t(label_key), value=query))
    if len(candidates) > 1:
        listed = "、".join(f"{x.label}[{x.login}]" for x in candidates[:8])
        raise BadInput(t("observations.error.ambiguous", field=t(label_key), value=query, candidates=listed))
    return candidates[0]


# -- the log: filters, search, sort ---------------------------------------------------------


@dataclass
class LogFilters:
    """What the log shows. Empty / 0 means "any"; ``term_id`` None means the current term."""

    term_id: str | None = None
    week: int = 0
    observer_id: int = 0
    teacher_id: int = 0
    group_id: int = 0
    lesson_type: str = ""
    rating: str = ""
    search: str = ""
    sort: str = "date"
    reverse: bool = True

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "LogFilters":
        names = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, value in (data or {}).items():
            if key not in names:
                continue
            default = getattr(cls(), key)
            # A hand-edited preferences file holds anything: keep only values of the
            # field's own type ({"search": null} once crashed the area on every visit).
            if isinstance(default, bool):
                if isinstance(value, bool):
                    values[key] = value
            elif isinstance(default, int):
                values[key] = int(value) if str(value).lstrip("-").isdigit() else 0
            elif isinstance(value, str) or (value is None and default is None):
                values[key] = value
        filters = cls(**values)
        if filters.sort not in SORT_COLUMNS:
            filters.sort = "date"
        return filters

    def is_narrowed(self) -> bool:
        return bool(self.week or self.observer_id or self.teacher_id or self.group_id or self.lesson_type
                    or self.rating or self.search.strip())


SORT_COLUMNS = ("date", "period", "observer", "teacher", "subject", "topic", "lesson_type", "rating")


def observation_reader(store, term_id: str = ""):
    """What to read one term's observations from: the store, plus the term's archive
    when the term is archived (read-only, models/store/archive.py); every archive for ""
    (all terms). It answers ``all`` / ``get`` / ``policy`` like the store."""
    if not term_id:
        return ArchiveView(store)
    return view_for(store, term_by_id(store.all(Term), term_id))


def log_records(store, viewer: Teacher | None, filters: LogFilters, current_term_id: str = "") -> list[Observation]:
    """The records the log shows, as the viewer may read them, filtered and sorted.

    An archived term's records come from its archive. Rating filter and search look
    only at what the viewer may read, so a hidden rating or comment cannot be found
    out by filtering for it."""
    term_id = current_term_id if filters.term_id is None else filters.term_id
    order = LogOrder(observation_reader(store, term_id), viewer, filters, term_id)
    return order.ordered(order.shown(order.source.all(Observation)))


class LogOrder:
    """Which records the log shows and in what order, for one set of filters: a record is
    shown as the viewer may read it (``shown_as``), and goes where its sort key puts it,
    records with equal keys in id order whichever the direction (as a stable sort of the
    records in id order). The screen keeps the keys beside the rows, so that a save puts
    its one record in place (``position``) instead of sorting the term again.

    ``source`` is the term's reader (:func:`observation_reader`)."""

    def __init__(self, source, viewer: Teacher | None, filters: LogFilters, term_id: str):
        self.source, self.viewer, self.term_id = source, viewer, term_id
        self.reverse = filters.reverse
        self._filters = filters
        self._terms = {x.term_id: x for x in source.all(Term)}
        self._members: set[int] | None = None
        if filters.group_id:
            group = source.get(Group, filters.group_id)
            self._members = set(group.member_ids) if group else set()
        self._needle = filters.search.strip().lower()
        self.sort_key = _sort_key(source, filters.sort)

    def shown_as(self, observation: Observation) -> Observation | None:
        """The record as the viewer may read it, or None when the filters leave it out."""
        f = self._filters
        if self.term_id and observation.term_id != self.term_id:
            return None
        if f.observer_id and observation.observer_id != f.observer_id:
            return None
        if f.teacher_id and observation.teacher_id != f.teacher_id:
            return None
        if self._members is not None and observation.teacher_id not in self._members:
            return None
        if f.lesson_type and observation.lesson_type != f.lesson_type:
            return None
        if f.week:
            term = self._terms.get(observation.term_id)
            if term is None or week_of(term, dt.date.fromisoformat(observation.date)) != f.week:
                return None
        visible = readable(self.source, self.viewer, observation)
        if f.rating and visible.rating != f.rating:
            return None
        needle = self._needle
        if needle and not any(needle in text.lower() for text in (
                visible.topic, visible.strengths, visible.shortcomings, visible.suggestions, visible.process)):
            return None
        return visible

    def shown(self, observations: Iterable[Observation]) -> list[Observation]:
        """The records shown, as the viewer may read them, in the order given."""
        return [visible for visible in map(self.shown_as, observations) if visible is not None]

    def ordered(self, records: list[Observation]) -> list[Observation]:
        """``records`` (in id order) in the log's order. Python's sort is stable reversed too:
        records with equal keys keep their id order either way."""
        return sorted(records, key=self.sort_key, reverse=self.reverse)

    def position(self, records: list[Observation], keys: list, record: Observation, key) -> int:
        """Where ``record`` (whose sort key is ``key``) goes among ``records``, which are in
        the log's order with ``keys`` their sort keys."""
        low, high = 0, len(records)
        while low < high:
            middle = (low + high) // 2
            other = keys[middle]
            if self.reverse:
                goes_before = key > other or (key == other and record.id < records[middle].id)
            else:
                goes_before = key < other or (key == other and record.id < records[middle].id)
            if goes_before:
                high = middle
            else:
                low = middle + 1
        return low


def _sort_key(store, column: str):
    names = {x.id: full_pinyin(x.name) for x in store.all(Teacher)}
    policy = store.policy()
    rating_order = {r: n for n, r in enumerate(policy.ratings)}
    type_order = {r: n for n, r in enumerate(policy.lesson_types + policy.retired_lesson_types)}
    keys = {
        "date": lambda o: (o.date, o.period),
        "period": lambda o: (o.period, o.date),
        "observer": lambda o: (names.get(o.observer_id, ""), o.date),
        "teacher": lambda o: (names.get(o.teacher_id, ""), o.date),
        "subject": lambda o: (o.subject, o.date),
        "topic": lambda o: (o.topic, o.date),
        "lesson_type": lambda o: (type_order.get(o.lesson_type, 99), o.date),
        "rating": lambda o: (rating_order.get(o.rating, 99), o.date),
    }
    return keys.get(column, keys["date"])


# -- export ---------------------------------------------------------------------------------


EXPORT_COLUMNS = (
    ("date", 12), ("period", 12), ("observer", 10), ("teacher", 10), ("subject", 10), ("grade_class", 14),
    ("topic", 24), ("lesson_type", 8), ("strengths", 36), ("shortcomings", 36), ("suggestions", 36),
    ("rating", 8), ("activity", 24),
    # issue 15, after the columns scripts already read by position
    ("process", 48), ("rubric", 16),
)
SCORE_WIDTH = 10  # each criterion's column, and the total's


def score_columns(records: Iterable[Observation]) -> list[str]:
    """The criteria of every rubric the records were scored on, in the order first met:
    one column each in the export."""
    names: list[str] = []
    for observation in records:
        for criterion in observation.rubric.get("criteria", []) if observation.scores else []:
            if criterion.get("name") and criterion["name"] not in names:
                names.append(criterion["name"])
    return names


def export_table(store, viewer: Teacher | None, term_id: str = "") -> tuple[list[str], list[list[object]]]:
    """Header and rows of the export, with the comments, process notes, scores and rating
    blank wherever the viewer may not read them. Scores and the total are numbers."""
    names = {x.id: x.name for x in store.all(Teacher)}
    policy = store.policy()
    store = observation_reader(store, term_id)  # an archived term exports from its archive
    activities = {a.id: a for a in store.all(Activity)}
    records = sorted((o for o in store.all(Observation) if not term_id or o.term_id == term_id),
                     key=lambda o: (o.date, o.period, o.id))
    criteria = score_columns(records)
    header = [t(f"observations.col.{key}") for key, _ in EXPORT_COLUMNS] + criteria + [t("observations.col.total")]
    rows = []
    for observation in records:
        visible = readable(store, viewer, observation)
        activity = activities.get(visible.activity_id)
        rows.append([
            visible.date, format_period(visible.period, policy), names.get(visible.observer_id, ""),
            names.get(visible.teacher_id, ""), visible.subject, visible.grade_class, visible.topic,
            visible.lesson_type, visible.strengths, visible.shortcomings, visible.suggestions,
            visible.rating, activity_label(store, activity) if activity else "", visible.process,
            visible.rubric.get("name", "") if visible.scores else "",
            *(visible.scores.get(name, "") for name in criteria),
            visible.total if visible.total is not None else "",
        ])
    return header, rows


def export_report(header: list[str], rows: list[list[object]], *, title: str, school: str = "",
                  term: str = "") -> Report:
    """The export as one table for :func:`models.exports.registry.render` (CSV, XLSX …);
    dates become date cells, scores and totals stay numbers."""
    from models.exports.content import as_date, single_table

    rows = [[as_date(row[0]), *row[1:]] for row in rows]
    widths = [width for _, width in EXPORT_COLUMNS]
    widths += [SCORE_WIDTH] * (len(header) - len(widths))
    return single_table(title, header, rows, widths=widths, school=school, term=term)


# -- one lesson, many evaluators (issue 15) ---------------------------------------------------


@dataclass
class CriterionFigures:
    """One criterion over every evaluation that scored it."""

    name: str
    maximum: float
    scores: list[float]

    @property
    def average(self) -> float:
        return sum(self.scores) / len(self.scores)

    @property
    def lowest(self) -> float:
        return min(self.scores)

    @property
    def highest(self) -> float:
        return max(self.scores)

    @property
    def spread(self) -> float:
        """极差: the highest score minus the lowest."""
        return self.highest - self.lowest


@dataclass
class LessonEvaluations:
    """The evaluations of one lesson (a teacher's lesson in an activity) the viewer may read."""

    teacher_id: int
    topic: str
    lesson_type: str
    records: list[Observation]
    hidden: int  # evaluations of this lesson whose comments the viewer may not read
    rubric_name: str = ""
    criteria: list[CriterionFigures] = field(default_factory=list)
    totals: CriterionFigures | None = None

    @property
    def ratings(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for record in self.records:
            if record.rating:
                counts[record.rating] = counts.get(record.rating, 0) + 1
        return counts


def evaluations_of_activity(store, viewer: Teacher | None, activity_id: int) -> list[LessonEvaluations]:
    """Every lesson observed in an activity (usually one 研讨课; two for 同课异构), with the
    evaluations the viewer may read, each criterion's average and spread, and the totals'.
    Scores are compared only between records scored on the same rubric (its name and
    criteria as they were); the first rubric met is the one summed up."""
    source = ArchiveView(store)  # an archived term's activity keeps its lessons
    linked = sorted((o for o in source.all(Observation) if o.activity_id == activity_id),
                    key=lambda o: (o.date, o.period, o.id))
    lessons: dict[tuple[int, str], list[Observation]] = {}
    for observation in linked:
        lessons.setdefault((observation.teacher_id, observation.topic), []).append(observation)
    found = []
    for (teacher_id, topic), records in lessons.items():
        visible = [o for o in records if can_read_comments(source, viewer, o)]
        lesson = LessonEvaluations(teacher_id=teacher_id, topic=topic, lesson_type=records[0].lesson_type,
                                   records=visible, hidden=len(records) - len(visible))
        scored = [o for o in visible if o.scores]
        if scored:
            rubric = scored[0].rubric
            same = [o for o in scored if o.rubric.get("name") == rubric.get("name")
                    and o.rubric.get("criteria") == rubric.get("criteria")]
            lesson.rubric_name = rubric.get("name", "")
            for criterion in rubric.get("criteria", []):
                values = [o.scores[criterion["name"]] for o in same if criterion["name"] in o.scores]
                if values:
                    lesson.criteria.append(CriterionFigures(criterion["name"], criterion["max"], values))
            full = sum(c.get("max", 0) for c in rubric.get("criteria", []))
            totals = [o.total for o in same if len(o.scores) == len(rubric.get("criteria", []))]
            if totals:
                lesson.totals = CriterionFigures(t("observations.col.total"), full, totals)
        found.append(lesson)
    return found
