"""A teacher's page: who they are and, per area, what they did this term."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from models.records import Teacher
from screens.teacher.sections import section_modules
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings


class TeacherPage(Screen):
    """Pushed from any list of teachers (名册, 看板 …); escape goes back."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="teacher_page.back"),
        Binding("w", "notebook", "observations.key.notebook", id="teacher_page.notebook"),
    ]

    def __init__(self, teacher_id: int, term_id: str | None = None):
        super().__init__()
        translate_bindings(self)
        self.teacher_id = teacher_id
        self.term_id = term_id

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="teacher-page"):
            yield Static(id="teacher-page-body")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.refresh_data()

    def action_notebook(self) -> None:
        """The teacher's 听课本 for the term in view, as a Word file (screens/teacher/sections/observations.py)."""
        from screens.teacher.sections.observations import open_notebook

        open_notebook(self, self.teacher_id, self.term_id)

    def data_changed(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        store = self.app.store
        teacher = store.get(Teacher, self.teacher_id)
        body = Text()
        if teacher is None:
            self.query_one("#teacher-page-body", Static).update(body)
            return
        term = self.app.term
        if self.term_id:
            from models.records import Term
            from models.terms import term_by_id

            term = term_by_id(store.all(Term), self.term_id) or term
        for module in section_modules():
            part = module.section(self.app, teacher, term)
            if part:
                body.append_text(part)
                body.append("\n")
        self.query_one("#teacher-page-body", Static).update(body)
