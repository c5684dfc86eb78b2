"""The month grid: week numbers down the left, seven days across, each day with its
closed / make-up mark and its activities in short form."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.widgets import Static

from models.i18n import t
from models.terms import week_of
from screens.calendar.common import CalendarData, activity_chip, clip

WEEK_COLUMN = 5  # "10周 "
DAY_COLUMN = 10  # ten cells: 80 = 5 + 7 × 10 + a little room
CHIP_LINES = 2


def month_days(year: int, month: int) -> list[list[dt.date]]:
    """The Monday-first weeks that show the month."""
    first = dt.date(year, month, 1)
    day = first - dt.timedelta(days=first.weekday())
    weeks = []
    while True:
        weeks.append([day + dt.timedelta(days=n) for n in range(7)])
        day += dt.timedelta(days=7)
        if day.month != month:
            break
    return weeks


def day_chips(activities, data: CalendarData, width: int, lines: int) -> list[Text]:
    """Pack the day's activities into ``lines`` lines of ``width`` cells; what does not
    fit becomes ``+N`` at the end."""
    chips = [activity_chip(a, data, 5) for a in activities]
    rows: list[Text] = [Text() for _ in range(lines)]
    row = 0
    for index, chip in enumerate(chips):
        need = chip.cell_len + (1 if rows[row].cell_len else 0)
        if rows[row].cell_len + need > width:
            row += 1
        if row >= lines:
            row = lines - 1
            rest = len(chips) - index
            tail = Text(f"+{rest}", style="bold")
            while rows[row].cell_len + 1 + tail.cell_len > width and rows[row].cell_len:
                rows[row] = rows[row][: max(0, len(rows[row]) - 1)]
            if rows[row].cell_len:
                rows[row].append(" ")
            rows[row].append_text(tail)
            break
        if rows[row].cell_len:
            rows[row].append(" ")
        rows[row].append_text(chip)
    return rows


class MonthGrid(Static):
    """Drawn from a :class:`CalendarData`; the screen moves the cursor and redraws."""

    DEFAULT_CSS = "MonthGrid { width: 100%; height: auto; }"

    def show(self, data: CalendarData, cursor: dt.date, today: dt.date) -> None:
        self.update(render_month(data, cursor, today))


def render_month(data: CalendarData, cursor: dt.date, today: dt.date) -> Text:
    text = Text()
    head = Text(" " * WEEK_COLUMN)
    for n in range(7):
        head.append_text(clip(Text(" " + t(f"weekday.{n}"), style="bold"), DAY_COLUMN))
    text.append_text(head)
    for week in month_days(cursor.year, cursor.month):
        term = next((data.term_for(d) for d in week if data.term_for(d)), None)
        label = t("calendar.week_short", week=week_of(term, week[0])) if term else ""
        lines = [clip(Text(label, style="bold cyan"), WEEK_COLUMN)] + [Text(" " * WEEK_COLUMN)] * CHIP_LINES
        lines = [line.copy() for line in lines]
        for day in week:
            cell = _day_cell(data, day, cursor, today)
            for index, part in enumerate(cell):
                lines[index].append_text(part)
        for line in lines:
            text.append("\n")
            text.append_text(line)
    return text


def _day_cell(data: CalendarData, day: dt.date, cursor: dt.date, today: dt.date) -> list[Text]:
    in_month = day.month == cursor.month
    kind = data.day_kind(day)
    number = Text(f"{day.day:>3}", style="bold reverse" if day == today else ("" if in_month else "dim"))
    top = Text(" ")
    top.append_text(number)
    if kind == "closed":
        top.append(" " + t("calendar.mark.closed"), style="red")
    elif kind == "makeup":
        top.append(" " + t("calendar.mark.makeup"), style="yellow")
    if day == today:
        top.append(" " + t("calendar.mark.today"), style="bold")
    chips = day_chips(data.by_day.get(day.isoformat(), []), data, DAY_COLUMN - 2, CHIP_LINES)
    cell = [clip(top, DAY_COLUMN)] + [clip(Text(" ") + chip, DAY_COLUMN) for chip in chips]
    if day == cursor:
        for part in cell:
            part.stylize("on #2d4f7c")
    elif not in_month:
        for part in cell:
            part.stylize("dim")
    return cell
