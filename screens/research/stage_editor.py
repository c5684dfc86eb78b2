"""A stage's documents (开题报告, 中期报告 …): written in the documents area's full-screen
editor (screens/documents/editor.py's FullTextEditor: a TextArea that keeps Chinese input
and pasted text line for line) under a title, and read on their own page."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from models import research
from models.errors import JiaoyanError
from models.i18n import t
from models.records import Project
from models.store.storage import ConflictError
from screens.documents.editor import FullTextEditor
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings


class StageDocumentEditor(FullTextEditor):
    """Writes a new document of one stage in the documents' full-screen editor
    (:class:`screens.documents.editor.FullTextEditor`); ``ctrl+s`` saves (and keeps editing
    the same document), ``escape`` goes back, asking first when something typed is not saved.
    Dismisses with the project's id."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="stage_editor.save", priority=True),
        Binding("escape", "back", "key.back", id="stage_editor.back"),
    ]
    # CSS_PATH is not gathered over the bases as DEFAULT_CSS is: the editor's own rules come along by name.
    CSS_PATH = [FullTextEditor.CSS_PATH, "research.tcss"]

    def __init__(self, project_id: int, stage_name: str):
        super().__init__()
        translate_bindings(self)
        self.project_id, self.stage_name = project_id, stage_name
        self.index: int | None = None  # the document's place in the stage once saved

    def compose_fields(self) -> ComposeResult:
        with Horizontal(id="stage-title-row"):
            yield Label(t("research.editor.title", stage=self.stage_name))
            yield Input(t("research.editor.default_title", stage=self.stage_name), id="stage-title", compact=True)

    def values(self) -> tuple:
        return (self.query_one("#stage-title", Input).value.strip(), self.body_text())

    def on_mount(self) -> None:
        self.mark_saved()
        self.focus_body_end()

    def action_save(self) -> None:
        project = self.app.store.get(Project, self.project_id)
        if project is None:
            self.say(t("research.gone"), error=True)
            return
        title, body = self.values()
        try:
            if self.index is None:
                changed = research.add_stage_document(project, self.stage_name, title, body)
            else:
                changed = research.replace_stage_document(project, self.stage_name, self.index, title, body)
            saved = research.save_project(self.app.store, changed)
        except ConflictError:
            self.say(t("doc.error.conflict"), error=True)
            return
        except JiaoyanError as error:  # a missing title, refused, or the disk said no
            self.say(str(error), error=True)
            return
        if self.index is None:
            self.index = len((research.stage(saved, self.stage_name) or {}).get("documents", [])) - 1
        self.record_id = self.project_id
        self.mark_saved()
        self.say(t("doc.editor.saved", time=saved.updated_at[11:16]))


class StageDocumentsView(Screen[None]):
    """The documents of one stage, in full."""

    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", id="stage_view.back")]
    CSS_PATH = "research.tcss"

    def __init__(self, project_id: int, stage_name: str):
        super().__init__()
        translate_bindings(self)
        self.project_id, self.stage_name = project_id, stage_name

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="stage-docs"):
            yield Static(id="stage-docs-body")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.data_changed()

    def data_changed(self) -> None:
        project = self.app.store.get(Project, self.project_id)
        item = research.stage(project, self.stage_name) if project else None
        text = Text()
        text.append(f"{project.title if project else ''} · {self.stage_name}\n\n", style="bold")
        for document in (item or {}).get("documents", []):
            text.append(document.get("title", "") + "\n", style="bold")
            if document.get("source"):
                text.append(t("doc.view.source", name=document["source"]) + "\n", style="dim")
            text.append((document.get("text", "") or t("doc.view.empty")) + "\n\n")
        self.query_one("#stage-docs-body", Static).update(text)
