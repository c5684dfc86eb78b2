"""A pairing's page: its goals and, term by term, the progress, the meetings, the
observations both ways (comments only for those allowed to read them) and the evaluation.

``PairingPage(pairing_id)`` needs nothing else: any screen (the list, the dashboard's
attention lines, a teacher's page) can push it. A closed term's meetings and
observations are read from its archive file."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from models.dates import format_date
from models.i18n import t
from models.mentoring import (
    evaluation_of, meetings_of, mutual_observations, progress_of, records_for_term, span_label, terms_of_pairing,
)
from models.permissions import can, readable
from models.records import MentorMeeting, Observation, Pairing, Teacher, Term
from models.terms import is_archived
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.fitted_footer import FittedFooter


def lessons_label(kinds: tuple[str, ...]) -> str:
    return "、".join(kinds) if kinds else t("mentoring.page.none")


def pairing_history(store, pairing: Pairing, viewer: Teacher | None, today) -> Text:
    """The whole history of a pairing as text (newest term first)."""
    teachers = {teacher.id: teacher for teacher in store.all(Teacher)}

    def name(teacher_id: int) -> str:
        teacher = teachers.get(teacher_id)
        return teacher.name if teacher else "?"

    terms = store.all(Term)
    policy = store.policy()
    text = Text()
    text.append(t("mentoring.page.title", mentor=name(pairing.mentor_id), mentee=name(pairing.mentee_id),
                  subject=pairing.subject) + "\n", style="bold")
    text.append(t("mentoring.page.span", span=span_label(pairing), status=t(f"pairing.{pairing.status}")) + "\n",
                style="dim")
    text.append(t("mentoring.page.goals") + "\n", style="bold underline")
    text.append((pairing.goals or t("mentoring.page.none")) + "\n")
    for term in reversed(terms_of_pairing(pairing, terms)):
        text.append("\n" + t("mentoring.page.term", term=term.name), style="bold reverse")
        if is_archived(term):
            text.append(" " + t("mentoring.page.archived"), style="dim")
        text.append("\n")
        source = records_for_term(store, term)  # a closed term's records are in its archive file
        meetings, observations = source.all(MentorMeeting), source.all(Observation)
        progress = progress_of(pairing, term, meetings, observations, today, policy)
        if progress is not None:
            style = "red" if progress.behind else "green" if progress.active else ""
            text.append(t("mentoring.page.progress", held=progress.meetings_held,
                          expected=progress.meetings_expected, mentor_observed=progress.mentor_observed,
                          mentee_observed=progress.mentee_observed,
                          lessons=lessons_label(progress.showcase_lessons)) + "\n", style=style)
            if progress.behind:
                text.append("!! " + t("mentoring.behind", count=progress.shortfall) + "\n", style="bold red")
        term_meetings = meetings_of(meetings, pairing.id, term.term_id)
        text.append(t("mentoring.page.meetings", count=len(term_meetings)) + "\n", style="bold underline")
        for meeting in term_meetings:
            text.append(f"{format_date(meeting.date, terms)}  ", style="cyan")
            text.append(meeting.kind, style="bold")
            if meeting.duration_minutes:
                text.append(f"  {meeting.duration_minutes}′")
            text.append("\n")
            for line in meeting.content.splitlines():
                text.append("  " + line + "\n")
        seen = mutual_observations(pairing, observations, term.term_id)
        text.append(t("mentoring.page.observations", count=len(seen)) + "\n", style="bold underline")
        for observation in seen:
            shown = readable(store, viewer, observation)
            text.append(f"{observation.date}  {name(observation.observer_id)} → {name(observation.teacher_id)}  ",
                        style="cyan")
            text.append(f"{observation.topic}（{observation.lesson_type}）")
            if shown.rating:
                text.append(f"  {shown.rating}", style="bold")
            text.append("\n")
            comments = [part for part in (shown.strengths, shown.shortcomings, shown.suggestions) if part]
            if comments:
                text.append("  " + " / ".join(comments) + "\n", style="dim")
            elif shown is not observation:
                text.append("  " + t("mentoring.page.no_comment") + "\n", style="dim italic")
        evaluation = evaluation_of(pairing, term.term_id)
        text.append(t("mentoring.page.evaluation") + "\n", style="bold underline")
        if any(evaluation.values()):
            for key, label in (("summary", "mentoring.eval.summary"), ("grade", "mentoring.eval.grade"),
                               ("comment", "mentoring.eval.comment")):
                text.append(t(label) + "：", style="bold")
                text.append((evaluation[key] or "—") + "\n")
        else:
            text.append(t("mentoring.eval.none") + "\n", style="dim")
    return text


class PairingPage(Screen):
    """Pushed with enter from the pairing list, or from anywhere with just the id; escape goes back."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="pairing_page.back"),
        Binding("m", "meetings", "mentoring.key.meetings", id="pairing_page.meetings"),
        Binding("e", "edit", "key.edit", id="pairing_page.edit"),
        Binding("v", "evaluate", "mentoring.key.evaluate", id="pairing_page.evaluate"),
        Binding("x", "end", "mentoring.key.end", id="pairing_page.end"),
    ]

    CSS_PATH = "mentoring.tcss"

    def __init__(self, pairing_id: int):
        super().__init__()
        translate_bindings(self)
        self.pairing_id = pairing_id

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="pairing-page"):
            yield Static(id="pairing-page-body")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one("#pairing-page", VerticalScroll).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys this user may use show (models.permissions is the rule)."""
        if action not in ("meetings", "edit", "evaluate", "end"):
            return True
        pairing = self.app.store.get(Pairing, self.pairing_id)
        if pairing is None:
            return False
        if action == "meetings":
            return True  # everyone may read them; the meetings screen lets only the pair and the office write
        actor = self.app.user or self.app.login
        if action == "edit":
            return can(self.app.store, actor, "update", pairing)
        if action == "end":
            return pairing.status == "active" and can(self.app.store, actor, "update", pairing, "status")
        return (can(self.app.store, actor, "update", pairing, "evaluation.summary")
                or can(self.app.store, actor, "update", pairing, "evaluation.grade"))

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def data_changed(self) -> None:
        self.refresh_data()
        self.refresh_bindings()

    def refresh_data(self) -> None:
        store = self.app.store
        pairing = store.get(Pairing, self.pairing_id)
        body = self.query_one("#pairing-page-body", Static)
        if pairing is None:
            body.update(Text(t("mentoring.page.missing")))
            return
        body.update(pairing_history(store, pairing, self.app.user, self.app.today))

    def action_meetings(self) -> None:
        from screens.mentoring.meetings import MeetingsScreen

        self.app.push_screen(MeetingsScreen(self.pairing_id))

    def action_edit(self) -> None:
        from screens.mentoring.pairing_form import PairingForm

        self.app.push_screen(PairingForm(self.pairing_id), lambda _: self.data_changed())

    def action_evaluate(self) -> None:
        from screens.mentoring.pairing_evaluation import EvaluationForm

        self.app.push_screen(EvaluationForm(self.pairing_id), lambda _: self.data_changed())

    def action_end(self) -> None:
        from screens.mentoring.pairing_end import EndPairingDialog

        self.app.push_screen(EndPairingDialog(self.pairing_id), lambda _: self.data_changed())
