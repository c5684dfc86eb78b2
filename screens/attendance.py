"""Attendance (考勤) in a few keystrokes: p present, l on leave, x absent, a everyone present."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from models.activities import attendance_counts, attendees_of
from models.i18n import t
from models.records import Activity, Teacher
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings

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

    def __init__(self, activity: Activity):
        super().__init__()
        translate_bindings(self)
        self.activity = activity
        self.marks = dict(activity.attendance)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="attendance-title")
        yield DataTable(id="attendance-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        store = self.app.store
        self.people = [store.get(Teacher, i) for i in attendees_of(self.activity)]
        self.people = [p for p in self.people if p is not None]
        table = self.query_one(DataTable)
        table.add_column(t("field.name"), key="name")
        table.add_column(t("field.attendance"), key="mark")
        for person in self.people:
            table.add_row(Text(person.name), self._mark_text(str(person.id)), key=str(person.id))
        self._update_title()
        table.focus()

    def _mark_text(self, person_id: str) -> Text:
        mark = self.marks.get(person_id, "")
        return Text(t(f"calendar.mark_{mark}") if mark else t("calendar.mark_none"), style=MARK_STYLES[mark])

    def _update_title(self) -> None:
        counts = attendance_counts(self.activity.copy(attendance=self.marks))
        title = Text(t("calendar.attendance_title", date=self.activity.date, topic=self.activity.topic), style="bold")
        title.append("\n" + t("calendar.attendance_counts", total=len(self.people), **counts))
        self.query_one("#attendance-title", Static).update(title)

    def _set(self, person_id: str, mark: str) -> None:
        self.marks[person_id] = mark
        self.query_one(DataTable).update_cell(person_id, "mark", self._mark_text(person_id))

    def action_mark(self, mark: str) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self._set(key, mark)
        table.move_cursor(row=min(table.cursor_row + 1, table.row_count - 1))
        self._update_title()

    def action_all_present(self) -> None:
        for person in self.people:
            self._set(str(person.id), "present")
        self._update_title()

    def action_done(self) -> None:
        self.dismiss(dict(self.marks))

    def action_cancel(self) -> None:
        self.dismiss(None)
