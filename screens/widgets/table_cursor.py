"""The lists' table, the cursor of a DataTable across a refill, and the row it is on.

Long lists use screens/widgets/virtual_table.VirtualTable instead (rows kept as data,
only the lines on screen drawn); the helpers here take either.

Every list refills its table from the store when the data changes; the cursor should
stay on the same record (by row key) or, when that is gone, near where it was (by row
number). Rows are keyed by the record's id as a string.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.widgets import DataTable

from screens.widgets.virtual_table import VirtualTable


class ListTable(DataTable):
    """The table every list uses. ``home`` and ``end`` go to the first and the last row, as
    in a spreadsheet or a file list; Textual's go to the first and last column, which
    scrolls the names out of an 80-column screen (issue 19). Column keys stay on ←→."""

    BINDINGS = [
        Binding("home", "scroll_top", "Top", show=False),
        Binding("end", "scroll_bottom", "Bottom", show=False),
    ]


def cursor_key(table: DataTable | VirtualTable) -> str | None:
    """The key of the row under the cursor; None when the table is empty."""
    if isinstance(table, VirtualTable):
        return table.cursor_key
    if not table.row_count or not table.is_valid_row_index(table.cursor_row):
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def cursor_id(table: DataTable | VirtualTable) -> int | None:
    """The id of the record under the cursor (rows keyed by id); None when the table is
    empty or the cursor is on no row."""
    key = cursor_key(table)
    return int(key) if key else None


def restore_cursor(table: DataTable | VirtualTable, *, key: str | None = None, row: int | None = None, **move: Any) -> None:
    """Put the cursor back after a refill: on the row keyed ``key`` if it is still there,
    else (when ``row`` is given) on row number ``row``, or the last row if fewer are left.
    ``move`` goes to DataTable.move_cursor (e.g. ``animate=False``)."""
    if isinstance(table, VirtualTable):  # its rows are data: no set of every key to build
        if key is not None and table.has_row(key):
            table.move_cursor(row=table.get_row_index(key), **move)
        elif row is not None and table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1), **move)
        return
    if key is not None and key in {k.value for k in table.rows}:
        table.move_cursor(row=table.get_row_index(key), **move)
    elif row is not None and table.row_count:
        table.move_cursor(row=min(max(row, 0), table.row_count - 1), **move)
