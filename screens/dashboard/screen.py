"""看板: where the term stands, who is behind, what is due — computed from the records.

Three tabs: teachers (sortable by any column, filtered by group and role, enter opens
the teacher's page), groups, and the attention lists (enter opens the very place that
fixes the line: the teacher's page, the observation form filled in for that teacher,
the pairing's page, the group's theme). ``[`` and ``]`` step through the terms, archived ones too,
read-only from their archive files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from models.store.archive import view_for
from models.dashboard import (DEMO_LESSON, Dashboard, TeacherFigures, dashboard_of, name_sort_key, quota_bar,
                              sparkline)
from models.dashboard_text import attention_lines, top_line_text
from models.i18n import t
from models.records import ROLES, Teacher, Term
from models.terms import is_archived, term_by_id
from screens.base import AreaScreen
from screens.widgets.cells import fit
from screens.widgets.table_cursor import ListTable, cursor_id, restore_cursor

PACE_STYLES = {"✔": "green", "○": "", "▼": "bold red"}
# Where each attention line is fixed (shown after the line as "→ …"; see DashboardScreen.jump).
JUMPS = {"behind": "dashboard.jump.teacher_page", "not_observed": "dashboard.jump.observe",
         "demo": "dashboard.jump.demo", "pairing": "dashboard.jump.pairing", "theme": "dashboard.jump.theme",
         "not_held": "dashboard.jump.activity", "minutes": "dashboard.jump.minutes", "leave": "dashboard.jump.leave",
         "due": "dashboard.jump.due_write", "stage": "dashboard.jump.stage",
         "requirement": "dashboard.jump.teacher_page", "report_owed": "dashboard.jump.teacher_page"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # catalog key
    sort_value: Callable[[TeacherFigures], object]
    cell: Callable[[TeacherFigures], Text]


def _mark(done: bool) -> Text:
    return Text("✔", style="green") if done else Text("·", style="dim")


def _bar(f: TeacherFigures) -> Text:
    text = Text(quota_bar(f.given, f.quota, f.expected), style=PACE_STYLES[f.pace_marker] or "")
    text.append(" " + f.pace_marker, style=PACE_STYLES[f.pace_marker])
    return text


NAME_CELLS = 10
GROUP_CELLS = 12  # what 所在组 has at 80 columns; a wider screen gives it the rest

TEACHER_COLUMNS = (
    # A name is cut to NAME_CELLS (…): one long name must not push 所在组 off an 80-column screen.
    Column("name", "dashboard.col.teacher", lambda f: name_sort_key(f.teacher.name),
           lambda f: Text(fit(f.teacher.name, NAME_CELLS))),
    Column("given", "dashboard.col.given_quota", lambda f: (f.given / f.quota if f.quota else 1, f.given),
           lambda f: Text(f"{f.given}/{f.quota}", justify="right")),
    Column("pace", "dashboard.col.bar", lambda f: (f.given - f.expected, f.given), _bar),
    Column("received", "dashboard.col.received", lambda f: f.received,
           lambda f: Text(str(f.received), justify="right")),
    Column("research", "dashboard.col.research", lambda f: f.research_lessons, lambda f: _mark(f.research_lesson_done)),
    Column("talk", "dashboard.col.talk", lambda f: f.talks, lambda f: _mark(f.talk_done)),
    Column("outcomes", "dashboard.col.outcomes", lambda f: f.outcomes,
           lambda f: Text(str(f.outcomes), justify="right")),
    Column("points", "dashboard.col.points", lambda f: f.points, lambda f: Text(f"{f.points:g}", justify="right")),
    # 所在组 last, cut (…) to the room the screen has left (_fill_teachers): the whole list
    # is on the teacher's page (enter); uncut, reading it scrolled the names away.
    Column("groups", "dashboard.col.groups", lambda f: "、".join(f.groups), lambda f: Text("、".join(f.groups))),
)


class DashboardScreen(AreaScreen):
    AREA = "dashboard"
    CSS_PATH = "dashboard.tcss"
    # The list has the focus (not the tab bar), so ↑↓ move in it from the start and after
    # every dialog (Textual gives the focus back to what had it).
    AUTO_FOCUS = "#dash-teachers"
    # Where the admin lands: on the large school the term's figures take longer than the
    # whole rest of the first frame (bench/first_frame.py prints both).
    FIGURES_AFTER_FIRST_FRAME = True

    BINDINGS = [
        Binding("enter", "open", "dashboard.key.open", id="dashboard.open"),
        Binding("s", "sort", "dashboard.key.sort", id="dashboard.sort"),
        Binding("g", "filter_group", "dashboard.key.group", id="dashboard.filter_group"),
        Binding("r", "filter_role", "dashboard.key.role", id="dashboard.filter_role"),
        Binding("h", "history", "dashboard.key.history", id="dashboard.history"),
        Binding("o", "outcomes", "dashboard.key.outcomes", id="dashboard.outcomes"),
        Binding("x", "report", "dashboard.key.report", id="dashboard.report"),
        Binding("p", "policy", "dashboard.key.policy", id="dashboard.policy"),
        Binding("y", "year", "year.key", id="dashboard.year"),
        Binding("left_square_bracket", "term(-1)", "dashboard.key.prev_term", id="dashboard.prev_term",
                key_display="["),
        Binding("right_square_bracket", "term(1)", "dashboard.key.next_term", id="dashboard.next_term",
                key_display="]"),
        Binding("c", "close_term", "dashboard.key.close_term", id="dashboard.close_term"),
        Binding("t", "tab('teachers')", "dashboard.tab.teachers", id="dashboard.tab_teachers", show=False),
        Binding("b", "tab('groups')", "dashboard.tab.groups", id="dashboard.tab_groups", show=False),
        Binding("a", "tab('attention')", "dashboard.tab.attention", id="dashboard.tab_attention", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.term_id: str | None = None  # the term in view; None follows the current term
        self.dashboard: Dashboard | None = None
        self.sort_column = "name"
        self.sort_reverse = False
        self.group_filter: str | None = None  # a group's name
        self.role_filter: str | None = None
        self._attention: list[tuple[str, str, int]] = []

    def compose_body(self) -> ComposeResult:
        # Until the figures come (FIGURES_AFTER_FIRST_FRAME), the line says they are on their way.
        yield Static(Text(t("dashboard.working_out"), style="dim"), id="dash-top")
        with TabbedContent(id="dash-tabs", initial="teachers"):
            with TabPane(t("dashboard.tab.teachers"), id="teachers"):
                yield Static(id="dash-filter")
                yield ListTable(id="dash-teachers", cursor_type="cell", zebra_stripes=True)
            with TabPane(t("dashboard.tab.groups"), id="groups"):
                yield ListTable(id="dash-groups", cursor_type="row", zebra_stripes=True)
            with TabPane(t("dashboard.tab.attention"), id="attention"):
                yield OptionList(id="dash-attention")

    # -- reading -------------------------------------------------------------------------

    def viewed_term(self) -> Term | None:
        terms = self.app.store.all(Term)
        if self.term_id:
            found = term_by_id(terms, self.term_id)
            if found:
                return found
        return self.app.term

    def source(self, term: Term | None = None):
        return view_for(self.app.store, term or self.viewed_term())

    def refresh_data(self) -> None:
        term = self.viewed_term()
        top = self.query_one("#dash-top", Static)
        if term is None:
            self.dashboard = None
            top.update(Text(t("dashboard.no_term")))
            return
        # Kept with the data's generation: the history (h) finds the term in view already built.
        self.dashboard = dashboard_of(self.app.store, term, self.app.today)
        top.update(self._top_text(self.dashboard))
        self._fill_teachers()
        self._fill_groups()
        self._fill_attention()
        self.refresh_bindings()  # closing a term takes its key away (check_action)

    def _top_text(self, dash: Dashboard) -> Text:
        text = Text(top_line_text(dash), style="bold")
        if dash.term.term_id != (self.app.term.term_id if self.app.term else None):
            text.append("  " + t("dashboard.not_current"), style="reverse")
        text.append("\n")
        text.append(t("dashboard.sparkline_label") + " ")
        text.append(sparkline(dash.weekly_held), style="cyan")
        text.append("  " + t("dashboard.this_week", count=len(dash.top.this_week)))
        text.append("  " + t("dashboard.attention_count", count=dash.attention.count()),
                    style="bold red" if dash.attention.count() else "green")
        return text

    def _visible_teachers(self) -> list[TeacherFigures]:
        assert self.dashboard is not None
        rows = self.dashboard.teachers
        if self.group_filter:
            rows = [f for f in rows if self.group_filter in f.groups]
        if self.role_filter:
            rows = [f for f in rows if self.role_filter in f.teacher.roles]
        column = next(c for c in TEACHER_COLUMNS if c.key == self.sort_column)
        return sorted(rows, key=lambda f: (column.sort_value(f), f.teacher.id), reverse=self.sort_reverse)

    def _fill_teachers(self) -> None:
        table = self.query_one("#dash-teachers", DataTable)
        keep_row = self._cursor_teacher_id()
        keep_column = table.cursor_column
        table.clear(columns=True)
        for column in TEACHER_COLUMNS:
            label = t(column.label)
            if column.key == self.sort_column:
                label += " ▼" if self.sort_reverse else " ▲"
            table.add_column(Text(label), key=column.key)
        rows = self._visible_teachers()
        room = max(GROUP_CELLS, self.app.size.width - 80 + GROUP_CELLS)
        for f in rows:
            cells = [c.cell(f) for c in TEACHER_COLUMNS]
            cells[-1] = Text(fit(cells[-1].plain, room))
            table.add_row(*cells, key=str(f.teacher.id))
        if rows:
            ids = [f.teacher.id for f in rows]
            row = ids.index(keep_row) if keep_row in ids else 0
            table.move_cursor(row=row, column=min(keep_column, len(TEACHER_COLUMNS) - 1))
        everything = t("dashboard.filter_all")
        sort_label = t(next(c.label for c in TEACHER_COLUMNS if c.key == self.sort_column))
        self.query_one("#dash-filter", Static).update(Text(t(
            "dashboard.filter_line", group=self.group_filter or everything, role=self.role_filter or everything,
            sort=sort_label, count=len(rows))))

    def _cursor_teacher_id(self) -> int | None:
        return cursor_id(self.query_one("#dash-teachers", DataTable))

    def _fill_groups(self) -> None:
        assert self.dashboard is not None
        table = self.query_one("#dash-groups", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        for key in ("group", "held_planned", "cancelled", "attendance", "speakers", "theme"):
            table.add_column(Text(t(f"dashboard.col.{key}")), key=key)
        for g in self.dashboard.groups:
            rate = "—" if g.attendance_rate is None else f"{g.attendance_rate:.0%}"
            theme = Text(g.theme) if g.theme else Text("✘ " + t("dashboard.theme_missing"), style="red")
            table.add_row(Text(g.group.name), Text(f"{g.held}/{g.planned_so_far}", justify="right"),
                          Text(str(g.cancelled), justify="right"), Text(rate, justify="right"),
                          Text(f"{g.speakers}/{g.members}", justify="right"), theme, key=str(g.group.id))
        restore_cursor(table, row=keep)

    def _fill_attention(self) -> None:
        assert self.dashboard is not None
        names = {x.id: x.name for x in self.app.store.all(Teacher)}
        self._attention = attention_lines(self.dashboard, names)
        options = self.query_one("#dash-attention", OptionList)
        keep = options.highlighted
        options.clear_options()
        symbols = {"behind": "▼", "not_observed": "○", "demo": "◆", "pairing": "◇", "theme": "✘",
                   "not_held": "□", "minutes": "✎", "leave": "?", "due": "✍", "stage": "◎", "requirement": "△", "report_owed": "↩"}
        for index, (kind, line, record_id) in enumerate(self._attention):
            label = Text(symbols[kind] + " ", style="bold red")
            label.append(line)
            jump = JUMPS[kind]
            if kind == "due" and len(self._due_group(record_id)) > 1:
                jump = "dashboard.jump.due_list"
            label.append("  → " + t(jump), style="dim")
            options.add_option(Option(label, id=str(index)))
        if not self._attention:
            options.add_option(Option(Text(t("dashboard.attention_none")), id="none", disabled=True))
        else:
            options.highlighted = min(keep or 0, len(self._attention) - 1)
        tabs = self.query_one("#dash-tabs", TabbedContent)
        tabs.get_tab("attention").label = Text(t("dashboard.tab.attention") + f" {len(self._attention)}")

    # -- who may do what ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Policy and archiving are the admin's (the store's guard says so); their keys show
        only to those who may use them. Closing needs a term that is over and not archived yet."""
        if action == "policy":
            return self.can("update", self.app.store.policy())
        if action == "close_term":
            term = self.viewed_term()
            return (term is not None and not is_archived(term) and term.end_date < self.app.today
                    and self.can("update", term))
        return True

    # -- actions -------------------------------------------------------------------------

    def _active_tab(self) -> str:
        return self.query_one("#dash-tabs", TabbedContent).active

    def action_tab(self, tab: str) -> None:
        self.query_one("#dash-tabs", TabbedContent).active = tab
        target = {"teachers": "#dash-teachers", "groups": "#dash-groups", "attention": "#dash-attention"}[tab]
        self.query_one(target).focus()

    def action_open(self) -> None:
        tab = self._active_tab()
        if tab == "teachers":
            self.open_teacher()
        elif tab == "attention":
            self.jump(self.query_one("#dash-attention", OptionList).highlighted)
        elif tab == "groups":
            self.action_history()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        if event.data_table.id == "dash-teachers":
            event.stop()
            self.open_teacher()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "dash-groups":
            event.stop()
            self.action_history()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "dash-attention":
            event.stop()
            self.jump(event.option_index)

    def open_teacher(self) -> None:
        from screens.teacher.page import TeacherPage

        teacher_id = self._cursor_teacher_id()
        term = self.viewed_term()
        if teacher_id is not None:
            self.app.push_screen(TeacherPage(teacher_id, term.term_id if term else None))

    def jump(self, index: int | None) -> None:
        """Open the place where the attention line is fixed, filled in for its record."""
        if index is None or not 0 <= index < len(self._attention):
            return
        kind, _, record_id = self._attention[index]
        if kind in ("behind", "requirement", "report_owed"):
            from screens.teacher.page import TeacherPage

            term = self.viewed_term()
            self.app.push_screen(TeacherPage(record_id, term.term_id if term else None))
        elif kind in ("not_observed", "demo"):
            self.open_observation_form(record_id, DEMO_LESSON if kind == "demo" else None)
        elif kind == "pairing":
            from screens.mentoring.pairing_page import PairingPage

            self.app.push_screen(PairingPage(record_id))
        elif kind == "theme":
            from models.records import Group
            from screens.rosters.group_form import GroupForm

            group = self.app.store.get(Group, record_id)
            if group is None:
                return
            if not self.can("update", group, "themes"):
                self.refuse("update", group)
                return
            self.app.push_screen(GroupForm(record_id, focus="theme"), lambda _: self.data_changed())
        elif kind in ("not_held", "minutes"):
            self.open_activity(record_id, kind)
        elif kind == "leave":
            self.decide_leave(index)
        elif kind == "stage":
            from screens.research.project_page import ProjectPage

            self.app.push_screen(ProjectPage(record_id), lambda _: self.data_changed())
        elif kind == "due":
            self.open_due(record_id)

    def _due_group(self, index: int) -> list:
        """The documents owed behind a "due" line (models.documents.due_groups)."""
        groups = self.dashboard.attention.documents_due if self.dashboard else []
        return groups[index] if 0 <= index < len(groups) else []

    def open_due(self, index: int) -> None:
        """One document owed: write it (or open it); several: the list of what is due, there."""
        from screens.documents.due import DueScreen, open_due

        dues = self._due_group(index)
        term = self.viewed_term()
        if is_archived(term):
            self.notify(t("dashboard.due_archived"), severity="warning", markup=False)
            return
        if len(dues) == 1:
            open_due(self, dues[0], lambda _=None: self.data_changed())
        elif dues:
            status = dues[0].status(self.dashboard.as_of)
            self.app.push_screen(DueScreen(dues[0].kind, status), lambda _=None: self.data_changed())

    def decide_leave(self, index: int) -> None:
        """The office answers a leave request: y approves, n refuses (issue 16)."""
        from models.activities import decide_leave
        from models.records import Activity
        from screens.calendar.held_question import LeaveDecision

        kind, line, activity_id = self._attention[index]
        waiting = [teacher for a, teacher in self.dashboard.attention.leave_asked if a.id == activity_id]
        nth = sum(1 for k, _, i in self._attention[:index] if k == "leave" and i == activity_id)
        activity = self.app.store.get(Activity, activity_id)
        if activity is None or nth >= len(waiting):
            return
        teacher_id = waiting[nth]
        if not self.app.user or not self.app.user.is_admin:
            self.notify(t("access.who.leave_answer"), severity="warning", markup=False)
            return
        name = next((x.name for x in self.app.store.all(Teacher) if x.id == teacher_id), "?")

        def answered(approve: bool | None) -> None:
            from models.errors import JiaoyanError

            if approve is None:
                return
            try:
                with self.app.store.transaction() as tx:
                    tx.update(decide_leave(activity, teacher_id, approve))
            except JiaoyanError as error:  # a conflict, a refusal, the file: each says why
                self.notify(str(error), severity="error", markup=False)
            else:
                self.notify(t("calendar.leave.done", answer=t("leave.approved" if approve else "leave.refused"),
                              name=name), markup=False)
            self.data_changed()

        self.app.push_screen(LeaveDecision(line + "\n" + t("calendar.leave.decide_short")), answered)

    def open_activity(self, activity_id: int, kind: str) -> None:
        """The activity's form: attendance to take (ctrl+t) or minutes to write; the
        dashboard reads again when it comes back (on_screen_resume)."""
        from screens.calendar.activity_form import ActivityForm

        self.app.push_screen(ActivityForm(activity_id=activity_id, focus="minutes" if kind == "minutes" else None))

    def open_observation_form(self, teacher_id: int, lesson_type: str | None) -> None:
        """The observation form with the teacher to observe (and the lesson type) filled in."""
        from screens.observations.form import ObservationForm

        form = ObservationForm(teacher_id=teacher_id, lesson_type=lesson_type or None)
        self.app.push_screen(form, lambda _: self.data_changed())

    def action_sort(self) -> None:
        if self._active_tab() != "teachers":
            self.action_tab("teachers")
        table = self.query_one("#dash-teachers", DataTable)
        column = TEACHER_COLUMNS[min(table.cursor_column, len(TEACHER_COLUMNS) - 1)].key
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, False
        self._fill_teachers()

    def _cycle(self, current: str | None, choices: list[str]) -> str | None:
        sequence: list[str | None] = [None, *choices]
        position = sequence.index(current) if current in sequence else 0
        return sequence[(position + 1) % len(sequence)]

    def action_filter_group(self) -> None:
        if self.dashboard is None:
            return
        self.group_filter = self._cycle(self.group_filter, [g.group.name for g in self.dashboard.groups])
        self.action_tab("teachers")
        self._fill_teachers()

    def action_filter_role(self) -> None:
        if self.dashboard is None:
            return
        present = {role for f in self.dashboard.teachers for role in f.teacher.roles}
        self.role_filter = self._cycle(self.role_filter, [r for r in ROLES if r in present])
        self.action_tab("teachers")
        self._fill_teachers()

    def action_history(self) -> None:
        from screens.dashboard.term_over_term import TermOverTermScreen

        term = self.viewed_term()
        if term is None:
            return
        if self._active_tab() == "groups":
            group_id = cursor_id(self.query_one("#dash-groups", DataTable))
            if group_id is not None:
                self.app.push_screen(TermOverTermScreen(group_id=group_id, term_id=term.term_id))
            return
        teacher_id = self._cursor_teacher_id()
        if teacher_id is not None:
            self.app.push_screen(TermOverTermScreen(teacher_id=teacher_id, term_id=term.term_id))

    def action_outcomes(self) -> None:
        from screens.dashboard.outcomes import OutcomesScreen

        term = self.viewed_term()
        self.app.push_screen(OutcomesScreen(term.term_id if term else None))

    def action_year(self) -> None:
        """Both terms of the school year in view, for the annual review (screens/dashboard/year.py)."""
        from models.research import school_year_of
        from screens.dashboard.year import YearScreen

        term = self.viewed_term()
        if term is not None:
            self.app.push_screen(YearScreen(school_year_of(term.term_id)))

    def action_policy(self) -> None:
        from screens.dashboard.policy import PolicyScreen

        self.app.push_screen(PolicyScreen())

    def action_term(self, step: int) -> None:
        terms = sorted(self.app.store.all(Term), key=lambda x: x.start)
        current = self.viewed_term()
        if not terms or current is None:
            return
        ids = [x.term_id for x in terms]
        index = max(0, min(len(ids) - 1, ids.index(current.term_id) + step))
        self.term_id = ids[index]
        self.refresh_data()
        self.refresh_bindings()

    def action_report(self) -> None:
        from models.exports.term_report import term_report
        from screens.dashboard.report_dialog import ReportDialog

        term = self.viewed_term()
        if term is None:
            return
        source, today, user = self.source(term), self.app.today, self.app.user
        # The dialog writes the report itself, with a progress bar, and closes when it is done.
        self.app.push_screen(ReportDialog(term.term_id, lambda: term_report(source, term, today, user)),
                             self._report_written)

    def _report_written(self, path: str | None) -> None:
        if path:
            from pathlib import Path

            self.notify(t("dashboard.cli.report.done", path=path), markup=False)
            self.app.announce_download(Path(path))  # over SSH: the scp command that fetches it

    def action_close_term(self) -> None:
        from screens.dashboard.close_term_dialog import CloseTermDialog

        term = self.viewed_term()
        if term is None:
            return
        if not self.can("update", term):
            self.refuse("update", term)
            return
        self.app.push_screen(CloseTermDialog(term.term_id),
                             lambda yes: self._close_confirmed(term.term_id if yes else None))

    def _close_confirmed(self, term_id: str | None) -> None:
        from screens.dashboard.closing_dialog import ClosingTermDialog

        if term_id:
            # In a process of its own (a second or two on a large school), the term's figures
            # kept at once so the first history (h) afterwards reads them.
            self.app.push_screen(ClosingTermDialog(term_id), lambda result: self._term_closed(term_id, result))

    def _term_closed(self, term_id: str, result: dict[str, int] | str) -> None:
        if isinstance(result, str):
            self.notify(result, severity="error", markup=False)
            return
        # Taken in and worked out behind the box (closing_dialog.py): the screen redraws as it
        # comes back (AreaScreen.on_screen_resume).
        self.notify(t("dashboard.closed", term=term_id, count=sum(result.values())), markup=False)
