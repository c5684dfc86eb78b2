"""师徒: the school's mentor pairings with this term's progress, searchable by pinyin."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from models.i18n import t
from models.mentoring import Progress, behind_first, progress_of, short_term_label
from models.pinyin import match_score, name_syllables
from models.records import MentorMeeting, Observation, Pairing, Teacher
from screens.base import AreaScreen
from screens.widgets.table_cursor import cursor_key, restore_cursor
from screens.widgets.virtual_table import VirtualTable


def behind_mark(progress: Progress | None, pairing: Pairing) -> Text:
    """``!`` (one meeting short) in yellow, ``!!`` (two or more) in red; ended pairs are dimmed."""
    if pairing.status != "active":
        return Text("·", style="dim")
    if progress is None or not progress.behind:
        return Text("")
    if progress.shortfall >= 2:
        return Text("!!", style="bold red")
    return Text("!", style="bold yellow")


def meetings_cell(progress: Progress | None) -> Text:
    if progress is None:
        return Text("—", style="dim")
    style = "red" if progress.shortfall >= 2 else "yellow" if progress.behind else ""
    return Text(f"{progress.meetings_held}/{progress.meetings_expected}", style=style)


def since_cell(progress: Progress | None) -> Text:
    if progress is None:
        return Text("—", style="dim")
    if progress.weeks_since_last_meeting is None:
        return Text(t("mentoring.never"), style="yellow" if progress.active else "dim")
    weeks = progress.weeks_since_last_meeting
    style = "red" if progress.active and weeks >= 3 else ""
    return Text(t("mentoring.weeks", weeks=weeks), style=style)


def lessons_cell(progress: Progress | None) -> Text:
    if progress is None or not progress.showcase_lessons:
        return Text(t("mentoring.no_lesson"), style="dim")
    return Text("".join(kind[0] for kind in progress.showcase_lessons), style="green")


def status_cell(pairing: Pairing) -> Text:
    """``进行中``, or the term it ended in (``至25-26上``): one narrow column for both."""
    if pairing.status == "active":
        return Text(t("pairing.active"))
    if pairing.to_term:
        return Text(t("mentoring.ended_in", term=short_term_label(pairing.to_term)), style="dim")
    return Text(t(f"pairing.{pairing.status}"), style="dim")


def pairing_score(query: str, pairing: Pairing, mentor: Teacher | None, mentee: Teacher | None) -> int:
    """The same pinyin search as elsewhere (zm → 张敏), on either name or the subject."""
    if not query.strip():
        return 1
    scores = [match_score(query, person.name, person.login) for person in (mentor, mentee) if person]
    scores.append(match_score(query, "", pairing.subject, pairing.from_term, pairing.to_term))
    return max(scores)


class MentoringScreen(AreaScreen):
    AREA = "mentoring"
    AUTO_FOCUS = "#pairings"  # the list, not first the search line above it (a focus, a blur, a redraw)

    BINDINGS = [
        Binding("slash", "search", "key.search", id="mentoring.search"),
        Binding("n", "new", "key.new", id="mentoring.new"),
        Binding("e", "edit", "key.edit", id="mentoring.edit"),
        Binding("enter", "open", "key.open", id="mentoring.open"),
        Binding("m", "meetings", "mentoring.key.meetings", id="mentoring.meetings"),
        Binding("x", "end", "mentoring.key.end", id="mentoring.end"),
        Binding("v", "evaluate", "mentoring.key.evaluate", id="mentoring.evaluate"),
        Binding("s", "sort", "mentoring.key.sort", id="mentoring.sort"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort_behind = False
        self.progress: dict[int, Progress | None] = {}

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder=t("mentoring.search"), id="pairing-search", compact=True)
        yield Static(id="pairing-summary")
        yield VirtualTable(id="pairings", cursor_type="row", zebra_stripes=True)  # draws only the rows on screen

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#pairings", VirtualTable).focus()

    # -- which keys this user may use (models.permissions is the one rule) ------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new":
            return self.can("insert", Pairing())
        if action not in ("open", "edit", "meetings", "end", "evaluate"):
            return True
        pairing = self.highlighted_pairing()
        if pairing is None:
            return False
        if action in ("open", "meetings"):
            return True  # reading is for everyone; writing meetings is the pair's and the office's
        if action == "edit":
            return self.can("update", pairing)  # the pair: the goals; the office: everything
        if action == "end":
            return pairing.status == "active" and self.can("update", pairing, "status")
        return self.can("update", pairing, "evaluation.summary") or self.can("update", pairing, "evaluation.grade")

    def highlighted_pairing(self) -> Pairing | None:
        try:
            pairing_id = self.selected_pairing_id()
        except Exception:  # not composed yet: the footer asks before the table exists
            return None
        return self.app.store.get(Pairing, pairing_id) if pairing_id else None

    def on_data_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        self.refresh_bindings()

    # -- reading -------------------------------------------------------------------

    def refresh_data(self) -> None:
        store, term, today = self.app.store, self.app.term, self.app.today
        teachers = {teacher.id: teacher for teacher in store.all(Teacher)}
        pairings = store.all(Pairing)
        meetings, observations, policy = store.all(MentorMeeting), store.all(Observation), store.policy()
        self.progress = {
            p.id: progress_of(p, term, meetings, observations, today, policy) if term else None for p in pairings
        }
        query = self.query_one("#pairing-search", Input).value
        shown = [p for p in pairings
                 if pairing_score(query, p, teachers.get(p.mentor_id), teachers.get(p.mentee_id))]
        if self.sort_behind:
            shown = [p for p, _ in behind_first([(p, self.progress[p.id]) for p in shown])]
        else:
            def by_status_and_name(p: Pairing):
                mentor = teachers.get(p.mentor_id)
                return (p.status != "active", name_syllables(mentor.name) if mentor else (), p.id)
            shown.sort(key=by_status_and_name)
        self._fill_table(shown, teachers)
        behind = sum(1 for p in pairings if (self.progress[p.id] and self.progress[p.id].behind))
        order = t("mentoring.order.behind" if self.sort_behind else "mentoring.order.name")
        summary = Text(t("mentoring.summary", count=len(pairings), behind=behind, order=order,
                         active=sum(1 for p in pairings if p.status == "active")), style="dim")
        if not pairings:
            summary = Text(t("mentoring.empty"))
        self.query_one("#pairing-summary", Static).update(summary)

    def _fill_table(self, shown: list[Pairing], teachers: dict[int, Teacher]) -> None:
        table = self.query_one("#pairings", VirtualTable)
        selected = self.selected_pairing_id()
        table.clear(columns=True)
        for key in ("mentoring.col.mark", "mentoring.col.mentor", "mentoring.col.mentee", "mentoring.col.subject",
                    "mentoring.col.meetings", "mentoring.col.mentor_observed", "mentoring.col.mentee_observed",
                    "mentoring.col.lessons", "mentoring.col.since", "mentoring.col.from", "mentoring.col.status"):
            table.add_column(t(key), key=key)  # as wide as its widest cell
        rows = []
        for pairing in shown:
            progress = self.progress.get(pairing.id)
            mentor, mentee = teachers.get(pairing.mentor_id), teachers.get(pairing.mentee_id)
            # Text, never markup: names are data.
            rows.append((str(pairing.id), (
                behind_mark(progress, pairing),
                Text(mentor.name if mentor else "?"), Text(mentee.name if mentee else "?"),
                Text(pairing.subject), meetings_cell(progress),
                Text(str(progress.mentor_observed) if progress else "—"),
                Text(str(progress.mentee_observed) if progress else "—"),
                lessons_cell(progress), since_cell(progress),
                Text(short_term_label(pairing.from_term)), status_cell(pairing),
            )))
        table.set_rows(rows)
        restore_cursor(table, key=None if selected is None else str(selected))
        self.refresh_bindings()

    def selected_pairing_id(self) -> int | None:
        key = cursor_key(self.query_one("#pairings", VirtualTable))
        return int(key) if key else None

    def selected_pairing(self) -> Pairing | None:
        pairing_id = self.selected_pairing_id()
        pairing = self.app.store.get(Pairing, pairing_id) if pairing_id else None
        if pairing is None:
            self.notify(t("mentoring.pick_row"), severity="warning")
        return pairing

    # -- search ---------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#pairing-search", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "pairing-search":
            self.refresh_data()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "pairing-search":
            self.query_one("#pairings", VirtualTable).focus()

    def on_key(self, event) -> None:
        # Escape or down in the search box goes back to the list (the text stays as the filter).
        if event.key in ("escape", "down") and self.focused is self.query_one("#pairing-search", Input):
            event.stop()
            self.query_one("#pairings", VirtualTable).focus()

    # -- actions ---------------------------------------------------------------------

    def on_data_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        from screens.mentoring.pairing_page import PairingPage

        pairing = self.selected_pairing()
        if pairing:
            self.app.push_screen(PairingPage(pairing.id))

    def action_new(self) -> None:
        from screens.mentoring.pairing_form import PairingForm

        self.app.push_screen(PairingForm(None), self._after_save)

    def action_edit(self) -> None:
        from screens.mentoring.pairing_form import PairingForm

        pairing = self.selected_pairing()
        if pairing:
            self.app.push_screen(PairingForm(pairing.id), self._after_save)

    def action_meetings(self) -> None:
        from screens.mentoring.meetings import MeetingsScreen

        pairing = self.selected_pairing()
        if pairing:
            self.app.push_screen(MeetingsScreen(pairing.id))

    def action_end(self) -> None:
        from screens.mentoring.pairing_end import EndPairingDialog

        pairing = self.selected_pairing()
        if pairing:
            self.app.push_screen(EndPairingDialog(pairing.id), self._after_save)

    def action_evaluate(self) -> None:
        from screens.mentoring.pairing_evaluation import EvaluationForm

        pairing = self.selected_pairing()
        if pairing:
            self.app.push_screen(EvaluationForm(pairing.id), self._after_save)

    def action_sort(self) -> None:
        self.sort_behind = not self.sort_behind
        self.refresh_data()
        self.query_one("#pairings", VirtualTable).move_cursor(row=0)

    def _after_save(self, pairing_id: int | None) -> None:
        self.data_changed()
        if pairing_id:
            table = self.query_one("#pairings", VirtualTable)
            restore_cursor(table, key=str(pairing_id))  # unless the search text filters it out
