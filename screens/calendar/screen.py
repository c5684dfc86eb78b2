"""日历: the term's research calendar in three views — month, week and agenda.

One key per view (m w a), arrows or hjkl move the selected day, t goes to today,
[ and ] change month (or week), enter opens the day. The admin closes or opens a
day by hand (x), edits the term (T) or starts a new one (N) and adds school events (n);
a group's leader (or the admin) regenerates its future weeks after its slot changed (r),
swaps two weeks' speakers (o) and deletes an activity (d). Who may do what is
models/permissions.py's rule alone: keys the user may not use are hidden. An archived
term's activities show from its archive file, read-only."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import ContentSwitcher, DataTable, Static

from models.activities import (ask_leave, attendees_of, coming_turns, follow_day_status, leave_state,
                               may_ask_leave, regenerate_group_activities, speaker_turn_text, swap_speakers,
                               withdraw_leave)
from models.i18n import t
from models.records import Activity, Group, Term
from models.errors import JiaoyanError
from models.store.storage import ConflictError, ValidationFailed
from models.term_days import toggle_school_day, uncovered_years
from models.terms import is_archived, term_by_id
from screens.base import AreaScreen
from screens.calendar.agenda import AgendaTable, activity_label, agenda_activities
from screens.calendar.common import CalendarData, may
from screens.calendar.month import MonthGrid
from screens.calendar.week import WeekGrid

VIEWS = ("month", "week", "agenda")


class CalendarScreen(AreaScreen):
    AREA = "calendar"

    # At 80 columns the footer holds about ten keys beside the palette's: the rare ones
    # (today, the term's settings, a new term) have show=False and are listed by F1;
    # check_action hides the current view's key and every key this user may not use.
    BINDINGS = [
        Binding("m", "view('month')", "calendar.key.month", id="calendar.month"),
        Binding("w", "view('week')", "calendar.key.week", id="calendar.week"),
        Binding("a", "view('agenda')", "calendar.key.agenda", id="calendar.agenda"),
        Binding("t", "today", "calendar.key.today", id="calendar.today", show=False),
        Binding("left_square_bracket", "page(-1)", "calendar.key.previous", id="calendar.previous",
                key_display="["),
        Binding("right_square_bracket", "page(1)", "calendar.key.next", id="calendar.next", key_display="]"),
        Binding("enter", "open_day", "calendar.key.open_day", id="calendar.open_day"),
        Binding("n", "new_event", "calendar.key.new_event", id="calendar.new_event"),
        Binding("d", "delete", "calendar.key.delete", id="calendar.delete"),
        Binding("x", "toggle_day", "calendar.key.toggle_day", id="calendar.toggle_day"),
        Binding("r", "regenerate", "calendar.key.regenerate", id="calendar.regenerate"),
        Binding("g", "filter_group", "calendar.key.filter_group", id="calendar.filter_group"),
        Binding("i", "filter_mine", "calendar.key.filter_mine", id="calendar.filter_mine"),
        Binding("o", "swap_speaker", "calendar.key.swap", id="calendar.swap"),
        Binding("L", "ask_leave", "calendar.key.ask_leave", id="calendar.ask_leave", key_display="L"),
        Binding("T", "edit_term", "calendar.key.edit_term", id="calendar.edit_term", show=False),
        Binding("N", "new_term", "calendar.key.new_term", id="calendar.new_term", show=False),
        Binding("left,h", "move(-1)", "calendar.key.move", show=False, id="calendar.left"),
        Binding("right,l", "move(1)", "calendar.key.move", show=False, id="calendar.right"),
        Binding("up,k", "move(-7)", "calendar.key.move", show=False, id="calendar.up"),
        Binding("down,j", "move(7)", "calendar.key.move", show=False, id="calendar.down"),
    ]

    CSS_PATH = "calendar.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.view = "month"
        self.cursor: dt.date | None = None
        self.data: CalendarData | None = None
        self.group_filter = 0
        self.mine_only = False
        self.swap_from: int | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="calendar-title")
        with ContentSwitcher(initial="calendar-month-view", id="calendar-views"):
            with VerticalScroll(id="calendar-month-view"):
                yield MonthGrid(id="calendar-month-grid")
            with VerticalScroll(id="calendar-week-view"):
                yield WeekGrid(id="calendar-week-grid")
            yield AgendaTable(id="calendar-agenda", cursor_type="row", zebra_stripes=True)

    # -- drawing -------------------------------------------------------------------

    def refresh_data(self) -> None:
        if self.cursor is None:
            self.cursor = self.app.today
        self.data = CalendarData.load(self.app.store)
        self.redraw()

    def redraw(self) -> None:
        data, cursor, today = self.data, self.cursor, self.app.today
        if data is None or cursor is None:
            return
        self.refresh_bindings()  # the day's term may be archived, or another term
        self.query_one("#calendar-title", Static).update(self._title(data, cursor))
        if self.view == "month":
            self.query_one(MonthGrid).show(data, cursor, today)
        elif self.view == "week":
            self.query_one(WeekGrid).show(data, cursor, today)
        else:
            user = self.app.user
            mine = user.id if (self.mine_only and user) else 0
            rows = agenda_activities(data, today, group_id=self.group_filter, mine=mine)
            self.query_one(AgendaTable).show(rows, data, me=mine)

    def _title(self, data: CalendarData, cursor: dt.date) -> Text:
        title = Text()
        term = data.term_for(cursor)
        if self.view == "agenda":
            title.append(t("calendar.agenda_title", day=self.app.today.isoformat()), style="bold")
            group = data.groups.get(self.group_filter)
            title.append("  " + t("calendar.filter", group=group.name if group else t("calendar.all_groups")))
            if self.mine_only:
                title.append("  " + t("calendar.mine_on"), style="bold yellow")
                title.append("\n")
                title.append_text(self._coming_turn(data))
        else:
            title.append(t("calendar.month_title", year=cursor.year, month=cursor.month), style="bold")
            title.append("  " + (term.name if term else t("calendar.outside_term")))
            # Right after the term's name: at 80 columns the legend is cut with …, the tag must not be.
            if term is not None and term.term_id in data.archived:
                title.append("  " + t("calendar.archived_tag"), style="bold yellow")
            title.append("  " + t("calendar.legend"), style="dim")
        if not data.terms:
            title.append("  " + t("calendar.no_term"), style="yellow")
        if term:
            for year in uncovered_years(term):
                title.append("\n" + t("calendar.uncovered", year=year), style="yellow")
        # Each line cut to the width with …, never a sentence silently cut off mid-word.
        width = max((self.size.width or self.app.size.width) - 2, 20)
        lines = title.split("\n")
        for line in lines:
            line.truncate(width, overflow="ellipsis")
        return Text("\n").join(lines)

    def _coming_turn(self, data: CalendarData) -> Text:
        """The user's next turn as central speaker, where they look for it (issue 16)."""
        user, today = self.app.user, self.app.today
        turns = coming_turns(data.activities, user.id, today) if user else []
        if not turns:
            return Text(t("calendar.no_turn"), style="dim")
        line = Text("★ " + speaker_turn_text(turns[0], data.groups.get(turns[0].group_id), today, data.policy),
                    style="bold")
        if len(turns) > 1:
            line.append(t("calendar.turns_ahead", count=len(turns) - 1), style="dim")
        return line

    # -- keys ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        agenda_only = ("filter_group", "filter_mine", "swap_speaker", "delete", "ask_leave")
        grid_only = ("move", "page", "open_day", "toggle_day")
        if action in agenda_only and self.view != "agenda":
            return False
        if action in grid_only and self.view == "agenda":
            return False
        if action == "view":
            return parameters[0] != self.view  # the view in force needs no key
        if not self.is_mounted or self.data is None:
            return action not in self.CHANGES
        if action == "filter_mine":
            return self.app.user is not None
        if action == "ask_leave":
            selected = self._selected_activity()
            user = self.app.user
            return (bool(self.app.store.policy().leave_needs_approval) and user is not None and selected is not None
                    and user.id in attendees_of(selected) and not self.data.is_archived(activity=selected))
        if action in self.CHANGES:
            return self.may(action)
        return True

    # Keys that change something: shown only when models.permissions says this user may.
    CHANGES = ("new_event", "delete", "toggle_day", "regenerate", "swap_speaker", "edit_term", "new_term")

    def may(self, action: str) -> bool:
        """The one rule (models.permissions via :func:`may`) for each key that changes data;
        an archived term's days are read-only for everyone."""
        term = self._cursor_term()
        if action == "new_term":
            return may(self.app, "insert", Term())
        if action == "edit_term":
            return may(self.app, "update", term) if term else may(self.app, "insert", Term())
        if action == "toggle_day":
            return term is not None and may(self.app, "update", term)
        if action == "new_event":
            return term is not None and may(self.app, "insert", self._new_event_stub(term))
        if action == "regenerate":
            return bool(self._regenerable_groups())
        selected = self._selected_activity()
        if selected is None:
            return False
        if action == "delete":
            return may(self.app, "delete", selected)
        if action == "swap_speaker":
            return bool(selected.group_id) and may(self.app, "update", selected, "speaker_id")
        return False

    def _cursor_term(self) -> Term | None:
        if self.data is None:
            return None
        day = self.app.today if self.view == "agenda" else (self.cursor or self.app.today)
        return self.data.term_for(day)

    @staticmethod
    def _new_event_stub(term: Term) -> Activity:
        return Activity(term_id=term.term_id, group_id=0)

    def _regenerate_term(self) -> Term | None:
        term = self._cursor_term() or self.app.term
        if term is None or is_archived(term):
            return None
        return term

    def _regenerable_groups(self) -> list[Group]:
        """Groups with a weekly slot whose activities this user may remake (their leader's, the admin's)."""
        term = self._regenerate_term()
        if term is None:
            return []
        return [g for g in self.app.store.all(Group) if g.active and g.slot_weekday and g.slot_period
                and may(self.app, "insert", Activity(term_id=term.term_id, group_id=g.id))]

    def _selected_activity(self) -> Activity | None:
        if self.view != "agenda":
            return None
        chosen = self.query_one(AgendaTable).selected_id()
        return self.app.store.get(Activity, chosen) if chosen else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()  # delete and swap depend on the highlighted activity

    def action_view(self, view: str) -> None:
        if view not in VIEWS:
            return
        self.view = view
        self.query_one(ContentSwitcher).current = f"calendar-{view}-view" if view != "agenda" else "calendar-agenda"
        if view == "agenda":
            self.query_one(AgendaTable).focus()
        else:
            self.set_focus(None)
        self.refresh_bindings()
        self.redraw()

    def action_today(self) -> None:
        self.cursor = self.app.today
        self.redraw()

    def action_move(self, days: int) -> None:
        self.cursor = (self.cursor or self.app.today) + dt.timedelta(days=days)
        self.redraw()

    def action_page(self, step: int) -> None:
        cursor = self.cursor or self.app.today
        self.cursor = cursor + (relativedelta(months=step) if self.view == "month" else dt.timedelta(weeks=step))
        self.redraw()

    def action_open_day(self) -> None:
        from screens.calendar.day import DayScreen

        self.app.push_screen(DayScreen(self.cursor or self.app.today))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        activity_id = int(event.row_key.value) if event.row_key and event.row_key.value else 0
        if activity_id:
            from screens.calendar.activity_form import ActivityForm

            self.app.push_screen(ActivityForm(activity_id=activity_id))

    def action_new_event(self) -> None:
        from screens.calendar.activity_form import ActivityForm

        day = self.cursor if self.view != "agenda" else self.app.today
        if not self.may("new_event"):
            return
        self.app.push_screen(ActivityForm(new_on=day))

    def action_toggle_day(self) -> None:
        if self.cursor is None or self.data is None:
            return
        term = self.data.term_for(self.cursor)
        if term is None:
            self.notify(t("calendar.day_outside_term"), severity="warning")
            return
        if not self.may("toggle_day"):
            self.refuse("update", term)
            return
        changed = toggle_school_day(term, self.cursor)
        day = self.cursor

        def change(tx) -> None:
            saved = tx.update(changed)
            follow_day_status(tx, saved, day)

        if self._save(change):
            kind = CalendarData.load(self.app.store).day_kind(self.cursor)
            self.notify(t(f"calendar.day_now.{kind}", day=self.cursor.isoformat()))

    def action_regenerate(self) -> None:
        from screens.calendar.group_picker import GroupPicker

        term = self._regenerate_term()
        if term is None:
            self.notify(t("calendar.no_term"), severity="warning")
            return
        groups = self._regenerable_groups()
        if not groups:
            return
        self.app.push_screen(GroupPicker(groups, t("calendar.regenerate_title")),
                             lambda group_id: self._regenerate(term, groups, group_id))

    def _regenerate(self, term: Term, groups: list[Group], group_id: int | None) -> None:
        """``group_id`` 0 is every group offered: those this user may regenerate."""
        if group_id is None:
            return
        groups = [g for g in groups if group_id == 0 or g.id == group_id]
        since = max(self.app.today, term.start_date)
        totals = [0, 0]

        def change(tx):
            for group in groups:
                done = regenerate_group_activities(tx, group, term, since)
                totals[0] += done.removed
                totals[1] += done.added

        if self._save(change):
            self.notify(t("calendar.regenerated", removed=totals[0], added=totals[1], since=since.isoformat()))

    def action_filter_group(self) -> None:
        from screens.calendar.group_picker import GroupPicker

        groups = [g for g in self.app.store.all(Group) if g.active and g.kind != "office"]

        def chosen(group_id: int | None) -> None:
            if group_id is not None:
                self.group_filter = group_id
                self.redraw()

        self.app.push_screen(GroupPicker(groups, t("calendar.filter_title")), chosen)

    def action_filter_mine(self) -> None:
        if self.app.user is None:
            self.notify(t("calendar.no_user"), severity="warning")
            return
        self.mine_only = not self.mine_only
        self.redraw()

    def action_swap_speaker(self) -> None:
        table = self.query_one(AgendaTable)
        chosen = table.selected_id()
        store = self.app.store
        activity = store.get(Activity, chosen) if chosen else None
        if activity is None:
            return
        if self.swap_from is None or self.swap_from == activity.id:
            self.swap_from = activity.id
            self.notify(t("calendar.swap_pick_second"))
            return
        first = store.get(Activity, self.swap_from)
        self.swap_from = None
        if first is None or first.group_id != activity.group_id or not activity.group_id:
            self.notify(t("calendar.swap_same_group"), severity="warning")
            return
        if not may(self.app, "update", activity, "speaker_id"):
            self.refuse("update", activity)
            return
        group = store.get(Group, activity.group_id)
        term = term_by_id(store.all(Term), activity.term_id)
        if group is None or term is None:
            return
        if self._save(lambda tx: swap_speakers(tx, first, activity, group, term, self.app.today)):
            self.notify(t("calendar.swapped", first=first.date, second=activity.date))

    def action_ask_leave(self) -> None:
        """Ask the office for leave from the highlighted activity (or withdraw the request)."""
        from screens.calendar.held_question import YesNo

        activity, user = self._selected_activity(), self.app.user
        if activity is None or user is None or not self.app.store.policy().leave_needs_approval:
            return
        state = leave_state(activity, user.id)
        if state in ("approved", "refused"):
            self.notify(t("calendar.leave.decided", answer=t(f"leave.{state}")), severity="warning")
            return
        if not state and not may_ask_leave(activity, user.id, self.app.today):
            self.notify(t("calendar.leave.cannot"), severity="warning")
            return
        what = f"{activity.date} {activity_label(activity, self.data)}" if self.data else activity.date
        question = t("calendar.leave.withdraw" if state else "calendar.leave.ask", what=what)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            if self._save(lambda tx: tx.update(withdraw_leave(activity, user.id) if state
                                               else ask_leave(activity, user.id))):
                self.notify(t("calendar.leave.withdrawn" if state else "calendar.leave.asked"))

        self.app.push_screen(YesNo(question), answered)

    def action_edit_term(self) -> None:
        from screens.calendar.term_form import TermForm

        term = self._cursor_term() or self.app.term
        if not self.may("edit_term"):
            self.refuse("update", term or Term())
            return
        self.app.push_screen(TermForm(term.id if term else 0))

    def action_new_term(self) -> None:
        from screens.calendar.term_form import TermForm

        if not self.may("new_term"):
            self.refuse("insert", Term())
            return
        self.app.push_screen(TermForm(0))

    def action_delete(self) -> None:
        from screens.calendar.activity_delete import delete_activity

        activity = self._selected_activity()
        if activity is None:
            return
        if not may(self.app, "delete", activity):
            self.refuse("delete", activity)
            return
        delete_activity(self, activity, self.data_changed)

    def _save(self, change) -> bool:
        """Run ``change(tx)`` in one transaction; say what went wrong in Chinese."""
        try:
            with self.app.store.transaction() as tx:
                change(tx)
        except ValidationFailed as error:
            self.notify("\n".join(str(p) for p in error.problems), severity="error", markup=False)
            return False
        except ConflictError:
            self.notify(t("calendar.changed_meanwhile"), severity="warning")
            self.data_changed()
            return False
        except JiaoyanError as error:
            self.notify(str(error), severity="error", markup=False)
            return False
        self.data_changed()
        return True
