"""听课: the log of observations. ``n`` opens the quick-entry form.

The log is the area's default view (not the form) so that the keys 1–5 still switch
areas when you arrive here; one ``n`` puts the cursor in the form's teacher field.
Filters, search and sort are the user's own and are kept for their next visit in
``<data file>.prefs/<login>.json`` (see models/prefs.py).
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.types import NoActiveAppError
from textual.widgets import Input, Static

from models.i18n import t
from models.observations import (
    LogFilters, LogOrder, delete_observation, observation_reader, restore_observation,
    short_period,
)
from models.permissions import can_read_comments
from models.prefs import load_prefs, save_prefs
from models.records import Group, Observation, Teacher, Term
from models.errors import JiaoyanError
from models.terms import is_archived_term, term_by_id
from screens.base import AreaScreen
from screens.widgets.table_cursor import restore_cursor
from screens.widgets.virtual_table import VirtualTable

# The form, a record's page and the filters are imported when first opened, not with the
# log: a third of the area's import time on its first visit (issue 13), paid instead by
# the first n, enter or f, which open a screen of their own anyway.

PREFS_SECTION = "observations_log"
# (sort key, column label key, width in cells): fits 80 columns with the cell padding.
LOG_COLUMNS = (
    ("date", "observations.col.date", 10), ("period", "observations.col.period", 6),
    ("observer", "observations.col.observer", 8), ("teacher", "observations.col.teacher", 8),
    ("topic", "observations.col.topic", 16), ("lesson_type", "observations.col.lesson_type", 6),
    ("rating", "observations.col.rating", 6),
)


class ObservationsScreen(AreaScreen):
    AREA = "observations"
    CSS_PATH = "observations.tcss"
    # The log has the focus from the start. Textual's default focuses the first widget that
    # can take it, the search line (hidden until /), before on_mount's focus moves it to the
    # log: a focus and a blur that rebuilt the footer and drew the log twice (a sixth of the
    # area's first visit on the large school).
    AUTO_FOCUS = "#log"
    # More records changed at once than this (an import, a restore): the log is made again.
    MOST_CHANGES_SPLICED = 100
    BINDINGS = [
        Binding("n", "new", "observations.key.new", id="observations.new"),
        Binding("enter", "open", "observations.key.open", id="observations.open"),
        Binding("e", "edit", "observations.key.edit", id="observations.edit"),
        Binding("d", "delete", "observations.key.delete", id="observations.delete"),
        Binding("u", "undo", "observations.key.undo", id="observations.undo"),
        Binding("slash", "search", "observations.key.search", id="observations.search"),
        Binding("f", "filter", "observations.key.filter", id="observations.filter"),
        Binding("s", "sort", "observations.key.sort", id="observations.sort"),
        Binding("r", "reverse", "observations.key.reverse", id="observations.reverse", show=False),
        Binding("escape", "cancel_search", show=False),
        Binding("x", "clear", "observations.key.clear", id="observations.clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._come_in_styled()
        self.filters = LogFilters()
        self.records: list[Observation] = []
        self.source = None  # what the shown term's records are read from (the store or an archive view)
        self.deleted: list[Observation] = []  # this session's deletions, newest last, for undo
        self._prefs_loaded = False
        # What the rows shown were made from, kept so that a save changes only its own rows:
        self._basis: tuple | None = None  # the teachers, policy, groups, terms and filters
        self._order: LogOrder | None = None  # the filters and sort applied
        # Each shown record's sort key, in the order shown; made on the first change to put in
        # place (None until then: most visits change nothing).
        self._sort_keys: list | None = None
        self._kept_records: dict[int, Observation] = {}  # every record of the term as stored, by id
        self._row_context: tuple = ()  # what a row's cells are made from (names, periods …)

    def _come_in_styled(self) -> None:
        """The first showing of this screen restyled every widget of the screen being left,
        twice (about 20 ms of the area's first visit on the large school): Textual reads a
        screen's CSS file when it is first shown and restyles the app's screen in view, and
        counts a new screen as behind the app's CSS (``refresh_css``, which restyles and lays
        out the screen in view again). Neither is needed: this screen's widgets are styled
        with the current CSS as they mount, the file's rules name this area's own screens
        only (tests/unit/test_style_rules.py), and a screen shown again is restyled anyway.
        So the file is read into the stylesheet here, before Textual looks for it (parsed once
        when next needed), and the screen, made now, has seen the app's CSS. Private Textual
        API: ``_css_update_count`` (tests/unit/test_textual_private.py)."""
        try:
            app = self.app
        except NoActiveAppError:  # made outside a running app: Textual's own way stands
            return
        for path in self.css_path:
            if not app.stylesheet.has_source(str(path), ""):
                app.stylesheet.read(path)
        self._css_update_count = app._css_update_count

    def compose_body(self) -> ComposeResult:
        yield Static(id="log-filters")
        yield Input(placeholder=t("observations.log.search_placeholder"), id="log-search", compact=True)
        # Only the rows on screen are drawn: a term of 4,500 observations shows at once.
        yield VirtualTable(id="log", cursor_type="row", zebra_stripes=True)
        yield Static(Text(t("observations.log.empty")), id="log-empty")

    def on_mount(self) -> None:
        table = self.query_one("#log", VirtualTable)
        for _, label, width in LOG_COLUMNS:
            table.add_column(t(label), width=width)
        super().on_mount()
        table.focus()

    # -- preferences -----------------------------------------------------------------

    def _load_prefs(self) -> None:
        if not self._prefs_loaded:
            self._prefs_loaded = True
            self.filters = LogFilters.from_dict(load_prefs(self.app.store.path, self.app.login, PREFS_SECTION))

    def _remember(self) -> None:
        save_prefs(self.app.store.path, self.app.login, PREFS_SECTION, self.filters.to_dict())

    # -- drawing ---------------------------------------------------------------------

    def shown_term_id(self) -> str:
        """The term the log shows ("" for every term)."""
        if self.filters.term_id is None:
            return self.app.term.term_id if self.app.term else ""
        return self.filters.term_id

    def refresh_data(self) -> None:
        self._load_prefs()
        store, viewer = self.app.store, self.app.user
        term_id = self.shown_term_id()
        # An archived term's records come from its archive: read them (and their readers'
        # rights) from there too.
        source = self.source = observation_reader(store, term_id)
        # Everything but the observations themselves that decides the rows and their order.
        basis = (term_id, tuple(self.filters.to_dict().items()), viewer, tuple(store.all(Teacher)),
                 store.policy(), tuple(store.all(Group)), tuple(store.all(Term)))
        table = self.query_one("#log", VirtualTable)
        current = table.cursor_row
        # After a save (this session's or another's) only the saved records' rows change:
        # the rest are kept, not filtered, sorted and made again (4,500 in a large school).
        if not (basis == self._basis and source.active_file_only and self._show_changes(table)):
            self._show_all(source, viewer, term_id, table)
            self._basis = basis
        restore_cursor(table, row=current)
        self.query_one("#log-empty", Static).display = not self.records
        self._describe_filters()
        self.refresh_bindings()

    def _show_all(self, source, viewer: Teacher | None, term_id: str, table: VirtualTable) -> None:
        """Filter, sort and show every record of the term."""
        stored = source.all(Observation)
        self._order = LogOrder(source, viewer, self.filters, term_id)
        self.records, self._sort_keys = self._order.ordered(self._order.shown(stored)), None
        self._kept_records = {record.id: record for record in stored} if source.active_file_only else {}
        self._row_context = (source, viewer, {x.id: x.name for x in source.all(Teacher)}, source.policy(), {}, {})
        # Only the rows on screen are drawn, and a row's cells are made when it is first
        # drawn or read: a term of 4,500 records shows after making a screenful of rows.
        # (The context they are made from is this refresh's until the next full refresh,
        # which hands the table new rows.)
        table.set_lazy_rows([str(record.id) for record in self.records], self.records,
                            lambda record: self._row_cells(record))

    def _show_changes(self, table: VirtualTable) -> bool:
        """Take out the rows of the records changed or deleted since the last refresh and
        put each changed record back where the log's order puts it, if it is still shown.
        The store hands out the same record object until the record changes, so what
        changed is what is not the object shown last time. False (nothing done) when so
        much changed that showing everything again is as quick."""
        stored = self.app.store.all(Observation)
        before = self._kept_records
        changed = [record for record in stored if before.get(record.id) is not record]
        new = sum(1 for record in changed if record.id not in before)
        gone = set(before).difference(r.id for r in stored) if len(before) + new != len(stored) else set()
        if len(changed) + len(gone) > self.MOST_CHANGES_SPLICED:
            return False
        touched = gone.union(record.id for record in changed)
        if not touched:
            return True
        order = self._order
        if self._sort_keys is None:
            self._sort_keys = [order.sort_key(record) for record in self.records]
        self.records = list(self.records)  # a new list, as after a full refresh: a reader may hold the old one
        for n in reversed([n for n, record in enumerate(self.records) if record.id in touched]):
            del self.records[n], self._sort_keys[n]
            table.splice_rows(n, 1)
        for record in changed:
            before[record.id] = record
            visible = order.shown_as(record)
            if visible is not None:
                key = order.sort_key(visible)
                n = order.position(self.records, self._sort_keys, visible, key)
                self.records.insert(n, visible)
                self._sort_keys.insert(n, key)
                table.splice_rows(n, 0, [(str(visible.id), self._row_cells(visible))])
        for record_id in gone:
            del before[record_id]
        return True

    def _row_cells(self, record: Observation) -> tuple:
        """One record's cells in the log."""
        source, viewer, names, policy, days, periods = self._row_context
        if record.date not in days:
            day = dt.date.fromisoformat(record.date)
            days[record.date] = f"{record.date[5:]} {t(f'weekday.{day.weekday()}')}"
        if record.period not in periods:
            periods[record.period] = short_period(record.period, policy)
        readable = can_read_comments(source, viewer, record)
        # Plain text: the table shows each cell as a Text, never as markup (names are data),
        # and makes the Text only for a row on screen.
        return (days[record.date], periods[record.period],
                names.get(record.observer_id, "?"), names.get(record.teacher_id, "?"),
                record.topic, record.lesson_type, record.rating if readable else ("·", "dim"))

    def _describe_filters(self) -> None:
        store, f = self.app.store, self.filters
        names = {x.id: x.name for x in store.all(Teacher)}
        parts: list[str] = []
        if f.term_id is None:
            term = self.app.term
            parts.append(term.name if term else t("observations.log.all_terms"))
        elif f.term_id == "":
            parts.append(t("observations.log.all_terms"))
        else:
            term = term_by_id(store.all(Term), f.term_id)
            parts.append(term.name if term else f.term_id)
        if f.week:
            parts.append(t("observations.filters.week_label", week=f.week))
        if f.observer_id:
            parts.append(f"{t('observations.col.observer')}={names.get(f.observer_id, '?')}")
        if f.teacher_id:
            parts.append(f"{t('observations.col.teacher')}={names.get(f.teacher_id, '?')}")
        if f.group_id:
            group = store.get(Group, f.group_id)
            parts.append(group.name if group else "?")
        if f.lesson_type:
            parts.append(f.lesson_type)
        if f.rating:
            parts.append(f"{t('observations.col.rating')}={f.rating}")
        if f.search.strip():
            parts.append(f"“{f.search.strip()}”")
        label = dict((key, t(label)) for key, label, _ in LOG_COLUMNS).get(f.sort, f.sort)
        direction = t("observations.log.descending" if f.reverse else "observations.log.ascending")
        line = Text(t("observations.log.filters", filters=" · ".join(parts)))
        shown = self.shown_term_id()
        if is_archived_term(store.all(Term), shown):
            line.append("  " + t("observations.log.archived"), style="bold yellow")
        line.append("  " + t("observations.log.count", count=len(self.records)), style="bold")
        line.append("  " + t("observations.log.sorted", column=label, direction=direction))
        self.query_one("#log-filters", Static).update(line)

    # -- the record under the cursor -----------------------------------------------------

    def current_record(self) -> Observation | None:
        table = self.query_one("#log", VirtualTable)
        if not self.records or table.cursor_row < 0 or table.cursor_row >= len(self.records):
            return None
        return self.records[table.cursor_row]

    def _stored(self, record: Observation) -> Observation | None:
        # The log holds what the viewer may read; changes start from the stored record.
        # An archived term's records are not in the store: they cannot be changed.
        return self.app.store.get(Observation, record.id)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Show only the keys this user may use on the highlighted record."""
        if action in ("edit", "delete"):
            record = self.current_record()
            stored = self._stored(record) if record is not None else None
            return stored is not None and self.can("update" if action == "edit" else "delete", stored)
        if action == "undo":
            return bool(self.deleted)
        if action == "new":
            user = self.app.user
            return self.can("insert", Observation(observer_id=user.id if user else 0))
        return True

    def on_data_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def on_data_table_header_selected(self, event: VirtualTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(LOG_COLUMNS[event.column_index][0])

    # -- actions ------------------------------------------------------------------------

    def action_new(self) -> None:
        from screens.observations.form import ObservationForm

        self.app.push_screen(ObservationForm(), self._form_closed)

    def _form_closed(self, saved: Observation | None) -> None:
        """Back from the form: the log shows what was saved, the cursor on the last record
        saved (when the filters show it)."""
        self.refresh_if_changed()
        if saved is not None:
            restore_cursor(self.query_one("#log", VirtualTable), key=str(saved.id))

    def action_open(self) -> None:
        record = self.current_record()
        if record is None:
            return

        def after(choice: str | None) -> None:
            if choice == "edit":
                self.action_edit()
            elif choice == "delete":
                self.action_delete()

        from screens.observations.detail import ObservationDetail

        self.app.push_screen(ObservationDetail(record.id, source=self.source), after)

    def _changeable(self, action: str) -> Observation | None:
        record = self.current_record()
        if record is None:
            return None
        stored = self._stored(record)
        if stored is None:
            if is_archived_term(self.app.store.all(Term), record.term_id):
                self.notify(t("observations.error.archived"), severity="warning")
            else:
                self.data_changed()
            return None
        if not self.can("update" if action == "edit" else "delete", stored):
            self.refuse("update" if action == "edit" else "delete", stored)
            return None
        return stored

    def action_edit(self) -> None:
        stored = self._changeable("edit")
        if stored is not None:
            from screens.observations.form import ObservationForm

            self.app.push_screen(ObservationForm(stored), self._form_closed)

    def action_delete(self) -> None:
        stored = self._changeable("delete")
        if stored is None:
            return
        try:
            delete_observation(self.app.store, stored)
        except JiaoyanError as error:
            self.notify(t("observations.save_failed", reason=str(error)), severity="error", markup=False)
            return
        self.deleted.append(stored)
        self.refresh_bindings()
        teacher = self.app.store.get(Teacher, stored.teacher_id)
        self.notify(t("observations.log.deleted", teacher=teacher.name if teacher else "?", topic=stored.topic),
                    markup=False)
        self.data_changed()

    def action_undo(self) -> None:
        if not self.deleted:
            self.notify(t("observations.log.nothing_to_undo"))
            return
        record = self.deleted.pop()
        self.refresh_bindings()
        try:
            restored = restore_observation(self.app.store, record)
        except JiaoyanError as error:
            self.deleted.append(record)
            self.notify(t("observations.save_failed", reason=str(error)), severity="error", markup=False)
            return
        teacher = self.app.store.get(Teacher, restored.teacher_id)
        self.notify(t("observations.log.undone", teacher=teacher.name if teacher else "?", topic=restored.topic),
                    markup=False)
        self.data_changed()
        if restored.id in [r.id for r in self.records]:
            self.query_one("#log", VirtualTable).move_cursor(row=[r.id for r in self.records].index(restored.id))

    def action_search(self) -> None:
        search = self.query_one("#log-search", Input)
        search.value = self.filters.search
        search.add_class("-open")
        search.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "log-search":
            return
        event.stop()
        self.filters.search = event.value.strip()
        self._close_search()
        self._remember()
        self.refresh_data()

    def _close_search(self) -> None:
        self.query_one("#log-search", Input).remove_class("-open")
        self.query_one("#log", VirtualTable).focus()

    def action_cancel_search(self) -> None:
        # Escape in the search line cancels it, leaving the earlier search as it was.
        if self.query_one("#log-search", Input).has_class("-open"):
            self._close_search()

    def action_filter(self) -> None:
        def apply(filters: LogFilters | None) -> None:
            if filters is not None:
                self.filters = filters
                self._remember()
                self.refresh_data()

        from screens.observations.filters import ObservationFilters

        self.app.push_screen(ObservationFilters(self.filters), apply)

    def action_sort(self) -> None:
        """Sort by the next column each time (r turns the direction round)."""
        keys = [key for key, _, _ in LOG_COLUMNS]
        index = keys.index(self.filters.sort) if self.filters.sort in keys else -1
        self.filters.sort = keys[(index + 1) % len(keys)]
        self._remember()
        self.refresh_data()

    def action_reverse(self) -> None:
        self.filters.reverse = not self.filters.reverse
        self._remember()
        self.refresh_data()

    def sort_by(self, column: str) -> None:
        """Sort by a column; choosing the same column again reverses it."""
        if self.filters.sort == column:
            self.filters.reverse = not self.filters.reverse
        else:
            self.filters.sort, self.filters.reverse = column, False
        self._remember()
        self.refresh_data()

    def action_clear(self) -> None:
        self.filters = LogFilters(sort=self.filters.sort, reverse=self.filters.reverse)
        self._remember()
        self.refresh_data()
