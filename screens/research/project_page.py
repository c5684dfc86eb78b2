"""One 课题's page: its facts and its four stages (立项, 开题, 中期, 结题) with dates,
status and documents. ``x`` marks the highlighted stage done (or back to planned),
``w`` writes a document for the stage in the editor, ``f`` takes one from a .docx/.txt
file on the server, ``enter`` reads the stage's documents, ``p`` prints the record to Word;
``E`` changes the project's facts (the office, or the host: not who hosts it) and ``d`` deletes it
(the office only; ``e`` moves a stage's date).

The office and the project's host change it (models/permissions.py); others read it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models import research
from models.errors import JiaoyanError
from models.i18n import t
from models.records import Project, Teacher
from models.store.storage import ConflictError
from screens.widgets.cells import fit
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.table_cursor import ListTable, cursor_key, restore_cursor


def print_project(screen, project: Project) -> None:
    """Ask where to save the Word file (the person's export folder by default) and write it:
    the one save dialog (screens/dialogs/save_path.py), the one registry and Word builder."""
    from models.exports.project_record import default_project_name, project_report
    from models.exports.registry import render
    from screens.dialogs.save_path import SavePathDialog

    store = screen.app.store
    screen.app.push_screen(SavePathDialog(t("doc.print.path_prompt"), default_project_name(project),
                                          lambda: render(project_report(store, project), "docx")))


def delete_project(screen, project: Project, done) -> None:
    """Ask with the shared confirm dialog, then remove the project through the store (the office)."""
    from screens.dialogs.confirm import ConfirmScreen

    def answered(yes: bool | None) -> None:
        fresh = screen.app.store.get(Project, project.id)
        if not yes or fresh is None:
            return
        try:
            research.delete_project(screen.app.store, fresh)
        except JiaoyanError as error:
            screen.notify(str(error), severity="error", markup=False)
            return
        screen.notify(t("research.project_deleted", title=fresh.title), markup=False)
        done()

    screen.app.push_screen(ConfirmScreen(t("research.confirm_delete", title=project.title),
                                         yes=t("key.delete"), no=t("key.keep")), answered)


class ProjectPage(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "key.back", id="project_page.back"),
        Binding("x", "toggle_done", "research.key.stage_done", id="project_page.done"),
        Binding("e", "stage_date", "research.key.stage_date", id="project_page.date"),
        Binding("w", "write", "research.key.write", id="project_page.write"),
        Binding("f", "from_file", "research.key.from_file", id="project_page.file"),
        Binding("enter", "read", "research.key.read", id="project_page.read"),
        Binding("p", "print", "research.key.print", id="project_page.print"),
        Binding("E", "edit", "research.key.edit_project", id="project_page.edit"),
        Binding("d", "delete", "research.key.delete_project", id="project_page.delete"),
    ]
    CSS_PATH = "research.tcss"

    def __init__(self, project_id: int):
        super().__init__()
        translate_bindings(self)
        self.project_id = project_id

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="project-facts")
        yield ListTable(id="project-stages", cursor_type="row", zebra_stripes=True)
        yield FittedFooter()

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one("#project-stages", DataTable).focus()

    def data_changed(self) -> None:
        self.refresh_data()

    def project(self) -> Project | None:
        return self.app.store.get(Project, self.project_id)

    def refresh_data(self) -> None:
        project = self.project()
        facts = self.query_one("#project-facts", Static)
        table = self.query_one("#project-stages", DataTable)
        if project is None:
            facts.update(Text(t("research.gone"), style="bold red"))
            return
        store, today = self.app.store, self.app.today
        names = {x.id: x.name for x in store.all(Teacher)}
        text = Text()
        text.append(f"{project.number} ".lstrip() if project.number else "", style="bold")
        text.append(project.title + "\n", style="bold")
        text.append(t("research.page.facts", level=project.level, host=names.get(project.host_id, "?"),
                      start=project.start, end=project.planned_end or "—") + "\n", style="dim")
        text.append(t("research.page.members", members="、".join(names.get(m, "?") for m in project.member_ids)
                      or "—"), style="dim")
        facts.update(text)
        kept, row = cursor_key(table), table.cursor_row
        table.clear(columns=True)
        for key in ("research.field.stage", "research.field.stage_date", "field.status",
                    "research.field.done_on", "research.print.documents"):
            table.add_column(t(key), key=key)
        for item in project.stages:
            late = research.stage_overdue(item, today)
            status = Text(t(f"research.stage.{item.get('status', 'planned')}"),
                          style="green" if item.get("status") == "done" else ("bold red" if late else ""))
            if late:
                status.append(" " + t("research.overdue"))
            titles = "、".join(d.get("title", "") for d in item.get("documents", [])) or "—"
            table.add_row(Text(item.get("name", "")), Text(item.get("date", "") or "—"), status,
                          Text(item.get("done_on", "") or "—"), Text(fit(titles, 24)), key=item.get("name", ""))
        restore_cursor(table, key=kept, row=row)
        self.refresh_bindings()

    def stage_name(self) -> str | None:
        try:
            return cursor_key(self.query_one("#project-stages", DataTable))
        except Exception:
            return None

    def may_change(self) -> bool:
        from models.permissions import can

        project = self.project()
        return project is not None and can(self.app.store, self.app.user or self.app.login, "update", project,
                                           "stages")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_done", "write", "from_file", "stage_date"):
            return self.may_change() and self.stage_name() is not None
        if action in ("edit", "delete"):
            from models.permissions import can

            project = self.project()
            return project is not None and can(self.app.store, self.app.user or self.app.login,
                                               action if action == "delete" else "update", project,
                                               *(("title",) if action == "edit" else ()))
        if action == "read":
            project, name = self.project(), self.stage_name()
            item = research.stage(project, name) if project and name else None
            return bool(item and item.get("documents"))
        return True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.check_action("read", ()):
            self.action_read()

    def save(self, changed: Project) -> bool:
        try:
            research.save_project(self.app.store, changed)
        except ConflictError:
            self.notify(t("doc.error.conflict"), severity="warning", markup=False)
            self.refresh_data()
            return False
        except JiaoyanError as error:
            self.notify(str(error), severity="error", markup=False)
            return False
        self.refresh_data()
        return True

    def action_toggle_done(self) -> None:
        """A planned stage is marked done on the day it was (today unless typed: a 开题 held
        last month is recorded late); a done one goes back to planned."""
        from models.dates import BadInput, parse_date
        from screens.documents.prep import LineDialog

        project, name = self.project(), self.stage_name()
        if project is None or name is None:
            return
        if (research.stage(project, name) or {}).get("status") == "done":
            if self.save(research.mark_stage(project, name, False, self.app.today)):
                self.notify(t("research.stage_marked", stage=name, status=t("research.stage.planned")), markup=False)
            return

        def chosen(text: str | None) -> None:
            fresh = self.project()
            if text is None or fresh is None:
                return
            try:
                day = parse_date(text, self.app.today) if text.strip() else self.app.today
            except BadInput as error:
                self.notify(str(error), severity="error", markup=False)
                return
            if day > self.app.today:
                self.notify(t("research.error.done_in_future", stage=name, date=day.isoformat()),
                            severity="error", markup=False)
                return
            if self.save(research.mark_stage(fresh, name, True, day)):
                self.notify(t("research.stage_marked", stage=name, status=t("research.stage.done")), markup=False)

        self.app.push_screen(LineDialog(t("research.stage_done_prompt", stage=name),
                                        value=self.app.today.isoformat()), chosen)

    def action_stage_date(self) -> None:
        """Move the highlighted stage's planned date (10-16, 2026-05-01, +30 …)."""
        from models.dates import BadInput, parse_date
        from screens.documents.prep import LineDialog

        project, name = self.project(), self.stage_name()
        if project is None or name is None:
            return
        current = (research.stage(project, name) or {}).get("date", "")

        def chosen(text: str | None) -> None:
            fresh = self.project()
            if not text or fresh is None:
                return
            try:
                day = parse_date(text, self.app.today)
            except BadInput as error:
                self.notify(str(error), severity="error", markup=False)
                return
            if self.save(research.with_stage(fresh, name, date=day.isoformat())):
                self.notify(t("research.stage_moved", stage=name, date=day.isoformat()), markup=False)

        self.app.push_screen(LineDialog(t("research.stage_date_prompt", stage=name), value=current), chosen)

    def action_write(self) -> None:
        from screens.research.stage_editor import StageDocumentEditor

        name = self.stage_name()
        if name is not None:
            self.app.push_screen(StageDocumentEditor(self.project_id, name), lambda _: self.refresh_data())

    def action_from_file(self) -> None:
        from pathlib import Path

        from models.documents import DocumentRefused, text_from_file
        from screens.documents.prep import LineDialog

        name = self.stage_name()
        if name is None:
            return

        def chosen(path: str | None) -> None:
            project = self.project()
            if not path or project is None:
                return
            file = Path(path).expanduser()
            try:
                text = text_from_file(file)
            except DocumentRefused as error:
                self.notify(error.reason, severity="error", markup=False)
                return
            except JiaoyanError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            if self.save(research.add_stage_document(project, name, file.stem, text, source=file.name)):
                self.notify(t("research.document_added", title=file.stem, stage=name), markup=False)

        self.app.push_screen(LineDialog(t("research.file_prompt")), chosen)

    def action_read(self) -> None:
        from screens.research.stage_editor import StageDocumentsView

        name = self.stage_name()
        if name is not None:
            self.app.push_screen(StageDocumentsView(self.project_id, name))

    def action_print(self) -> None:
        project = self.project()
        if project is not None:
            print_project(self, project)

    def action_edit(self) -> None:
        from screens.research.forms import ProjectForm

        if self.project() is not None:
            self.app.push_screen(ProjectForm(self.project_id), lambda _: self.refresh_data())

    def action_delete(self) -> None:
        project = self.project()
        if project is not None:
            delete_project(self, project, lambda: self.dismiss(None))

    def action_back(self) -> None:
        self.dismiss(None)

