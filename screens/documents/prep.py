"""集体备课: a 备课组's units this term with their 主备人, the meeting where each is
discussed, and how far its papers are (共案, 个案, 反思, comments).

Keys: ``g`` the next of your 备课组 · ``n`` (leader) add units, 主备人 in rotation ·
``w`` write: the 共案 when you are the unit's 主备人, else your 个案 · ``f`` your 反思 after
teaching · ``c`` comment on the unit · ``enter`` the 共案 (or your paper) · ``escape`` back.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from models import documents as docs
from models import prep
from models.documents import Document
from models.i18n import t
from models.records import Activity, Group, Teacher
from models.errors import JiaoyanError
from models.store.storage import ConflictError
from screens.dialogs.base import Dialog
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.table_cursor import ListTable, cursor_id


def my_prep_groups(store, me: Teacher | None) -> list[Group]:
    groups = [g for g in store.all(Group) if g.active and g.kind == "prep"]
    if me is None:
        return []
    if me.is_admin:
        return groups
    return [g for g in groups if docs.member_of(store, me.id, g.id) or docs.leads(store, me.id, g.id)]


class PrepScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="prep.back"),
        Binding("enter", "open", "key.open", id="prep.open"),
        Binding("w", "write", "prep.key.write", id="prep.write"),
        Binding("f", "reflect", "prep.key.reflect", id="prep.reflect"),
        Binding("c", "comment", "prep.key.comment", id="prep.comment"),
        Binding("n", "add_units", "prep.key.add", id="prep.add"),
        Binding("g", "next_group", "prep.key.group", id="prep.group"),
    ]
    CSS_PATH = "documents.tcss"

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.group_index = 0

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="prep-title")
        yield ListTable(id="prep-units", cursor_type="row", zebra_stripes=True)
        yield Static(id="prep-detail")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one("#prep-units", DataTable).focus()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def data_changed(self) -> None:
        self.refresh_data()

    # -- what is shown ---------------------------------------------------------------------

    def groups(self) -> list[Group]:
        return my_prep_groups(self.app.store, self.app.user)

    def group(self) -> Group | None:
        groups = self.groups()
        return groups[self.group_index % len(groups)] if groups else None

    def plan(self) -> prep.PrepPlan | None:
        group, term = self.group(), self.app.term
        if group is None or term is None:
            return None
        return prep.plan_for(self.app.store, term.term_id, group.id)

    def unit(self) -> dict | None:
        plan = self.plan()
        table = self.query_one("#prep-units", DataTable)
        uid = cursor_id(table)
        return plan.unit(uid) if plan is not None and uid else None

    def papers(self, plan: prep.PrepPlan, uid: int) -> list[Document]:
        return [d for d in docs.reader(self.app.store, plan.term_id).all(Document)
                if d.prep_id == plan.id and d.prep_unit == uid]

    def refresh_data(self) -> None:
        store, me = self.app.store, self.app.user
        group, plan = self.group(), self.plan()
        table = self.query_one("#prep-units", DataTable)
        cursor = table.cursor_row
        # Rows only: the columns stay (made anew, the refresh on the screen's first show cut
        # the 研讨 dates to the width of their header: 09-1 for 09-16).
        table.clear()
        if not table.columns:
            for key in ("prep.col.week", "prep.col.unit", "prep.col.lead", "prep.col.activity", "prep.col.shared",
                        "prep.col.own", "prep.col.reflection", "prep.col.comments"):
                table.add_column(t(key), key=key)
        if group is None:
            self.query_one("#prep-title", Static).update(Text(t("prep.no_group"), style="dim"))
            self.query_one("#prep-detail", Static).update("")
            return
        self.query_one("#prep-title", Static).update(Text(t("prep.title", group=group.name,
                                                            count=len(plan.units) if plan else 0)))
        names = {x.id: x.name for x in store.all(Teacher)}
        for unit in plan.units if plan else []:
            papers = self.papers(plan, unit["uid"])
            shared = next((d for d in papers if d.kind == "共案"), None)
            activity = store.get(Activity, unit.get("activity_id", 0)) if unit.get("activity_id") else None
            table.add_row(
                Text(str(unit.get("week") or "—")), Text(unit.get("title", "")),
                Text(names.get(unit.get("lead_id"), "—"), style="bold" if me and unit.get("lead_id") == me.id else ""),
                Text(activity.date[5:] if activity else "—"),
                Text(t(f"doc.state.{shared.state}") if shared else "—", style="" if shared else "dim"),
                Text(str(sum(1 for d in papers if d.kind == "个案")) + "/" + str(len(group.member_ids))),
                Text(str(sum(1 for d in papers if d.kind == "反思"))),
                Text(str(len(unit.get("comments", [])))), key=str(unit["uid"]))
        if table.row_count:
            table.move_cursor(row=min(max(cursor, 0), table.row_count - 1))
        self.show_detail()
        self.refresh_bindings()

    def show_detail(self) -> None:
        unit, plan = self.unit(), self.plan()
        text = Text()
        if unit is None or plan is None:
            text.append(t("prep.empty"), style="dim")
        else:
            names = {x.id: x.name for x in self.app.store.all(Teacher)}
            comments = unit.get("comments", [])
            if not comments:
                text.append(t("prep.no_comments"), style="dim")
            for comment in comments[-4:]:
                text.append(f"{names.get(comment.get('by'), '?')}：", style="bold")
                text.append(comment.get("text", "") + "\n")
        self.query_one("#prep-detail", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    # -- rights ---------------------------------------------------------------------------

    def may_schedule(self) -> bool:
        group, me = self.group(), self.app.user
        return group is not None and me is not None and (me.is_admin or docs.leads(self.app.store, me.id, group.id))

    def is_member(self) -> bool:
        group, me = self.group(), self.app.user
        return group is not None and me is not None and docs.member_of(self.app.store, me.id, group.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add_units":
            return self.may_schedule() and self.app.term is not None
        if action == "next_group":
            return len(self.groups()) > 1
        if action in ("open", "write", "reflect", "comment"):
            try:
                unit = self.unit()
            except Exception:  # not composed yet
                return False
            if unit is None:
                return False
            return action == "open" or self.is_member()
        return True

    # -- actions ----------------------------------------------------------------------------

    def action_next_group(self) -> None:
        self.group_index += 1
        self.refresh_data()

    def my_paper(self, kind: str) -> Document | None:
        plan, unit, me = self.plan(), self.unit(), self.app.user
        if plan is None or unit is None or me is None:
            return None
        return next((d for d in self.papers(plan, unit["uid"]) if d.kind == kind and d.author_id == me.id), None)

    def action_open(self) -> None:
        from screens.documents.view import DocumentView

        plan, unit = self.plan(), self.unit()
        if plan is None or unit is None:
            return
        papers = self.papers(plan, unit["uid"])
        shared = next((d for d in papers if d.kind == "共案"), None) or self.my_paper("个案")
        if shared is None:
            self.notify(t("prep.no_shared_yet"), severity="warning", markup=False)
            return
        self.app.push_screen(DocumentView(shared.id))

    def _write(self, kind: str) -> None:
        from screens.documents.editor import DocumentEditor
        from screens.documents.view import DocumentView

        plan, unit, group = self.plan(), self.unit(), self.group()
        if plan is None or unit is None or group is None:
            return
        existing = self.my_paper(kind)
        if existing is not None:
            me = self.app.user
            screen = DocumentEditor(existing.id) if docs.may_edit(self.app.store, me, existing) \
                else DocumentView(existing.id)
            self.app.push_screen(screen)
            return
        self.app.push_screen(DocumentEditor(None, kind=kind, group_id=group.id, prep_id=plan.id,
                                            prep_unit=unit["uid"]))

    def action_write(self) -> None:
        unit, me = self.unit(), self.app.user
        if unit is None or me is None:
            return
        self._write("共案" if unit.get("lead_id") == me.id else "个案")

    def action_reflect(self) -> None:
        self._write("反思")

    def action_comment(self) -> None:
        plan, unit = self.plan(), self.unit()
        if plan is None or unit is None:
            return

        def done(text: str | None) -> None:
            if not text:
                return
            try:
                prep.add_comment(self.app.store, self.app.user, self.plan(), unit["uid"], text)
            except (JiaoyanError, ConflictError, ValueError) as error:
                self.notify(str(error), severity="warning", markup=False)
            self.refresh_data()

        self.app.push_screen(LineDialog(t("prep.comment_prompt", unit=unit.get("title", ""))), done)

    def action_add_units(self) -> None:
        group, term = self.group(), self.app.term
        if group is None or term is None:
            return

        def done(text: str | None) -> None:
            import re

            if not text:
                return
            first_week = 0
            match = re.match(r"\s*(\d{1,2})\s*[:：]\s*(.*)$", text)
            if match:
                first_week, text = int(match.group(1)), match.group(2)
            titles = [x.strip() for x in re.split(r"[;；]", text) if x.strip()]
            try:
                prep.schedule(self.app.store, term, group, titles, first_week=first_week)
            except JiaoyanError as error:
                self.notify(str(error), severity="warning", markup=False)
            self.refresh_data()

        self.app.push_screen(LineDialog(t("prep.add_prompt")), done)


class LineDialog(Dialog[str | None]):
    """One line of text: enter keeps it, escape drops it."""

    BINDINGS = [Binding("escape", "cancel", "key.back", id="prep_line.cancel")]
    CSS_PATH = "documents.tcss"

    def __init__(self, prompt: str, value: str = ""):
        super().__init__()
        self.prompt = prompt
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.prompt))  # a Label is one line, wider than the box: cut
            yield Input(self.value, id="line-input", compact=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
