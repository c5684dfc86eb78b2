"""End-of-term evaluation of a pairing: the mentor's summary, the office's grade
(优秀/合格/待改进) and comment, stored per term in Pairing.evaluations.

Who fills what is models.permissions' rule: the mentor writes the summary (nobody
else rewrites it, the office included), the office grades. The form keeps the pairing
as it was opened; if someone saved it meanwhile, ctrl+s shows the conflict dialog with
this term's evaluation both ways: ``k`` puts what you typed over theirs, ``t`` shows theirs.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static, TextArea

from models.i18n import t
from models.mentoring import (
    can_grade, can_write_summary, describe_failure, evaluation_of, save_failures, set_evaluation,
)
from models.records import EVALUATION_GRADES, Pairing, Teacher
from models.store.storage import ConflictError
from screens.dialogs.conflict import resolve_conflict
from screens.dialogs.base import Dialog


class EvaluationForm(Dialog[int | None]):
    """Fields the viewer may not fill are shown read-only."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="pairing_evaluation.save", priority=True),
        Binding("escape", "cancel", "mentoring.key.cancel", id="pairing_evaluation.cancel"),
    ]

    CSS_PATH = "mentoring.tcss"

    def __init__(self, pairing_id: int, term_id: str | None = None):
        super().__init__()
        self.pairing_id = pairing_id
        self.term_id = term_id
        self.pairing: Pairing | None = None  # as opened, with its version

    # -- rights ------------------------------------------------------------------------

    def _actor(self):
        return self.app.user or self.app.login

    def may_summarise(self) -> bool:
        return self.pairing is not None and can_write_summary(self.app.store, self._actor(), self.pairing)

    def may_grade(self) -> bool:
        return self.pairing is not None and can_grade(self.app.store, self._actor(), self.pairing)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return self.may_summarise() or self.may_grade()
        return True

    # -- the form ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        store = self.app.store
        self.pairing = pairing = store.get(Pairing, self.pairing_id)
        mentor = store.get(Teacher, pairing.mentor_id) if pairing else None
        mentee = store.get(Teacher, pairing.mentee_id) if pairing else None
        term_id = self.term_id or (self.app.term.term_id if self.app.term else "")
        evaluation = evaluation_of(pairing, term_id) if pairing else {}
        may_summarise, may_grade = self.may_summarise(), self.may_grade()
        with Vertical():
            yield Static(Text(t("mentoring.eval.title", mentor=mentor.name if mentor else "?",
                                mentee=mentee.name if mentee else "?")), classes="title")
            with Horizontal():
                yield Label(t("mentoring.eval.term"))
                yield Input(term_id, id="eval-term", compact=True)
            yield Label(t("mentoring.eval.summary")
                        + ("" if may_summarise else " " + t("mentoring.eval.readonly_summary")))
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
            yield Static(Text(t("mentoring.eval.keys") if may_summarise or may_grade
                              else t("mentoring.eval.keys_read_only")), classes="keys")

    def on_mount(self) -> None:
        if self.may_summarise() or not self.may_grade():
            self.query_one("#eval-summary", TextArea).focus()
        else:
            self.query_one("#eval-grade", Select).focus()

    def show(self, pairing: Pairing, term_id: str) -> None:
        evaluation = evaluation_of(pairing, term_id)
        self.query_one("#eval-summary", TextArea).text = evaluation["summary"]
        self.query_one("#eval-comment", TextArea).text = evaluation["comment"]
        self.query_one("#eval-grade", Select).value = evaluation["grade"] or Select.NULL

    def on_input_changed(self, event: Input.Changed) -> None:
        # Another term: show what is stored for it.
        if self.pairing is not None and event.value.strip() in self.pairing.evaluations:
            self.show(self.pairing, event.value.strip())

    def term(self) -> str:
        return self.query_one("#eval-term", Input).value.strip()

    def changes(self) -> dict[str, str]:
        """What this user may write, as typed."""
        changes: dict[str, str] = {}
        if self.may_summarise():
            changes["summary"] = self.query_one("#eval-summary", TextArea).text
        if self.may_grade():
            grade = self.query_one("#eval-grade", Select).value
            changes["grade"] = grade if isinstance(grade, str) else ""
            changes["comment"] = self.query_one("#eval-comment", TextArea).text
        return changes

    def action_save(self) -> None:
        if self.pairing is None:
            self.dismiss(None)
            return
        if not self.changes():
            self.query_one("#eval-message", Static).update(Text(t("mentoring.error.summary_not_allowed")))
            return
        self.store_evaluation(self.pairing)

    def store_evaluation(self, base: Pairing) -> None:
        """Write this user's part of the term's evaluation onto ``base`` (which carries the
        version it was read with)."""
        term_id, changes = self.term(), self.changes()
        try:
            saved = set_evaluation(self.app.store, base, term_id, self._actor(), **changes)
        except ConflictError as conflict:
            self.query_one("#eval-message", Static).update(Text(t("mentoring.conflict.hint")))
            theirs = conflict.theirs
            # Mine = theirs with only what I typed: the dialog then shows just the evaluation,
            # and keeping mine leaves everything else they saved alone.
            mine = theirs.copy(evaluations={**theirs.evaluations, term_id: {
                **evaluation_of(theirs, term_id), **{k: v.strip() for k, v in changes.items()}}}) \
                if theirs is not None else conflict.mine
            resolve_conflict(self.app, ConflictError(mine, theirs), save_mine=self.keep_mine,
                             take_theirs=self.take_theirs, labels={"evaluations": t("mentoring.page.evaluation")},
                             show=lambda field, value: self.show_evaluations(field, value, term_id))
            return
        except save_failures() as error:
            self.query_one("#eval-message", Static).update(Text(describe_failure(error)))
            return
        self.app.notify(t("mentoring.eval.saved"))
        self.dismiss(saved.id)

    def keep_mine(self, pairing: Pairing) -> None:
        if not pairing.id:  # they deleted the pairing: there is nothing to evaluate any more
            self.take_theirs(None)
            return
        self.pairing = pairing
        self.store_evaluation(pairing)

    def take_theirs(self, pairing: Pairing | None) -> None:
        if pairing is None:
            self.app.notify(t("mentoring.conflict.gone"), severity="warning")
            self.dismiss(None)
            return
        self.pairing = pairing
        self.show(pairing, self.term())
        self.query_one("#eval-message", Static).update(Text(t("mentoring.conflict.took_theirs")))

    @staticmethod
    def show_evaluations(field: str, value, term_id: str) -> str:
        """One term's evaluation in words, for the conflict dialog."""
        if field != "evaluations" or not isinstance(value, dict):
            from models.store.audit import show_value

            return show_value(value)
        entry = {"summary": "", "grade": "", "comment": "", **(value.get(term_id) or {})}
        return "；".join(f"{t(label)}：{entry[key] or '—'}" for key, label in (
            ("summary", "mentoring.eval.summary"), ("grade", "mentoring.eval.grade"),
            ("comment", "mentoring.eval.comment")))

    def action_cancel(self) -> None:
        self.dismiss(None)
