"""The week: seven days across, the periods of the school day down; each activity in
its cell, abbreviated so that 80 columns hold the whole week."""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from models.i18n import t
from models.terms import week_of
from screens.calendar.common import CalendarData, clip
from screens.calendar.month import day_chips

PERIOD_COLUMN = 5
DAY_COLUMN = 10
LINES_PER_PERIOD = 1


def period_short(period: int, data: CalendarData) -> str:
    """``下2`` for 下午第2节: the full label would take a third of the line."""
    periods = data.policy.periods
    half = periods[period - 1].get("half", "")
    number = sum(1 for p in periods[:period] if p.get("half", "") == half)
    return f"{t('half.' + half)[:1] if half else ''}{number}"


class WeekGrid(Static):
    DEFAULT_CSS = "WeekGrid { width: 100%; height: auto; }"

    def show(self, data: CalendarData, cursor: dt.date, today: dt.date) -> None:
        self.update(render_week(data, cursor, today))


def render_week(data: CalendarData, cursor: dt.date, today: dt.date) -> Text:
    monday = cursor - dt.timedelta(days=cursor.weekday())
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    term = data.term_for(cursor) or next((data.term_for(d) for d in days if data.term_for(d)), None)
    text = Text()
    title = Text(f"{days[0].isoformat()} – {days[-1].isoformat()}", style="bold")
    if term:
        title.append("  " + t("week.number", week=week_of(term, monday)), style="bold cyan")
    text.append_text(title)
    head = Text(" " * PERIOD_COLUMN)
    for day in days:
        kind = data.day_kind(day)
        weekday = t(f"weekday.{day.weekday()}")
        mark = {"closed": t("calendar.mark.closed"), "makeup": t("calendar.mark.makeup")}.get(kind, "")
        date = f"{day.month}/{day.day}"
        if cell_len(weekday + date + mark) > DAY_COLUMN:  # "Sun9/28work": the day alone, so the mark shows
            date = f"{day.day} "
        label = Text(weekday + date, style="bold reverse" if day == today else "bold")
        if mark:
            label.append(mark, style="red" if kind == "closed" else "yellow")
        cell = clip(label, DAY_COLUMN)
        if day == cursor:
            cell.stylize("on #2d4f7c")
        head.append_text(cell)
    text.append("\n")
    text.append_text(head)
    for period in range(1, len(data.policy.periods) + 1):
        line = clip(Text(period_short(period, data), style="bold cyan"), PERIOD_COLUMN)
        for day in days:
            here = [a for a in data.by_day.get(day.isoformat(), []) if a.period == period]
            chips = day_chips(here, data, DAY_COLUMN - 1, LINES_PER_PERIOD) if here else [Text("·", style="dim")]
            cell = clip(chips[0], DAY_COLUMN)
            if day == cursor:
                cell.stylize("on #2d4f7c")
            elif data.day_kind(day) in ("closed", "weekend", "outside"):
                cell.stylize("dim")
            line.append_text(cell)
        text.append("\n")
        text.append_text(line)
    # Under the grid: the selected day's activities, in full, so nothing is lost to abbreviation.
    text.append("\n")
    for activity in data.by_day.get(cursor.isoformat(), []):
        from screens.calendar.agenda import activity_line

        text.append("\n")
        text.append_text(activity_line(activity, data, with_date=False))
    return text
