"""The conflict dialog: someone else saved the record you were editing.

Any form that saves with ``tx.update`` uses it the same way::

    try:
        with store.transaction() as tx:
            tx.update(record)
    except ConflictError as conflict:
        resolve_conflict(self.app, conflict, labels={"topic": t("field.topic")},
                         save_mine=self.save,          # gets mine, rebased onto theirs
                         take_theirs=self.load_record)  # gets theirs (None if deleted)

The dialog shows both versions field by field. ``k`` keeps yours (``save_mine``
gets your record carrying their version, so saving it again overwrites on
purpose; if they deleted it, it comes with id 0 — insert it), ``t`` takes
theirs (``take_theirs`` gets their record: put it in the form), ``escape``
goes back to the form with your input untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from models.store.audit import show_value
from models.conflicts import differing_fields, keep_mine
from models.i18n import t
from models.records import Record
from screens.dialogs.base import Dialog
from screens.widgets.keys import describe_binding
from screens.widgets.fitted_footer import FittedFooter

MINE, THEIRS = "mine", "theirs"


@dataclass(frozen=True)
class ConflictChoice:
    """What the user chose: ``choice`` is MINE or THEIRS; ``record`` is the one to save
    (MINE, rebased) or to show (THEIRS, None when it was deleted)."""

    choice: str
    record: Record | None


class ConflictDialog(Dialog[ConflictChoice | None]):
    """Both versions side by side. Dismisses with a :class:`ConflictChoice`, or None (back to editing)."""

    BINDINGS = [
        Binding("k", "keep_mine", "access.conflict.keep_mine", id="conflict.keep_mine"),
        Binding("t", "take_theirs", "access.conflict.take_theirs", id="conflict.take_theirs"),
        Binding("escape", "back", "access.conflict.back", id="conflict.back"),
    ]
    CSS_PATH = "dialogs.tcss"

    def __init__(self, mine: Record, theirs: Record | None, *, labels: Mapping[str, str] | None = None,
                 show: Callable[[str, Any], str] | None = None):
        super().__init__()
        if theirs is None:  # "keep mine" saves it again as a new record
            describe_binding(self, "conflict.keep_mine", t("access.conflict.keep_mine_deleted"))
        self.mine = mine
        self.theirs = theirs
        self.labels = dict(labels or {})
        self.show = show or (lambda _field, value: show_value(value))

    def person(self, login: str) -> str:
        """The teacher's name for a login (the record keeps the Unix login of who saved it)."""
        from models.permissions import teacher_by_login

        teacher = teacher_by_login(self.app.store, login) if login else None
        return teacher.name if teacher is not None else login

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.theirs is None:
                yield Static(Text(t("access.conflict.deleted")), id="conflict-title")
            else:
                yield Static(Text(t("access.conflict.title", who=self.person(self.theirs.updated_by),
                                    when=self.theirs.updated_at)), id="conflict-title")
            yield Static(Text(t("access.conflict.intro")))
            with VerticalScroll(id="conflict-fields"):
                yield Static(self.comparison(), id="conflict-table")
            yield FittedFooter()

    def comparison(self) -> Table | Text:
        fields = differing_fields(self.mine, self.theirs)
        if not fields:
            return Text(t("access.conflict.same"))
        table = Table(expand=True, show_lines=False, padding=(0, 1))
        table.add_column(t("access.conflict.col_field"), ratio=1, no_wrap=True)
        table.add_column(t("access.conflict.col_mine"), ratio=3)
        table.add_column(t("access.conflict.col_theirs"), ratio=3)
        ours = self.mine.to_dict()
        other = self.theirs.to_dict() if self.theirs is not None else {}
        for name in fields:
            # Values are user text: Text, never markup.
            table.add_row(Text(self.labels.get(name, name)), Text(self.show(name, ours.get(name))),
                          Text(self.show(name, other.get(name)) if self.theirs is not None else ""))
        return table

    def action_keep_mine(self) -> None:
        self.dismiss(ConflictChoice(MINE, keep_mine(self.mine, self.theirs)))

    def action_take_theirs(self) -> None:
        self.dismiss(ConflictChoice(THEIRS, self.theirs))

    def action_back(self) -> None:
        self.dismiss(None)


def resolve_conflict(app, conflict, *, save_mine: Callable[[Record], None],
                     take_theirs: Callable[[Record | None], None],
                     labels: Mapping[str, str] | None = None,
                     show: Callable[[str, Any], str] | None = None) -> ConflictDialog:
    """Show ``conflict`` (a ConflictError) and call back with the user's choice; escape
    calls neither, and the form keeps what the user typed."""

    def chosen(result: ConflictChoice | None) -> None:
        if result is None:
            return
        if result.choice == MINE:
            save_mine(result.record)
        else:
            take_theirs(result.record)

    dialog = ConflictDialog(conflict.mine, conflict.theirs, labels=labels, show=show)
    app.push_screen(dialog, chosen)
    return dialog
