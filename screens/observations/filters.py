"""The log's filters: term, week, observer, observed teacher, group, lesson type, rating."""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Static

from models.i18n import t
from models.observations import LogFilters
from models.records import Group, Teacher, Term
from models.terms import is_archived
from screens.widgets.choice_field import ChoiceField
from screens.widgets.teacher_field import TeacherField
from screens.dialogs.base import Dialog
from screens.widgets.fitted_footer import FittedFooter

CURRENT = "@current"  # the term choice meaning "whatever term is current when I look"


class ObservationFilters(Dialog[LogFilters | None]):
    """Dismisses with the new filters (ctrl+s), or None (escape)."""

    CSS_PATH = "observations.tcss"
    BINDINGS = [
        Binding("ctrl+s", "apply", "observations.filters.apply", id="observations.filters.apply", priority=True),
        Binding("escape", "cancel", "observations.key.back", id="observations.filters.cancel"),
    ]

    def __init__(self, filters: LogFilters):
        super().__init__()
        self.filters = dataclasses.replace(filters)

    def compose(self) -> ComposeResult:
        store = self.app.store
        teachers = lambda: store.all(Teacher)  # noqa: E731
        any_choice = ("", t("observations.choice.any"))
        terms = [(CURRENT, t("observations.filters.current_term")), ("", t("observations.log.all_terms"))]
        # Archived terms stay in the list: their records are read from the archive, read-only.
        terms += [(x.term_id, t("observations.filters.archived", name=x.name) if is_archived(x) else x.name)
                  for x in sorted(store.all(Term), key=lambda x: x.start, reverse=True)]
        groups = [any_choice] + [(str(g.id), g.name) for g in store.all(Group) if g.active]
        f = self.filters
        policy = store.policy()
        lesson_types = policy.lesson_types + policy.retired_lesson_types  # old records keep retired ones
        with VerticalScroll(id="obs-filters", can_focus=False):  # no invisible tab stop
            yield Static(Text(t("observations.filters.title"), style="bold"))
            rows = [
                ("observations.filters.term", ChoiceField(terms, CURRENT if f.term_id is None else f.term_id,
                                                          id="f-term")),
                ("observations.filters.week", Input(str(f.week or ""), id="f-week", compact=True,
                                                    placeholder=t("observations.filters.week_placeholder"))),
                ("observations.col.observer", TeacherField(teachers, id="f-observer",
                                                           placeholder=t("observations.placeholder.teacher"))),
                ("observations.col.teacher", TeacherField(teachers, id="f-teacher",
                                                          placeholder=t("observations.placeholder.teacher"))),
                ("observations.filters.group", ChoiceField(groups, str(f.group_id or ""), id="f-group")),
                ("observations.col.lesson_type", ChoiceField([any_choice] + [(x, x) for x in lesson_types],
                                                             f.lesson_type, id="f-type")),
                ("observations.col.rating", ChoiceField([any_choice] + [(x, x) for x in policy.ratings], f.rating,
                                                        id="f-rating")),
                ("observations.key.search", Input(f.search, id="f-search", compact=True)),
            ]
            for label, widget in rows:
                with Horizontal(classes="form-row"):
                    yield Label(t(label), classes="form-label")
                    yield widget
            yield Static(id="filters-error")
        yield FittedFooter()

    def on_mount(self) -> None:
        store = self.app.store
        for field_id, teacher_id in (("#f-observer", self.filters.observer_id), ("#f-teacher", self.filters.teacher_id)):
            field = self.query_one(field_id, TeacherField)
            field.input.compact = True
            field.set_teacher(store.get(Teacher, teacher_id) if teacher_id else None)
        self.query_one("#f-term").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_apply(self) -> None:
        week_text = self.query_one("#f-week", Input).value.strip()
        if week_text and not (week_text.isdigit() and 0 < int(week_text) < 60):
            self.query_one("#filters-error", Static).update(
                Text(t("observations.filters.bad_week", value=week_text)))
            self.query_one("#f-week", Input).focus()
            return
        term = self.query_one("#f-term", ChoiceField).value
        observer = self.query_one("#f-observer", TeacherField)
        teacher = self.query_one("#f-teacher", TeacherField)
        self.dismiss(dataclasses.replace(
            self.filters,
            term_id=None if term == CURRENT else term,
            week=int(week_text) if week_text else 0,
            observer_id=observer.teacher.id if observer.teacher and observer.value.strip() else 0,
            teacher_id=teacher.teacher.id if teacher.teacher and teacher.value.strip() else 0,
            group_id=int(self.query_one("#f-group", ChoiceField).value or 0),
            lesson_type=self.query_one("#f-type", ChoiceField).value,
            rating=self.query_one("#f-rating", ChoiceField).value,
            search=self.query_one("#f-search", Input).value.strip(),
        ))

    def action_cancel(self) -> None:
        self.dismiss(None)
