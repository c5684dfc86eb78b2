"""One day: whether school is open, and its activities; open one, take attendance,
move a skipped week to another day, delete one, or add a school event. Keys show only
for what this user may do (models/permissions.py); an archived term's day is read-only."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.activities import NOT_MEETING, conflicts_with, move_activity
from models.dates import format_date
from models.i18n import t
from models.records import Activity, Term
from models.store.storage import ConflictError, DataFileError, ValidationFailed
from screens.calendar.agenda import AgendaTable
from models.terms import term_of
from screens.calendar.common import CalendarData, conflict_text, may, read_activity
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings


class DayScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="day.back"),
        Binding("enter", "open", "key.open", id="day.open", show=True),
        Binding("k", "attendance", "calendar.key.attendance", id="day.attendance"),
        Binding("v", "move", "calendar.key.move_activity", id="day.move"),
        Binding("n", "new_event", "calendar.key.new_event", id="day.new_event"),
        Binding("d", "delete", "calendar.key.delete", id="day.delete"),
        # Listed by F1; the footer keeps 80 columns for the keys that change things.
        Binding("left_square_bracket", "day(-1)", "calendar.key.previous_day", id="day.previous", key_display="[",
                show=False),
        Binding("right_square_bracket", "day(1)", "calendar.key.next_day", id="day.next", key_display="]",
                show=False),
    ]

    def __init__(self, day: dt.date):
        super().__init__()
        translate_bindings(self)
        self.day = day
        self.data: CalendarData | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="day-title")
        yield AgendaTable(id="day-activities", cursor_type="row")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one(AgendaTable).focus()
        # Filled after the first refresh: measured before layout, the columns come out too narrow.
        self.call_after_refresh(self.refresh_data)

    def data_changed(self) -> None:
        self.refresh_data()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.refresh_data()

    def refresh_data(self) -> None:
        data = CalendarData.load(self.app.store)
        self.data = data
        title = Text(format_date(self.day, data.terms), style="bold")
        kind = data.day_kind(self.day)
        title.append("  " + t(f"calendar.day_kind.{kind}"), style={"closed": "red", "makeup": "yellow"}.get(kind, ""))
        if data.is_archived(self.day):
            title.append("  " + t("calendar.archived_read_only", term=data.term_for(self.day).term_id),
                         style="bold yellow")
        today = [a for a in data.by_day.get(self.day.isoformat(), [])]
        if not today:
            title.append("\n" + t("calendar.day_empty"), style="dim")
        if any(a.status == "skipped" for a in today):
            title.append("\n" + t("calendar.day_skipped_hint"), style="yellow")
        from screens.documents.sections import prep_lines

        for line in prep_lines(self.app.store, today):  # what a 集体备课 meeting discusses
            title.append("\n" + line, style="cyan")
        for activity in today:
            if activity.id in data.conflicts:
                for conflict in conflicts_with(activity, data.activities):
                    title.append("\n" + conflict_text(conflict, data), style="red")
                break
        self.query_one("#day-title", Static).update(title)
        self.query_one(AgendaTable).show(today, data)
        self.refresh_bindings()

    def _selected(self) -> Activity | None:
        chosen = self.query_one(AgendaTable).selected_id()
        return read_activity(self.app.store, chosen) if chosen else None

    # -- keys: only what this user may do ------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "new_event":
            term = term_of(self.app.store.all(Term), self.day)
            return term is not None and may(self.app, "insert", Activity(term_id=term.term_id, group_id=0))
        if action in ("attendance", "move", "delete", "open"):
            if not self.is_mounted:
                return action == "open"
            activity = self._selected()
            if activity is None:
                return False
            if action == "attendance":
                return activity.status not in NOT_MEETING and may(self.app, "update", activity, "attendance")
            if action == "move":
                return may(self.app, "update", activity, "date")
            if action == "delete":
                return may(self.app, "delete", activity)
        return True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        from screens.calendar.activity_form import ActivityForm

        activity = self._selected()
        if activity is not None:
            self.app.push_screen(ActivityForm(activity_id=activity.id))

    def action_new_event(self) -> None:
        from screens.calendar.activity_form import ActivityForm

        self.app.push_screen(ActivityForm(new_on=self.day))

    def action_delete(self) -> None:
        from screens.calendar.activity_delete import delete_activity

        activity = self._selected()
        if activity is not None and may(self.app, "delete", activity):
            delete_activity(self, activity, self.refresh_data)

    def action_day(self, step: int) -> None:
        self.day += dt.timedelta(days=step)
        self.refresh_data()

    def action_attendance(self) -> None:
        from screens.calendar.attendance import AttendanceScreen

        activity = self._selected()
        if activity is None:
            return
        if activity.status in NOT_MEETING:
            self.notify(t("calendar.attendance_not_meeting"), severity="warning")
            return
        # The attendance screen saves itself, and asks (k / t) if someone else saved meanwhile.
        self.app.push_screen(AttendanceScreen(activity, save=True), lambda _marks: self.refresh_data())

    def action_move(self) -> None:
        from screens.calendar.move_dialog import MoveDialog

        activity = self._selected()
        if activity is None:
            return
        term = next((x for x in self.app.store.all(Term) if x.term_id == activity.term_id), None) or self.app.term
        if term is None:
            return

        def moved(choice) -> None:
            if choice is None:
                return
            day, period = choice
            changed = move_activity(activity, day, period, term)
            if self._save(changed):
                clashes = conflicts_with(changed, self.app.store.all(Activity))
                message = t("calendar.moved", day=format_date(day, [term]))
                if clashes:
                    message += "\n" + t("calendar.conflict_count", count=len(clashes))
                self.notify(message, severity="warning" if clashes else "information")

        self.app.push_screen(MoveDialog(activity, term, self.app.today, self.app.store.policy()), moved)

    def _save(self, activity: Activity) -> bool:
        try:
            with self.app.store.transaction() as tx:
                tx.update(activity)
        except ValidationFailed as error:
            self.notify("\n".join(str(p) for p in error.problems), severity="error", markup=False)
            return False
        except ConflictError:
            self.notify(t("calendar.changed_meanwhile"), severity="warning", markup=False)
            self.refresh_data()
            return False
        except DataFileError as error:
            self.notify(str(error), severity="error", markup=False)
            return False
        self.refresh_data()
        return True
