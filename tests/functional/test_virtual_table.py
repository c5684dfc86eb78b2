"""The long lists' table (screens/widgets/virtual_table.py): rows kept as data, only the
lines on screen drawn, and everything a list does (keys, clicks, Chinese widths, text
never markup) at 80×24. Counts and what is shown, never timings."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import App, ComposeResult

from screens.widgets.table_cursor import cursor_key, restore_cursor
from screens.widgets.virtual_table import VirtualTable
from tests.functional.waiting import wait_for

ROWS = 3000


class Lister(App):
    def __init__(self) -> None:
        super().__init__()
        self.selected: list[str] = []
        self.headers: list[int] = []
        self.highlighted: list[str] = []

    def compose(self) -> ComposeResult:
        yield VirtualTable(id="list", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.add_column("编号", width=6)
        table.add_column("姓名", width=4)  # two Chinese characters
        table.add_column("备注")  # as wide as its widest cell
        table.set_rows((str(n), (f"{n:04d}", "王小明明" if n % 2 else "李", "[bold]x[/bold]" if n == 5 else ("说明", "dim")))
                       for n in range(ROWS))
        table.focus()

    def on_data_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        self.selected.append(event.row_key.value)

    def on_data_table_header_selected(self, event: VirtualTable.HeaderSelected) -> None:
        self.headers.append(event.column_index)

    def on_data_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        self.highlighted.append(event.row_key.value)


def line_text(table: VirtualTable, y: int) -> str:
    return table.render_line(y).text


async def test_only_the_lines_on_screen_are_drawn(monkeypatch):
    drawn = []
    real = VirtualTable._render_row
    monkeypatch.setattr(VirtualTable, "_render_row", lambda self, row, *a: (drawn.append(row), real(self, row, *a))[1])
    app = Lister()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        assert await wait_for(pilot, lambda: table.row_count == ROWS and drawn)
        assert table.virtual_size.height == ROWS + 1  # the scroll bar knows every row
        assert len(set(drawn)) <= 24  # a screenful (header included), not 3,000 rows
        assert line_text(table, 1).startswith(" 0000 ")


async def test_keys_go_row_by_row_a_page_at_a_time_and_to_the_true_ends():
    app = Lister()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        assert await wait_for(pilot, lambda: table.row_count == ROWS)
        await pilot.press("down", "down")
        assert table.cursor_row == 2 and cursor_key(table) == "2"
        await pilot.press("up")
        assert table.cursor_row == 1
        await pilot.press("pagedown")
        page = table.size.height - 1  # the rows below the header
        assert table.cursor_row == 1 + page
        await pilot.press("pageup")
        assert table.cursor_row == 1
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == ROWS - 1 and cursor_key(table) == str(ROWS - 1)
        assert table.scroll_offset.y == table.max_scroll_y
        assert line_text(table, table.size.height - 1).startswith(f" {ROWS - 1:04d} ")  # shown, on the last line
        await pilot.press("down")  # nothing past the end
        assert table.cursor_row == ROWS - 1
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0 and table.scroll_offset.y == 0
        assert app.highlighted[-1] == "0" and str(ROWS - 1) in app.highlighted


async def test_enter_and_clicks_select_a_row_and_a_label_click_names_its_column():
    app = Lister()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        assert await wait_for(pilot, lambda: table.row_count == ROWS)
        await pilot.press("down", "enter")
        assert await wait_for(pilot, lambda: app.selected == ["1"])
        await pilot.click(table, offset=(2, 4))  # the fourth row: the cursor goes there
        assert await wait_for(pilot, lambda: table.cursor_row == 3)
        assert app.selected == ["1"]
        await pilot.click(table, offset=(2, 4))  # again: it opens
        assert await wait_for(pilot, lambda: app.selected == ["1", "3"])
        await pilot.click(table, offset=(10, 0))  # the label of the second column (姓名)
        assert await wait_for(pilot, lambda: app.headers == [1])


async def test_chinese_is_two_cells_wide_and_text_is_never_markup():
    app = Lister()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        assert await wait_for(pilot, lambda: table.row_count == ROWS)
        header = line_text(table, 0)
        assert header.startswith(" 编号    姓名  备注")
        # 王小明明 is 8 cells in a column of 4: cut at the edge; the next column starts in line.
        odd = line_text(table, 2)
        assert odd.startswith(" 0001    王小  说明")
        assert cell_len(odd) == 80
        assert table.get_row_at(5)[2].plain == "[bold]x[/bold]"  # as typed
        assert "[bold]x[/bold]" in line_text(table, 6)
        # The column without a width is as wide as its widest cell: 15 cells of "[bold]x[/bold]".
        assert table.ordered_columns[2].get_render_width(table) == len("[bold]x[/bold]") + 2


async def test_a_refill_keeps_the_cursor_on_its_record():
    app = Lister()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        assert await wait_for(pilot, lambda: table.row_count == ROWS)
        table.move_cursor(row=100)
        kept = cursor_key(table)
        # A row before it goes and the rest change: the cursor follows its key.
        table.set_rows((str(n), (f"{n:04d}", "新", "")) for n in range(1, ROWS))
        restore_cursor(table, key=kept)
        await pilot.pause()
        assert cursor_key(table) == kept and table.cursor_row == 99
        assert table.get_row(kept)[1].plain == "新"
        table.set_rows([])
        assert table.row_count == 0 and cursor_key(table) is None


async def test_a_splice_changes_only_its_rows_and_keeps_the_cursor_on_its_row_number():
    app = Lister()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        assert await wait_for(pilot, lambda: table.row_count == ROWS)
        table.move_cursor(row=10)
        kept = table._cells[11]
        table.splice_rows(3, 1)  # out
        table.splice_rows(0, 0, [("new", ("新", "新的一行", "说明说明说明说明"))])  # in, wider than the column was
        assert table.row_count == ROWS
        assert table.row_keys[:5] == ["new", "0", "1", "2", "4"]
        assert table._cells[11] is kept  # the other rows are the same data, not made again
        assert table.get_row_index("4") == 4 and not table.has_row("3")
        assert table.cursor_row == 10  # as after set_rows: the row number, not the record
        assert table.ordered_columns[2].width == cell_len("说明说明说明说明")
        table.splice_rows(0, 1)  # the widest cell goes: the column narrows again
        assert table.ordered_columns[2].width == cell_len("[bold]x[/bold]")
        await pilot.pause()
        assert line_text(table, 1).startswith(" 0000 ")


class LazyLister(App):
    """The same list, its rows handed over unmade: an item each and how to make its cells."""

    def __init__(self) -> None:
        super().__init__()
        self.made: list[int] = []

    def compose(self) -> ComposeResult:
        yield VirtualTable(id="list", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.add_column("编号", width=6)
        table.add_column("姓名", width=4)
        table.set_lazy_rows([str(n) for n in range(ROWS)], list(range(ROWS)), self.cells)
        table.focus()

    def cells(self, n: int) -> tuple:
        self.made.append(n)
        return (f"{n:04d}", "王小明明" if n % 2 else ("李", "dim"))


async def test_lazy_rows_are_made_when_drawn_or_read_and_once():
    app = LazyLister()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        assert await wait_for(pilot, lambda: table.row_count == ROWS and app.made)
        assert table.virtual_size.height == ROWS + 1
        assert len(set(app.made)) <= 24  # a screenful of rows made, not 3,000
        assert line_text(table, 2).startswith(" 0001    王小 ")
        assert table.get_row_at(2000)[0].plain == "2000"  # read: made then
        made = len(app.made)
        table.get_row_at(2000)
        line_text(table, 2)
        assert len(app.made) == made  # made once, kept
        await pilot.press("end")
        await pilot.pause()
        assert cursor_key(table) == str(ROWS - 1)
        assert line_text(table, table.size.height - 1).startswith(f" {ROWS - 1:04d} ")


async def test_lazy_rows_take_splices_and_cell_updates_like_made_rows():
    app = LazyLister()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        assert await wait_for(pilot, lambda: table.row_count == ROWS)
        table.splice_rows(3, 1)  # out, unmade
        table.splice_rows(0, 0, [("new", ("新", "新的"))])  # in, made
        assert table.row_keys[:5] == ["new", "0", "1", "2", "4"]
        assert [cell.plain for cell in table.get_row("new")] == ["新", "新的"]
        assert table.get_row("4")[0].plain == "0004"  # its own item's cells, after the shifts
        table.update_cell("5", table.ordered_columns[1].key, "改")
        assert [cell.plain for cell in table.get_row("5")] == ["0005", "改"]
        table.remove_row("new")
        assert table.get_row_at(0)[0].plain == "0000"
        table.add_row("末", "尾", key="last")
        assert table.get_row("last")[0].plain == "末" and table.get_row_at(ROWS - 2)[0].plain == f"{ROWS - 1:04d}"
        # A column as wide as its widest cell needs every cell: all are made then.
        table.add_column("备注")
        assert set(app.made) >= set(range(ROWS)) - {3}  # every item still shown
        table.set_rows([("a", ("1", "2", "3"))])  # made rows again: nothing lazy is left
        assert table.get_row_at(0)[2].plain == "3" and table.row_count == 1
