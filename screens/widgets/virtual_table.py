"""A list that draws only the rows on screen, for lists that can be long (issue 13).

Textual's DataTable makes a row object for every row and measures every cell when rows
are added: the 4,500 observations of a large school cost seconds, with the UI frozen,
before the 听课 log first shows, and most of a second again after each save. A
VirtualTable keeps its rows as plain data (a key and the cells of each, in order) and
renders, on Textual's Line API, only the lines on screen; a refill is a list assignment
whatever the number of rows, and ``end`` is the true last row at once.

Columns have a fixed width in cells: given to :meth:`VirtualTable.add_column`, or, when
not given, the widest cell of the column (``rich.cells.cell_len``: a Chinese character
is two cells), found in one pass over the data when the rows are set. A cell is plain
text (``str``: shown as a Text, never read as markup, since names and topics are data),
``(text, style)``, or a ready ``Text``; wider text is cut at the column's edge, as in
DataTable.

A long list whose columns all have a given width can hand over its rows unmade
(:meth:`VirtualTable.set_lazy_rows`: a key and an item each, and how to make an item's
cells): a row's cells are made when it is first drawn or read, so showing 4,500 records
makes a screenful of rows, not 4,500.

It answers the part of DataTable's interface the lists use (``row_count``,
``cursor_row``, ``move_cursor``, ``get_row_at``, ``get_row_index``, ``rows``, ...), looks
like it (the same ``datatable--*`` component classes), and posts DataTable's own messages
(``RowHighlighted``, ``RowSelected``, ``HeaderSelected``), so the screens' handlers
(``on_data_table_row_selected`` ...) answer it unchanged. Only a row cursor is offered.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import CellKey, Column, ColumnKey, Row, RowKey

CELL_PADDING = 1  # blank cells either side of each cell, as DataTable's default
_CACHE_LIMIT = 400  # rendered lines kept (a screen or two of them, at every width)


def as_text(cell: Any) -> Text:
    """A cell as the Text it shows: ``str`` literally (never markup), ``(text, style)``,
    or a Text as it is."""
    if isinstance(cell, Text):
        return cell
    if isinstance(cell, tuple):
        text, style = cell
        return Text(text, style=style, end="")
    return Text("" if cell is None else str(cell), end="")


def _plain(cell: Any) -> str:
    if isinstance(cell, Text):
        return cell.plain
    if isinstance(cell, tuple):
        return cell[0]
    return "" if cell is None else str(cell)


class VirtualTable(ScrollView, can_focus=True):
    """A table of rows kept as data, of which only the lines on screen are rendered."""

    class RowHighlighted(DataTable.RowHighlighted, namespace="data_table"):
        """The cursor came to a row (handled as ``on_data_table_row_highlighted``)."""

    class RowSelected(DataTable.RowSelected, namespace="data_table"):
        """Enter, or a click on the row under the cursor (``on_data_table_row_selected``)."""

    class HeaderSelected(DataTable.HeaderSelected, namespace="data_table"):
        """A click on a column's label (``on_data_table_header_selected``)."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        # home and end go to the first and the last row, as ListTable's (issue 19).
        Binding("home,ctrl+home", "scroll_top", "Top", show=False),
        Binding("end,ctrl+end", "scroll_bottom", "Bottom", show=False),
    ]

    COMPONENT_CLASSES = {
        "datatable--cursor", "datatable--header", "datatable--even-row", "datatable--odd-row",
    }

    # DataTable's own look, so a list reads the same whichever widget shows it.
    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .datatable--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .datatable--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark {
            & > .datatable--even-row {
                background: $surface-darken-1 40%;
            }
        }
        & > .datatable--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .datatable--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .datatable--odd-row {
        }
        & > .datatable--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .datatable--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    def __init__(self, *, cursor_type: str = "row", zebra_stripes: bool = False, show_header: bool = True,
                 show_cursor: bool = True, name: str | None = None, id: str | None = None,
                 classes: str | None = None, disabled: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        if cursor_type != "row":
            raise ValueError("VirtualTable offers a row cursor only")
        self.cursor_type = cursor_type
        self.zebra_stripes = zebra_stripes
        self.show_header = show_header
        self.show_cursor = show_cursor
        self.cell_padding = CELL_PADDING
        self._columns: list[Column] = []
        self._auto: list[bool] = []  # a column whose width is found from the data
        self._keys: list[str] = []
        self._cells: list[Sequence[Any] | None] = []  # None: a lazy row's cells, not made yet
        self._items: list[Any] | None = None  # each lazy row's item (None: every row given made)
        self._cells_of: Callable[[Any], Sequence[Any]] | None = None
        self._index: dict[str, int] | None = None  # key → row number, made when first asked
        self._cursor = 0
        self._highlighted: tuple[int, str] | None = None  # the row last posted as highlighted
        self._lines: dict[tuple, Strip] = {}

    # -- columns and rows -------------------------------------------------------------

    def add_column(self, label: str | Text, *, width: int | None = None, key: str | None = None,
                   default: Any = None) -> ColumnKey:
        """A column ``width`` cells wide (without the padding); without ``width``, as wide as
        its widest cell and its label. ``label`` is shown literally."""
        label_text = label if isinstance(label, Text) else Text(str(label), end="")
        column_key = ColumnKey(key if key is not None else f"column-{len(self._columns)}")
        auto = width is None
        content = cell_len(label_text.plain) if auto else width
        self._columns.append(Column(column_key, label_text, width=content, content_width=content))
        self._auto.append(auto)
        if auto and self._cells:
            self._measure()
        self._changed()
        return column_key

    def add_columns(self, *labels: str | Text) -> list[ColumnKey]:
        return [self.add_column(label) for label in labels]

    def set_rows(self, rows: Iterable[tuple[str, Sequence[Any]]]) -> None:
        """Show ``rows`` (row key, cells), in this order, in place of what was shown. The
        cursor stays on its row number (see screens/widgets/table_cursor.restore_cursor to
        keep it on a record)."""
        keys: list[str] = []
        cells: list[Sequence[Any] | None] = []
        for key, row in rows:
            keys.append(str(key))
            cells.append(row)
        self._keys, self._cells, self._index = keys, cells, None
        self._items = self._cells_of = None
        self._measure()
        self._changed()

    def set_lazy_rows(self, keys: Iterable[str], items: Sequence[Any],
                      cells_of: Callable[[Any], Sequence[Any]]) -> None:
        """Show one row per item of ``items``, in this order, keyed by ``keys``, in place of
        what was shown, as :meth:`set_rows` would with ``(key, cells_of(item))``; but an
        item's cells are made only when its row is first drawn or read (a long list shows
        at once). ``cells_of`` must give the same cells whenever it is asked. A column without
        a given width needs every cell to find its width: all are then made at once."""
        self._keys = [str(key) for key in keys]
        if len(self._keys) != len(items):
            raise ValueError("one key per item")
        self._items, self._cells_of = list(items), cells_of
        self._cells, self._index = [None] * len(self._keys), None
        self._measure()
        self._changed()

    def _row_cells(self, row: int) -> Sequence[Any]:
        """The cells of row number ``row``, made now if it is a lazy row not yet made."""
        cells = self._cells[row]
        if cells is None:
            cells = self._cells[row] = self._cells_of(self._items[row])
        return cells

    def splice_rows(self, index: int, remove: int, rows: Sequence[tuple[str, Sequence[Any]]] = ()) -> None:
        """Put ``rows`` (row key, cells) in place of the ``remove`` rows from row number
        ``index``, the other rows left as they are: a save changes its own row, not every
        row of the table. The cursor stays on its row number, as after :meth:`set_rows`."""
        self._keys[index:index + remove] = [str(key) for key, _cells in rows]
        self._cells[index:index + remove] = [cells for _key, cells in rows]
        if self._items is not None:  # the rows given are made: no item to make them from
            self._items[index:index + remove] = [None] * len(rows)
        self._index = None
        if remove and any(self._auto):
            self._measure()  # the row taken out may have been the widest
        elif rows:
            self._measure(rows=[cells for _key, cells in rows])
        self._changed()

    def add_row(self, *cells: Any, key: str | None = None, height: int = 1, label: Any = None) -> RowKey:
        """One row more at the end (for short lists filled row by row)."""
        row_key = str(key) if key is not None else f"row-{len(self._keys)}"
        self._keys.append(row_key)
        self._cells.append(cells)
        if self._items is not None:
            self._items.append(None)
        if self._index is not None:
            self._index[row_key] = len(self._keys) - 1
        self._measure(rows=[cells])
        self._changed()
        return RowKey(row_key)

    def clear(self, columns: bool = False) -> VirtualTable:
        """No rows (and no columns, if ``columns``); the cursor goes back to the first row."""
        self._keys, self._cells, self._index = [], [], None
        self._items = self._cells_of = None
        self._cursor = 0
        if columns:
            self._columns, self._auto = [], []
        else:
            self._measure()
        self._changed()
        return self

    def update_cell(self, row_key: str | RowKey, column_key: str | ColumnKey, value: Any, *,
                    update_width: bool = False) -> None:
        row = self.get_row_index(row_key)
        column = self._column_index(column_key)
        cells = list(self._row_cells(row))
        cells[column] = value
        self._cells[row] = tuple(cells)
        if update_width:
            self._measure(rows=[cells])
        self._changed()

    def remove_row(self, row_key: str | RowKey) -> None:
        row = self.get_row_index(row_key)
        del self._keys[row], self._cells[row]
        if self._items is not None:
            del self._items[row]
        self._index = None
        self._changed()

    def _measure(self, rows: Iterable[Sequence[Any]] | None = None) -> None:
        """Widen the columns without a given width to their widest cell (one pass)."""
        autos = [n for n, auto in enumerate(self._auto) if auto]
        if not autos:
            return
        if rows is None:  # all of them, from the labels up (a lazy row made now)
            rows = [self._row_cells(n) for n in range(len(self._cells))]
            for n in autos:
                column = self._columns[n]
                column.width = column.content_width = cell_len(column.label.plain)
        for n in autos:
            column = self._columns[n]
            widest = max((cell_len(_plain(cells[n])) for cells in rows if n < len(cells)), default=0)
            if widest > column.width:
                column.width = column.content_width = widest

    def _changed(self) -> None:
        self._lines.clear()
        if self._keys:
            self._cursor = min(max(self._cursor, 0), len(self._keys) - 1)
        else:
            self._cursor = 0
        width = sum(column.get_render_width(self) for column in self._columns)
        self.virtual_size = Size(width, len(self._keys) + (1 if self.show_header else 0))
        self.refresh(layout=True)
        self._post_highlighted()

    # -- DataTable's reading side -----------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def ordered_columns(self) -> list[Column]:
        return list(self._columns)

    @property
    def columns(self) -> dict[ColumnKey, Column]:
        return {column.key: column for column in self._columns}

    @property
    def rows(self) -> dict[RowKey, Row]:
        """Every row by key (made on demand: for tests and short lists)."""
        return {RowKey(key): Row(RowKey(key), 1) for key in self._keys}

    @property
    def ordered_rows(self) -> list[Row]:
        return [Row(RowKey(key), 1) for key in self._keys]

    @property
    def row_keys(self) -> list[str]:
        """The rows' keys, in the order shown."""
        return list(self._keys)

    def has_row(self, key: str | RowKey) -> bool:
        return self._row_key(key) in self._row_index()

    def get_row_index(self, row_key: str | RowKey) -> int:
        key = self._row_key(row_key)
        try:
            return self._row_index()[key]
        except KeyError:
            raise KeyError(f"no row with key {key!r}") from None

    def get_row_at(self, row_index: int) -> list[Any]:
        if not self.is_valid_row_index(row_index):
            raise IndexError(f"no row {row_index}")
        return [as_text(cell) for cell in self._row_cells(row_index)]

    def get_row(self, row_key: str | RowKey) -> list[Any]:
        return self.get_row_at(self.get_row_index(row_key))

    def get_cell_at(self, coordinate: tuple[int, int]) -> Any:
        row, column = coordinate
        return self.get_row_at(row)[column]

    def is_valid_row_index(self, row_index: int) -> bool:
        return 0 <= row_index < len(self._keys)

    def coordinate_to_cell_key(self, coordinate: tuple[int, int]) -> CellKey:
        row, column = coordinate
        if not self.is_valid_row_index(row) or not 0 <= column < len(self._columns):
            raise IndexError(f"no cell at {coordinate}")
        return CellKey(RowKey(self._keys[row]), self._columns[column].key)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def cursor_column(self) -> int:
        return 0

    @property
    def cursor_coordinate(self) -> Coordinate:
        return Coordinate(self._cursor, 0)

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor; None when there are no rows."""
        return self._keys[self._cursor] if self._keys else None

    def _row_key(self, key: str | RowKey) -> str:
        return key.value if isinstance(key, RowKey) else str(key)

    def _row_index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {key: n for n, key in enumerate(self._keys)}
        return self._index

    def _column_index(self, column_key: str | ColumnKey) -> int:
        value = column_key.value if isinstance(column_key, ColumnKey) else column_key
        for n, column in enumerate(self._columns):
            if column.key.value == value:
                return n
        raise KeyError(f"no column with key {value!r}")

    # -- the cursor -----------------------------------------------------------------------

    def move_cursor(self, *, row: int | None = None, column: int | None = None, animate: bool = False,
                    scroll: bool = True) -> None:
        """Put the cursor on row number ``row`` (kept within the rows), scrolling it into
        view unless ``scroll`` is False. ``column`` and ``animate`` are DataTable's, unused."""
        if row is None or not self._keys:
            return
        row = min(max(row, 0), len(self._keys) - 1)
        before = self._cursor
        self._cursor = row
        if row != before:
            self._refresh_row(before)
            self._refresh_row(row)
        if scroll:
            self._scroll_to_cursor()
        self._post_highlighted()

    def _refresh_row(self, row: int) -> None:
        self.refresh_line(row + (1 if self.show_header else 0))

    def _page_height(self) -> int:
        return max(self.scrollable_content_region.height - (1 if self.show_header else 0), 0)

    def _scroll_to_cursor(self) -> None:
        visible = self._page_height()
        if not visible:  # not laid out yet: once it is
            self.call_after_refresh(self._scroll_when_sized)
            return
        top = round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + visible:
            self.scroll_to(y=self._cursor - visible + 1, animate=False, immediate=True)

    def _scroll_when_sized(self) -> None:
        if self._page_height():
            self._scroll_to_cursor()

    def on_resize(self, _event: events.Resize) -> None:
        self._lines.clear()
        if self._keys:
            self._scroll_when_sized()

    def _post_highlighted(self) -> None:
        now = (self._cursor, self._keys[self._cursor]) if self._keys else None
        if now != self._highlighted:
            self._highlighted = now
            if now is not None:
                self.post_message(self.RowHighlighted(self, now[0], RowKey(now[1])))

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor + 1)

    def action_page_down(self) -> None:
        # As DataTable: the view moves a page, and the cursor a page's rows.
        height = self._page_height()
        self.scroll_relative(y=height, animate=False, force=True, immediate=True)
        self.move_cursor(row=self._cursor + height)

    def action_page_up(self) -> None:
        height = self._page_height()
        self.scroll_relative(y=-height, animate=False, force=True, immediate=True)
        self.move_cursor(row=self._cursor - height)

    def action_scroll_top(self) -> None:
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        self.move_cursor(row=len(self._keys) - 1)

    def action_select_cursor(self) -> None:
        if self._keys and self.show_cursor:
            self.post_message(self.RowSelected(self, self._cursor, RowKey(self._keys[self._cursor])))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        x = offset.x + round(self.scroll_x)
        if self.show_header and offset.y == 0:
            edge = 0
            for n, column in enumerate(self._columns):
                edge += column.get_render_width(self)
                if x < edge:
                    self.post_message(self.HeaderSelected(self, column.key, n, label=column.label))
                    break
            return
        row = offset.y - (1 if self.show_header else 0) + round(self.scroll_y)
        if not self.is_valid_row_index(row):
            return
        event.stop()
        if row == self._cursor:  # a click on the highlighted row opens it, as in DataTable
            self.action_select_cursor()
        else:
            self.move_cursor(row=row)

    # -- drawing --------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = round(self.scroll_x), round(self.scroll_y)
        if self.show_header:
            if y == 0:
                return self._line(-1, scroll_x, width)
            y -= 1
        row = y + scroll_y
        if not self.is_valid_row_index(row):
            return Strip.blank(width, self.rich_style)
        return self._line(row, scroll_x, width)

    def _line(self, row: int, x: int, width: int) -> Strip:
        cursor = row >= 0 and row == self._cursor and self.show_cursor
        cache_key = (row, x, width, cursor, self.has_focus)
        line = self._lines.get(cache_key)
        if line is None:
            if len(self._lines) > _CACHE_LIMIT:
                self._lines.clear()
            line = self._lines[cache_key] = self._render_row(row, x, width, cursor)
        return line

    def _render_row(self, row: int, x: int, width: int, cursor: bool) -> Strip:
        if row < 0:
            cells: Sequence[Any] = [column.label for column in self._columns]
            row_style = self.get_component_styles("datatable--header").rich_style
        else:
            cells = self._row_cells(row)
            if self.zebra_stripes:
                row_style = self.get_component_styles(
                    "datatable--odd-row" if row % 2 else "datatable--even-row").rich_style
            else:
                row_style = self.rich_style
        cursor_style = self.get_component_rich_style("datatable--cursor") if cursor else Style()
        # The cursor's colour is drawn over a cell's own (a dimmed "·" reads on the cursor),
        # its background under it: DataTable's default priorities.
        post_style = Style.from_color(color=cursor_style.color) if cursor else None
        pad = " " * self.cell_padding
        line = Text(end="", no_wrap=True)
        for column, cell in zip(self._columns, cells):
            text = as_text(cell)
            plain = text.plain
            if "\n" in plain or "\t" in plain:
                text = text.copy()
                text.plain = plain.replace("\n", " ").replace("\t", " ")
            size = cell_len(text.plain)
            if size > column.width:
                text = text.copy()
                text.truncate(column.width)  # cut at the edge (a wide character half-over becomes a space)
                size = cell_len(text.plain)
            line.append(pad)
            line.append_text(text)
            line.append(" " * (column.width - size) + pad)
        table_width = self.virtual_size.width
        if x + width > table_width:  # the row's colours go on to the widget's edge
            line.append(" " * (x + width - table_width))
        segments = Segment.apply_style(line.render(self.app.console), row_style + cursor_style, post_style)
        return Strip(segments).crop(x, x + width).adjust_cell_length(width, self.rich_style).simplify()
