"""Quick entry of a 听课记录: right after the lesson, type it and go.

The cursor starts on the observed teacher. The tab order is the order of the work
(teacher, date, period, topic, type, the three ones, rating), so a full record costs
the text itself plus about 14 keys; subject and class fill themselves in from the
teacher and come after. ctrl+s saves and leaves a fresh form with the same observer
and date, for the next lesson of the day.

Keys that arrive in one burst over SSH land where they belong: every field acts on a
key before the next one is read (screens/widgets/ordered_keys.py).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from models.store.audit import show_value
from models.dates import BadInput, format_period, parse_date
from models.i18n import t
from models.observations import (
    Entry, activities_on, activity_label, check_entry, count_message, earlier_suggestions, lesson_type_choices,
    rating_choices, save_observation,
)
from models.permissions import can
from models.records import Activity, Group, Observation, Problem, Teacher
from models.rubrics import MAX_CRITERIA, criteria_of, derived_rating, full_marks_of, parse_score, rubric_for_entry
from models.errors import JiaoyanError
from models.store.storage import ConflictError, ValidationFailed
from screens.dialogs.confirm import ConfirmScreen
from screens.widgets.choice_field import ChoiceField
from screens.dialogs.conflict import resolve_conflict
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.ordered_keys import OrderedInput, OrderedTeacherField, OrderedTextArea
from screens.widgets.teacher_field import TeacherField
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.ticks import TickList

# Which error line shows the problems of which field: each sits under its row.
ERROR_LINES = {
    "teacher": "err-who", "date": "err-who", "period": "err-who",
    "topic": "err-topic", "lesson_type": "err-topic", "process": "err-topic",
    "scores": "err-scores",
    "strengths": "err-comments", "shortcomings": "err-comments", "suggestions": "err-comments",
    "rating": "err-rating", "subject": "err-rating", "grade_class": "err-rating",
    "observer": "err-extra", "activity": "err-extra", "duplicate": "err-extra",
}
FIELD_WIDGETS = {
    "teacher": "#teacher", "date": "#date", "period": "#period", "topic": "#topic",
    "lesson_type": "#lesson_type", "rating": "#rating", "observer": "#observer", "duplicate": "#period",
    "scores": "#score-0",
}
SCORES_PER_ROW = 3  # 80 columns hold three criteria side by side
SCORE_LABEL_CELLS = 13  # a criterion's name and maximum, cut with … beyond this


def score_label(name: str, maximum: float) -> str:
    """``教学目标/15``; a long name is cut with … so the label keeps its width."""
    from models.exports.spreadsheets import cell_width

    tail = f"/{maximum:g}"
    room = SCORE_LABEL_CELLS - len(tail)
    if cell_width(name) > room:
        while name and cell_width(name) > room - 1:
            name = name[:-1]
        name += "…"
    return name + tail


class LessonTypeField(ChoiceField):
    """The lesson type: a new type shows its rubric's score fields at once, before the
    next key is read (a tab typed right after ``ytk`` must find the fields there)."""

    def __init__(self, *args, on_change=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_change = on_change

    def _choose(self, index: int) -> None:
        before = self.value
        super()._choose(index)
        if self.value != before and self.on_change is not None:
            self.on_change()


class ObservationForm(Screen[Observation | None]):
    """A new record (``observation`` None) or an edit of one; dismisses with the last
    record saved, or None."""

    CSS_PATH = "observations.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "observations.key.save", id="observations.form.save", priority=True),
        Binding("escape", "back", "observations.key.back", id="observations.form.back"),
    ]

    def __init__(self, observation: Observation | None = None, *, teacher_id: int | None = None,
                 lesson_type: str | None = None):
        """``observation`` to edit one; otherwise a new record, optionally pre-filled with
        the observed teacher and the lesson type (the dashboard opens 推门课 for a teacher
        who has had none this way)."""
        super().__init__()
        translate_bindings(self)
        self.editing = observation
        self.prefill_teacher_id = teacher_id or 0
        self.prefill_lesson_type = lesson_type or ""
        self.last_saved: Observation | None = None
        self._clean: tuple = ()
        self._auto_subject = ""
        self._auto_grade = ""
        self._auto_rating = ""  # the rating the scores gave, until the observer picks their own
        self.rubric: dict = {}  # the rubric snapshot the score fields show ({} = no scoring)

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        store = self.app.store
        policy = store.policy()
        keep = self.editing
        lesson_types = lesson_type_choices(policy, keep.lesson_type if keep else "")
        ratings = rating_choices(policy, keep.rating if keep else "")
        teachers = lambda: store.all(Teacher)  # noqa: E731 - read fresh every time the field searches
        groups = lambda: store.all(Group)  # noqa: E731
        yield AppHeader()
        with VerticalScroll(id="obs-form", can_focus=False):  # no invisible tab stop
            yield Static(id="form-title")
            with Horizontal(classes="form-row"):
                yield Label(t("observations.field.teacher"), classes="form-label")
                yield OrderedTeacherField(teachers, groups=groups, placeholder=t("observations.placeholder.teacher"),
                                          id="teacher", on_pick=self._teacher_chosen)
                yield Label(t("observations.field.date"), classes="form-label short")
                yield OrderedInput(placeholder=t("observations.placeholder.date"), id="date", compact=True)
                yield Label(t("observations.field.period"), classes="form-label short")
                yield OrderedInput(placeholder=t("observations.placeholder.period"), id="period", compact=True)
            yield Static(id="err-who", classes="form-error")
            with Horizontal(classes="form-row"):
                yield Label(t("observations.field.topic"), classes="form-label")
                yield OrderedInput(placeholder=t("observations.placeholder.topic"), id="topic", compact=True)
                yield Label(t("observations.field.lesson_type"), classes="form-label short")
                yield LessonTypeField([(x, x) for x in lesson_types], self.default_lesson_type(lesson_types),
                                      hint=t("observations.choice.hint"), id="lesson_type",
                                      on_change=self._update_rubric)
            yield Static(id="err-topic", classes="form-error")
            with Horizontal(classes="form-row process-row"):
                yield Label(t("observations.field.process"), classes="form-label")
                yield OrderedTextArea(id="process", compact=True, soft_wrap=True, show_line_numbers=False,
                                      placeholder=t("observations.placeholder.process"))
            for name in ("strengths", "shortcomings", "suggestions"):
                with Horizontal(classes="form-row comment-row"):
                    yield Label(t(f"observations.field.{name}"), classes="form-label")
                    yield OrderedTextArea(id=name, compact=True, soft_wrap=True, show_line_numbers=False)
            yield Static(id="err-comments", classes="form-error")
            with Vertical(id="scores"):
                yield Static(id="scores-title")
                for row in range(-(-MAX_CRITERIA // SCORES_PER_ROW)):
                    with Horizontal(classes="form-row score-row", id=f"score-row-{row}"):
                        yield Label("", classes="form-label")
                        for slot in range(row * SCORES_PER_ROW, min(MAX_CRITERIA, (row + 1) * SCORES_PER_ROW)):
                            yield Label("", id=f"score-label-{slot}", classes="score-label")
                            yield OrderedInput(id=f"score-{slot}", classes="score", compact=True,
                                               restrict=r"[0-9.０-９．]*", max_length=5)
                yield Static(id="score-total")
                yield Static(id="score-hint")
            yield Static(id="err-scores", classes="form-error")
            with Horizontal(classes="form-row"):
                yield Label(t("observations.field.rating"), classes="form-label")
                yield ChoiceField([("", t("observations.choice.none"))] + [(r, r) for r in ratings], "",
                                  hint=t("observations.choice.hint"), id="rating")
                yield Label(t("observations.field.subject"), classes="form-label short")
                yield OrderedInput(id="subject", compact=True)
                yield Label(t("observations.field.grade_class"), classes="form-label short")
                yield OrderedInput(id="grade_class", compact=True)
            yield Static(id="err-rating", classes="form-error")
            with Horizontal(classes="form-row"):
                yield Label(t("observations.field.observer"), classes="form-label")
                yield OrderedTeacherField(teachers, groups=groups, placeholder=t("observations.placeholder.teacher"),
                                          id="observer")
                yield Label(t("observations.field.activity"), classes="form-label short")
                yield ChoiceField([("0", t("observations.choice.none"))], "0", id="activity")
            yield Static(id="err-extra", classes="form-error")
            yield Static(id="earlier-title")
            yield TickList[int](id="earlier")
            yield Static(id="form-status")
        yield FittedFooter()  # keys stop at the palette key instead of running under it

    def on_mount(self) -> None:
        from models.i18n import language

        self.set_class(language() == "en", "-lang-en")
        for field in self.query(TeacherField):
            field.input.compact = True
        self.reset(keep_people=False)
        # Only someone who may log lessons for another observer (the admin) changes the
        # observer; for everyone else the field shows who they are and tab skips it.
        self.query_one("#observer", TeacherField).disabled = not self.may_choose_observer()
        if self.editing is None and self._apply_prefill():
            self.query_one("#period", Input).focus()
        else:
            self.query_one("#teacher", TeacherField).focus()

    @staticmethod
    def default_lesson_type(choices: list[str]) -> str:
        """常态课 when the school still has it, else its first type."""
        return "常态课" if "常态课" in choices else (choices[0] if choices else "")

    def may_choose_observer(self) -> bool:
        """May this user save a record whose observer is someone else? Asked of the
        permission rules with a record observed by nobody in particular."""
        return can(self.app.store, self.app.user or self.app.login, "insert", Observation(observer_id=-1))

    def _apply_prefill(self) -> bool:
        """Put the teacher and lesson type the caller asked for into a new form; True
        when a teacher was filled in."""
        if self.prefill_lesson_type:
            self.query_one("#lesson_type", ChoiceField).value = self.prefill_lesson_type
            self._update_rubric()
        teacher = self.app.store.get(Teacher, self.prefill_teacher_id) if self.prefill_teacher_id else None
        if teacher is not None:
            self.query_one("#teacher", TeacherField).set_teacher(teacher)
            self._teacher_chosen(teacher)
        self._clean = self._snapshot()  # a pre-filled form is not a change to discard
        return teacher is not None

    # -- filling and reading -------------------------------------------------------------

    def reset(self, *, keep_people: bool) -> None:
        """A fresh form; after a save the observer and the date stay."""
        record = self.editing
        store = self.app.store
        observer_field = self.query_one("#observer", TeacherField)
        date_input = self.query_one("#date", Input)
        if record is not None:
            observer_field.set_teacher(store.get(Teacher, record.observer_id))
            date_input.value = record.date
        elif not keep_people:
            observer_field.set_teacher(self.app.user)
            date_input.value = self.app.today.isoformat()
        teacher = store.get(Teacher, record.teacher_id) if record else None
        self.query_one("#teacher", TeacherField).set_teacher(teacher)
        self.query_one("#period", Input).value = str(record.period) if record else ""
        self.query_one("#topic", Input).value = record.topic if record else ""
        lesson_type = self.query_one("#lesson_type", ChoiceField)
        lesson_type.value = record.lesson_type if record else self.default_lesson_type(
            [value for value, _ in lesson_type.options])
        for name in ("process", "strengths", "shortcomings", "suggestions"):
            self.query_one(f"#{name}", TextArea).text = getattr(record, name) if record else ""
        self.query_one("#rating", ChoiceField).value = record.rating if record else ""
        self.query_one("#subject", Input).value = record.subject if record else ""
        self.query_one("#grade_class", Input).value = record.grade_class if record else ""
        self._auto_subject = self._auto_grade = self._auto_rating = ""
        if record is not None and record.scores and record.rating == derived_rating(
                self.app.store.policy(), record.rubric, record.scores):
            self._auto_rating = record.rating  # it came from the scores: it follows them again
        self._update_rubric(scores=record.scores if record else {})
        self._update_activities(record.activity_id if record else 0)
        self._update_earlier(teacher, record.followed_up_ids if record else [])
        self.show_problems([])
        self._update_title()
        self._clean = self._snapshot()

    def _snapshot(self) -> tuple:
        return (
            self.query_one("#observer", TeacherField).value, self.query_one("#teacher", TeacherField).value,
            *(self.query_one(f"#{n}", Input).value for n in ("date", "period", "topic", "subject", "grade_class")),
            *(self.query_one(f"#{n}", TextArea).text for n in ("process", "strengths", "shortcomings", "suggestions")),
            tuple(sorted(self.typed_scores().items())),
            *(self.query_one(f"#{n}", ChoiceField).value for n in ("lesson_type", "rating", "activity")),
            tuple(self.query_one("#earlier", SelectionList).selected),
        )

    @property
    def changed(self) -> bool:
        return self._snapshot() != self._clean

    def entry(self) -> Entry:
        observer = self.query_one("#observer", TeacherField)
        teacher = self.query_one("#teacher", TeacherField)
        text = lambda name: self.query_one(f"#{name}", Input).value  # noqa: E731
        return Entry(
            observer=observer.teacher, teacher=teacher.teacher, observer_text=observer.value,
            teacher_text=teacher.value, date_text=text("date"), period_text=text("period"),
            subject=text("subject"), grade_class=text("grade_class"), topic=text("topic"),
            lesson_type=self.query_one("#lesson_type", ChoiceField).value,
            process=self.query_one("#process", TextArea).text,
            scores=self.typed_scores(),
            strengths=self.query_one("#strengths", TextArea).text,
            shortcomings=self.query_one("#shortcomings", TextArea).text,
            suggestions=self.query_one("#suggestions", TextArea).text,
            rating=self.query_one("#rating", ChoiceField).value,
            activity_id=int(self.query_one("#activity", ChoiceField).value or 0),
            followed_up_ids=list(self.query_one("#earlier", SelectionList).selected),
        )

    # -- the 评课量表 -----------------------------------------------------------------------

    def typed_scores(self) -> dict[str, str]:
        """Criterion name → the score as typed, for the rubric on show."""
        return {c["name"]: self.query_one(f"#score-{slot}", Input).value
                for slot, c in enumerate(criteria_of(self.rubric)[:MAX_CRITERIA])}

    def _update_rubric(self, scores: dict | None = None) -> None:
        """Show the score fields of the rubric this lesson type and subject are scored on.
        A record already scored keeps its own rubric (models/rubrics.py: rubric_for_entry);
        scores typed so far stay with the criteria of the same name."""
        lesson_type = self.query_one("#lesson_type", ChoiceField).value
        subject = self.query_one("#subject", Input).value.strip()
        snap = rubric_for_entry(self.app.store, lesson_type, subject, self.editing)
        if scores is None:
            if snap == self.rubric:
                return
            scores = self.typed_scores()
        self.rubric = snap
        criteria = criteria_of(snap)[:MAX_CRITERIA]
        self.query_one("#scores").display = bool(criteria)
        for slot in range(MAX_CRITERIA):
            field = self.query_one(f"#score-{slot}", Input)
            label = self.query_one(f"#score-label-{slot}", Label)
            shown = slot < len(criteria)
            field.display = label.display = shown
            if shown:
                label.update(score_label(criteria[slot]["name"], criteria[slot]["max"]))
                value = scores.get(criteria[slot]["name"], "")
                field.value = f"{value:g}" if isinstance(value, (int, float)) else str(value)
            else:
                field.value = ""
        for row in range(-(-MAX_CRITERIA // SCORES_PER_ROW)):
            self.query_one(f"#score-row-{row}").display = row * SCORES_PER_ROW < len(criteria)
        if criteria:
            self.query_one("#scores-title", Static).update(Text(t(
                "observations.scores.title", name=snap.get("name", ""), full=f"{full_marks_of(snap):g}"),
                style="bold"))
        self._update_total()

    def _update_total(self) -> None:
        """The running total and the rating the thresholds give; a score that is not a
        number or is over its maximum is refused here, beside the fields."""
        criteria = criteria_of(self.rubric)[:MAX_CRITERIA]
        scores: dict[str, float] = {}
        problems = []
        for slot, criterion in enumerate(criteria):
            field = self.query_one(f"#score-{slot}", Input)
            typed = field.value.strip()
            value = parse_score(typed) if typed else None
            wrong = bool(typed) and (value is None or value > criterion["max"])
            field.set_class(wrong, "-invalid")
            if typed and value is None:
                problems.append(t("rubric.error.score_not_number", name=criterion["name"], value=typed))
            elif wrong:
                problems.append(t("rubric.error.score_over_max", name=criterion["name"], value=f"{value:g}",
                                  max=f"{criterion['max']:g}"))
            elif value is not None:
                scores[criterion["name"]] = value
        errors = self.query_one("#err-scores", Static)
        errors.update(Text("\n".join(problems)))
        errors.display = bool(problems)
        total_line = self.query_one("#score-total", Static)
        if not criteria:
            total_line.update("")
            return
        derived = derived_rating(self.app.store.policy(), self.rubric, scores) if not problems else ""
        line = Text(t("observations.scores.total", total=f"{sum(scores.values()):g}",
                      full=f"{full_marks_of(self.rubric):g}", done=len(scores), count=len(criteria)),
                    style="bold")
        if derived:
            line.append("  " + t("observations.scores.rating", rating=derived), style="bold green")
        total_line.update(line)
        rating = self.query_one("#rating", ChoiceField)
        if rating.value in ("", self._auto_rating):
            # The thresholds' rating follows the scores until the observer picks one.
            rating.value = derived
            self._auto_rating = derived

    def _show_score_hint(self, widget) -> None:
        hint = self.query_one("#score-hint", Static)
        widget_id = widget.id or ""
        criteria = criteria_of(self.rubric)
        if widget_id.startswith("score-") and widget_id[6:].isdigit() and int(widget_id[6:]) < len(criteria):
            criterion = criteria[int(widget_id[6:])]
            hint.update(Text(t("observations.scores.hint", name=criterion["name"], max=f"{criterion['max']:g}",
                               descriptor=criterion.get("descriptor") or "—"), style="dim"))
        else:
            hint.update("")

    def on_descendant_focus(self, event) -> None:
        if self.rubric:
            self._show_score_hint(event.widget)

    def _update_title(self) -> None:
        title = Text(t("observations.form.edit_title" if self.editing else "observations.form.title"), style="bold")
        observer = self.query_one("#observer", TeacherField).teacher
        term = self.app.term
        if observer is not None and term is not None and not self.editing:
            title.append("    " + count_message(self.app.store, observer, term.term_id), style="dim")
        self.query_one("#form-title", Static).update(title)

    def _update_activities(self, keep: int | None = None) -> None:
        field = self.query_one("#activity", ChoiceField)
        options = [("0", t("observations.choice.none"))]
        try:
            day = parse_date(self.query_one("#date", Input).value, self.app.today)
        except BadInput:
            day = None
        if day is not None:
            options += [(str(a.id), activity_label(self.app.store, a)) for a in activities_on(self.app.store, day)]
        field.set_options(options, str(keep) if keep is not None else None)

    def _update_earlier(self, teacher: Teacher | None, followed: list[int] | None = None) -> None:
        """The suggestions earlier observers made to this teacher, so this observer can
        look for them; ticking one marks it as followed up in this record."""
        chooser = self.query_one("#earlier", SelectionList)
        keep = set(chooser.selected) if followed is None else set(followed)
        chooser.clear_options()
        title = self.query_one("#earlier-title", Static)
        term = self.app.term
        # The list keeps its place and height whether or not there is anything to tick, so
        # taking a teacher redraws these lines, not the whole form shifting under them.
        if teacher is None or term is None:
            title.update(Text(t("observations.earlier.pick_first"), style="dim"))
            return
        store = self.app.store
        names = {x.id: x.name for x in store.all(Teacher)}
        earlier = earlier_suggestions(store, self.app.user, teacher.id, term.term_id,
                                      except_id=self.editing.id if self.editing else 0)
        if not earlier:
            title.update(Text(t("observations.earlier.none"), style="dim"))
            return
        title.update(Text(t("observations.earlier.title"), style="bold"))
        chooser.add_options([
            Selection(Text(t("observations.earlier.item", date=o.date[5:], observer=names.get(o.observer_id, "?"),
                             suggestion=o.suggestions.replace("\n", " "))), o.id, o.id in keep)
            for o in earlier
        ])
        # So that space ticks the newest at once. Without its message: the list may be
        # rebuilt before the message is read (a burst of keys), and Textual would then
        # look up an option that is gone.
        with chooser.prevent(OptionList.OptionHighlighted):
            chooser.highlighted = 0
        chooser.display = True

    # -- reacting to the user ------------------------------------------------------------

    def on_teacher_field_picked(self, event: TeacherField.Picked) -> None:
        if event.field.id == "observer":
            self._update_title()
            return
        now = event.field.teacher
        error = self.query_one("#err-who", Static)
        if event.teacher is None:
            # enter on a name nobody has: say so where the eye is (it used to do nothing)
            typed = event.field.input.value.strip()
            if typed:
                error.update(Text(t("observations.error.unknown_teacher", field=t("field.teacher"), value=typed)))
                error.display = True  # the error lines are hidden while they have nothing to say
            return
        # A pick read after a burst went on (saved, next teacher chosen) is out of date.
        if now is not None and now.id == event.teacher.id:
            error.update("")  # the name is right now: the old message goes
            error.display = False
            self._teacher_chosen(event.teacher)

    def _teacher_chosen(self, teacher: Teacher) -> None:
        subject, grade = self.query_one("#subject", Input), self.query_one("#grade_class", Input)
        # Defaults follow the teacher until the user types their own.
        if subject.value in ("", self._auto_subject):
            self._auto_subject = subject.value = "".join(teacher.subjects[:1])
        if grade.value in ("", self._auto_grade):
            self._auto_grade = grade.value = "".join(teacher.grades[:1])
        self._update_rubric()  # the subject may choose another rubric; now, not when Changed is read
        self._update_earlier(teacher)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "date":
            self._update_activities()
        elif event.input.id == "subject":
            self._update_rubric()
        elif (event.input.id or "").startswith("score-"):
            self._update_total()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def data_changed(self) -> None:
        """Another session saved: the counts and earlier suggestions may have changed."""
        self.query_one(AppHeader).update_header()
        self._update_title()
        self._update_activities()
        self._update_earlier(self.query_one("#teacher", TeacherField).teacher)

    # -- errors ------------------------------------------------------------------------------

    def show_problems(self, problems: list[Problem]) -> None:
        lines: dict[str, list[str]] = {}
        for problem in problems:
            lines.setdefault(ERROR_LINES.get(problem.field, "err-extra"), []).append(problem.message)
        for line_id in set(ERROR_LINES.values()):
            widget = self.query_one(f"#{line_id}", Static)
            messages = lines.get(line_id, [])
            widget.update(Text("\n".join(messages)))
            widget.display = bool(messages)
        wrong = {FIELD_WIDGETS[p.field] for p in problems if p.field in FIELD_WIDGETS}
        for selector in set(FIELD_WIDGETS.values()):
            self.query_one(selector).set_class(selector in wrong, "-invalid")
        if problems:
            self.query_one("#form-status", Static).update(
                Text(t("observations.error.fix_first", count=len(problems)), style="bold red"))
            first = next((p for p in problems if p.field in FIELD_WIDGETS), None)
            if first is not None:
                self.focus_now(self.query_one(FIELD_WIDGETS[first.field]))

    def focus_now(self, widget) -> None:
        """Move the cursor before the next key is read (``widget.focus()`` waits a turn,
        and keys typed ahead would land in the field the cursor is leaving)."""
        self.set_focus(widget.input if isinstance(widget, TeacherField) else widget)

    @property
    def problem_text(self) -> str:
        """Every message on show, for tests and for screen readers' sake in one place."""
        return "\n".join(str(self.query_one(f"#{i}", Static).render()) for i in sorted(set(ERROR_LINES.values()))
                         if self.query_one(f"#{i}", Static).display)

    # -- saving and leaving ------------------------------------------------------------------

    def action_save(self) -> None:
        store = self.app.store
        observation, problems = check_entry(store, self.entry(), self.app.today, editing=self.editing)
        if problems:
            self.show_problems(problems)
            return
        self._store_and_report(observation)

    def _store_and_report(self, observation: Observation) -> None:
        """Save a checked record; a conflict with another session's save opens the dialog."""
        store = self.app.store
        try:
            saved = save_observation(store, observation)
        except ValidationFailed as error:
            self.show_problems(error.problems)
            return
        except ConflictError as conflict:
            resolve_conflict(self.app, conflict, save_mine=self._keep_mine, take_theirs=self._take_theirs,
                             labels=self.conflict_labels(), show=self._show_value)
            return
        except JiaoyanError as error:  # the file, or PermissionDenied: its message says who may
            self.show_problems([Problem("duplicate", t("observations.save_failed", reason=str(error)))])
            return
        self.last_saved = saved
        teacher = store.get(Teacher, saved.teacher_id)
        observer = store.get(Teacher, saved.observer_id)
        teacher_name = teacher.name if teacher else "?"
        if self.editing is not None:
            self.app.notify(t("observations.updated", teacher=teacher_name, topic=saved.topic), markup=False)
            self.dismiss(saved)
            return
        message = t("observations.saved", teacher=teacher_name, topic=saved.topic,
                    count=count_message(store, observer, saved.term_id) if observer else "")
        self.reset(keep_people=True)
        self.query_one("#form-status", Static).update(Text(message, style="bold green"))
        self.app.notify(message, markup=False, timeout=4)
        self.focus_now(self.query_one("#teacher", TeacherField))

    # -- someone else saved the same record meanwhile ----------------------------------------

    def conflict_labels(self) -> dict[str, str]:
        names = ("date", "period", "observer", "teacher", "subject", "grade_class", "topic", "lesson_type",
                 "strengths", "shortcomings", "suggestions", "rating", "activity", "process")
        labels = {f"{n}_id" if n in ("observer", "teacher", "activity") else n: t(f"observations.field.{n}")
                  for n in names}
        labels["term_id"] = t("observations.filters.term")
        labels["followed_up_ids"] = t("observations.conflict.followed_up")
        labels["scores"] = t("observations.col.scores")
        labels["rubric"] = t("observations.col.rubric")
        return labels

    def _show_value(self, field: str, value) -> str:
        """Names instead of ids, and periods as the school says them, in the dialog."""
        store = self.app.store
        if field in ("observer_id", "teacher_id") and value:
            teacher = store.get(Teacher, int(value))
            return teacher.name if teacher else str(value)
        if field == "period" and value:
            return format_period(int(value), store.policy())
        if field == "activity_id":
            activity = store.get(Activity, int(value)) if value else None
            return activity_label(store, activity) if activity else "—"
        return show_value(value)

    def _keep_mine(self, mine: Observation) -> None:
        """k: my version overwrites theirs (it carries their version number now); if they
        deleted the record, mine comes back as a new one."""
        self.editing = mine
        self._store_and_report(mine)

    def _take_theirs(self, theirs: Observation | None) -> None:
        """t: the form shows what they saved; nothing is stored."""
        if theirs is None:
            self.app.notify(t("observations.conflict.deleted"), severity="warning")
            self.dismiss(self.last_saved)
            return
        self.editing = theirs
        self.reset(keep_people=False)
        self.query_one("#form-status", Static).update(Text(t("observations.conflict.took_theirs"), style="bold"))

    def action_back(self) -> None:
        if not self.changed:
            self.dismiss(self.last_saved)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(self.last_saved)

        self.app.push_screen(ConfirmScreen(t("observations.confirm.discard")), answered)
