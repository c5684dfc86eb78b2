"""The domain's records: plain dataclasses, one per concept of DESIGN.md.

Every record carries its id and who created and last changed it, and when.
Dates are ISO strings (``2025-10-16``) so that the JSON file stays readable;
derived figures (week numbers, pinyin, counts) are never stored.
Validation returns a list of :class:`Problem` with readable messages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from models.i18n import t

R = TypeVar("R", bound="Record")

LESSON_TYPES = (
    "推门课", "常态课", "研讨课", "公开课", "示范课", "观摩课",
    "展示课", "过关课", "汇报课", "达标课", "优质课", "赛课",
)
RATINGS = ("优", "良", "中", "待改进")
ROLES = (
    "校长", "副校长", "教导主任", "中层领导", "教研组长",
    "备课组长", "骨干教师", "青年教师", "新教师",
)
GROUP_KINDS = ("office", "research", "prep")
ACTIVITY_KINDS = ("集体备课", "主题研讨", "课例研讨", "理论学习", "专家讲座", "其他")
ACTIVITY_STATUSES = ("planned", "held", "cancelled", "skipped")
ATTENDANCE_MARKS = ("present", "leave", "absent")
LEAVE_ANSWERS = ("pending", "approved", "refused")
PAIRING_STATUSES = ("active", "ended")
MEETING_KINDS = ("分析教材", "指导备课", "说课", "听课指导", "评课", "其他")
OUTCOME_KINDS = (
    "教学反思", "教学随笔", "教学案例", "教学论文", "课题",
    "获奖", "读书笔记", "教学设计", "公开课",
)
OUTCOME_LEVELS = ("校级", "区/县级", "市级", "省级", "国家级")
# Levels as older files (and people) write them: read as the level they mean.
LEVEL_ALIASES = {"区级": "区/县级", "县级": "区/县级", "区县级": "区/县级", "": "校级"}
EVALUATION_GRADES = ("优秀", "合格", "待改进")
TERM_STATUSES = ("open", "archived")
PROJECT_STAGES = ("立项", "开题", "中期", "结题")  # 课题 stages, in order
STAGE_STATUSES = ("planned", "done")
REPORT_BACK_KINDS = ("", "汇报课", "报告")  # what a teacher owes after outside training (none, a lesson, a talk)
REQUIREMENT_KINDS = ("outcome", "lesson", "document")  # what a per-role requirement counts


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record: which field, and a message saying how to fix it."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


def is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Reference:
    """A field that names another record (by its table's key): ``jiaoyan check`` reports
    one that names nothing. ``optional``: 0 or "" means "none" and is fine."""

    field: str
    table: str
    optional: bool = False


@dataclass
class Record:
    """What every stored record has: an id and who made and last changed it."""

    TABLE: ClassVar[str] = ""
    KEY: ClassVar[str] = "id"  # what other records name it by
    REFERENCES: ClassVar[tuple[Reference, ...]] = ()
    # A record with a ``term_id`` moves to the term's archive when the term closes
    # (models/store/archive.py); False keeps it in the data file. Documents, hand-ins,
    # readings and 集体备课 move too: models.documents.reader() reads them back.
    ARCHIVED: ClassVar[bool] = True

    id: int = 0
    created_by: str = ""
    created_at: str = ""
    updated_by: str = ""
    updated_at: str = ""
    version: int = 0

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("id")
        return data

    @classmethod
    def from_dict(cls: type[R], data: dict[str, Any], record_id: int = 0) -> R:
        """Build from stored data, ignoring keys this version does not know. A flag that
        is not a real ``true`` (``"false"``, ``1``, ``"yes"``) is false: a hand-edited
        file never grants anything (``jiaoyan check`` lists such values)."""
        names, flags = _field_names(cls)
        # Stored records hold only known fields; a file from a newer version may hold more.
        values = dict(data) if names.issuperset(data) else {k: v for k, v in data.items() if k in names}
        for flag in flags.intersection(values):
            values[flag] = values[flag] is True
        values["id"] = int(record_id or data.get("id", 0) or 0)
        # What the dataclass's __init__ does, without its call: the defaults, a fresh value
        # from each factory the data does not cover, the data, then __post_init__. A term of
        # a large school has 4,500 observations to read: 19 µs each through __init__.
        defaults, factories = _defaults(cls)
        attributes = dict(defaults)
        for name, factory in factories:
            if name not in values:
                attributes[name] = factory()
        attributes.update(values)
        record = object.__new__(cls)
        record.__dict__ = attributes
        post_init = getattr(record, "__post_init__", None)
        if post_init is not None:
            post_init()
        return record

    def validate(self) -> list[Problem]:
        return []

    def copy(self: R, **changes: Any) -> R:
        return dataclasses.replace(self, **changes)


_FIELD_NAMES: dict[type, tuple[frozenset[str], frozenset[str]]] = {}


def _field_names(cls: type) -> tuple[frozenset[str], frozenset[str]]:
    """(every field's name, the boolean fields' names) of a record class, worked out once."""
    known = _FIELD_NAMES.get(cls)
    if known is None:
        fields = dataclasses.fields(cls)
        known = (frozenset(f.name for f in fields),
                 frozenset(f.name for f in fields if f.type in ("bool", bool)))
        _FIELD_NAMES[cls] = known
    return known


_DEFAULTS: dict[type, tuple[dict[str, Any], tuple[tuple[str, Any], ...]]] = {}


def _defaults(cls: type) -> tuple[dict[str, Any], tuple[tuple[str, Any], ...]]:
    """(each field's plain default, (name, factory) of the fields made by a factory), once."""
    known = _DEFAULTS.get(cls)
    if known is None:
        fields = [f for f in dataclasses.fields(cls) if f.init]
        missing = [f.name for f in fields
                   if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        assert not missing, f"{cls.__name__}: every stored field needs a default ({missing})"
        known = ({f.name: f.default for f in fields if f.default is not dataclasses.MISSING},
                 tuple((f.name, f.default_factory) for f in fields if f.default_factory is not dataclasses.MISSING))
        _DEFAULTS[cls] = known
    return known


def _required(problems: list[Problem], field_name: str, value: object, label_key: str) -> None:
    if not (value.strip() if isinstance(value, str) else value):
        problems.append(Problem(field_name, t("error.required", field=t(label_key))))


def _date(problems: list[Problem], field_name: str, value: str, label_key: str) -> None:
    if not is_iso_date(value):
        problems.append(Problem(field_name, t("error.bad_date", field=t(label_key), value=value)))


def _choice(problems: list[Problem], field_name: str, value: str, choices, label_key: str) -> None:
    if value not in choices:
        problems.append(
            Problem(field_name, t("error.bad_choice", field=t(label_key), value=value, choices="、".join(choices)))
        )


@dataclass
class Term(Record):
    """学期: ``2025-2026-1`` is the first term of the 2025—2026 school year."""

    TABLE: ClassVar[str] = "terms"
    KEY: ClassVar[str] = "term_id"

    term_id: str = ""
    name: str = ""
    start: str = ""
    end: str = ""
    holidays: list[str] = field(default_factory=list)  # closed days the admin added by hand
    workdays: list[str] = field(default_factory=list)  # make-up workdays the admin added by hand
    not_holidays: list[str] = field(default_factory=list)  # official closed days the admin reopened
    not_workdays: list[str] = field(default_factory=list)  # official make-up days the admin closed
    status: str = "open"

    @property
    def start_date(self) -> dt.date:
        return dt.date.fromisoformat(self.start)

    @property
    def end_date(self) -> dt.date:
        return dt.date.fromisoformat(self.end)

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        if not _valid_term_id(self.term_id):
            problems.append(Problem("term_id", t("error.term_id", value=self.term_id)))
        _required(problems, "name", self.name, "field.term_name")
        _date(problems, "start", self.start, "field.start")
        _date(problems, "end", self.end, "field.end")
        if not problems and self.end_date <= self.start_date:
            problems.append(Problem("end", t("error.term_end_before_start")))
        _choice(problems, "status", self.status, TERM_STATUSES, "field.status")
        return problems


def _valid_term_id(term_id: str) -> bool:
    parts = term_id.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return False
    first, second, half = (int(p) for p in parts)
    return second == first + 1 and half in (1, 2)


def term_display_name(term_id: str) -> str:
    """``2025-2026-1`` → ``2025—2026学年第一学期``."""
    first, second, half = term_id.split("-")
    return t("term.display_name", first=first, second=second, half=t(f"term.half.{half}"))


@dataclass
class Teacher(Record):
    """教师. Admin rights come from ``is_admin``, never from a title."""

    TABLE: ClassVar[str] = "teachers"

    name: str = ""
    login: str = ""
    gender: str = ""
    subjects: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    is_admin: bool = False
    joined: str = ""  # the date the teacher joined the school
    active: bool = True
    note: str = ""

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        _required(problems, "name", self.name, "field.name")
        if self.joined:
            _date(problems, "joined", self.joined, "field.joined")
        for role in self.roles:
            _choice(problems, "roles", role, ROLES, "field.roles")
        if self.login and (not self.login.replace("_", "").replace("-", "").replace(".", "").isalnum()
                           or not self.login.isascii()):
            problems.append(Problem("login", t("error.bad_login", value=self.login)))
        return problems

    @property
    def label(self) -> str:
        """Name with subject and grade, to tell namesakes apart."""
        extra = "".join(self.subjects[:1]) + "".join(self.grades[:1])
        return f"{self.name}（{extra}）" if extra else self.name


@dataclass
class Group(Record):
    """教研组 (kind research) or 备课组 (kind prep); the 教导处 is the office at the root."""

    TABLE: ClassVar[str] = "groups"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("member_ids", "teachers"), Reference("leader_id", "teachers", optional=True),
        Reference("parent_id", "groups", optional=True))

    name: str = ""
    kind: str = "research"
    parent_id: int = 0
    subject: str = ""
    grades: list[str] = field(default_factory=list)
    leader_id: int = 0
    member_ids: list[int] = field(default_factory=list)
    slot_weekday: int = 0  # 1 = Monday … 5 = Friday; 0 = no weekly slot
    slot_period: int = 0  # period of the school day, 1-based
    slot_place: str = ""
    themes: dict[str, str] = field(default_factory=dict)  # term id → 研究主题
    active: bool = True

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        _required(problems, "name", self.name, "field.group_name")
        _choice(problems, "kind", self.kind, GROUP_KINDS, "field.group_kind")
        if self.slot_weekday and not 1 <= self.slot_weekday <= 7:
            problems.append(Problem("slot_weekday", t("error.bad_weekday", value=self.slot_weekday)))
        return problems


@dataclass
class Activity(Record):
    """教研活动: one meeting of a group (or a school-wide event when group_id is 0)."""

    TABLE: ClassVar[str] = "activities"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("term_id", "terms"), Reference("group_id", "groups", optional=True))

    term_id: str = ""
    group_id: int = 0
    date: str = ""
    period: int = 0
    place: str = ""
    kind: str = "主题研讨"
    event: str = ""  # for one-off school events: 专家讲座, 座谈会 …
    topic: str = ""
    content: str = ""
    host_id: int = 0
    speaker_id: int = 0
    attendee_ids: list[int] = field(default_factory=list)
    attendance: dict[str, str] = field(default_factory=dict)  # teacher id → present/leave/absent
    minutes: str = ""
    status: str = "planned"
    cancel_reason: str = ""
    generated: bool = False  # made from the group's weekly slot
    touched: bool = False  # a person changed it, so regeneration leaves it alone
    moved_from: str = ""  # the slot's date when a skipped week was moved to another day
    recorder_id: int = 0  # 记录人: who took the minutes
    summary: str = ""  # 小结: the activity's conclusion, under the minutes on the 活动记录表
    # 请假 asked for when the policy wants the office to approve leave: teacher id → pending/approved/refused
    leave_requests: dict[str, str] = field(default_factory=dict)
    # 学时 of an event longer (or shorter) than one period (a half-day 专家讲座: 3); 0 = the period's length
    study_hours: float = 0.0

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        _date(problems, "date", self.date, "field.date")
        _choice(problems, "kind", self.kind, ACTIVITY_KINDS, "field.activity_kind")
        if isinstance(self.study_hours, bool) or not isinstance(self.study_hours, (int, float)) \
                or not 0 <= self.study_hours <= 100:
            problems.append(Problem("study_hours", t("research.error.hours", value=self.study_hours)))
        _choice(problems, "status", self.status, ACTIVITY_STATUSES, "field.status")
        for mark in self.attendance.values():
            _choice(problems, "attendance", mark, ATTENDANCE_MARKS, "field.attendance")
        for answer in self.leave_requests.values():
            _choice(problems, "leave_requests", answer, LEAVE_ANSWERS, "field.leave_request")
        if self.status == "cancelled" and not self.cancel_reason.strip():
            problems.append(Problem("cancel_reason", t("error.cancel_reason")))
        if self.status == "held" and not problems:
            # Held means held: it has taken place (not later than today) and its attendance was taken.
            from models import clock

            if self.date > clock.today().isoformat():
                problems.append(Problem("status", t("error.held_in_future", date=self.date)))
            elif not self.attendance:
                problems.append(Problem("attendance", t("error.held_without_attendance")))
        return problems


@dataclass
class Observation(Record):
    """听课记录, with the "three ones" of its evaluation."""

    TABLE: ClassVar[str] = "observations"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("observer_id", "teachers"), Reference("teacher_id", "teachers"), Reference("term_id", "terms"))

    term_id: str = ""
    date: str = ""
    period: int = 0
    observer_id: int = 0
    teacher_id: int = 0
    subject: str = ""
    grade_class: str = ""
    topic: str = ""
    lesson_type: str = "常态课"
    strengths: str = ""
    shortcomings: str = ""
    suggestions: str = ""
    rating: str = ""
    activity_id: int = 0
    followed_up_ids: list[int] = field(default_factory=list)  # earlier observations whose suggestion this one checked
    process: str = ""  # 教学过程: the running notes of how the lesson went, several lines
    # The 评课量表 as it was when the lesson was scored ({"id", "name", "criteria": [{"name",
    # "max", "descriptor"}]}), so changing the school's rubric never changes a scored record;
    # empty when the lesson was not scored.
    rubric: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)  # criterion name → score; the total is derived

    @property
    def total(self) -> float | None:
        """The sum of the scores, or None when nothing was scored."""
        return sum(self.scores.values()) if self.scores else None

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        if not self.observer_id:
            problems.append(Problem("observer_id", t("error.required", field=t("field.observer"))))
        if not self.teacher_id:
            problems.append(Problem("teacher_id", t("error.required", field=t("field.teacher"))))
        if self.observer_id and self.observer_id == self.teacher_id:
            problems.append(Problem("teacher_id", t("error.observe_self")))
        _date(problems, "date", self.date, "field.date")
        _required(problems, "topic", self.topic, "field.topic")
        # Lesson types and ratings are the school's lists (Policy): a record keeps the
        # value it was saved with even after the admin renames or retires it, so only the
        # entry checks (models/observations.py) hold a new value against the lists.
        _required(problems, "lesson_type", self.lesson_type, "field.lesson_type")
        problems += score_problems(self.rubric, self.scores)
        return problems


def score_problems(rubric: dict[str, Any], scores: dict[str, Any]) -> list[Problem]:
    """Scores that the rubric has no criterion for, that are not numbers, or that lie
    outside 0 … the criterion's maximum."""
    if not scores:
        return []
    maxima = {c.get("name", ""): c.get("max", 0) for c in (rubric or {}).get("criteria", [])}
    problems = []
    for name, score in scores.items():
        if name not in maxima:
            problems.append(Problem("scores", t("rubric.error.unknown_criterion", name=name,
                                                rubric=(rubric or {}).get("name", "") or "—",
                                                choices="、".join(maxima) or "—")))
        elif isinstance(score, bool) or not isinstance(score, (int, float)):
            problems.append(Problem("scores", t("rubric.error.score_not_number", name=name, value=score)))
        elif score < 0 or score > maxima[name]:
            problems.append(Problem("scores", t("rubric.error.score_over_max", name=name, value=f"{score:g}",
                                                max=f"{maxima[name]:g}")))
    return problems


@dataclass
class Pairing(Record):
    """师徒结对: one mentor, one mentee, from one term to another."""

    TABLE: ClassVar[str] = "pairings"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (Reference("mentor_id", "teachers"), Reference("mentee_id", "teachers"))

    mentor_id: int = 0
    mentee_id: int = 0
    subject: str = ""
    from_term: str = ""
    to_term: str = ""
    goals: str = ""
    status: str = "active"
    # term id → {"summary": mentor's summary, "grade": 优秀/合格/待改进, "comment": admin's comment}
    evaluations: dict[str, dict[str, str]] = field(default_factory=dict)
    started: str = ""  # the day the pairing began; empty = the first day of from_term
    ended: str = ""  # the day it was ended (status ended); empty while active

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        if self.started:
            _date(problems, "started", self.started, "field.start")
        if self.ended:
            _date(problems, "ended", self.ended, "field.end")
        if not self.mentor_id:
            problems.append(Problem("mentor_id", t("error.required", field=t("field.mentor"))))
        if not self.mentee_id:
            problems.append(Problem("mentee_id", t("error.required", field=t("field.mentee"))))
        if self.mentor_id and self.mentor_id == self.mentee_id:
            problems.append(Problem("mentee_id", t("error.mentor_self")))
        if not _valid_term_id(self.from_term):
            problems.append(Problem("from_term", t("error.term_id", value=self.from_term)))
        if self.to_term and not _valid_term_id(self.to_term):
            problems.append(Problem("to_term", t("error.term_id", value=self.to_term)))
        _choice(problems, "status", self.status, PAIRING_STATUSES, "field.status")
        for evaluation in self.evaluations.values():
            if evaluation.get("grade"):
                _choice(problems, "evaluations", evaluation["grade"], EVALUATION_GRADES, "field.evaluation")
        return problems


@dataclass
class MentorMeeting(Record):
    """带教记录: one guidance meeting of a pairing."""

    TABLE: ClassVar[str] = "meetings"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (Reference("pairing_id", "pairings"),)

    pairing_id: int = 0
    term_id: str = ""
    date: str = ""
    kind: str = "指导备课"
    content: str = ""
    duration_minutes: int = 0

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        if not self.pairing_id:
            problems.append(Problem("pairing_id", t("error.required", field=t("field.pairing"))))
        _date(problems, "date", self.date, "field.date")
        _choice(problems, "kind", self.kind, MEETING_KINDS, "field.meeting_kind")
        _required(problems, "content", self.content, "field.content")
        if self.duration_minutes < 0:
            problems.append(Problem("duration_minutes", t("error.negative", field=t("field.duration"))))
        return problems


@dataclass
class Outcome(Record):
    """教研成果: counts toward the teacher's points (积分)."""

    TABLE: ClassVar[str] = "outcomes"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (Reference("teacher_id", "teachers"),)

    teacher_id: int = 0
    term_id: str = ""
    kind: str = "教学反思"
    title: str = ""
    level: str = "校级"
    award: str = ""
    date: str = ""
    points: float = 0.0  # the points when it was saved; the figures use models/points.py (the policy now)
    text: str = ""  # the full text (反思, 随笔, 案例, 论文 …), written in jiaoyan or read from a file; the booklet binds it

    def __post_init__(self) -> None:
        self.level = normalize_level(self.level)

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        if not self.teacher_id:
            problems.append(Problem("teacher_id", t("error.required", field=t("field.teacher"))))
        _choice(problems, "kind", self.kind, OUTCOME_KINDS, "field.outcome_kind")
        _required(problems, "title", self.title, "field.title")
        _choice(problems, "level", self.level, OUTCOME_LEVELS, "field.level")
        _date(problems, "date", self.date, "field.date")
        return problems


# -- 评比 (issue 18): the rules are models/competitions.py's --------------------------------------
COMPETITION_STATUSES = ("open", "published")
PRIZES = ("一等奖", "二等奖", "三等奖", "优秀奖")


@dataclass
class Competition(Record):
    """评比: the office opens it for some kinds of outcome until a deadline, names the
    judges, and publishes the result (prizes, recommendations upward)."""

    TABLE: ClassVar[str] = "competitions"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (Reference("term_id", "terms"), Reference("judge_ids", "teachers"))

    term_id: str = ""
    name: str = ""
    kinds: list[str] = field(default_factory=list)  # outcome kinds it accepts
    deadline: str = ""  # the last day to submit
    judge_ids: list[int] = field(default_factory=list)
    level: str = "校级"  # the level of its prizes (a school's 三优评比: 校级)
    status: str = "open"  # open (taking entries, then judged) or published
    published: str = ""  # the day the result was published

    def __post_init__(self) -> None:
        self.level = normalize_level(self.level)

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        _required(problems, "name", self.name, "field.competition_name")
        if not self.kinds:
            problems.append(Problem("kinds", t("error.required", field=t("field.competition_kinds"))))
        for kind in self.kinds:
            _choice(problems, "kinds", kind, OUTCOME_KINDS, "field.outcome_kind")
        _date(problems, "deadline", self.deadline, "field.deadline")
        if not self.judge_ids:
            problems.append(Problem("judge_ids", t("error.required", field=t("field.judges"))))
        _choice(problems, "level", self.level, OUTCOME_LEVELS, "field.level")
        _choice(problems, "status", self.status, COMPETITION_STATUSES, "field.status")
        if self.published:
            _date(problems, "published", self.published, "field.date")
        return problems


@dataclass
class CompetitionEntry(Record):
    """An outcome a teacher submitted to a competition; the office sets its result."""

    TABLE: ClassVar[str] = "competition_entries"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("competition_id", "competitions"), Reference("outcome_id", "outcomes"),
        Reference("teacher_id", "teachers"))

    term_id: str = ""
    competition_id: int = 0
    outcome_id: int = 0
    teacher_id: int = 0
    submitted: str = ""
    prize: str = ""  # the office's result: one of PRIZES, or none
    recommended: str = ""  # the level it is recommended up to (区/县级, 市级 …), or none

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        for name, value, label in (("competition_id", self.competition_id, "field.competition"),
                                   ("outcome_id", self.outcome_id, "field.outcome"),
                                   ("teacher_id", self.teacher_id, "field.teacher")):
            if not value:
                problems.append(Problem(name, t("error.required", field=t(label))))
        _date(problems, "submitted", self.submitted, "field.date")
        if self.prize:
            _choice(problems, "prize", self.prize, PRIZES, "field.prize")
        if self.recommended:
            _choice(problems, "recommended", self.recommended, OUTCOME_LEVELS[1:], "field.recommended")
        return problems


@dataclass
class CompetitionScore(Record):
    """One judge's score of one entry: only that judge writes it, and until publication
    only that judge (and the office) reads it."""

    TABLE: ClassVar[str] = "competition_scores"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("competition_id", "competitions"), Reference("entry_id", "competition_entries"),
        Reference("judge_id", "teachers"))

    term_id: str = ""
    competition_id: int = 0
    entry_id: int = 0
    judge_id: int = 0
    score: float = 0.0  # out of 100
    comment: str = ""

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        if not self.entry_id or not self.judge_id or not self.competition_id:
            problems.append(Problem("entry_id", t("error.required", field=t("field.competition"))))
        if isinstance(self.score, bool) or not isinstance(self.score, (int, float)) or not 0 <= self.score <= 100:
            problems.append(Problem("score", t("competitions.error.score", value=self.score)))
        return problems


def normalize_level(level: str) -> str:
    """A level as stored or typed (``区级``, ``县级``, none at all) → one of OUTCOME_LEVELS."""
    level = (level or "").strip()
    return LEVEL_ALIASES.get(level, level)


def default_periods() -> list[dict[str, str]]:
    """上午第1–4节, 下午第1–3节 with the times most primary schools keep."""
    return [
        {"half": "上午", "start": "08:00", "end": "08:40"},
        {"half": "上午", "start": "08:50", "end": "09:30"},
        {"half": "上午", "start": "10:00", "end": "10:40"},
        {"half": "上午", "start": "10:50", "end": "11:30"},
        {"half": "下午", "start": "14:00", "end": "14:40"},
        {"half": "下午", "start": "14:50", "end": "15:30"},
        {"half": "下午", "start": "15:40", "end": "16:20"},
    ]


def default_point_table() -> dict[str, float]:
    return {
        "教学反思": 0.5, "教学随笔": 0.5, "读书笔记": 0.5, "教学设计": 1.0,
        "教学案例": 1.0, "公开课": 1.0, "教学论文": 2.0, "课题": 3.0, "获奖": 1.0,
        "award_bonus": 2.0,  # an award adds 2 points on top of the kind's own (at 校级; see award_points)
    }


def default_level_points() -> dict[str, float]:
    """What an outcome at a level adds to its kind's own points (校级 adds nothing)."""
    return {"校级": 0.0, "区/县级": 1.0, "市级": 2.0, "省级": 3.0, "国家级": 4.0}


def default_award_points(school: float = 2.0) -> dict[str, float]:
    """What an award adds, by its level: a district award more than a school one."""
    return {"校级": school, "区/县级": school + 1, "市级": school + 2, "省级": school + 3, "国家级": school + 4}


@dataclass
class Policy(Record):
    """教研制度: the school's own numbers. The defaults are DESIGN.md's seeds."""

    TABLE: ClassVar[str] = "policy"

    school_name: str = "实验小学"
    observation_quota: int = 10
    observation_quota_by_role: dict[str, int] = field(
        default_factory=lambda: {"校长": 30, "副校长": 30, "教导主任": 30, "中层领导": 30}
    )
    research_lessons_per_term: int = 1
    talks_per_term: int = 1
    mentor_meetings_every_weeks: int = 1
    mentees_per_mentor: int = 2
    demo_lesson_deadline_weeks: int = 4
    points: dict[str, float] = field(default_factory=default_point_table)
    # -- 积分 by level and deductions (issue 18): see points_for and models/points.py --
    level_points: dict[str, float] = field(default_factory=default_level_points)
    award_points: dict[str, float] = field(default_factory=default_award_points)
    absence_deduction: float = 0.0  # taken per research activity missed without leave; 0: the school deducts nothing
    periods: list[dict[str, str]] = field(default_factory=default_periods)
    subjects: list[str] = field(
        default_factory=lambda: ["语文", "数学", "英语", "科学", "音乐", "美术", "体育", "信息技术", "道德与法治"]
    )
    grades: list[str] = field(default_factory=lambda: [f"{n}年级" for n in range(1, 7)])
    # -- 听课 (issue 15): the school's lesson types, ratings and rating thresholds --------
    lesson_types: list[str] = field(default_factory=lambda: list(LESSON_TYPES))  # offered for new records
    retired_lesson_types: list[str] = field(default_factory=list)  # in use by old records, offered no more
    ratings: list[str] = field(default_factory=lambda: list(RATINGS))  # best first
    # A scored lesson's rating when the observer picks none: the first rating whose
    # minimum (per cent of the rubric's full marks) the total reaches; below every
    # minimum, the last rating of ``ratings``.
    rating_thresholds: list[dict[str, Any]] = field(default_factory=lambda: [
        {"rating": "优", "min": 90}, {"rating": "良", "min": 75}, {"rating": "中", "min": 60}])
    # -- 教研活动 (issue 16) --
    confirm_held: bool = False  # ask "标记为已开展？" instead of marking a taken activity held by itself
    minutes_due_days: int = 3  # a held activity without minutes is flagged this many days after
    new_teacher_speaker_weeks: int = 2  # a teacher new to the school is not made speaker in their first weeks
    leave_needs_approval: bool = False  # leave from an activity is asked for and the office approves it
    # -- 学时 and requirements by role (issue 18) --
    study_hours_per_year: float = 72.0  # the national rule: 72 学时 a school year
    remote_hours_per_term: float = 0.0  # at least this many hours of remote training a term; 0 = no such rule
    study_hour_minutes: int = 40  # minutes of one 学时: an activity counts its period's length in these
    # Per-role requirements of any countable kind, each a number per term:
    # {"role": "" (every teacher) or a role, "kind": outcome|lesson|document, "what": the outcome
    # kind, lesson type or document kind, "per_term": n}
    requirements: list[dict[str, Any]] = field(default_factory=list)

    def quota_for(self, roles: list[str]) -> int:
        """A teacher's observation quota: the highest of their roles', else the default."""
        figures = [self.observation_quota_by_role[r] for r in roles if r in self.observation_quota_by_role]
        return max(figures, default=self.observation_quota)

    @classmethod
    def from_dict(cls, data: dict[str, Any], record_id: int = 0) -> "Policy":
        """A policy saved before levels counted keeps its own award bonus: it becomes the
        school-level award and each level above adds one more point."""
        policy = super().from_dict(data, record_id)
        if "award_points" not in data and isinstance(policy.points, dict):
            policy.award_points = default_award_points(float(policy.points.get("award_bonus", 2.0) or 0.0))
        return policy

    def points_parts(self, kind: str, award: str = "", level: str = "校级") -> tuple[float, float, float]:
        """(the kind's own, what the level adds, what the award adds) from the point table.
        An award counts by its level (award_points); an outcome without one gets the
        level's own addition (level_points)."""
        level = normalize_level(level)
        own = float(self.points.get(kind, 0.0))
        if award.strip():
            fallback = self.points.get("award_bonus", 0.0) if level == "校级" else 0.0
            return own, 0.0, float(self.award_points.get(level, fallback))
        return own, float(self.level_points.get(level, 0.0)), 0.0

    def points_for(self, kind: str, award: str = "", level: str = "校级") -> float:
        """An outcome's points: the kind's own, plus its level's or its award's (points_parts)."""
        return sum(self.points_parts(kind, award, level))

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        _required(problems, "school_name", self.school_name, "field.school_name")
        numbers = {
            "observation_quota": self.observation_quota,
            "research_lessons_per_term": self.research_lessons_per_term,
            "talks_per_term": self.talks_per_term,
            "mentees_per_mentor": self.mentees_per_mentor,
            "demo_lesson_deadline_weeks": self.demo_lesson_deadline_weeks,
            "minutes_due_days": self.minutes_due_days,
            "new_teacher_speaker_weeks": self.new_teacher_speaker_weeks,
        }
        for name, table in (("level_points", self.level_points), ("award_points", self.award_points)):
            for level, value in table.items():
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value > 1000:
                    problems.append(Problem(name, t("error.bad_count", field=f"{name}.{level}", value=value)))
        deduction = self.absence_deduction
        if isinstance(deduction, bool) or not isinstance(deduction, (int, float)) or not 0 <= deduction <= 100:
            problems.append(Problem("absence_deduction", t("error.bad_count", field="absence_deduction",
                                                           value=deduction)))
        for name, value in {**numbers, **self.observation_quota_by_role}.items():
            if not isinstance(value, int) or value < 0 or value > 500:
                problems.append(Problem(name, t("error.bad_count", field=name, value=value)))
        if self.mentor_meetings_every_weeks < 1:
            problems.append(Problem("mentor_meetings_every_weeks", t("error.cadence")))
        if not self.periods:
            problems.append(Problem("periods", t("error.no_periods")))
        for number, period in enumerate(self.periods, 1):
            start, end = period.get("start", ""), period.get("end", "")
            if not (_is_hhmm(start) and _is_hhmm(end) and start < end):
                problems.append(Problem("periods", t("error.bad_period_time", number=number)))
        problems += self._observation_list_problems()
        problems += self._study_problems()
        return problems

    def _study_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        for name in ("study_hours_per_year", "remote_hours_per_term"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1000:
                problems.append(Problem(name, t("error.bad_count", field=name, value=value)))
        if isinstance(self.study_hour_minutes, bool) or not isinstance(self.study_hour_minutes, int) \
                or not 1 <= self.study_hour_minutes <= 240:
            problems.append(Problem("study_hour_minutes", t("error.bad_count", field="study_hour_minutes",
                                                            value=self.study_hour_minutes)))
        for requirement in self.requirements:
            problems += requirement_problems(requirement)
        return problems

    def _observation_list_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        if not [x for x in self.lesson_types if x.strip()]:
            problems.append(Problem("lesson_types", t("policy.error.no_lesson_types")))
        for name, values in (("lesson_types", self.lesson_types + self.retired_lesson_types),
                             ("ratings", self.ratings)):
            seen = set()
            for value in values:
                if value in seen:
                    problems.append(Problem(name, t("policy.error.twice", value=value)))
                seen.add(value)
        if not [x for x in self.ratings if x.strip()]:
            problems.append(Problem("ratings", t("policy.error.no_ratings")))
        for threshold in self.rating_thresholds:
            rating, minimum = threshold.get("rating", ""), threshold.get("min")
            if rating not in self.ratings:
                problems.append(Problem("rating_thresholds", t("policy.error.threshold_rating", value=rating)))
            if isinstance(minimum, bool) or not isinstance(minimum, (int, float)) or not 0 <= minimum <= 100:
                problems.append(Problem("rating_thresholds", t("policy.error.threshold_min", rating=rating,
                                                                value=minimum)))
        return problems

    def rating_for(self, total: float, full_marks: float) -> str:
        """The rating a total earns on a rubric of ``full_marks`` points (see rating_thresholds)."""
        if full_marks <= 0:
            return ""
        percent = total * 100 / full_marks
        for threshold in sorted(self.rating_thresholds, key=lambda x: -float(x.get("min", 0))):
            if percent >= float(threshold.get("min", 0)) and threshold.get("rating") in self.ratings:
                return threshold["rating"]
        return self.ratings[-1] if self.ratings else ""


def requirement_problems(requirement: Any) -> list[Problem]:
    """What is wrong with one per-role requirement of the policy (empty when nothing)."""
    if not isinstance(requirement, dict):
        return [Problem("requirements", t("research.error.requirement", value=requirement))]
    problems: list[Problem] = []
    role, kind, what, count = (requirement.get("role", ""), requirement.get("kind", ""),
                               requirement.get("what", ""), requirement.get("per_term"))
    if role and role not in ROLES:
        problems.append(Problem("requirements", t("error.bad_choice", field=t("field.roles"), value=role,
                                                  choices="、".join(ROLES))))
    if kind not in REQUIREMENT_KINDS:
        problems.append(Problem("requirements", t("research.error.requirement_kind", value=kind)))
    if not isinstance(what, str) or not what.strip():
        problems.append(Problem("requirements", t("research.error.requirement_what")))
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100:
        problems.append(Problem("requirements", t("research.error.requirement_count", value=count)))
    return problems


def _is_hhmm(value: str) -> bool:
    try:
        dt.time.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return len(value) == 5


# -- 文档 documents (models/documents.py holds their rules and queries) ---------------------

DOCUMENT_STATES = ("draft", "submitted", "returned", "approved")
DOCUMENT_WRITERS = ("leader", "member", "self")  # who writes a kind: a group's leader, a group member, the teacher
DOCUMENT_REVIEWERS = ("office", "leader")
DOCUMENT_AUDIENCES = ("research_groups", "prep_groups", "teachers", "research_lessons")


@dataclass
class DocumentKind(Record):
    """A kind the admin added (or a built-in kind with another writer or reviewer)."""

    TABLE: ClassVar[str] = "document_kinds"

    name: str = ""
    writer: str = "self"
    reviewer: str = "leader"
    active: bool = True

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        if not self.name.strip():
            problems.append(Problem("name", t("doc.error.kind_name")))
        if self.writer not in DOCUMENT_WRITERS:
            problems.append(Problem("writer", t("doc.error.writer", value=self.writer)))
        if self.reviewer not in DOCUMENT_REVIEWERS:
            problems.append(Problem("reviewer", t("doc.error.reviewer", value=self.reviewer)))
        return problems


@dataclass
class Document(Record):
    """One document. ``author_id`` wrote it; ``group_id`` is the group it speaks for (group
    kinds) or the 备课组 of a 集体备课 paper. ``history`` holds the review steps:
    ``{"at", "by" (teacher id), "action" (submitted/returned/approved), "comment"}``."""

    TABLE: ClassVar[str] = "documents"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("author_id", "teachers"), Reference("group_id", "groups", optional=True))

    term_id: str = ""
    kind: str = ""
    title: str = ""
    author_id: int = 0
    group_id: int = 0
    body: str = ""
    source: str = ""  # the file it was taken from, if any (its name only)
    state: str = "draft"
    history: list[dict] = field(default_factory=list)
    reading_id: int = 0  # 学习心得: the required reading it is written on
    prep_id: int = 0  # 共案 / 个案 / 反思: the 集体备课 plan and the unit (its uid)
    prep_unit: int = 0

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        if not _valid_term_id(self.term_id):
            problems.append(Problem("term_id", t("error.term_id", value=self.term_id)))
        if not self.kind.strip():
            problems.append(Problem("kind", t("doc.error.kind_required")))
        if not self.title.strip():
            problems.append(Problem("title", t("error.required", field=t("doc.field.title"))))
        if not self.author_id:
            problems.append(Problem("author_id", t("error.required", field=t("doc.field.author"))))
        if self.state not in DOCUMENT_STATES:
            problems.append(Problem("state", t("error.bad_choice", field=t("doc.field.state"), value=self.state,
                                               choices="、".join(DOCUMENT_STATES))))
        return problems

    @property
    def last_step(self) -> dict | None:
        return self.history[-1] if self.history else None

    def review_comment(self) -> str:
        """The reviewer's latest comment (returned or approved), for the printout."""
        for step in reversed(self.history):
            if step.get("action") in ("returned", "approved") and step.get("comment"):
                return step["comment"]
        return ""


@dataclass
class HandIn(Record):
    """One line of a term's hand-ins: ``kind`` due from ``audience`` by ``due``.

    ``research_lessons`` means one 教学设计 for each 组内研讨课, due on the lesson's day
    (``due`` is then empty)."""

    TABLE: ClassVar[str] = "handins"

    term_id: str = ""
    kind: str = ""
    audience: str = "teachers"
    due: str = ""
    count: int = 1

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        if not _valid_term_id(self.term_id):
            problems.append(Problem("term_id", t("error.term_id", value=self.term_id)))
        if not self.kind.strip():
            problems.append(Problem("kind", t("doc.error.kind_required")))
        if self.audience not in DOCUMENT_AUDIENCES:
            problems.append(Problem("audience", t("doc.error.audience", value=self.audience,
                                                  choices="、".join(DOCUMENT_AUDIENCES))))
        if self.audience != "research_lessons" and not is_iso_date(self.due):
            problems.append(Problem("due", t("error.bad_date", field=t("doc.field.due"), value=self.due)))
        if not isinstance(self.count, int) or not 1 <= self.count <= 20:
            problems.append(Problem("count", t("doc.error.count", value=self.count)))
        return problems


@dataclass
class Reading(Record):
    """A book or article on the term's required reading list (必读书目)."""

    TABLE: ClassVar[str] = "readings"

    term_id: str = ""
    title: str = ""
    author: str = ""
    note: str = ""

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        if not _valid_term_id(self.term_id):
            problems.append(Problem("term_id", t("error.term_id", value=self.term_id)))
        if not self.title.strip():
            problems.append(Problem("title", t("error.required", field=t("doc.field.reading_title"))))
        return problems


# -- 集体备课 (models/prep.py holds its rules and queries) --------------------------------


@dataclass
class PrepPlan(Record):
    """One 备课组's 集体备课 schedule for one term.

    ``units`` is a list of ``{"uid", "title", "week", "lead_id", "activity_id",
    "lead_fixed", "comments": [{"by", "at", "text"}]}``; ``uid`` never changes, so
    documents keep pointing at their unit when units are reordered."""

    TABLE: ClassVar[str] = "prep_plans"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (Reference("group_id", "groups"),)

    term_id: str = ""
    group_id: int = 0
    units: list[dict] = field(default_factory=list)

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        if not _valid_term_id(self.term_id):
            problems.append(Problem("term_id", t("error.term_id", value=self.term_id)))
        if not self.group_id:
            problems.append(Problem("group_id", t("error.required", field=t("prep.field.group"))))
        uids = [u.get("uid") for u in self.units]
        if len(set(uids)) != len(uids) or not all(isinstance(u, int) and u > 0 for u in uids):
            problems.append(Problem("units", t("prep.error.uids")))
        for unit in self.units:
            if not str(unit.get("title", "")).strip():
                problems.append(Problem("units", t("prep.error.unit_title")))
                break
        return problems

    def unit(self, uid: int) -> dict | None:
        return next((u for u in self.units if u.get("uid") == uid), None)


@dataclass
class Project(Record):
    """课题: a research project over years, with its stages (立项, 开题, 中期, 结题).

    ``stages`` holds one entry per stage, in order: ``{"name", "date" (planned), "status"
    (planned/done), "done_on", "documents": [{"title", "text", "source"}]}``. A project
    belongs to no term, so it stays in the active file when a term is archived."""

    TABLE: ClassVar[str] = "projects"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("host_id", "teachers"), Reference("member_ids", "teachers"))

    number: str = ""  # the number the approving office gave it
    title: str = ""
    level: str = "校级"
    host_id: int = 0
    member_ids: list[int] = field(default_factory=list)
    start: str = ""
    planned_end: str = ""
    stages: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        _required(problems, "title", self.title, "field.title")
        _choice(problems, "level", self.level, OUTCOME_LEVELS, "field.level")
        if not self.host_id:
            problems.append(Problem("host_id", t("error.required", field=t("research.field.host"))))
        _date(problems, "start", self.start, "field.start")
        if self.planned_end:
            _date(problems, "planned_end", self.planned_end, "research.field.planned_end")
            if not problems and self.planned_end < self.start:
                problems.append(Problem("planned_end", t("research.error.end_before_start")))
        for stage in self.stages:
            if not isinstance(stage, dict):
                problems.append(Problem("stages", t("research.error.stage", value=stage)))
                continue
            _choice(problems, "stages", stage.get("name", ""), PROJECT_STAGES, "research.field.stage")
            _choice(problems, "stages", stage.get("status", ""), STAGE_STATUSES, "field.status")
            if stage.get("date"):
                _date(problems, "stages", stage["date"], "research.field.stage_date")
            if stage.get("done_on"):
                _date(problems, "stages", stage["done_on"], "research.field.done_on")
        return problems


@dataclass
class Training(Record):
    """外出学习: outside training a teacher went to, its 学时, and what they owe afterwards
    (a 汇报课 or a report), flagged until ``reported_on`` is set."""

    TABLE: ClassVar[str] = "trainings"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("teacher_id", "teachers"), Reference("term_id", "terms"))

    teacher_id: int = 0
    term_id: str = ""
    title: str = ""
    place: str = ""
    start: str = ""
    end: str = ""
    hours: float = 0.0
    remote: bool = False  # 远程培训 (online); counts toward the per-term remote minimum
    report_back: str = ""  # "" | 汇报课 | 报告
    reported_on: str = ""  # the day the 汇报课 or report was given
    note: str = ""

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        if not self.teacher_id:
            problems.append(Problem("teacher_id", t("error.required", field=t("field.teacher"))))
        _required(problems, "title", self.title, "field.title")
        _date(problems, "start", self.start, "field.start")
        if self.end:
            _date(problems, "end", self.end, "field.end")
            if not problems and self.end < self.start:
                problems.append(Problem("end", t("research.error.end_before_start")))
        if isinstance(self.hours, bool) or not isinstance(self.hours, (int, float)) or not 0 < self.hours <= 500:
            problems.append(Problem("hours", t("research.error.hours", value=self.hours)))
        _choice(problems, "report_back", self.report_back, REPORT_BACK_KINDS, "research.field.report_back")
        if self.reported_on:
            _date(problems, "reported_on", self.reported_on, "research.field.reported_on")
        return problems


# The one list of record types: the store's tables, what `jiaoyan check` validates and
# follows references in (models/store/integrity.py). A new record type is one entry here.
RECORD_TYPES: tuple[type[Record], ...] = (
    Term, Teacher, Group, Activity, Observation, Pairing, MentorMeeting, Outcome, Policy,
    Document, DocumentKind, HandIn, Reading, PrepPlan, Project, Training,
    Competition, CompetitionEntry, CompetitionScore,
)
TABLES = {cls.TABLE: cls for cls in RECORD_TYPES}
