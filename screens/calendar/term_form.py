"""A term: its id (2025-2026-1), name and first and last day. A new term gets every
group's weekly activities generated from the slots in the same save."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from models.activities import generate_for_term
from models.dates import BadInput, parse_date
from models.i18n import t
from models.records import Term, term_display_name
from models.errors import JiaoyanError
from models.store.storage import ValidationFailed
from models.term_days import close_days, unchecked_days, uncovered_years
from models.terms import school_weeks, suggest_term_id, term_by_id, weeks_in
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.fitted_footer import FittedFooter


class TermForm(Screen):
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="term.save"),
        Binding("escape", "app.pop_screen", "key.back", id="term.back"),
    ]
    CSS_PATH = "calendar.tcss"

    def __init__(self, term_record_id: int = 0):
        super().__init__()
        translate_bindings(self)
        self.term_record_id = term_record_id

    def compose(self) -> ComposeResult:
        store = self.app.store
        self.term = store.get(Term, self.term_record_id) if self.term_record_id else None
        term = self.term
        if term is None:
            suggested = suggest_term_id(self.app.today)
            taken = {x.term_id for x in store.all(Term)}
            if suggested in taken:
                first, second, half = (int(x) for x in suggested.split("-"))
                suggested = f"{first}-{second}-2" if half == 1 else f"{second}-{second + 1}-1"
            term = Term(term_id=suggested, name=term_display_name(suggested))
        yield AppHeader()
        with VerticalScroll(can_focus=False):  # no invisible tab stop between the fields
            yield Static(Text(t("calendar.term_edit_title") if self.term else t("calendar.term_new_title"),
                              style="bold"))
            for key, field_id, value, hint in (
                # hints say the form of a value, never a value that could pass for last year's dates
                ("calendar.field.term_id", "term-id", term.term_id, t("calendar.hint.term_id")),
                ("calendar.field.term_name", "term-name", term.name, ""),
                ("calendar.field.first_day", "term-start", term.start, t("calendar.hint.term_date")),
                ("calendar.field.last_day", "term-end", term.end, t("calendar.hint.term_date")),
            ):
                with Horizontal(classes="row"):
                    yield Label(t(key))
                    yield Input(value, placeholder=hint, id=field_id, disabled=bool(self.term) and field_id == "term-id")
            yield Static(id="term-error")
            yield Static(id="term-notes")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#term-name" if self.term else "#term-id", Input).focus()
        self._notes(self.term)

    def _notes(self, term: Term | None) -> None:
        text = Text()
        if term is not None and term.start and term.end:
            text.append(t("calendar.term_weeks", weeks=weeks_in(term), school_weeks=school_weeks(term)) + "\n")
            for year in uncovered_years(term):
                text.append(t("calendar.uncovered", year=year) + "\n", style="yellow")
            manual = len(term.holidays) + len(term.workdays) + len(term.not_holidays) + len(term.not_workdays)
            if manual:
                text.append(t("calendar.term_manual_days", count=manual) + "\n")
        text.append(t("calendar.term_help"), style="dim")
        self.query_one("#term-notes", Static).update(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "term-id" and not self.term:
            try:
                self.query_one("#term-name", Input).value = term_display_name(event.value.strip())
            except (ValueError, KeyError):
                pass

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "term-end":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        error = self.query_one("#term-error", Static)
        store = self.app.store
        today = self.app.today
        try:
            start = parse_date(self.query_one("#term-start", Input).value, today)
            end = parse_date(self.query_one("#term-end", Input).value, today)
        except BadInput as problem:
            error.update(Text(str(problem)))
            return
        term_id = self.query_one("#term-id", Input).value.strip()
        base = self.term or Term()
        record = base.copy(term_id=term_id, name=self.query_one("#term-name", Input).value.strip(),
                           start=start.isoformat(), end=end.isoformat())
        others = [x for x in store.all(Term) if x.id != base.id]
        if term_by_id(others, term_id) is not None:
            error.update(Text(t("calendar.error.term_taken", term=term_id)))
            return
        overlapping = next((x for x in others if x.start_date <= end and start <= x.end_date), None)
        if overlapping is not None:
            error.update(Text(t("calendar.error.term_overlap", term=overlapping.term_id,
                                start=overlapping.start, end=overlapping.end)))
            return
        problems = record.validate()
        if problems:
            error.update(Text("\n".join(str(p) for p in problems)))
            return
        unchecked = unchecked_days(record) if not self.term else []
        if unchecked:
            # Issue 16: a year the holiday data does not cover — ask which of the days that
            # look official to close, before the weekly activities are generated.
            from screens.calendar.unchecked_days import UncheckedDays

            def chosen(days: list | None) -> None:
                if days is not None:
                    self._store(close_days(record, days), closed=len(days))

            self.app.push_screen(UncheckedDays(unchecked), chosen)
            return
        self._store(record)

    def _store(self, record: Term, closed: int | None = None) -> None:
        error = self.query_one("#term-error", Static)
        store = self.app.store
        added = 0
        try:
            with store.transaction() as tx:
                if self.term:
                    saved = tx.update(record)
                else:
                    saved = tx.insert(record)
                    added = generate_for_term(tx, saved, saved.start_date)
        except ValidationFailed as failed:
            error.update(Text("\n".join(str(p) for p in failed.problems)))
            return
        except JiaoyanError as failed:
            error.update(Text(str(failed)))
            return
        self.app.pop_screen()
        if closed is None:
            self.app.notify(t("calendar.term_saved", term=saved.term_id, added=added), markup=False)
        else:
            self.app.notify(t("calendar.term_saved_closed", term=saved.term_id, closed=closed, added=added),
                            markup=False)
