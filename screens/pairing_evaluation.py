"""End-of-term evaluation of a pairing: the mentor's summary, the office's grade
(优秀/合格/待改进) and comment, stored per term in Pairing.evaluations."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, TextArea

from models.i18n import t
from models.mentoring import (
    can_grade, can_write_summary, describe_failure, evaluation_of, save_failures, set_evaluation,
)
from models.records import EVALUATION_GRADES, Pairing, Teacher
from screens.widgets.keys import translate_bindings


class EvaluationForm(ModalScreen[int | None]):
    """Fields the viewer may not fill are shown read-only."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="pairing_evaluation.save", priority=True),
        Binding("escape", "cancel", "mentoring.key.cancel", id="pairing_evaluation.cancel"),
    ]

    DEFAULT_CSS = """
    EvaluationForm { align: center middle; }
    EvaluationForm > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    EvaluationForm .title { text-style: bold; }
    EvaluationForm Horizontal { height: 1; }
    EvaluationForm Label { width: auto; padding-right: 1; }
    EvaluationForm #eval-term { width: 14; }
    EvaluationForm #eval-grade { width: 22; }
    EvaluationForm #eval-summary { height: 6; }
    EvaluationForm #eval-comment { height: 3; }
    EvaluationForm #eval-message { color: $error; text-style: bold; }
    EvaluationForm .keys { color: $text-muted; }
    """

    def __init__(self, pairing_id: int, term_id: str | None = None):
        super().__init__()
        translate_bindings(self)
        self.pairing_id = pairing_id
        self.term_id = term_id

    def compose(self) -> ComposeResult:
        store = self.app.store
        pairing = store.get(Pairing, self.pairing_id)
        mentor = store.get(Teacher, pairing.mentor_id) if pairing else None
        mentee = store.get(Teacher, pairing.mentee_id) if pairing else None
        term_id = self.term_id or (self.app.term.term_id if self.app.term else "")
        evaluation = evaluation_of(pairing, term_id) if pairing else {}
        user = self.app.user
        may_summarise = bool(pairing) and can_write_summary(user, pairing)
        may_grade = can_grade(user)
        with Vertical():
            yield Static(Text(t("mentoring.eval.title", mentor=mentor.name if mentor else "?",
                                mentee=mentee.name if mentee else "?")), classes="title")
            with Horizontal():
                yield Label(t("mentoring.eval.term"))
                yield Input(term_id, id="eval-term", compact=True)
            yield Label(t("mentoring.eval.summary") + ("" if may_summarise else " " + t("mentoring.eval.readonly")))
            yield TextArea(evaluation.get("summary", ""), id="eval-summary", compact=True, tab_behavior="focus",
                           read_only=not may_summarise)
            with Horizontal():
                yield Label(t("mentoring.eval.grade") + ("" if may_grade else " " + t("mentoring.eval.readonly")))
                yield Select([(grade, grade) for grade in EVALUATION_GRADES], id="eval-grade", compact=True,
                             value=evaluation.get("grade") or Select.NULL, disabled=not may_grade,
                             prompt=t("mentoring.eval.grade_hint"))
            yield Label(t("mentoring.eval.comment"))
            yield TextArea(evaluation.get("comment", ""), id="eval-comment", compact=True, tab_behavior="focus",
                           read_only=not may_grade)
            yield Static(id="eval-message")
            yield Static(Text(t("mentoring.eval.keys")), classes="keys")

    def on_mount(self) -> None:
        self.query_one("#eval-summary", TextArea).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        # Another term: show what is stored for it.
        pairing = self.app.store.get(Pairing, self.pairing_id)
        if pairing is None or event.value.strip() not in pairing.evaluations:
            return
        evaluation = evaluation_of(pairing, event.value.strip())
        self.query_one("#eval-summary", TextArea).text = evaluation["summary"]
        self.query_one("#eval-comment", TextArea).text = evaluation["comment"]
        self.query_one("#eval-grade", Select).value = evaluation["grade"] or Select.NULL

    def action_save(self) -> None:
        store, user = self.app.store, self.app.user
        pairing = store.get(Pairing, self.pairing_id)
        if pairing is None:
            self.dismiss(None)
            return
        changes: dict[str, str] = {}
        if can_write_summary(user, pairing):
            changes["summary"] = self.query_one("#eval-summary", TextArea).text
        if can_grade(user):
            grade = self.query_one("#eval-grade", Select).value
            changes["grade"] = grade if isinstance(grade, str) else ""
            changes["comment"] = self.query_one("#eval-comment", TextArea).text
        if not changes:
            self.query_one("#eval-message", Static).update(Text(t("mentoring.error.summary_not_allowed")))
            return
        try:
            saved = set_evaluation(store, pairing, self.query_one("#eval-term", Input).value.strip(), user,
                                   **changes)
        except save_failures() as error:
            self.query_one("#eval-message", Static).update(Text(describe_failure(error)))
            return
        self.app.notify(t("mentoring.eval.saved"))
        self.dismiss(saved.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
