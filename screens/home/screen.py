"""我的: one teacher's week and term on one page, each line opening the place where it is done.

The lines come from models/home.py (what the teacher owes, read from the records each
time). ``enter`` on a line opens: the activity (a turn to speak or host, an activity to
attend, minutes to write), the observation form (for the teacher whose suggestion waits
for its follow-up, or a new one when behind pace), the pairing's mentor meetings, the
document owed (its page, or the editor to write it).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from models.areas import HOME
from models.home import DUE, OK, OVERDUE, Home, HomeLine, build_home
from models.i18n import t
from screens.base import AreaScreen
from screens.widgets.cells import fit
from screens.widgets.keys import bindings_of

STATE_STYLES = {OVERDUE: "bold red", DUE: "bold yellow", OK: "green"}


class HomeScreen(AreaScreen):
    AREA = HOME  # the one mode that is not an area (models/areas.py)
    CSS_PATH = "home.tcss"

    BINDINGS = [
        Binding("enter", "open", "home.key.open", id="home.open"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.home: Home | None = None
        self._rows: list[HomeLine | None] = []  # option index → its line (None for headings)

    @property
    def active_bindings(self):
        """The list's own enter (select, hidden) would hide "enter 打开" from the footer;
        it selects the line, which opens it, so the screen's key is the one to show."""
        from textual.binding import ActiveBinding

        bindings = super().active_bindings
        enter = bindings.get("enter")
        if enter is not None and isinstance(enter.node, OptionList) and not enter.binding.show:
            mine = bindings_of(self, "enter")[0]
            bindings["enter"] = ActiveBinding(self, mine, True, mine.tooltip)
        return bindings

    def compose_body(self) -> ComposeResult:
        yield Static(id="home-title")
        yield OptionList(id="home-lines")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#home-lines", OptionList).focus()

    def on_resize(self) -> None:
        if self.home is not None:
            self._fill()

    # -- reading -------------------------------------------------------------------------

    def refresh_data(self) -> None:
        user = self.app.user
        title = self.query_one("#home-title", Static)
        if user is None:
            self.home = None
            title.update(Text(t("home.no_teacher")))
            self.query_one("#home-lines", OptionList).clear_options()
            return
        self.home = build_home(self.app.store, user, self.app.today)
        title.update(Text(t("home.title", name=user.name)))
        self._fill()

    def _fill(self) -> None:
        home = self.home
        assert home is not None
        options = self.query_one("#home-lines", OptionList)
        keep = options.highlighted
        options.clear_options()
        self._rows = []
        width = max(40, (options.size.width or self.app.size.width) - 2)
        if home.term is None:
            self._add_heading(options, t("home.no_term"))
            return
        week_title = (t("home.section.week", week=home.week) if home.week
                      else t("home.section.week_before"))
        for section, heading, empty in (("week", week_title, "home.week_empty"),
                                        ("term", t("home.section.term"), "home.term_empty")):
            self._add_heading(options, heading)
            lines = home.section(section)
            if not lines:
                self._add_heading(options, "  " + t(empty), style="dim")
            for line in lines:
                self._add_line(options, line, width)
        selectable = [i for i, row in enumerate(self._rows) if row is not None]
        if selectable:
            options.highlighted = keep if keep in selectable else selectable[0]

    def _add_heading(self, options: OptionList, text: str, style: str = "bold") -> None:
        options.add_option(Option(Text(text, style=style, no_wrap=True, overflow="ellipsis"), disabled=True))
        self._rows.append(None)

    def _add_line(self, options: OptionList, line: HomeLine, width: int) -> None:
        hint = "  → " + t(f"home.jump.{line.jump.place}")
        label = Text(f" {line.mark} ", style=STATE_STYLES[line.state])
        label.append(fit(line.text, width - 3 - cell_len(hint)))
        label.append(hint, style="dim")
        options.add_option(Option(label))
        self._rows.append(line)

    # -- going where a line is done ------------------------------------------------------

    def highlighted_line(self) -> HomeLine | None:
        index = self.query_one("#home-lines", OptionList).highlighted
        if index is None or not 0 <= index < len(self._rows):
            return None
        return self._rows[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        line = self.highlighted_line()
        if line is not None:
            self.jump(line)

    async def _open_hours(self) -> None:
        """课题与学时 on its 学时 tab (where outside training is entered and reports marked)."""
        await self.app.switch_mode("research")
        screen = self.app.screen
        if getattr(screen, "AREA", "") == "research":
            # after its first refresh: on a first visit its tabs settle on their first one
            screen.call_after_refresh(screen.action_tab, "hours")

    def jump(self, line: HomeLine) -> None:
        """Open the place where ``line`` is done; come back here afterwards."""
        place, record_id = line.jump.place, line.jump.record_id
        store = self.app.store
        done = lambda _=None: self.data_changed()  # noqa: E731
        if place == "activity":
            from models.records import Activity
            from screens.calendar.activity_form import ActivityForm

            if store.get(Activity, record_id) is None:
                self.notify(t("home.gone"), severity="warning", markup=False)
                return
            self.app.push_screen(ActivityForm(activity_id=record_id), done)
        elif place == "observe":
            from screens.observations.form import ObservationForm

            self.app.push_screen(ObservationForm(teacher_id=record_id or None), done)
        elif place == "meetings":
            from models.records import Pairing
            from screens.mentoring.meetings import MeetingsScreen

            if store.get(Pairing, record_id) is None:
                self.notify(t("home.gone"), severity="warning", markup=False)
                return
            self.app.push_screen(MeetingsScreen(record_id), done)
        elif place == "competition":
            from models.records import Competition
            from screens.outcomes.competitions import CompetitionScreen

            if store.get(Competition, record_id) is None:
                self.notify(t("home.gone"), severity="warning", markup=False)
                return
            self.app.push_screen(CompetitionScreen(record_id), done)
        elif place == "observations":
            self.app.switch_mode("observations")
        elif place in ("documents", "outcomes"):
            self.app.switch_mode(place)
        elif place == "hours":
            self.run_worker(self._open_hours(), group="jump")
        elif place == "review":
            # A document to review (v on its page) or returned with the reviewer's comment.
            from models.documents import get_document
            from screens.documents.view import DocumentView

            if get_document(store, record_id) is None:
                self.notify(t("home.gone"), severity="warning", markup=False)
                return
            self.app.push_screen(DocumentView(record_id), done)
        elif place == "document":
            # The document owed: its page when there is a draft, else the editor to write it.
            from screens.documents.due import open_due

            if line.jump.due is not None:
                open_due(self, line.jump.due, done)
            else:
                self.notify(t("home.gone"), severity="warning", markup=False)
