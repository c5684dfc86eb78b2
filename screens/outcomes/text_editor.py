"""An outcome's full text, in the documents' full-screen editor (screens/documents/editor.py):
typed Chinese and text pasted from Word or WeChat keep their lines. ``ctrl+o`` reads the text
of a ``.docx``/``.txt``/``.md`` file on the server into the editor (the documents' reader);
``ctrl+s`` saves. Only the outcome's teacher and the office change it (models/permissions.py);
anyone else reads it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static, TextArea

from models.errors import JiaoyanError
from models.i18n import t
from models.outcomes import OutcomeRefused, read_text_file
from models.permissions import can
from models.records import Outcome, Teacher
from models.store.storage import ConflictError
from screens.documents.editor import FullTextEditor
from screens.widgets.keys import translate_bindings


class OutcomeTextEditor(FullTextEditor):
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="outcome_text.save", priority=True),
        Binding("ctrl+o", "import_file", "outcomes.key.import_file", id="outcome_text.import", priority=True),
        Binding("escape", "back", "key.back", id="outcome_text.back"),
    ]
    # CSS_PATH is not gathered over the bases as DEFAULT_CSS is: the editor's own rules come along by name.
    CSS_PATH = [FullTextEditor.CSS_PATH, "outcomes.tcss"]

    def __init__(self, outcome_id: int):
        super().__init__()
        translate_bindings(self)
        self.record_id = outcome_id
        self.outcome: Outcome | None = None

    def may_edit(self) -> bool:
        return self.outcome is not None and can(self.app.store, self.app.user or self.app.login, "update",
                                                 self.outcome)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("save", "import_file"):
            return self.may_edit()
        return True

    def compose_fields(self) -> ComposeResult:
        self.outcome = self.app.store.get(Outcome, self.record_id)
        about = Text()
        if self.outcome is not None:
            teacher = self.app.store.get(Teacher, self.outcome.teacher_id)
            about.append(teacher.name if teacher else "?", style="bold")
            about.append(f"  {self.outcome.kind}  《")
            about.append(self.outcome.title)
            about.append(f"》  {self.outcome.level} {self.outcome.award}".rstrip())
        with Horizontal(id="outcome-text-about"):
            yield Static(about)

    def initial_text(self) -> str:
        return self.outcome.text if self.outcome else ""

    def on_mount(self) -> None:
        body = self.query_one("#doc-body", TextArea)
        if not self.may_edit():
            body.read_only = True
            self.say(t("outcomes.text.read_only"))
        elif not body.text:
            self.say(t("outcomes.text.hint"))
        self.mark_saved()
        self.focus_body_end()

    def action_save(self) -> None:
        if self.outcome is None or not self.may_edit():
            return
        self._store(self.outcome.copy(text=self.body_text()))

    def _store(self, record: Outcome) -> None:
        from screens.dialogs.conflict import resolve_conflict

        try:
            with self.app.store.transaction() as tx:
                saved = tx.update(record)
        except ConflictError as conflict:  # someone saved it meanwhile: both texts side by side, by name
            resolve_conflict(self.app, conflict, save_mine=self._store, take_theirs=self._take_theirs,
                             labels={"text": t("outcomes.col.text")})
            return
        except JiaoyanError as error:  # refused, or the disk said no
            self.say(str(error), error=True)
            return
        self.outcome = saved
        self.mark_saved()
        count = sum(1 for c in saved.text if not c.isspace())
        self.say(t("outcomes.text.saved", count=count, time=saved.updated_at[11:16]))

    def _take_theirs(self, theirs: Outcome | None) -> None:
        if theirs is None:  # deleted meanwhile: nothing left to write into
            self.app.pop_screen()
            return
        self.outcome = theirs
        self.query_one("#doc-body", TextArea).load_text(theirs.text)
        self.mark_saved()
        self.say(t("outcomes.text.took_theirs"))

    def action_import_file(self) -> None:
        from screens.documents.prep import LineDialog

        def chosen(path: str | None) -> None:
            if not path:
                return
            try:
                text = read_text_file(path.strip().strip("'\""))
            except OutcomeRefused as error:
                self.say(str(error), error=True)
                return
            body = self.query_one("#doc-body", TextArea)
            body.text = text
            self.focus_body_end()
            self.say(t("outcomes.text.imported", count=sum(1 for c in text if not c.isspace()),
                       lines=len(text.splitlines())))

        self.app.push_screen(LineDialog(t("outcomes.text.file_prompt"), value=str(self.app.export_folder) + "/"),
                             chosen)
