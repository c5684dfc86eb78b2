"""Attendance (考勤) in a few keystrokes: p present, l on leave, x absent, a everyone present.

Opened from the activity form it hands the marks back (the form saves them with the
rest); opened from the day (``save=True``) it saves them itself, and when someone else
saved the activity meanwhile the conflict dialog asks whose version to keep."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.activities import attendance_counts, attendees_of
from models.i18n import t
from models.records import Activity, Teacher
from models.errors import JiaoyanError
from models.store.storage import ConflictError, ValidationFailed
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.table_cursor import ListTable, cursor_key
from screens.widgets.fitted_footer import FittedFooter

MARK_STYLES = {"present": "green", "leave": "yellow", "absent": "bold red", "": "dim"}


class AttendanceScreen(Screen[dict[str, str] | None]):
    """Marks every expected person; dismisses with the marks (ctrl+s) or None (escape)."""

    BINDINGS = [
        Binding("p", "mark('present')", "calendar.key.present", id="attendance.present"),
        Binding("l", "mark('leave')", "calendar.key.leave", id="attendance.leave"),
        Binding("x", "mark('absent')", "calendar.key.absent", id="attendance.absent"),
        Binding("a", "all_present", "calendar.key.all_present", id="attendance.all_present"),
        Binding("ctrl+s", "done", "key.save", id="attendance.save"),
        Binding("escape", "cancel", "key.back", id="attendance.back"),
    ]

    CSS_PATH = "calendar.tcss"

    def __init__(self, activity: Activity, *, save: bool = False):
        super().__init__()
        translate_bindings(self)
        self.activity = activity
        self.marks = dict(activity.attendance)
        if not self.marks:  # leave the office approved beforehand is marked already (issue 16)
            self.marks = {key: "leave" for key, answer in activity.leave_requests.items() if answer == "approved"}
        self.save = save

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="attendance-title")
        yield Static(id="attendance-error")
        yield ListTable(id="attendance-table", cursor_type="row")
        yield FittedFooter()

    def on_mount(self) -> None:
        store = self.app.store
        self.people = [store.get(Teacher, i) for i in attendees_of(self.activity)]
        self.people = [p for p in self.people if p is not None]
        table = self.query_one(DataTable)
        table.add_column(t("field.name"), key="name")
        table.add_column(t("field.attendance"), key="mark")
        # With leave asked for beforehand, the office's answer shows beside each mark.
        requests = bool(self.activity.leave_requests) or bool(store.policy().leave_needs_approval)
        if requests:
            table.add_column(t("field.leave_request"), key="request")
        for person in self.people:
            cells = [Text(person.name), self._mark_text(str(person.id))]
            if requests:
                cells.append(self._request_text(person.id))
            table.add_row(*cells, key=str(person.id))
        self._update_title()
        table.focus()

    def _mark_text(self, person_id: str) -> Text:
        mark = self.marks.get(person_id, "")
        return Text(t(f"calendar.mark_{mark}") if mark else t("calendar.mark_none"), style=MARK_STYLES[mark])

    def _request_text(self, person_id: int) -> Text:
        from models.activities import leave_state

        state = leave_state(self.activity, person_id)
        if not state:
            return Text(t("leave.none") if self.marks.get(str(person_id)) == "leave" else "", style="dim")
        return Text(t(f"leave.{state}"), style={"approved": "green", "refused": "red"}.get(state, "yellow"))

    def _update_title(self) -> None:
        counts = attendance_counts(self.activity.copy(attendance=self.marks))
        title = Text(t("calendar.attendance_title", date=self.activity.date, topic=self.activity.topic), style="bold")
        title.append("\n" + t("calendar.attendance_counts", total=len(self.people), **counts))
        self.query_one("#attendance-title", Static).update(title)

    def _set(self, person_id: str, mark: str) -> None:
        self.marks[person_id] = mark
        table = self.query_one(DataTable)
        table.update_cell(person_id, "mark", self._mark_text(person_id))
        if any(column.key.value == "request" for column in table.columns.values()):
            table.update_cell(person_id, "request", self._request_text(int(person_id)))

    def action_mark(self, mark: str) -> None:
        table = self.query_one(DataTable)
        key = cursor_key(table)
        if key is None:
            return
        self._set(key, mark)
        table.move_cursor(row=min(table.cursor_row + 1, table.row_count - 1))
        self._update_title()

    def action_all_present(self) -> None:
        for person in self.people:
            self._set(str(person.id), "present")
        self._update_title()

    def action_done(self) -> None:
        if not self.save:
            self.dismiss(dict(self.marks))
            return
        from models.activities import ASK_HELD, MARK_HELD, held_on_save

        record = self.activity.copy(attendance=dict(self.marks), touched=True)
        # Held means held (issue 16): attendance taken on or after the day marks it held.
        decision = held_on_save(record, self.app.today, self.app.store.policy())
        if decision == MARK_HELD:
            self._save(record.copy(status="held"))
        elif decision == ASK_HELD:
            from screens.calendar.held_question import HeldQuestion

            self.app.push_screen(HeldQuestion(),
                                 lambda yes: self._save(record.copy(status="held") if yes else record))
        else:
            self._save(record)

    def _save(self, record: Activity) -> None:
        error = self.query_one("#attendance-error", Static)
        try:
            with self.app.store.transaction() as tx:
                saved = tx.update(record) if record.id else tx.insert(record)
        except ConflictError as conflict:
            from screens.dialogs.conflict import resolve_conflict

            resolve_conflict(self.app, conflict, save_mine=self._save, take_theirs=self._take,
                             labels=field_labels(), show=self._show_value)
            return
        except ValidationFailed as failed:
            error.update(Text("\n".join(str(p) for p in failed.problems)))
            return
        except JiaoyanError as failed:  # PermissionDenied too: its message says who may
            error.update(Text(str(failed)))
            return
        self.activity = saved
        self.dismiss(dict(saved.attendance))

    def _take(self, theirs: Activity | None) -> None:
        """Their version: show their marks (nothing saved); gone, go back."""
        if theirs is None:
            self.notify(t("calendar.gone"), severity="warning")
            self.dismiss(None)
            return
        self.activity = theirs
        self.marks = dict(theirs.attendance)
        for person in self.people:
            self.query_one(DataTable).update_cell(str(person.id), "mark", self._mark_text(str(person.id)))
        self._update_title()

    def _show_value(self, field: str, value) -> str:
        return show_activity_value(self.app.store, field, value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def field_labels() -> dict[str, str]:
    """The conflict dialog's names for an activity's fields."""
    labels = {name: t(f"calendar.field.{name}") for name in (
        "date", "period", "place", "kind", "topic", "content", "event", "status", "minutes", "attendance",
        "summary")}
    labels.update(host_id=t("calendar.field.host"), speaker_id=t("calendar.field.speaker"),
                  recorder_id=t("calendar.field.recorder"), leave_requests=t("field.leave_request"),
                  attendee_ids=t("calendar.field.attendees"), cancel_reason=t("calendar.field.cancel_reason"),
                  moved_from=t("calendar.field.moved_from"), touched=t("calendar.field.touched"))
    return labels


def show_activity_value(store, field: str, value) -> str:
    """An activity's field as a person reads it: names, not ids; counts, not lists."""
    from models.store.audit import show_value
    from models.dates import format_period

    if field in ("host_id", "speaker_id", "recorder_id"):
        teacher = store.get(Teacher, value) if value else None
        return teacher.name if teacher else "—"
    if field == "attendee_ids":
        return t("calendar.people", count=len(value or []))
    if field == "attendance":
        counts = {"present": 0, "leave": 0, "absent": 0}
        for mark in (value or {}).values():
            if mark in counts:
                counts[mark] += 1
        return t("calendar.attendance_counts_short", **counts) if value else t("calendar.attendance_none_short")
    if field == "period" and value:
        return format_period(int(value), store.policy())
    if field == "status" and value:
        return t(f"status.{value}")
    return show_value(value)
