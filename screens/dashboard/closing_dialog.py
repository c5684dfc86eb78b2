"""While a term is being closed: a box saying so, the close itself in a process of its own
(models/term_close.py), so the screen stays drawn and the keys wait in the box, not in a
frozen app. Dismisses with the counts moved, or the sentence saying why the term was not closed."""

from __future__ import annotations

import time

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from models.i18n import t
from screens.dialogs.base import Dialog

TAKE_IN_LIMIT = 10.0  # seconds to wait for the app to take the close in before working out anyway


class ClosingTermDialog(Dialog["dict[str, int] | str"]):
    """No keys: a close cannot be stopped half-way, and it takes a second or two."""

    CSS_PATH = "dashboard.tcss"

    def __init__(self, term_id: str):
        super().__init__()
        self.term_id = term_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(t("dashboard.closing", term=self.term_id)))
            yield LoadingIndicator()

    def on_mount(self) -> None:
        app = self.app
        self.close_term(str(app.store.path), app.login, app.today, app.session.language)

    @work(thread=True, exclusive=True, group="close_term")
    def close_term(self, db: str, login: str, today, language: str) -> "dict[str, int] | str":
        from models.errors import JiaoyanError
        from models.term_close import close_elsewhere

        try:
            moved = close_elsewhere(db, login=login, today=today, language=language, term_id=self.term_id)
        except JiaoyanError as error:
            return str(error)
        self._take_in_and_work_out(today)
        return moved

    def _take_in_and_work_out(self, today) -> None:
        """The close was another process's save: the app takes it in (its own worker), then
        the closed term's dashboard is worked out here, off the screen (it reads the new
        archive: 100–200 ms on a large school), so the 看板 redraws from it at once."""
        from models.dashboard import dashboard_of

        app, store = self.app, self.app.store
        before = store.storage.file_generation
        app.call_from_thread(app.check_for_changes, at_once=True)
        deadline = time.monotonic() + TAKE_IN_LIMIT
        while store.storage.file_generation == before and time.monotonic() < deadline:
            time.sleep(0.01)
        term = app.call_from_thread(self._records_ready)
        if term is not None:
            dashboard_of(store, term, today)

    def _records_ready(self):
        """On the UI thread: the records the dashboard reads from the store, made ready as the
        history's worker has them (screens/dashboard/term_over_term.py); the closed Term."""
        from models.records import Group, Teacher, Term
        from models.terms import term_by_id

        store = self.app.store
        for cls in (Teacher, Group):
            store.all(cls)
        store.policy()
        return term_by_id(store.all(Term), self.term_id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Dismissed once the worker has finished (dismissing from inside it would cancel it).
        if event.worker.group == "close_term" and event.state == WorkerState.SUCCESS:
            self.dismiss(event.worker.result)
