"""课题与学时: the school's research projects, and every teacher's study hours.

Two tabs: 课题 (number, title, level, host, the stage it is at, the next stage's date —
red when overdue; ``enter`` opens the project's page with its stages) and 学时 (each
teacher's hours this term and this school year against the policy's target, remote
training against the per-term minimum, and the 汇报课 or report still owed after
outside training; ``enter`` opens the teacher's page). ``n`` adds a project (the office), ``e`` changes
its facts (the office, or its host), ``d`` deletes it (the office),
``t`` records outside training (外出学习), ``r`` marks the owed 汇报课/report given.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from models import research
from models.dashboard import name_sort_key, teachers_of_term
from models.i18n import t
from models.records import Project, Teacher, Term, Training
from models.store.archive import ArchiveView
from screens.base import AreaScreen
from screens.widgets.cells import fit
from screens.widgets.table_cursor import ListTable, cursor_key, restore_cursor


class ResearchScreen(AreaScreen):
    AREA = "research"

    BINDINGS = [
        Binding("k", "tab('projects')", "research.tab.projects", id="research.tab_projects"),
        Binding("h", "tab('hours')", "research.tab.hours", id="research.tab_hours"),
        Binding("enter", "open", "key.open", id="research.open"),
        Binding("n", "new", "research.key.new_project", id="research.new"),
        Binding("e", "edit", "research.key.edit_project", id="research.edit"),
        Binding("d", "delete", "research.key.delete_project", id="research.delete"),
        Binding("t", "training", "research.key.training", id="research.training"),
        Binding("r", "reported", "research.key.reported", id="research.reported"),
        Binding("p", "print", "research.key.print", id="research.print"),
    ]
    CSS_PATH = "research.tcss"

    def compose_body(self) -> ComposeResult:
        yield Static(id="research-top")
        with TabbedContent(initial="projects", id="research-tabs"):
            with TabPane(t("research.tab.projects"), id="projects"):
                yield ListTable(id="research-projects", cursor_type="row", zebra_stripes=True)
            with TabPane(t("research.tab.hours"), id="hours"):
                yield ListTable(id="research-hours", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#research-projects", DataTable).focus()

    # -- reading ----------------------------------------------------------------------------

    def refresh_data(self) -> None:
        store, today = self.app.store, self.app.today
        projects = sorted(store.all(Project), key=lambda p: (p.start, p.id))
        overdue = research.overdue_stages(projects, today)
        policy = store.policy()
        top = Text()
        top.append(t("research.top", projects=len(projects), target=f"{policy.study_hours_per_year:g}"))
        if overdue:
            top.append("  " + t("research.top_overdue", count=len(overdue)), style="bold red")
        if not projects:
            top.append("\n" + t("research.no_projects"), style="dim")
        self.query_one("#research-top", Static).update(top)
        self._fill_projects(projects)
        self._fill_hours()
        self.refresh_bindings()

    def _fill_projects(self, projects: list[Project]) -> None:
        store, today = self.app.store, self.app.today
        table = self.query_one("#research-projects", DataTable)
        kept, row = cursor_key(table), table.cursor_row
        table.clear(columns=True)
        for key in ("research.col.number", "research.col.title", "research.col.level", "research.col.host",
                    "research.col.state", "research.col.next"):
            table.add_column(t(key), key=key)
        for p in projects:
            host = store.get(Teacher, p.host_id)
            upcoming = research.current_stage(p)
            if upcoming is None:
                next_cell = Text("—", style="dim")
            else:
                late = research.stage_overdue(upcoming, today)
                next_cell = Text(f"{upcoming.get('name', '')} {upcoming.get('date', '')[2:]}",
                                 style="bold red" if late else "")
            table.add_row(Text(p.number or "—"), Text(fit(p.title, 22)), Text(p.level),
                          Text(host.name if host else "?"), Text(research.project_state(p)), next_cell,
                          key=str(p.id))
        restore_cursor(table, key=kept, row=row)

    def year_source(self) -> ArchiveView:
        """The store and the archives of this school year's terms (an archived first term counts)."""
        term = self.app.term
        if term is None:
            return ArchiveView(self.app.store, [])
        terms = research.terms_of_year(self.app.store.all(Term), research.school_year_of(term.term_id))
        return ArchiveView(self.app.store, [x.term_id for x in terms])

    def _fill_hours(self) -> None:
        table = self.query_one("#research-hours", DataTable)
        term = self.app.term
        kept, row = cursor_key(table), table.cursor_row
        table.clear(columns=True)
        for key in ("research.col.teacher", "research.col.term_hours", "research.col.year_hours",
                    "research.col.remote", "research.col.owed"):
            table.add_column(t(key), key=key)
        if term is None:
            return
        source = self.year_source()
        teachers = sorted(teachers_of_term(source, term), key=lambda x: (name_sort_key(x.name), x.id))
        for f in research.hours_of_teachers(source, term, teachers, self.app.today):
            year = Text(f"{f.year_hours:g}/{f.year_target:g}", style="bold red" if f.behind else "")
            if f.behind:
                year.append(" ▼")
            remote = (Text(f"{f.remote_term:g}/{f.remote_minimum:g}", style="bold red" if f.remote_short else "")
                      if f.remote_minimum else Text(f"{f.remote_term:g}", style="dim"))
            owed = Text("、".join(x.report_back for x in f.reports_owed) or "—",
                        style="bold red" if f.reports_owed else "dim")
            table.add_row(Text(f.teacher.name), Text(f"{f.term_hours:g}"), year, remote, owed,
                          key=str(f.teacher.id))
        restore_cursor(table, key=kept, row=row)

    # -- what is highlighted ------------------------------------------------------------------

    def _tab(self) -> str:
        try:
            return self.query_one("#research-tabs", TabbedContent).active or "projects"
        except Exception:  # not composed yet
            return "projects"

    def _row_key(self, table_id: str) -> str | None:
        try:
            table = self.query_one(table_id, DataTable)
        except Exception:
            return None
        key = cursor_key(table)
        return key if key and key != "none" else None

    def highlighted_project(self) -> Project | None:
        key = self._row_key("#research-projects")
        return self.app.store.get(Project, int(key)) if key else None

    def highlighted_teacher(self) -> Teacher | None:
        key = self._row_key("#research-hours")
        return self.app.store.get(Teacher, int(key)) if key else None

    def owed_training(self) -> Training | None:
        teacher = self.highlighted_teacher()
        if teacher is None:
            return None
        owed = research.reports_owed(self.app.store.all(Training), teacher.id)
        return owed[0] if owed else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tab = self._tab()
        if action == "new":
            return tab == "projects" and self.can("insert", Project(host_id=0))
        if action == "print":
            return tab == "projects" and self.highlighted_project() is not None
        if action in ("edit", "delete"):
            project = self.highlighted_project() if tab == "projects" else None
            return project is not None and self.can("delete" if action == "delete" else "update", project,
                                                     *(("title",) if action == "edit" else ()))
        if action == "training":
            return tab == "hours" and self.app.user is not None and self.app.term is not None
        if action == "reported":
            training = self.owed_training() if tab == "hours" else None
            return training is not None and self.can("update", training)
        if action == "open":
            return (self.highlighted_project() if tab == "projects" else self.highlighted_teacher()) is not None
        return True

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    # -- actions --------------------------------------------------------------------------------

    def action_tab(self, tab: str) -> None:
        self.query_one("#research-tabs", TabbedContent).active = tab
        self.query_one("#research-projects" if tab == "projects" else "#research-hours", DataTable).focus()
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        if self._tab() == "projects":
            from screens.research.project_page import ProjectPage

            project = self.highlighted_project()
            if project is not None:
                self.app.push_screen(ProjectPage(project.id), lambda _: self.data_changed())
            return
        teacher = self.highlighted_teacher()
        if teacher is not None:
            from screens.teacher.page import TeacherPage

            term = self.app.term
            self.app.push_screen(TeacherPage(teacher.id, term.term_id if term else None))

    def action_new(self) -> None:
        from screens.research.forms import ProjectForm

        self.app.push_screen(ProjectForm(), lambda _: self.data_changed())

    def action_edit(self) -> None:
        from screens.research.forms import ProjectForm

        project = self.highlighted_project()
        if project is not None:
            self.app.push_screen(ProjectForm(project.id), lambda _: self.data_changed())

    def action_delete(self) -> None:
        from screens.research.project_page import delete_project

        project = self.highlighted_project()
        if project is not None:
            delete_project(self, project, self.data_changed)

    def action_training(self) -> None:
        from screens.research.forms import TrainingForm

        teacher = self.highlighted_teacher()
        me = self.app.user
        chosen = teacher if teacher is not None and me is not None and me.is_admin else me
        self.app.push_screen(TrainingForm(chosen.id if chosen else 0), lambda _: self.data_changed())

    def action_reported(self) -> None:
        from models.errors import JiaoyanError

        training = self.owed_training()
        if training is None:
            return
        try:
            with self.app.store.transaction() as tx:
                tx.update(training.copy(reported_on=self.app.today.isoformat()))
        except JiaoyanError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(t("research.reported", what=training.report_back, title=training.title), markup=False)
        self.data_changed()

    def action_print(self) -> None:
        from screens.research.project_page import print_project

        project = self.highlighted_project()
        if project is not None:
            print_project(self, project)

