"""Refill a DataTable with only what changed.

A list of 4,500 observations rebuilt row by row after every save (this session's or
another's) costs most of a second on a small server; :func:`fill_rows` compares the rows
with what the table shows and removes, adds, changes and reorders only what differs.

A cell is given as plain text (``str``: shown as a Text, never as markup), as
``(text, style)``, or as a ready ``Text``. Plain cells are compared as strings, and their
Text is made only for a row that is new or changed.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

_SHOWN = "_jiaoyan_shown_rows"
_FIRST = "_jiaoyan_first_cells"


def _cell(spec: Any) -> Any:
    if isinstance(spec, str):
        return Text(spec)
    if isinstance(spec, tuple):
        text, style = spec
        return Text(text, style=style)
    return spec


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Text) and isinstance(b, Text):
        # Text's own == ignores the style of the whole text (a dimmed "·" equals a plain one).
        return a.plain == b.plain and str(a.style) == str(b.style) and a.spans == b.spans \
            and a.justify == b.justify
    return type(a) is type(b) and a == b


def _same_row(a: tuple, b: tuple) -> bool:
    if a != b:
        return False
    return all(_same(x, y) for x, y in zip(a, b) if isinstance(x, Text))


def fill_rows(table: DataTable, rows: list[tuple[str, tuple[Any, ...]]]) -> int:
    """Make ``table`` show ``rows`` (row key, cells) in this order; returns how many rows were
    added, changed or removed (all of them when the table is filled from nothing)."""
    shown: dict[str, tuple[Any, ...]] | None = getattr(table, _SHOWN, None)
    first = next(iter(shown), None) if shown else None
    if shown is None or len(shown) != table.row_count or (first is not None and first not in table.rows):
        table.clear()
        firsts = {}
        for key, cells in rows:
            made = [_cell(c) for c in cells]
            table.add_row(*made, key=key)
            firsts[key] = made[0] if made else None
        setattr(table, _SHOWN, dict(rows))
        setattr(table, _FIRST, firsts)
        return len(rows)
    firsts: dict[str, Any] = getattr(table, _FIRST)
    wanted = dict(rows)
    touched = 0
    for key in [k for k in shown if k not in wanted]:
        table.remove_row(key)
        del shown[key]
        firsts.pop(key, None)
        touched += 1
    columns = [column.key for column in table.ordered_columns]
    for key, cells in rows:
        before = shown.get(key)
        if before is None:
            made = [_cell(c) for c in cells]
            table.add_row(*made, key=key)
            shown[key] = cells
            firsts[key] = made[0] if made else None
            touched += 1
            continue
        if _same_row(before, cells):
            continue
        for index, (column, old, new) in enumerate(zip(columns, before, cells)):
            if not _same(old, new):
                made = _cell(new)
                table.update_cell(key, column, made)
                if index == 0:
                    firsts[key] = made
        shown[key] = cells
        touched += 1
    order = [key for key, _ in rows]
    if [row.key.value for row in table.ordered_rows] != order:
        # The sort key sees a row's cells, not its key: the first cell's object tells them apart.
        position = {id(firsts[key]): n for n, key in enumerate(order)}
        if len(position) == len(order):
            table.sort(key=lambda cells: position[id(cells[0])])
        else:  # rows that share a first cell cannot be told apart: fill from nothing
            delattr(table, _SHOWN)
            return fill_rows(table, rows)
    return touched
