"""名册: every teacher of the school, filtered as you type (张, zhangsan, zs, 语文, 4年级 …).

``n`` adds, ``e`` edits, ``d`` deactivates or reactivates (never deletes: a teacher's
records stay), ``enter`` opens the teacher's page, ``g`` the group tree, ``i`` imports.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from models.i18n import t
from models.people import search_teachers
from models.records import Group, Teacher
from models.rosters import group_names_by_teacher
from models.storage import ConflictError, DataFileError, ValidationFailed
from screens.base import AreaScreen

CSS_FILE = Path(__file__).with_name("rosters.tcss")
COLUMNS = ("roster.column.name", "roster.column.subjects", "roster.column.grades", "roster.column.roles",
           "roster.column.login", "roster.column.state", "roster.column.groups")


class RostersScreen(AreaScreen):
    AREA = "rosters"
    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("slash", "search", "key.search", id="rosters.search"),
        Binding("n", "new", "key.new", id="rosters.new"),
        Binding("e", "edit", "key.edit", id="rosters.edit"),
        Binding("enter", "open", "key.open", id="rosters.open", priority=True),
        Binding("d", "toggle_active", "roster.key.toggle_active", id="rosters.toggle_active"),
        Binding("g", "groups", "roster.key.groups", id="rosters.groups"),
        Binding("i", "import", "roster.key.import", id="rosters.import"),
        Binding("down", "focus_list", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder=t("roster.filter.placeholder"), id="roster-filter", compact=True)
        yield DataTable(id="teachers", cursor_type="row", zebra_stripes=True)
        yield Static(id="roster-status")

    def on_mount(self) -> None:
        table = self.query_one("#teachers", DataTable)
        for key in COLUMNS:
            table.add_column(t(key), key=key)
        super().on_mount()
        table.focus()

    @property
    def table(self) -> DataTable:
        return self.query_one("#teachers", DataTable)

    def visible_teachers(self) -> list[Teacher]:
        store = self.app.store
        query = self.query_one("#roster-filter", Input).value.strip()
        teachers = store.all(Teacher)
        if query:
            return search_teachers(teachers, query, groups=[g for g in store.all(Group) if g.active],
                                   include_inactive=True)
        return sorted(teachers, key=lambda x: (not x.active, x.id))

    def refresh_data(self) -> None:
        table = self.table
        current = self.selected_id()
        table.clear()
        group_names = group_names_by_teacher(self.app.store.all(Group))
        teachers = self.visible_teachers()
        for teacher in teachers:
            style = "" if teacher.active else "dim"
            state = t("roster.state.active") if teacher.active else t("roster.state.inactive")
            # Text, never str: DataTable reads plain strings as markup.
            cells = [teacher.name, "、".join(teacher.subjects), "、".join(teacher.grades),
                     "、".join(teacher.roles), teacher.login, state, "、".join(group_names.get(teacher.id, []))]
            table.add_row(*(Text(cell, style=style) for cell in cells), key=str(teacher.id))
        if current is not None and any(x.id == current for x in teachers):
            table.move_cursor(row=table.get_row_index(str(current)), animate=False)
        everyone = self.app.store.all(Teacher)
        active = sum(1 for x in everyone if x.active)
        self.query_one("#roster-status", Static).update(Text(
            t("roster.status", shown=len(teachers), total=len(everyone), active=active)))

    def selected_id(self) -> int | None:
        table = self.table
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # no row under the cursor
            return None
        return int(key.value) if key.value else None

    def selected_teacher(self) -> Teacher | None:
        teacher_id = self.selected_id()
        return self.app.store.get(Teacher, teacher_id) if teacher_id else None

    # -- filtering ------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "roster-filter":
            self.refresh_data()
            if self.table.row_count:
                self.table.move_cursor(row=0, animate=False)

    def action_focus_list(self) -> None:
        # Down from the filter goes into the list: the way people type, then pick.
        self.table.focus()

    def action_search(self) -> None:
        self.query_one("#roster-filter", Input).focus()

    # -- actions --------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        from screens.teacher_page import TeacherPage

        teacher = self.selected_teacher()
        if teacher is not None:
            term = self.app.term
            self.app.push_screen(TeacherPage(teacher.id, term.term_id if term else None))

    def action_new(self) -> None:
        from screens.teacher_form import TeacherForm

        self.app.push_screen(TeacherForm(None), self._after_form)

    def action_edit(self) -> None:
        from screens.teacher_form import TeacherForm

        teacher = self.selected_teacher()
        if teacher is not None:
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

    def action_toggle_active(self) -> None:
        """Deactivate (or reactivate) in one key; nothing is deleted, so it is its own undo."""
        teacher = self.selected_teacher()
        if teacher is None:
            return
        changed = teacher.copy(active=not teacher.active)
        try:
            with self.app.store.transaction() as tx:
                tx.update(changed)
        except (ValidationFailed, ConflictError, DataFileError) as error:
            self.notify(str(error), severity="error", markup=False)
            self.data_changed()
            return
        key = "roster.deactivated" if teacher.active else "roster.reactivated"
        self.notify(t(key, name=teacher.name), markup=False)
        self.data_changed()

    def action_groups(self) -> None:
        from screens.group_tree import GroupTreeScreen

        self.app.push_screen(GroupTreeScreen())

    def action_import(self) -> None:
        from screens.import_path import ImportPathScreen

        self.app.push_screen(ImportPathScreen(), self._after_import_path)

    def _after_import_path(self, result) -> None:
        from screens.import_preview import ImportPreviewScreen

        if result is not None:
            path, preview = result
            self.app.push_screen(ImportPreviewScreen(path, preview), lambda _: self.data_changed())
