"""The group tree 教导处 → 教研组 → 备课组, and the highlighted group's details.

``n`` adds a group under the highlighted one, ``e`` (or enter) edits it, ``t`` edits its
theme for this term, ``m`` picks its members, ``a`` archives or restores it, ``d`` deletes
it (refused, with the reason, when it has activities: archive it instead), ``w`` writes the
group's term binder (plan, activity records, research-lesson designs, summary) to Word, as
``jiaoyan report term --group NAME`` does.

Only the keys the user may use show (and work): the admin shapes the groups; a group's
leader (or the leader of a group above it) sets its theme; others read.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, Tree

from models.dates import format_period
from models.i18n import t
from models.permissions import can, refusal
from models.records import Activity, Group, Teacher, term_display_name
from models.rosters import can_delete_group, earlier_themes, group_tree
from models.errors import JiaoyanError
from models.store.storage import ValidationFailed
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.fitted_footer import FittedFooter


def group_label(group: Group) -> Text:
    label = Text(group.name)
    if not group.active:
        label.append(" " + t("roster.group.archived"), style="dim")
    return label


class GroupTreeScreen(Screen):
    CSS_PATH = "rosters.tcss"
    BINDINGS = [
        Binding("escape", "back", "key.back", id="groups.back"),
        Binding("n", "new", "roster.key.new_group", id="groups.new"),
        Binding("e", "edit", "key.edit", id="groups.edit"),
        Binding("m", "members", "roster.key.members", id="groups.members"),
        Binding("t", "theme", "roster.key.theme", id="groups.theme"),
        Binding("a", "archive", "roster.key.archive", id="groups.archive"),
        Binding("d", "delete", "key.delete", id="groups.delete"),
        Binding("w", "binder", "roster.key.binder", id="groups.binder"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal():
            tree: Tree[int] = Tree(Text(t("roster.groups.title")), id="group-tree")
            tree.show_root = False
            tree.auto_expand = False
            yield tree
            with VerticalScroll(id="group-detail"):
                yield Static(id="group-detail-text")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one(Tree).focus()

    def data_changed(self) -> None:
        self.refresh_data()

    @property
    def tree(self) -> Tree:
        return self.query_one("#group-tree", Tree)

    def refresh_data(self, select_id: int | None = None) -> None:
        tree = self.tree
        keep = select_id if select_id is not None else self.selected_id()
        tree.clear()
        nodes = {}
        for depth, group in group_tree(self.app.store.all(Group)):
            parent = nodes.get(group.parent_id) if depth else None
            node = (parent or tree.root).add(group_label(group), data=group.id, expand=True)
            nodes[group.id] = node
        # Leaves look like leaves: no expand arrow on a group with nothing under it.
        for node in nodes.values():
            node.allow_expand = bool(node.children)
        target = nodes.get(keep) if keep else None
        if target is None and nodes:
            target = next(iter(nodes.values()))
        if target is not None:
            # The tree numbers its lines lazily (on idle or when asked); asking for the last
            # line numbers them now, so the cursor stands before the next key is handled (moved
            # after the refresh instead, a "down" typed ahead moved from nothing and was undone).
            tree.last_line
            tree.move_cursor(target, animate=False)
        self.show_detail()

    def selected_id(self) -> int | None:
        node = self.tree.cursor_node
        return node.data if node is not None and node.data else None

    def selected_group(self) -> Group | None:
        group_id = self.selected_id()
        return self.app.store.get(Group, group_id) if group_id else None

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        self.show_detail()

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        """enter: the form the user may use on this group (the full one, or the theme)."""
        event.stop()
        if self.check_action("edit", ()):
            self.action_edit()
        elif self.check_action("theme", ()):
            self.action_theme()

    def show_detail(self) -> None:
        self.query_one("#group-detail-text", Static).update(self.detail_text(self.selected_group()))
        self.refresh_bindings()

    # -- which keys this user may use (issue 8: the footer shows only those) ---------

    def may(self, action: str, record, field: str | None = None) -> bool:
        return can(self.app.store, self.app.user or self.app.login, action, record, field)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "binder":
            return self.may_print_binder()
        if action not in ("new", "edit", "members", "theme", "archive", "delete"):
            return True
        try:
            group = self.selected_group()
        except Exception:  # not composed yet
            return False
        if action == "new":
            return self.may("insert", Group(parent_id=group.id if group else 0))
        if group is None:
            return False
        if action == "edit":
            return self.may("update", group, "name")
        if action == "members":
            return self.may("update", group, "member_ids")
        if action == "theme":
            return self.app.term is not None and self.may("update", group, "themes")
        if action == "archive":
            return self.may("update", group, "active")
        return self.may("delete", group)

    def may_print_binder(self) -> bool:
        """The group's term binder (its plan, records, designs, summary): for the office and
        the group's own members and leaders (they read its documents, models/documents.py)."""
        from models.documents import leads, member_of

        try:
            group = self.selected_group()
        except Exception:  # not composed yet
            return False
        me = self.app.user
        if group is None or me is None or self.app.term is None or group.kind == "office":
            return False
        return me.is_admin or member_of(self.app.store, me.id, group.id) or leads(self.app.store, me.id, group.id)

    def action_binder(self) -> None:
        """``jiaoyan report term --group NAME`` from the app: the group's term binder in Word."""
        from models.exports.activity_record import default_binder_name, group_binder_docx
        from models.store.archive import view_for
        from screens.dialogs.save_path import SavePathDialog

        group, term, store, today = self.selected_group(), self.app.term, self.app.store, self.app.today
        if group is None or term is None or not self.may_print_binder():
            return
        self.app.push_screen(SavePathDialog(
            t("roster.group.binder_title", group=group.name), default_binder_name(term, group),
            lambda: group_binder_docx(view_for(store, term), term, group, db_path=store.path, today=today)))

    def refuse(self, action: str, record) -> None:
        self.notify(refusal(self.app.store, self.app.user or self.app.login, action, record),
                    severity="warning", markup=False)

    def detail_text(self, group: Group | None) -> Text:
        text = Text()
        if group is None:
            # Before the cursor reaches its first line the tree highlights nothing: say "no
            # groups yet" only when there are none (issue 19: it flashed while loading).
            if not self.tree.root.children:
                text.append(t("roster.groups.empty"), style="dim")
            return text
        store = self.app.store
        teachers = {x.id: x for x in store.all(Teacher)}
        term = self.app.term
        text.append(group.name, style="bold")
        text.append(f"  {t('roster.group.kind.' + group.kind)}" if group.kind in ("office", "research", "prep")
                    else "", style="dim")
        if not group.active:
            text.append("  " + t("roster.group.archived"), style="dim")
        text.append("\n")

        def line(label_key: str, value: str) -> None:
            text.append(t(label_key) + "：", style="bold")
            text.append(value or "—")
            text.append("\n")

        leader = teachers.get(group.leader_id)
        line("roster.group.leader", leader.name if leader else "")
        if group.subject or group.grades:
            line("roster.group.subject_grades", " ".join([group.subject, *group.grades]).strip())
        if group.slot_weekday:
            slot = t(f"weekday.{group.slot_weekday - 1}")
            if group.slot_period:
                slot += " " + format_period(group.slot_period, store.policy())
            if group.slot_place:
                slot += " · " + group.slot_place
            line("roster.group.slot", slot)
        else:
            line("roster.group.slot", t("roster.group.no_slot"))
        if term is not None:
            line("roster.group.theme_now", group.themes.get(term.term_id, ""))
            for term_id, theme in earlier_themes(group, term.term_id):
                text.append(f"  {term_display_name(term_id)}：", style="dim")
                text.append(theme + "\n", style="dim")
        members = [teachers[i] for i in group.member_ids if i in teachers]
        text.append(t("roster.group.members", count=len(members)) + "：", style="bold")
        text.append("、".join(m.name + ("" if m.active else t("teacher_page.inactive")) for m in members) or "—")
        text.append("\n")
        from screens.documents.sections import group_section

        documents = group_section(self.app, group, term)  # the group's plan, summary … this term
        if documents:
            text.append_text(documents)
        return text

    # -- actions --------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_new(self) -> None:
        from screens.rosters.group_form import GroupForm

        parent = self.selected_group()
        if not self.check_action("new", ()):
            self.refuse("insert", Group(parent_id=parent.id if parent else 0))
            return
        self.app.push_screen(GroupForm(None, parent_id=parent.id if parent else 0), self._after_change)

    def action_edit(self, focus: str = "") -> None:
        from screens.rosters.group_form import GroupForm

        group = self.selected_group()
        if group is None:
            return
        if not self.check_action("theme" if focus == "theme" else "edit", ()):
            self.refuse("update", group)
            return
        self.app.push_screen(GroupForm(group.id, focus=focus), self._after_change)

    def action_theme(self) -> None:
        self.action_edit(focus="theme")

    def action_members(self) -> None:
        from screens.rosters.member_picker import MemberPicker

        group = self.selected_group()
        if group is None:
            return
        if not self.check_action("members", ()):
            self.refuse("update", group)
            return
        self.app.push_screen(MemberPicker(group.id), self._after_change)

    def _after_change(self, group_id: int | None) -> None:
        self.refresh_data(select_id=group_id or None)
        self.tree.focus()

    def action_archive(self) -> None:
        group = self.selected_group()
        if group is None:
            return
        if not self.check_action("archive", ()):
            self.refuse("update", group)
            return
        self.set_active(group, not group.active)

    def set_active(self, group: Group, active: bool) -> None:
        try:
            with self.app.store.transaction() as tx:
                tx.update(group.copy(active=active))
        except JiaoyanError as error:
            self.notify(str(error), severity="error", markup=False)
        else:
            key = "roster.group.restored" if active else "roster.group.archived_done"
            self.notify(t(key, name=group.name), markup=False)
        self.refresh_data(select_id=group.id)

    def action_delete(self) -> None:
        from screens.rosters.group_delete import GroupDeleteDialog

        group = self.selected_group()
        if group is None:
            return
        if not self.check_action("delete", ()):
            self.refuse("delete", group)
            return
        store = self.app.store
        check = can_delete_group(group, store.all(Group), store.all(Activity))
        self.app.push_screen(GroupDeleteDialog(group.name, check.allowed, check.reason, group.active),
                             lambda choice: self._after_delete_choice(group.id, choice))

    def _after_delete_choice(self, group_id: int, choice: str | None) -> None:
        store = self.app.store
        group = store.get(Group, group_id)
        if group is None or choice is None:
            return
        if choice == "archive":
            self.set_active(group, False)
            return
        # Check again under the lock: someone may have added an activity meanwhile.
        try:
            with store.transaction() as tx:
                check = can_delete_group(group, store.all(Group), store.all(Activity))
                if not check.allowed:
                    raise ValidationFailed([check.reason])
                tx.delete(group)
        except JiaoyanError as error:
            self.notify(str(error), severity="error", markup=False)
        else:
            self.notify(t("roster.group.deleted", name=group.name), markup=False)
        self.refresh_data(select_id=group.parent_id or None)
