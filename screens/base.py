"""What every area screen has: the header, the footer, translated keys and live refresh."""

from __future__ import annotations

from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.screen import Screen
from textual.widgets import DataTable

from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.header import AppHeader
from screens.widgets.virtual_table import VirtualTable
from screens.widgets.keys import bindings_of, translate_bindings


class AreaScreen(Screen):
    """An area of the app (日历 名册 听课 师徒 看板).

    Subclasses compose their body in :meth:`compose_body` and redraw from the
    store in :meth:`refresh_data`, which runs on mount, when the user comes
    back to the area after the data changed, and when another session saved.
    """

    AREA = ""
    # A screen people land on with figures to work out (the admin's 看板): the app's first
    # frame is drawn before them, so a login sees the app at once and the figures a moment
    # later (issue 13). The app fills it once that frame is out (tui/app.py on_ready).
    FIGURES_AFTER_FIRST_FRAME = False

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self._seen_generation = -1
        self._mounted = False

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys in force, for the footer and F1. A focused DataTable's own enter is
        hidden and would hide the screen's "enter opens" with it; the table's enter posts
        RowSelected, which every area screen answers by opening the row, so the screen's
        key is the one to show."""
        bindings = super().active_bindings
        enter = bindings.get("enter")
        if (enter is not None and isinstance(enter.node, (DataTable, VirtualTable))
                and enter.binding.action == "select_cursor" and not enter.binding.show):
            for mine in bindings_of(self, "enter"):
                namespace, name, parameters = parse(mine.action)
                state = (self.app if namespace == "app" else self).check_action(name, parameters)
                if state is not False:
                    bindings["enter"] = ActiveBinding(self, mine, bool(state), mine.tooltip)
                break
        return bindings

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield from self.compose_body()
        yield FittedFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        # Textual calls the on_mount of every class in the MRO, and an area that has its own
        # also calls this one first (to read the data after its columns are set): read once.
        if self._mounted:
            return
        self._mounted = True
        if self.FIGURES_AFTER_FIRST_FRAME and not getattr(self.app, "first_frame_drawn", True):
            self.first_fill_pending = True
        else:
            self.data_changed()

    first_fill_pending = False

    def first_fill(self) -> None:
        """The figures, once the app's first frame is out (FIGURES_AFTER_FIRST_FRAME)."""
        if self.first_fill_pending:
            self.first_fill_pending = False
            self.data_changed()

    def on_screen_resume(self) -> None:
        if self.first_fill_pending and getattr(self.app, "first_frame_drawn", True):
            self.first_fill()  # back from a screen pushed over it before its figures came
        self.refresh_if_changed()

    def refresh_if_changed(self) -> None:
        """Redraw only if the data changed since the last redraw (a form closed: the resume
        and the form's callback both ask, and one redraw is enough)."""
        if self._seen_generation != self.app.store.generation and not self.first_fill_pending:
            self.data_changed()

    def data_changed(self) -> None:
        """Redraw from the store (called by the app when the data file changed)."""
        self._seen_generation = self.app.store.generation
        self.query_one(AppHeader).update_header()
        self.refresh_data()

    def can(self, action: str, record, field: str | None = None) -> bool:
        """May the user do ``action`` (insert/update/delete) to ``record``? Show a key only
        when this says yes; the store refuses the rest anyway (models/permissions.py)."""
        from models.permissions import can

        return can(self.app.store, self.app.user or self.app.login, action, record, field)

    def refuse(self, action: str, record) -> None:
        """Tell the user who may do what they tried (the store's own sentence)."""
        from models.permissions import refusal

        self.notify(refusal(self.app.store, self.app.user or self.app.login, action, record),
                    severity="warning", markup=False)

    def refresh_data(self) -> None:
        """Read the store and update the widgets. Forms keep what the user typed."""
