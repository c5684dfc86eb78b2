"""名册: every teacher of the school, filtered as you type (张, zhangsan, zs, 语文, 4年级 …).

``n`` adds, ``e`` edits, ``d`` deactivates or reactivates (never deletes: a teacher's
records stay), ``enter`` opens the teacher's page, ``g`` the group tree, ``i`` imports,
``x`` exports. Only the keys the user may use are shown (and work): the roster is the
admin's; a teacher edits their own profile.
"""

from __future__ import annotations


from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.widgets import Input, Static

from models.i18n import t
from models.people import search_teachers
from models.records import Group, Teacher
from models.rosters import group_names_by_teacher
from models.errors import JiaoyanError
from screens.base import AreaScreen
from screens.widgets.table_cursor import cursor_id, restore_cursor
from screens.widgets.virtual_table import VirtualTable


# (column, width in cells); None takes what is left. The login only shows on wide terminals:
# at 80 columns the groups matter more, and the login is on the teacher's page and form.
NARROW_COLUMNS = (("name", 8), ("subjects", 8), ("grades", 8), ("groups", None), ("roles", 10),
                  ("state", 4))
WIDE_COLUMNS = NARROW_COLUMNS + (("login", 12),)
WIDE_FROM = 100  # terminal columns
MIN_GROUPS_WIDTH = 12
SCROLLBAR = 2


def short_group_name(name: str) -> str:
    """语文教研组 → 语文组, 语文4年级备课组 → 语文4年级: the list's groups column is narrow."""
    if name.endswith("教研组") and len(name) > 3:
        return name[:-3] + "组"
    if name.endswith("备课组") and len(name) > 3:
        return name[:-3]
    return name


def short_grades(grades: list[str]) -> str:
    """["4年级", "5年级"] → 4、5年级."""
    if len(grades) > 1 and all(g.endswith("年级") for g in grades):
        return "、".join(g[:-2] for g in grades) + "年级"
    return "、".join(grades)


def fitted(value: str, width: int) -> str:
    """The cell's text cut to ``width`` cells with … when it is longer (as rich cuts a Text:
    a wide character that would straddle the edge leaves a space)."""
    if cell_len(value) <= width:
        return value
    return set_cell_size(value, width - 1) + "…"


def column_layout(width: int) -> list[tuple[str, int]]:
    """The columns and their widths for a table ``width`` cells wide. The state column is as
    wide as its words in the user's language (在职 / inactive), so it is never cut."""
    state = max(cell_len(t(key)) for key in ("roster.column.state", "roster.state.active", "roster.state.inactive"))
    columns = [(key, state if key == "state" else w)
               for key, w in (WIDE_COLUMNS if width >= WIDE_FROM else NARROW_COLUMNS)]
    fixed = sum(w for _, w in columns if w) + 2 * len(columns) + SCROLLBAR
    rest = max(MIN_GROUPS_WIDTH, width - fixed)
    return [(key, w or rest) for key, w in columns]


class RostersScreen(AreaScreen):
    AREA = "rosters"
    AUTO_FOCUS = "#teachers"  # the list, not first the search line above it (a focus, a blur, a redraw)
    CSS_PATH = "rosters.tcss"
    BINDINGS = [
        Binding("slash", "search", "key.search", id="rosters.search"),
        Binding("n", "new", "key.new", id="rosters.new"),
        Binding("e", "edit", "key.edit", id="rosters.edit"),
        Binding("enter", "open", "key.open", id="rosters.open", priority=True),
        # One key, labelled for what it will do to the highlighted teacher.
        Binding("d", "deactivate", "roster.key.deactivate", id="rosters.deactivate"),
        Binding("d", "reactivate", "roster.key.reactivate", id="rosters.reactivate"),
        Binding("g", "groups", "roster.key.groups", id="rosters.groups"),
        Binding("i", "import", "roster.key.import", id="rosters.import"),
        Binding("x", "export", "roster.key.export", id="rosters.export"),
        Binding("down", "focus_list", show=False),
        Binding("escape", "focus_list", show=False),  # leave the filter for the list
    ]

    def __init__(self) -> None:
        super().__init__()
        self._layout: list[tuple[str, int]] = []

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder=t("roster.filter.placeholder"), id="roster-filter", compact=True)
        # Only the rows on screen are drawn: a school of hundreds shows at once.
        yield VirtualTable(id="teachers", cursor_type="row", zebra_stripes=True)
        yield Static(id="roster-status")

    def on_mount(self) -> None:
        self.lay_out_columns(self.app.size.width)
        super().on_mount()
        self.table.focus()

    def on_resize(self, event) -> None:
        if column_layout(event.size.width) != self._layout:
            self.lay_out_columns(event.size.width)
            self.refresh_data()

    def lay_out_columns(self, width: int) -> None:
        table = self.table
        self._layout = column_layout(width)
        table.clear(columns=True)
        for key, cells in self._layout:
            table.add_column(Text(t(f"roster.column.{key}")), key=key, width=cells)

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#teachers", VirtualTable)

    def visible_teachers(self) -> list[Teacher]:
        store = self.app.store
        query = self.query_one("#roster-filter", Input).value.strip()
        teachers = store.all(Teacher)
        if query:
            return search_teachers(teachers, query, groups=[g for g in store.all(Group) if g.active],
                                   include_inactive=True)
        return sorted(teachers, key=lambda x: (not x.active, x.id))

    def cells_of(self, teacher: Teacher, group_names: dict[int, list[str]]) -> dict[str, str]:
        state = t("roster.state.active") if teacher.active else t("roster.state.inactive")
        return {
            "name": teacher.name, "subjects": "、".join(teacher.subjects), "grades": short_grades(teacher.grades),
            "groups": "、".join(short_group_name(n) for n in group_names.get(teacher.id, [])),
            "roles": "、".join(teacher.roles), "state": state, "login": teacher.login,
        }

    def refresh_data(self) -> None:
        table = self.table
        current = self.selected_id()
        group_names = group_names_by_teacher(self.app.store.all(Group))
        teachers = self.visible_teachers()
        rows = []
        for teacher in teachers:
            style = "" if teacher.active else "dim"
            cells = self.cells_of(teacher, group_names)
            # Plain text with a style: the table never reads a cell as markup (names are data).
            rows.append((str(teacher.id), tuple((fitted(cells[key], width), style) for key, width in self._layout)))
        table.set_rows(rows)
        restore_cursor(table, key=None if current is None else str(current), animate=False)
        everyone = self.app.store.all(Teacher)
        active = sum(1 for x in everyone if x.active)
        status = "roster.status" if self.can("insert", Teacher()) else "roster.status_plain"
        self.query_one("#roster-status", Static).update(Text(
            t(status, shown=len(teachers), total=len(everyone), active=active)))
        self.refresh_bindings()

    def selected_id(self) -> int | None:
        return cursor_id(self.table)

    def selected_teacher(self) -> Teacher | None:
        teacher_id = self.selected_id()
        return self.app.store.get(Teacher, teacher_id) if teacher_id else None

    # -- which keys this user may use (issue 8: the footer shows only those) ---------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("new", "import"):
            return self.can("insert", Teacher())
        if action in ("open", "edit", "deactivate", "reactivate"):
            try:
                teacher = self.selected_teacher()
            except NoMatches:  # not composed yet
                return False
            if teacher is None:
                return False
            if action == "edit":
                return self.can("update", teacher)
            if action == "deactivate":
                return teacher.active and self.can("update", teacher, "active")
            if action == "reactivate":
                return not teacher.active and self.can("update", teacher, "active")
        return True

    def on_data_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        event.stop()
        self.refresh_bindings()

    # -- filtering ------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "roster-filter":
            self.refresh_data()
            if self.table.row_count:
                self.table.move_cursor(row=0, animate=False)
            self.refresh_bindings()

    def action_focus_list(self) -> None:
        # Down from the filter goes into the list: the way people type, then pick.
        self.table.focus()

    def action_search(self) -> None:
        self.query_one("#roster-filter", Input).focus()

    # -- actions --------------------------------------------------------------------

    def on_data_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        """Open the highlighted teacher's page; with nobody highlighted (an empty list),
        nothing happens (enter in the filter included)."""
        from screens.teacher.page import TeacherPage

        teacher = self.selected_teacher()
        if teacher is not None:
            term = self.app.term
            self.app.push_screen(TeacherPage(teacher.id, term.term_id if term else None))

    def action_new(self) -> None:
        from screens.rosters.teacher_form import TeacherForm

        if not self.can("insert", Teacher()):
            self.refuse("insert", Teacher())
            return
        self.app.push_screen(TeacherForm(None), self._after_form)

    def action_edit(self) -> None:
        from screens.rosters.teacher_form import TeacherForm

        teacher = self.selected_teacher()
        if teacher is None:
            return
        if not self.can("update", teacher):
            self.refuse("update", teacher)
            return
        self.app.push_screen(TeacherForm(teacher.id), self._after_form)

    def _after_form(self, teacher_id: int | None) -> None:
        self.data_changed()
        if teacher_id:
            table = self.table
            try:
                table.move_cursor(row=table.get_row_index(str(teacher_id)), animate=False)
            except Exception:  # filtered out of view
                pass
            table.focus()

    def action_deactivate(self) -> None:
        self.action_toggle_active()

    def action_reactivate(self) -> None:
        self.action_toggle_active()

    def action_toggle_active(self) -> None:
        """Deactivate (or reactivate) in one key; nothing is deleted, so it is its own undo."""
        teacher = self.selected_teacher()
        if teacher is None:
            return
        if not self.can("update", teacher, "active"):
            self.refuse("update", teacher)
            return
        changed = teacher.copy(active=not teacher.active)
        try:
            with self.app.store.transaction() as tx:
                tx.update(changed)
        except JiaoyanError as error:
            self.notify(str(error), severity="error", markup=False)
            self.data_changed()
            return
        key = "roster.deactivated" if teacher.active else "roster.reactivated"
        self.notify(t(key, name=teacher.name), markup=False)
        self.data_changed()

    def action_groups(self) -> None:
        from screens.rosters.group_tree import GroupTreeScreen

        self.app.push_screen(GroupTreeScreen())

    def action_import(self) -> None:
        from screens.rosters.import_path import ImportPathScreen

        if not self.can("insert", Teacher()):
            self.refuse("insert", Teacher())
            return
        self.app.push_screen(ImportPathScreen(), self._after_import_path)

    def _after_import_path(self, result) -> None:
        from screens.rosters.import_preview import ImportPreviewScreen

        if result is not None:
            path, preview = result
            self.app.push_screen(ImportPreviewScreen(path, preview), lambda _: self.data_changed())

    def action_export(self) -> None:
        """Export the teachers now in the list (all of them, or the filter's) to CSV or XLSX."""
        from screens.rosters.export_path import ExportPathScreen

        teacher_ids = [x.id for x in self.visible_teachers()]
        filtered = bool(self.query_one("#roster-filter", Input).value.strip())
        self.app.push_screen(ExportPathScreen(teacher_ids, filtered))
