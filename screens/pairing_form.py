"""New or changed pairing: mentor and mentee picked by name, pinyin or initials; the rules
answer inline (refusals stop the save, warnings and notes do not)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from models.dates import BadInput, parse_date
from models.i18n import t
from models.mentoring import check_pairing, default_start, describe_failure, save_failures, save_pairing
from models.records import Group, Pairing, Teacher, Term
from screens.widgets.keys import translate_bindings
from screens.widgets.teacher_field import TeacherField


class PairingForm(ModalScreen[int | None]):
    """Dismisses with the saved pairing's id, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="pairing_form.save", priority=True),
        Binding("escape", "cancel", "mentoring.key.cancel", id="pairing_form.cancel"),
    ]

    DEFAULT_CSS = """
    PairingForm { align: center middle; }
    PairingForm > Vertical {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    PairingForm .title { text-style: bold; }
    PairingForm .row { height: auto; }
    PairingForm Label { width: 9; }
    PairingForm TeacherField { width: 1fr; }
    PairingForm #pairing-subject { width: 10; }
    PairingForm #pairing-from-term { width: 13; }
    PairingForm #pairing-started { width: 12; }
    PairingForm .short-label { width: auto; padding: 0 1; }
    PairingForm #pairing-goals { height: 5; }
    PairingForm #pairing-message { height: auto; }
    PairingForm .keys { color: $text-muted; }
    """

    def __init__(self, pairing_id: int | None):
        super().__init__()
        translate_bindings(self)
        self.pairing_id = pairing_id

    def compose(self) -> ComposeResult:
        store = self.app.store
        pairing = store.get(Pairing, self.pairing_id) if self.pairing_id else None
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
        pairing = self.app.store.get(Pairing, self.pairing_id) if self.pairing_id else None
        if pairing:
            store = self.app.store
            self.query_one("#pairing-mentor", TeacherField).set_teacher(store.get(Teacher, pairing.mentor_id))
            self.query_one("#pairing-mentee", TeacherField).set_teacher(store.get(Teacher, pairing.mentee_id))
        self.query_one("#pairing-mentor", TeacherField).focus()

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
        store = self.app.store
        base = store.get(Pairing, self.pairing_id) if self.pairing_id else None
        base = base or Pairing()
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
        candidate = self._candidate()
        if candidate is None:
            return
        try:
            saved, check = save_pairing(self.app.store, candidate)
        except save_failures() as error:
            self._show([describe_failure(error)], error=True)
            return
        store = self.app.store
        mentor, mentee = store.get(Teacher, saved.mentor_id), store.get(Teacher, saved.mentee_id)
        self.app.notify(t("mentoring.saved", mentor=mentor.name, mentee=mentee.name), markup=False)
        for message in check.warnings + check.notes:
            self.app.notify(message, severity="warning", timeout=10, markup=False)
        self.dismiss(saved.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

