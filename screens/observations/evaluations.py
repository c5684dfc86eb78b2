"""集体评议: every evaluation of the lesson(s) observed in one activity, side by side.

When a group observes one 研讨课 together, each observer links their record to the
activity; this page shows, for the viewer's eyes only (the visibility rule holds),
each evaluator's total, rating and three ones, and each rubric criterion's average,
lowest, highest and spread (极差), so that the minutes' 集体评议 can draw on them.
Opened from a linked record's page (``a``) and from the activity form (``ctrl+e``).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from models.dates import format_date, format_period
from models.exports.spreadsheets import cell_width
from models.i18n import t
from models.observations import activity_label, evaluations_of_activity
from models.records import Activity, Teacher, Term
from models.rubrics import show_number
from models.store.archive import ArchiveView
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.fitted_footer import FittedFooter

NAME_CELLS = 14  # the criterion column of the figures table


def _pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - cell_width(text))


def _figure(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:g}"


class ActivityEvaluations(Screen):
    """The evaluations linked to one activity; escape goes back."""

    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", id="evaluations.back")]
    CSS_PATH = "observations.tcss"

    def __init__(self, activity_id: int):
        super().__init__()
        translate_bindings(self)
        self.activity_id = activity_id

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="evaluations"):
            yield Static(id="evaluations-body")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.refresh_data()

    def data_changed(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        store = self.app.store
        source = ArchiveView(store)
        policy = store.policy()
        names = {x.id: x.name for x in store.all(Teacher)}
        activity = source.get(Activity, self.activity_id)
        text = Text()
        text.append(t("observations.evaluations.title") + "\n", style="bold")
        if activity is not None:
            text.append(f"{format_date(activity.date, store.all(Term))} {format_period(activity.period, policy)} ")
            text.append(activity_label(source, activity) + "\n")
        lessons = evaluations_of_activity(store, self.app.user, self.activity_id)
        if not lessons:
            text.append(t("observations.evaluations.none") + "\n", style="dim")
        for lesson in lessons:
            text.append("\n")
            text.append(t("observations.evaluations.lesson", teacher=names.get(lesson.teacher_id, "?"),
                          topic=lesson.topic, lesson_type=lesson.lesson_type, count=len(lesson.records)),
                        style="bold")
            if lesson.hidden:
                text.append(t("observations.evaluations.hidden", count=lesson.hidden), style="dim")
            text.append("\n")
            if lesson.criteria:
                text.append(t("observations.evaluations.rubric", name=lesson.rubric_name) + "\n")
                text.append("  " + _pad(t("observations.evaluations.criterion"), NAME_CELLS)
                            + t("observations.evaluations.figures_header") + "\n", style="bold")
                rows = list(lesson.criteria) + ([lesson.totals] if lesson.totals else [])
                for figures in rows:
                    label = f"{figures.name}/{show_number(figures.maximum)}"
                    text.append("  " + _pad(label, NAME_CELLS) + t(
                        "observations.evaluations.figures", average=_figure(figures.average),
                        lowest=show_number(figures.lowest), highest=show_number(figures.highest),
                        spread=show_number(figures.spread), count=len(figures.scores)) + "\n")
            if lesson.ratings:
                text.append(t("observations.evaluations.ratings", ratings=" · ".join(
                    f"{rating} {count}" for rating, count in lesson.ratings.items())) + "\n")
            for record in lesson.records:
                line = Text(f"  {names.get(record.observer_id, '?')}", style="bold")
                if record.total is not None:
                    line.append("  " + t("observations.evaluations.total", total=show_number(record.total)))
                if record.rating:
                    line.append(f"  {record.rating}")
                text.append_text(line)
                text.append("\n")
                for name in ("strengths", "shortcomings", "suggestions"):
                    value = getattr(record, name)
                    if value:
                        text.append(f"    {t(f'observations.field.{name}')}：", style="dim")
                        text.append(value.replace("\n", " ") + "\n")
        self.query_one("#evaluations-body", Static).update(text)
