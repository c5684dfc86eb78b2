"""One 听课记录 as the viewer may read it: e edits, d deletes (the log does both).
The keys show only for someone who may make the change, and never for a record of an
archived term (it is read from the archive and cannot change)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from models.dates import format_date, format_period
from models.i18n import t
from models.observations import activity_label
from models.permissions import can, can_read_comments, readable
from models.records import Activity, Observation, Teacher, Term
from models.exports.spreadsheets import cell_width
from models.rubrics import criteria_of, full_marks_of, show_number
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.fitted_footer import FittedFooter


LINE_CELLS = 74  # what an 80-column screen holds beside the indent and the scroll bar


def score_lines(record: Observation) -> Text:
    """The rubric the lesson was scored on, as it was then: each criterion's score
    against its maximum, and the total."""
    text = Text()
    text.append(f"{t('observations.col.rubric')}：", style="bold")
    text.append(record.rubric.get("name", "") + "\n")
    line = ""
    for criterion in criteria_of(record.rubric):
        score = record.scores.get(criterion["name"])
        part = f"{criterion['name']} {show_number(score) or '—'}/{show_number(criterion['max'])}"
        # Whole criteria per line, so none is split at the edge of an 80-column screen.
        if line and cell_width(line) + 2 + cell_width(part) > LINE_CELLS:
            text.append(f"  {line}\n")
            line = ""
        line = f"{line}  {part}" if line else part
    if line:
        text.append(f"  {line}\n")
    text.append(f"{t('observations.col.total')}：", style="bold")
    text.append(f"{show_number(record.total)}/{show_number(full_marks_of(record.rubric))}\n")
    return text


class ObservationDetail(Screen[str | None]):
    """Dismisses with "edit" or "delete" for the log to carry out, or None."""

    CSS_PATH = "observations.tcss"
    BINDINGS = [
        Binding("escape", "dismiss_with(None)", "observations.key.back", id="observations.detail.back"),
        Binding("e", "dismiss_with('edit')", "observations.key.edit", id="observations.detail.edit"),
        Binding("d", "dismiss_with('delete')", "observations.key.delete", id="observations.detail.delete"),
        Binding("a", "evaluations", "observations.key.evaluations", id="observations.detail.evaluations"),
        Binding("w", "word", "observations.key.word", id="observations.detail.word"),
    ]

    def __init__(self, observation_id: int, *, source=None):
        """``source`` reads the record when it is not in the store (an archived term's
        ArchiveView); by default the store."""
        super().__init__()
        translate_bindings(self)
        self.observation_id = observation_id
        self.source = source

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="obs-detail"):
            yield Static(id="obs-detail-body")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.refresh_data()

    def data_changed(self) -> None:
        self.refresh_data()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "word":  # no page of a record whose comments the user may not read
            source = self.source or self.app.store
            record = source.get(Observation, self.observation_id)
            return record is not None and can_read_comments(source, self.app.user, record)
        if action == "evaluations":
            record = (self.source or self.app.store).get(Observation, self.observation_id)
            return record is not None and bool(record.activity_id)
        if action == "dismiss_with" and parameters and parameters[0] in ("edit", "delete"):
            stored = self.app.store.get(Observation, self.observation_id)
            change = "update" if parameters[0] == "edit" else "delete"
            return stored is not None and can(self.app.store, self.app.user or self.app.login, change, stored)
        return True

    def refresh_data(self) -> None:
        store, viewer = self.source or self.app.store, self.app.user
        stored = store.get(Observation, self.observation_id)
        body = self.query_one("#obs-detail-body", Static)
        if stored is None:
            body.update(Text(t("observations.log.empty")))
            return
        record = readable(store, viewer, stored)
        names = {x.id: x.name for x in store.all(Teacher)}
        policy = store.policy()
        text = Text()
        text.append(t("observations.detail.title") + "\n", style="bold")

        def row(label_key: str, value: str) -> None:
            text.append(f"{t(label_key)}：", style="bold")
            text.append((value or "—") + "\n")

        row("observations.field.date", format_date(record.date, store.all(Term)) + " " +
            format_period(record.period, policy))
        row("observations.field.observer", names.get(record.observer_id, "?"))
        row("observations.field.teacher", names.get(record.teacher_id, "?"))
        row("observations.field.subject", f"{record.subject} {record.grade_class}".strip())
        row("observations.field.topic", record.topic)
        row("observations.field.lesson_type", record.lesson_type)
        activity = store.get(Activity, record.activity_id) if record.activity_id else None
        if activity is not None:
            row("observations.field.activity", activity_label(store, activity))
        if can_read_comments(store, viewer, stored):
            if record.process:
                text.append(f"{t('observations.field.process')}：\n", style="bold")
                for line in record.process.splitlines():
                    text.append(f"  {line}\n")
            for name in ("strengths", "shortcomings", "suggestions"):
                row(f"observations.field.{name}", getattr(record, name))
            if record.scores:
                text.append_text(score_lines(record))
            row("observations.field.rating", record.rating)
            followed = [store.get(Observation, i) for i in record.followed_up_ids]
            followed = [readable(store, viewer, o) for o in followed if o is not None]
            if followed:
                text.append(t("observations.detail.followed_up") + "\n", style="bold")
                for earlier in followed:
                    text.append(t("observations.earlier.item", date=earlier.date[5:],
                                  observer=names.get(earlier.observer_id, "?"),
                                  suggestion=earlier.suggestions or "—") + "\n")
        else:
            text.append(t("observations.log.hidden") + "\n", style="dim")
        text.append(t("observations.detail.by", who=record.updated_by, when=record.updated_at) + "\n", style="dim")
        body.update(text)
        self.refresh_bindings()

    def action_word(self) -> None:
        """The lesson's 听课记录表 as a Word file (A4), written where the user says."""
        from models.exports.observation_pages import observation_docx
        from screens.dialogs.save_path import SavePathDialog

        store, viewer, record_id = self.app.store, self.app.user, self.observation_id
        self.app.push_screen(SavePathDialog(
            t("observations.word.record_title"), t("observations.word.record_file", id=record_id),
            lambda: observation_docx(store, viewer, record_id, store.path)))

    def action_evaluations(self) -> None:
        """Every evaluation of this lesson's activity, side by side (集体评议)."""
        from screens.observations.evaluations import ActivityEvaluations

        record = (self.source or self.app.store).get(Observation, self.observation_id)
        if record is not None and record.activity_id:
            self.app.push_screen(ActivityEvaluations(record.activity_id))

    def action_dismiss_with(self, choice: str | None) -> None:
        self.dismiss(choice)
