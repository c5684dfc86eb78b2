"""带教记录 of one pairing: a quick entry form above the list (newest first).

ctrl+s saves and clears the form for the next meeting; enter on a row of the list
loads that meeting into the form to change it. Only the mentor, the mentee and the
office write here (models.permissions); anyone else reads the list. Meetings of an
archived term come from its archive file and stay read-only.

``MeetingsScreen(pairing_id)`` needs nothing else, so any screen can push it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static, TextArea

from models.dates import BadInput, format_date, parse_date
from models.i18n import t
from models.store.archive import ArchiveView
from models.mentoring import (
    describe_failure, meetings_of, parse_minutes, progress_for_store, save_failures, save_meeting,
)
from models.permissions import can
from models.records import MEETING_KINDS, MentorMeeting, Pairing, Teacher, Term
from models.store.storage import ConflictError
from screens.dialogs.conflict import resolve_conflict
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.table_cursor import ListTable

DEFAULT_KIND = "指导备课"


def one_line(text: str, width: int = 40) -> Text:
    """The first line of a meeting's content, cut to ``width`` cells."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    more = "…" if ("\n" in text.strip() or Text(first).cell_len > width) else ""
    line = Text(first)
    line.truncate(width - (1 if more else 0))
    line.append(more)
    return line


def meeting_labels() -> dict[str, str]:
    """Field names as the conflict dialog shows them."""
    return {"date": t("mentoring.meet.date"), "kind": t("mentoring.meet.kind"),
            "duration_minutes": t("mentoring.meet.minutes"), "content": t("mentoring.meet.content"),
            "term_id": t("mentoring.eval.term")}


class MeetingsScreen(Screen):
    """Pushed from the pairing list (m) or the pairing's page; escape goes back."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="meetings.save", priority=True),
        Binding("escape", "back", "key.back", id="meetings.back"),
        Binding("f4", "to_form", "mentoring.key.form", id="meetings.form"),
        Binding("f3", "to_list", "mentoring.key.list", id="meetings.list"),
    ]

    CSS_PATH = "mentoring.tcss"

    def __init__(self, pairing_id: int):
        super().__init__()
        translate_bindings(self)
        self.pairing_id = pairing_id
        self.editing: MentorMeeting | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="meet-title")
        with Horizontal(classes="row"):
            yield Label(t("mentoring.meet.date"))
            yield Input(id="meet-date", compact=True)
            yield Static(classes="gap")
            yield Label(t("mentoring.meet.kind"))
            yield Select([(kind, kind) for kind in MEETING_KINDS], id="meet-kind", compact=True,
                         allow_blank=False, value=DEFAULT_KIND)
            yield Label(t("mentoring.meet.minutes"))
            yield Input(id="meet-minutes", compact=True, placeholder=t("mentoring.meet.minutes_hint"))
        yield TextArea(id="meet-content", compact=True, tab_behavior="focus",
                       placeholder=t("mentoring.meet.content_hint"))
        yield Static(id="meet-message")
        yield ListTable(id="meetings", cursor_type="row", zebra_stripes=True)
        yield FittedFooter()  # keys stop at the palette key instead of running under it

    def on_mount(self) -> None:
        self.clear_form()
        self.refresh_data()
        self._apply_rights(focus=True)

    def data_changed(self) -> None:
        self.refresh_data()
        self._apply_rights(focus=False)

    # -- who may write (models.permissions is the one rule) -------------------------------

    def may_write(self) -> bool:
        """The mentor, the mentee and the office log and change this pairing's meetings."""
        store = self.app.store
        if store.get(Pairing, self.pairing_id) is None:
            return False
        return can(store, self.app.user or self.app.login, "insert", MentorMeeting(pairing_id=self.pairing_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "to_form", "to_list"):
            # Read-only, the list has the focus and the form is off: neither key has a use.
            return self.may_write()
        return True

    def _apply_rights(self, *, focus: bool) -> None:
        """Read-only for anyone else: the form is disabled and says why; the list stays."""
        writable = self.may_write()
        for selector in ("#meet-date", "#meet-kind", "#meet-minutes", "#meet-content"):
            self.query_one(selector).disabled = not writable
        if writable:
            if focus:
                self.query_one("#meet-content", TextArea).focus()
        else:
            pairing = self.app.store.get(Pairing, self.pairing_id)
            if pairing is not None:
                self._hint(t("mentoring.meet.read_only"))
            self.query_one("#meetings", DataTable).focus()
        self.refresh_bindings()

    # -- reading -------------------------------------------------------------------

    def refresh_data(self) -> None:
        store = self.app.store
        pairing = store.get(Pairing, self.pairing_id)
        if pairing is None:
            self.query_one("#meet-title", Static).update(Text(t("mentoring.page.missing")))
            return
        mentor, mentee = store.get(Teacher, pairing.mentor_id), store.get(Teacher, pairing.mentee_id)
        title = Text(t("mentoring.meet.title", mentor=mentor.name if mentor else "?",
                       mentee=mentee.name if mentee else "?", subject=pairing.subject))
        term = self.app.term
        progress = progress_for_store(store, pairing, term, self.app.today) if term else None
        if progress is not None:
            title.append(" · ")
            title.append(t("mentoring.meet.count", held=progress.meetings_held, expected=progress.meetings_expected),
                         style="red" if progress.behind else "green")
        self.query_one("#meet-title", Static).update(title)
        table = self.query_one("#meetings", DataTable)
        table.clear(columns=True)
        for key in ("mentoring.meet.col.date", "mentoring.meet.col.kind", "mentoring.meet.col.minutes",
                    "mentoring.meet.col.content"):
            table.add_column(t(key), key=key)
        terms = store.all(Term)
        # Every term's meetings, the archived ones from their archive files (read-only).
        for meeting in meetings_of(ArchiveView(store).all(MentorMeeting), self.pairing_id):
            table.add_row(Text(format_date(meeting.date, terms)), Text(meeting.kind),
                          Text(str(meeting.duration_minutes or "")), one_line(meeting.content, 30),
                          key=str(meeting.id))
        if not table.row_count:
            self._hint(t("mentoring.meet.none"))

    # -- the form ---------------------------------------------------------------------

    def clear_form(self) -> None:
        self.editing = None
        self.query_one("#meet-date", Input).value = self.app.today.isoformat()
        self.query_one("#meet-kind", Select).value = DEFAULT_KIND
        self.query_one("#meet-minutes", Input).value = ""
        self.query_one("#meet-content", TextArea).text = ""
        self._hint(t("mentoring.meet.new"))

    def load(self, meeting: MentorMeeting) -> None:
        self.editing = meeting
        self.query_one("#meet-date", Input).value = meeting.date
        self.query_one("#meet-kind", Select).value = meeting.kind if meeting.kind in MEETING_KINDS else DEFAULT_KIND
        self.query_one("#meet-minutes", Input).value = str(meeting.duration_minutes or "")
        self.query_one("#meet-content", TextArea).text = meeting.content
        self._hint(t("mentoring.meet.editing", date=meeting.date))
        self.query_one("#meet-content", TextArea).focus()

    def _hint(self, message: str, *, error: bool = False) -> None:
        self.query_one("#meet-message", Static).update(
            Text(message, style="bold red" if error else "dim"))

    def action_save(self) -> None:
        if not self.may_write():
            return
        problems: list[str] = []
        try:
            day = parse_date(self.query_one("#meet-date", Input).value, self.app.today).isoformat()
        except BadInput as error:
            problems.append(str(error))
            day = ""
        try:
            minutes = parse_minutes(self.query_one("#meet-minutes", Input).value)
        except ValueError as error:
            problems.append(str(error))
            minutes = 0
        if problems:
            self._hint("\n".join(problems), error=True)
            return
        kind = self.query_one("#meet-kind", Select).value
        # The meeting as it was loaded carries its version: if someone else saved it meanwhile,
        # the store raises ConflictError and the user chooses (resolve_conflict).
        base = self.editing or MentorMeeting(pairing_id=self.pairing_id)
        meeting = base.copy(date=day, kind=kind if isinstance(kind, str) else DEFAULT_KIND,
                            duration_minutes=minutes, content=self.query_one("#meet-content", TextArea).text)
        self.store_meeting(meeting)

    def store_meeting(self, meeting: MentorMeeting) -> None:
        try:
            saved = save_meeting(self.app.store, meeting, self.app.today)
        except ConflictError as conflict:
            self._hint(t("mentoring.conflict.hint"), error=True)
            resolve_conflict(self.app, conflict, save_mine=self.store_meeting, take_theirs=self.take_theirs,
                             labels=meeting_labels())
            return
        except save_failures() as error:
            self._hint(describe_failure(error), error=True)
            return
        self.clear_form()
        self.refresh_data()
        self._hint(t("mentoring.meet.saved", date=saved.date))
        self.query_one("#meet-content", TextArea).focus()

    def take_theirs(self, meeting: MentorMeeting | None) -> None:
        """The other session's version goes into the form (gone: the form starts afresh)."""
        self.refresh_data()
        if meeting is None:
            self.clear_form()
            self._hint(t("mentoring.conflict.gone"), error=True)
        else:
            self.load(meeting)

    # -- moving about -------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not self.may_write():
            return
        meeting = self.app.store.get(MentorMeeting, int(event.row_key.value))
        if meeting is None:  # not in the active file: its term is archived
            self._hint(t("mentoring.meet.archived_row"), error=True)
            return
        self.load(meeting)

    def action_to_form(self) -> None:
        if self.may_write():
            self.query_one("#meet-content", TextArea).focus()

    def action_to_list(self) -> None:
        self.query_one("#meetings", DataTable).focus()

    def action_back(self) -> None:
        if self.editing is not None:
            self.clear_form()
            return
        self.app.pop_screen()
