"""教研制度: the school's own numbers, for the admin. The dashboard follows a save at once.

A role's quota left empty means the default quota applies to it. Periods of the
school day are one per line, ``上午 08:00-08:40``.

The form remembers the policy as it was read; if another session saved the policy
meanwhile, ctrl+s opens the conflict dialog (``k`` keeps what is typed, ``t`` fills
the form with theirs) rather than overwriting it unseen.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Select, Static, TextArea

from models.i18n import t
from models.permissions import can
from models.records import OUTCOME_KINDS, OUTCOME_LEVELS, ROLES, Observation, Policy
from models.errors import JiaoyanError
from models.store.storage import ConflictError, ValidationFailed
from screens.dialogs.conflict import resolve_conflict
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.fitted_footer import FittedFooter

NUMBERS = ("observation_quota", "research_lessons_per_term", "talks_per_term", "mentor_meetings_every_weeks",
           "mentees_per_mentor", "demo_lesson_deadline_weeks")
# 教研活动 (issue 16): two numbers and two yes/no switches.
ACTIVITY_NUMBERS = ("minutes_due_days", "new_teacher_speaker_weeks")
ACTIVITY_SWITCHES = ("confirm_held", "leave_needs_approval")
POINT_KEYS = OUTCOME_KINDS  # 校级's award is award_points["校级"] (an old file's award_bonus becomes it)
# 学时 and requirements by role (issue 18): three numbers, and the requirements one a line.
STUDY_NUMBERS = ("study_hours_per_year", "remote_hours_per_term", "study_hour_minutes")
PERIOD_LINE = re.compile(r"^\s*(\S+)\s+(\d{1,2}:\d{2})\s*[-–—~～]\s*(\d{1,2}:\d{2})\s*$")


def periods_text(policy: Policy) -> str:
    return "\n".join(f"{p.get('half', '')} {p.get('start', '')}-{p.get('end', '')}" for p in policy.periods)


def parse_periods(text: str) -> tuple[list[dict[str, str]], list[str]]:
    periods, problems = [], []
    for number, line in enumerate((x for x in text.splitlines() if x.strip()), 1):
        match = PERIOD_LINE.match(line)
        if not match:
            problems.append(t("dashboard.policy.bad_period_line", number=number, line=line.strip()))
            continue
        half, start, end = match.groups()
        periods.append({"half": half, "start": start.zfill(5), "end": end.zfill(5)})
    return periods, problems


def ratings_text(policy: Policy) -> str:
    """``优 90`` a line: each rating with its threshold (per cent of full marks), if any."""
    minimum = {x.get("rating"): x.get("min") for x in policy.rating_thresholds}
    return "\n".join(f"{r} {minimum[r]:g}" if minimum.get(r) is not None else r for r in policy.ratings)


def parse_ratings(text: str) -> tuple[list[str], list[dict], list[str]]:
    ratings, thresholds, problems = [], [], []
    for number, line in enumerate((x for x in text.splitlines() if x.strip()), 1):
        parts = line.split()
        if len(parts) == 1:
            ratings.append(parts[0])
            continue
        try:
            minimum = float(parts[-1].rstrip("%％分"))
        except ValueError:
            problems.append(t("policy.error.rating_line", line=number, text=line.strip()))
            continue
        name = " ".join(parts[:-1])
        ratings.append(name)
        thresholds.append({"rating": name, "min": int(minimum) if minimum.is_integer() else minimum})
    return ratings, thresholds, problems


def requirement_kind_words() -> dict[str, str]:
    """The words a requirement's kind is typed with (成果 课 文档, or outcome lesson document)."""
    words = {kind: kind for kind in ("outcome", "lesson", "document")}
    words.update({t(f"research.requirement.kind.{kind}"): kind for kind in ("outcome", "lesson", "document")})
    return words


def requirements_text(policy: Policy) -> str:
    """``骨干教师 课 示范课 1`` a line; ``全体`` for every teacher."""
    return "\n".join(f"{r.get('role') or t('policy.requirements.everyone')} "
                     f"{t('research.requirement.kind.' + str(r.get('kind')))} {r.get('what', '')} {r.get('per_term', '')}"
                     for r in policy.requirements if isinstance(r, dict))


def parse_requirements(text: str) -> tuple[list[dict], list[str]]:
    requirements, problems = [], []
    kinds = requirement_kind_words()
    everyone = {t("policy.requirements.everyone"), "全体", "每位教师", "all", "everyone"}
    for number, line in enumerate((x for x in text.splitlines() if x.strip()), 1):
        parts = line.split()
        if len(parts) != 4 or parts[1] not in kinds or not parts[3].isdigit():
            problems.append(t("policy.error.requirement_line", line=number, text=line.strip()))
            continue
        role = "" if parts[0] in everyone else parts[0]
        if role and role not in ROLES:
            problems.append(t("policy.error.requirement_role", line=number, role=role, roles="、".join(ROLES)))
            continue
        requirements.append({"role": role, "kind": kinds[parts[1]], "what": parts[2], "per_term": int(parts[3])})
    return requirements, problems


def lines_of(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        if line.strip() and line.strip() not in found:
            found.append(line.strip())
    return found


class PolicyScreen(Screen):
    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="policy.save", priority=True),
        Binding("ctrl+r", "rubrics", "rubric.key.open", id="policy.rubrics", priority=True),
        Binding("escape", "app.pop_screen", "key.back", id="policy.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.loaded: Policy | None = None  # the policy as read into the form (its version decides conflicts)

    def may_edit(self) -> bool:
        return can(self.app.store, self.app.user or self.app.login, "update", self.app.store.policy())

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("save", "rubrics"):
            return self.may_edit()
        return True

    def compose(self) -> ComposeResult:
        yield AppHeader()
        if not self.may_edit():
            yield Static(Text(t("dashboard.admin_only")), id="policy-denied")
            yield FittedFooter()
            return
        policy = self.loaded = self.app.store.policy()
        yield Static(id="policy-error")
        with VerticalScroll(id="policy-form", can_focus=False):  # no invisible tab stop
            yield Static(t("dashboard.policy.quotas"), classes="policy-heading")
            for name in NUMBERS:
                with Horizontal(classes="policy-row"):
                    yield Label(t(f"dashboard.policy.{name}"))
                    yield Input(str(getattr(policy, name)), id=f"policy-{name}", compact=True)
            yield Static(t("dashboard.policy.activities"), classes="policy-heading")
            for name in ACTIVITY_SWITCHES:
                with Horizontal(classes="policy-row"):
                    yield Label(t(f"dashboard.policy.{name}"))
                    yield Select([(t("dashboard.policy.yes"), True), (t("dashboard.policy.no"), False)],
                                 value=bool(getattr(policy, name)), allow_blank=False, compact=True,
                                 id=f"policy-{name}")
            for name in ACTIVITY_NUMBERS:
                with Horizontal(classes="policy-row"):
                    yield Label(t(f"dashboard.policy.{name}"))
                    yield Input(str(getattr(policy, name)), id=f"policy-{name}", compact=True)
            yield Static(t("dashboard.policy.by_role"), classes="policy-heading")
            for index, role in enumerate(ROLES):
                value = policy.observation_quota_by_role.get(role)
                with Horizontal(classes="policy-row"):
                    yield Label(role)
                    yield Input("" if value is None else str(value), id=f"policy-role-{index}", compact=True,
                                placeholder=t("dashboard.policy.role_default"))
            yield Static(t("dashboard.policy.points"), classes="policy-heading")
            for index, key in enumerate(POINT_KEYS):
                with Horizontal(classes="policy-row"):
                    yield Label(key)
                    yield Input(f"{policy.points.get(key, 0):g}", id=f"policy-points-{index}", compact=True)
            # 积分 by level (issue 18): what a level adds, and what an award at that level adds.
            yield Static(t("policy.levels.heading"), classes="policy-note")
            for index, level in enumerate(OUTCOME_LEVELS):
                with Horizontal(classes="policy-row"):
                    yield Label(level)
                    yield Input(f"{policy.level_points.get(level, 0):g}", id=f"policy-level-{index}", compact=True)
                    yield Input(f"{policy.award_points.get(level, 0):g}", id=f"policy-award-{index}", compact=True,
                                classes="policy-award")
            with Horizontal(classes="policy-row"):
                yield Label(t("policy.absence_deduction"))
                yield Input(f"{policy.absence_deduction:g}", id="policy-absence-deduction", compact=True)
            yield Static(t("dashboard.policy.periods"), classes="policy-heading")
            yield TextArea(periods_text(policy), id="policy-periods")
            yield Static(t("policy.observations.heading"), classes="policy-heading")
            yield Static(t("policy.lesson_types"), classes="policy-note")
            yield TextArea("\n".join(policy.lesson_types), id="policy-lesson-types")
            yield Static(t("policy.retired_lesson_types"), classes="policy-note")
            yield TextArea("\n".join(policy.retired_lesson_types), id="policy-retired-types")
            yield Static(t("policy.ratings"), classes="policy-note")
            yield TextArea(ratings_text(policy), id="policy-ratings")
            yield Static(t("policy.study.heading"), classes="policy-heading")
            for name in STUDY_NUMBERS:
                with Horizontal(classes="policy-row"):
                    yield Label(t(f"policy.{name}"))
                    yield Input(f"{getattr(policy, name):g}", id=f"policy-{name}", compact=True)
            yield Static(t("policy.requirements"), classes="policy-note")
            yield TextArea(requirements_text(policy), id="policy-requirements")
        yield FittedFooter()

    def on_mount(self) -> None:
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def data_changed(self) -> None:
        """Another session saved: the form keeps what the user typed."""

    def fill(self, policy: Policy) -> None:
        """Show ``policy`` in the form (after "take theirs" in a conflict)."""
        self.loaded = policy
        for name in NUMBERS + ACTIVITY_NUMBERS:
            self.query_one(f"#policy-{name}", Input).value = str(getattr(policy, name))
        for name in ACTIVITY_SWITCHES:
            self.query_one(f"#policy-{name}", Select).value = bool(getattr(policy, name))
        for index, role in enumerate(ROLES):
            value = policy.observation_quota_by_role.get(role)
            self.query_one(f"#policy-role-{index}", Input).value = "" if value is None else str(value)
        for index, key in enumerate(POINT_KEYS):
            self.query_one(f"#policy-points-{index}", Input).value = f"{policy.points.get(key, 0):g}"
        for index, level in enumerate(OUTCOME_LEVELS):
            self.query_one(f"#policy-level-{index}", Input).value = f"{policy.level_points.get(level, 0):g}"
            self.query_one(f"#policy-award-{index}", Input).value = f"{policy.award_points.get(level, 0):g}"
        self.query_one("#policy-absence-deduction", Input).value = f"{policy.absence_deduction:g}"
        self.query_one("#policy-periods", TextArea).text = periods_text(policy)
        self.query_one("#policy-lesson-types", TextArea).text = "\n".join(policy.lesson_types)
        self.query_one("#policy-retired-types", TextArea).text = "\n".join(policy.retired_lesson_types)
        self.query_one("#policy-ratings", TextArea).text = ratings_text(policy)
        for name in STUDY_NUMBERS:
            self.query_one(f"#policy-{name}", Input).value = f"{getattr(policy, name):g}"
        self.query_one("#policy-requirements", TextArea).text = requirements_text(policy)

    def field_labels(self) -> dict[str, str]:
        labels = {name: t(f"dashboard.policy.{name}") for name in NUMBERS + ACTIVITY_NUMBERS + ACTIVITY_SWITCHES}
        labels.update(observation_quota_by_role=t("dashboard.policy.by_role"), points=t("dashboard.policy.points"),
                      periods=t("dashboard.policy.periods"), lesson_types=t("policy.lesson_types"),
                      retired_lesson_types=t("policy.retired_lesson_types"), ratings=t("policy.ratings"),
                      rating_thresholds=t("policy.ratings"), level_points=t("policy.levels.heading"),
                      award_points=t("policy.levels.heading"), absence_deduction=t("policy.absence_deduction"),
                      requirements=t("policy.requirements"),
                      **{name: t(f"policy.{name}") for name in STUDY_NUMBERS})
        return labels

    def read_form(self) -> tuple[Policy | None, list[str]]:
        """The policy as typed, or the problems (each naming its field)."""
        policy = self.loaded or self.app.store.policy()
        problems: list[str] = []

        def number(widget_id: str, label: str, *, allow_empty: bool = False, fraction: bool = False):
            raw = self.query_one(f"#{widget_id}", Input).value.strip()
            if not raw and allow_empty:
                return None
            try:
                value = float(raw) if fraction else int(raw)
            except ValueError:
                problems.append(t("dashboard.policy.not_a_number" if fraction else "dashboard.policy.not_whole",
                                  field=label, value=raw))
                return None
            if value < 0:
                problems.append(t("dashboard.policy.negative", field=label))
                return None
            return value

        values = {name: number(f"policy-{name}", t(f"dashboard.policy.{name}")) for name in NUMBERS + ACTIVITY_NUMBERS}
        values.update({name: bool(self.query_one(f"#policy-{name}", Select).value) for name in ACTIVITY_SWITCHES})
        by_role = {}
        for index, role in enumerate(ROLES):
            value = number(f"policy-role-{index}", role, allow_empty=True)
            if value is not None:
                by_role[role] = value
        points = {k: v for k, v in policy.points.items() if k not in POINT_KEYS}  # award_bonus of old files
        for index, key in enumerate(POINT_KEYS):
            value = number(f"policy-points-{index}", key, fraction=True)
            if value is not None:
                points[key] = value
        level_points, award_points = dict(policy.level_points), dict(policy.award_points)
        for index, level in enumerate(OUTCOME_LEVELS):
            for table, prefix, label in ((level_points, "level", "policy.level_points"),
                                         (award_points, "award", "policy.award_points")):
                value = number(f"policy-{prefix}-{index}", t(label, level=level), fraction=True)
                if value is not None:
                    table[level] = value
        deduction = number("policy-absence-deduction", t("policy.absence_deduction"), fraction=True)
        periods, period_problems = parse_periods(self.query_one("#policy-periods", TextArea).text)
        problems += period_problems
        lesson_types = lines_of(self.query_one("#policy-lesson-types", TextArea).text)
        # A type back in the list is no longer retired; one in use must stay somewhere.
        retired = [x for x in lines_of(self.query_one("#policy-retired-types", TextArea).text)
                   if x not in lesson_types]
        in_use: dict[str, int] = {}
        for observation in self.app.store.all(Observation):
            in_use[observation.lesson_type] = in_use.get(observation.lesson_type, 0) + 1
        for value, count in in_use.items():
            if value not in lesson_types and value not in retired:
                problems.append(t("policy.error.type_in_use", value=value, count=count))
        ratings, thresholds, rating_problems = parse_ratings(self.query_one("#policy-ratings", TextArea).text)
        problems += rating_problems
        study = {name: number(f"policy-{name}", t(f"policy.{name}"), fraction=name != "study_hour_minutes")
                 for name in STUDY_NUMBERS}
        requirements, requirement_problems = parse_requirements(
            self.query_one("#policy-requirements", TextArea).text)
        problems += requirement_problems
        if problems:
            return None, problems
        changed = policy.copy(observation_quota_by_role=by_role, points=points, periods=periods,
                              level_points=level_points, award_points=award_points,
                              absence_deduction=deduction or 0.0,
                              lesson_types=lesson_types, retired_lesson_types=retired, ratings=ratings,
                              rating_thresholds=thresholds, requirements=requirements,
                              **{k: v for k, v in study.items() if v is not None}, **values)
        labels = {name: t(f"dashboard.policy.{name}") for name in NUMBERS + ACTIVITY_NUMBERS}
        labels.update({name: t(f"policy.{name}") for name in STUDY_NUMBERS})
        labels.update({role: role for role in ROLES})
        validation = []
        for problem in changed.validate():
            label = labels.get(problem.field)
            message = str(problem)
            if label and problem.field in message:
                message = message.replace(problem.field, label, 1)
            validation.append(message)
        return (None, validation) if validation else (changed, [])

    def action_save(self) -> None:
        if not self.query(Input):
            return
        error = self.query_one("#policy-error", Static)
        policy, problems = self.read_form()
        if policy is None:
            error.update(Text("\n".join(problems)))
            return
        self.save(policy)

    def save(self, policy: Policy) -> None:
        error = self.query_one("#policy-error", Static)
        try:
            with self.app.store.transaction() as tx:
                saved = tx.save_policy(policy)
        except ValidationFailed as failure:
            error.update(Text("\n".join(str(p) for p in failure.problems)))
            return
        except ConflictError as conflict:
            error.update("")
            resolve_conflict(self.app, conflict, save_mine=self.save, take_theirs=self._take_theirs,
                             labels=self.field_labels())
            return
        except JiaoyanError as failure:  # PermissionDenied among them: it says who may
            error.update(Text(str(failure)))
            return
        self.loaded = saved
        error.update("")
        self.notify(t("dashboard.policy.saved"), markup=False)

    def action_rubrics(self) -> None:
        from screens.dashboard.rubrics import RubricListScreen

        self.app.push_screen(RubricListScreen())

    def _take_theirs(self, theirs: Policy | None) -> None:
        self.fill(theirs or self.app.store.policy())
        self.notify(t("dashboard.policy.took_theirs"), markup=False)
