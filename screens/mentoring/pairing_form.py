"""New or changed pairing: mentor and mentee picked by name, pinyin or initials; the rules
answer inline (refusals stop the save, warnings and notes do not).

Creating a pairing and changing who, what and when is the office's; the mentor and the
mentee may change only the goals (models.permissions), so for them the other fields are
read-only. The form keeps the pairing as it was opened: if someone else saved it
meanwhile, ctrl+s shows the conflict dialog (screens/widgets/conflict.py)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static, TextArea

from models.dates import BadInput, parse_date
from models.i18n import t
from models.store.audit import show_value
from models.mentoring import check_pairing, default_start, describe_failure, save_failures, save_pairing
from models.permissions import can
from models.records import Group, Pairing, Teacher, Term
from models.store.storage import ConflictError
from screens.dialogs.conflict import resolve_conflict
from screens.widgets.teacher_field import TeacherField
from screens.dialogs.base import Dialog


class PairingForm(Dialog[int | None]):
    """Dismisses with the saved pairing's id, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="pairing_form.save", priority=True),
        Binding("escape", "cancel", "mentoring.key.cancel", id="pairing_form.cancel"),
    ]

    CSS_PATH = "mentoring.tcss"

    def __init__(self, pairing_id: int | None):
        super().__init__()
        self.pairing_id = pairing_id
        self.loaded: Pairing | None = None  # as opened, with its version: a later save by someone else conflicts

    # -- rights ------------------------------------------------------------------------

    def _actor(self):
        return self.app.user or self.app.login

    def may_change_all(self) -> bool:
        record = self.loaded or Pairing()
        action = "update" if self.loaded else "insert"
        return can(self.app.store, self._actor(), action, record) and (
            action == "insert" or can(self.app.store, self._actor(), "update", record, "mentor_id"))

    def may_change_goals(self) -> bool:
        if self.loaded is None:
            return self.may_change_all()
        return can(self.app.store, self._actor(), "update", self.loaded, "goals")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return self.may_change_goals()
        return True

    def compose(self) -> ComposeResult:
        store = self.app.store
        pairing = store.get(Pairing, self.pairing_id) if self.pairing_id else None
        self.loaded = pairing
        teachers = lambda: store.all(Teacher)  # noqa: E731 — read fresh on every keystroke
        groups = lambda: store.all(Group)  # noqa: E731
        term = self.app.term
        with Vertical():
            yield Static(Text(t("mentoring.form.edit" if pairing else "mentoring.form.new")), classes="title")
            with Horizontal(classes="row"):
                yield Label(t("mentoring.form.mentor"))
                yield TeacherField(teachers, groups=groups, placeholder=t("mentoring.form.teacher_hint"),
                                   id="pairing-mentor")
            with Horizontal(classes="row"):
                yield Label(t("mentoring.form.mentee"))
                yield TeacherField(teachers, groups=groups, placeholder=t("mentoring.form.teacher_hint"),
                                   id="pairing-mentee")
            with Horizontal(classes="row"):
                yield Label(t("mentoring.form.subject"))
                yield Input(pairing.subject if pairing else "", id="pairing-subject", compact=True)
                yield Label(t("mentoring.form.from_term"), classes="short-label")
                yield Input(pairing.from_term if pairing else (term.term_id if term else ""),
                            id="pairing-from-term", compact=True)
                yield Label(t("mentoring.form.started"), classes="short-label")
                yield Input(pairing.started if pairing else default_start(term, self.app.today),
                            id="pairing-started", compact=True)
            yield Label(t("mentoring.form.goals"))
            yield TextArea(pairing.goals if pairing else "", id="pairing-goals", compact=True,
                           tab_behavior="focus")
            yield Static(id="pairing-message")
            yield Static(Text(t("mentoring.form.keys")), classes="keys")

    def on_mount(self) -> None:
        for field in self.query(TeacherField):
            field.input.compact = True
        if self.loaded:
            self.fill(self.loaded)
        everything, goals = self.may_change_all(), self.may_change_goals()
        for selector in ("#pairing-mentor", "#pairing-mentee", "#pairing-subject", "#pairing-from-term",
                         "#pairing-started"):
            self.query_one(selector).disabled = not everything
        goals_area = self.query_one("#pairing-goals", TextArea)
        goals_area.read_only = not goals
        if everything:
            self.query_one("#pairing-mentor", TeacherField).focus()
        else:
            goals_area.focus()
            self._show([t("mentoring.form.goals_only" if goals else "mentoring.form.read_only")], error=False)

    def fill(self, pairing: Pairing) -> None:
        """Put a stored pairing in the form."""
        store = self.app.store
        self.query_one("#pairing-mentor", TeacherField).set_teacher(store.get(Teacher, pairing.mentor_id))
        self.query_one("#pairing-mentee", TeacherField).set_teacher(store.get(Teacher, pairing.mentee_id))
        self.query_one("#pairing-subject", Input).value = pairing.subject
        self.query_one("#pairing-from-term", Input).value = pairing.from_term
        self.query_one("#pairing-started", Input).value = pairing.started
        self.query_one("#pairing-goals", TextArea).text = pairing.goals

    def on_teacher_field_picked(self, event: TeacherField.Picked) -> None:
        # The mentee's subject is the usual subject of the pairing.
        subject = self.query_one("#pairing-subject", Input)
        if event.field.id == "pairing-mentee" and event.teacher and not subject.value.strip():
            subject.value = event.teacher.subjects[0] if event.teacher.subjects else ""
        candidate = self._candidate(quiet=True)
        if candidate is not None:
            store = self.app.store
            check = check_pairing(candidate, store.all(Pairing), store.all(Teacher), store.policy(), store.all(Term))
            self._show(check.messages, error=bool(check.refusals))

    def _candidate(self, quiet: bool = False) -> Pairing | None:
        """The pairing as typed, or None (with the reason shown unless ``quiet``)."""
        if self.loaded is not None and not self.may_change_all():
            # The pair changes only the goals; everything else stays exactly as stored.
            return self.loaded.copy(goals=self.query_one("#pairing-goals", TextArea).text.strip())
        mentor = self.query_one("#pairing-mentor", TeacherField)
        mentee = self.query_one("#pairing-mentee", TeacherField)
        problems: list[str] = []
        for field, key in ((mentor, "mentoring.error.pick_mentor"), (mentee, "mentoring.error.pick_mentee")):
            if field.teacher is None and field.value.strip():
                field.pick_highlighted()
            if field.teacher is None:
                problems.append(t(key))
        started = self.query_one("#pairing-started", Input).value.strip()
        if started:
            try:
                started = parse_date(started, self.app.today).isoformat()
            except BadInput as error:
                problems.append(str(error))
        if problems:
            if not quiet:
                self._show(problems, error=True)
            return None
        base = self.loaded or Pairing()
        return base.copy(
            mentor_id=mentor.teacher.id, mentee_id=mentee.teacher.id,
            subject=self.query_one("#pairing-subject", Input).value.strip(),
            from_term=self.query_one("#pairing-from-term", Input).value.strip(),
            started=started, goals=self.query_one("#pairing-goals", TextArea).text.strip(),
        )

    def _show(self, messages: list[str], *, error: bool) -> None:
        text = Text("\n").join(Text(message, style="bold red" if error else "yellow") for message in messages)
        self.query_one("#pairing-message", Static).update(text)

    def action_save(self) -> None:
        if not self.may_change_goals():
            return
        candidate = self._candidate()
        if candidate is None:
            return
        self.store_pairing(candidate)

    def store_pairing(self, candidate: Pairing) -> None:
        try:
            saved, check = save_pairing(self.app.store, candidate)
        except ConflictError as conflict:
            self._show([t("mentoring.conflict.hint")], error=True)
            resolve_conflict(self.app, conflict, save_mine=self.store_pairing, take_theirs=self.take_theirs,
                             labels=pairing_labels(), show=self.show_value)
            return
        except save_failures() as error:
            self._show([describe_failure(error)], error=True)
            return
        store = self.app.store
        mentor, mentee = store.get(Teacher, saved.mentor_id), store.get(Teacher, saved.mentee_id)
        self.app.notify(t("mentoring.saved", mentor=mentor.name, mentee=mentee.name), markup=False)
        for message in check.warnings + check.notes:
            self.app.notify(message, severity="warning", timeout=10, markup=False)
        self.dismiss(saved.id)

    def take_theirs(self, pairing: Pairing | None) -> None:
        """Their version goes into the form; if they deleted it, there is nothing to edit."""
        if pairing is None:
            self.app.notify(t("mentoring.conflict.gone"), severity="warning")
            self.dismiss(None)
            return
        self.loaded = pairing
        self.fill(pairing)
        self._show([t("mentoring.conflict.took_theirs")], error=False)

    def show_value(self, field: str, value) -> str:
        """Teachers by name in the conflict dialog, not by id."""
        if field in ("mentor_id", "mentee_id") and value:
            teacher = self.app.store.get(Teacher, value)
            return teacher.name if teacher else f"#{value}"
        if field == "status" and value:
            return t(f"pairing.{value}")
        return show_value(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def pairing_labels() -> dict[str, str]:
    """Field names as the conflict dialog shows them."""
    return {"mentor_id": t("mentoring.form.mentor"), "mentee_id": t("mentoring.form.mentee"),
            "subject": t("mentoring.form.subject"), "from_term": t("mentoring.form.from_term"),
            "to_term": t("mentoring.export.to_term"), "started": t("mentoring.form.started"),
            "ended": t("mentoring.end.term"), "goals": t("mentoring.form.goals"),
            "status": t("mentoring.export.status"), "evaluations": t("mentoring.page.evaluation")}

