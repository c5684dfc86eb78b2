"""The agenda: every activity from a day on, one row each, filterable by group and by
"mine" (where the user is host, speaker or attendee)."""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from models.activities import attendees_of
from models.dates import format_period, short_period
from models.i18n import t
from screens.calendar.common import CalendarData, activity_style
from screens.widgets.cells import fit
from screens.widgets.keys import translate_bindings
from screens.widgets.table_cursor import ListTable, cursor_id


PLACE_CELLS = 10  # 四年级办…
TOPIC_MIN_CELLS = 10


def activity_label(activity, data: CalendarData) -> str:
    group = data.groups.get(activity.group_id)
    if group is not None:
        return group.name
    return activity.event or t("calendar.school_wide")


def activity_line(activity, data: CalendarData, *, with_date: bool = True) -> Text:
    """One activity in a line: when, who, what, where, speaker, status."""
    line = Text()
    if with_date:
        day = dt.date.fromisoformat(activity.date)
        line.append(f"{day.month:02}-{day.day:02} {t(f'weekday.{day.weekday()}')} ")
    line.append(format_period(activity.period, data.policy) + " ", style="cyan")
    line.append(activity_label(activity, data), style="bold")
    if activity.topic:
        line.append(" " + activity.topic)
    if activity.place:
        line.append(" @" + activity.place, style="dim")
    if activity.speaker_id:
        line.append(" " + t("calendar.speaker_short", name=data.teacher_name(activity.speaker_id)))
    line.append(" [" + t(f"status.{activity.status}") + "]", style=activity_style(activity, data.conflicts))
    if activity.id in data.conflicts:
        line.append(" " + t("calendar.conflict_mark"), style="bold red")
    return line


def agenda_activities(data: CalendarData, since: dt.date, *, group_id: int = 0, mine: int = 0) -> list:
    chosen = []
    data.read_archived_since(since)
    for activity in data.activities:
        if activity.date < since.isoformat():
            continue
        if group_id and activity.group_id != group_id:
            continue
        if mine and mine not in attendees_of(activity):
            continue
        chosen.append(activity)
    return chosen


class AgendaTable(ListTable):
    """Rows keyed by activity id."""

    # DataTable's own enter is hidden, and as the focused widget's key it hides the
    # screen's "enter opens" from the footer; show it here instead.
    BINDINGS = [Binding("enter", "select_cursor", "key.open", id="agenda.open")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    def show(self, activities: list, data: CalendarData, *, me: int = 0) -> None:
        """``me``: the user's id when only their activities show; their turns as speaker get a ★."""
        keep = self.cursor_row
        self.clear(columns=True)
        # Status (with the conflict flag) before the long topic, so 80 columns show it; the
        # topic is cut (with …) to what is left once the place has its room.
        headers = [t(key) for key in ("calendar.column.date", "calendar.column.period", "calendar.column.group",
                                      "calendar.column.status", "calendar.column.speaker", "calendar.column.topic",
                                      "calendar.column.place")]
        rows = []
        for activity in activities:
            day = dt.date.fromisoformat(activity.date)
            status = Text(t(f"status.{activity.status}"), style=activity_style(activity, data.conflicts))
            if activity.id in data.conflicts:
                status.append(" " + t("calendar.conflict_mark"), style="bold red")
            # Text, never str: DataTable reads plain strings as markup.
            rows.append([
                Text(f"{day.month:02}-{day.day:02} {t(f'weekday.{day.weekday()}')}"),
                Text(short_period(activity.period, data.policy)),
                Text(activity_label(activity, data)),
                status,
                _speaker_cell(data.teacher_name(activity.speaker_id), mine=bool(me) and activity.speaker_id == me),
                activity.topic,
                Text(fit(activity.place, PLACE_CELLS)),
            ])
        widths = [max([cell_len(h)] + [cell_len(str(r[i])) for r in rows]) for i, h in enumerate(headers)]
        room = (self.size.width or self.app.size.width) - 2  # the vertical scrollbar
        topic_cells = max(TOPIC_MIN_CELLS, room - sum(widths) + widths[5] - 2 * self.cell_padding * len(headers))
        for header in headers:
            self.add_column(header)
        for activity, row in zip(activities, rows):
            row[5] = Text(fit(row[5], topic_cells))
            self.add_row(*row, key=str(activity.id))
        if activities:
            self.move_cursor(row=min(keep, len(activities) - 1))

    def selected_id(self) -> int | None:
        return cursor_id(self)


def _speaker_cell(name: str, *, mine: bool) -> Text:
    if not mine:
        return _cut(name, 8)
    cell = _cut("★" + name, 8)
    cell.stylize("bold yellow")
    return cell


def _cut(value: str, cells: int) -> Text:
    """A name cut to ``cells`` terminal cells with …, so one long name cannot push the topic off an 80-column screen."""
    return Text(fit(value, cells))
