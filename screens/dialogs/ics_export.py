"""Export the term's activities as an .ics calendar from the app: mine, the school's, or a group's.

The file goes to the person's export folder by default; the message names it and, over
SSH, the scp command that fetches it (``app.announce_download``).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from models.i18n import t
from screens.dialogs.base import Dialog
from screens.widgets.fitted_footer import FittedFooter

MINE, ALL = "mine", "all"


class IcsExportDialog(Dialog[Path | None]):
    BINDINGS = [
        Binding("ctrl+s", "write", "delivery.ics.key", id="ics.write", priority=True),
        Binding("escape", "cancel", "key.back", id="ics.cancel"),
    ]
    CSS_PATH = "dialogs.tcss"

    def compose(self) -> ComposeResult:
        from models.records import Group

        app = self.app
        groups = sorted((g for g in app.store.all(Group) if g.active and g.kind in ("research", "prep")),
                        key=lambda g: (g.kind != "research", g.name))
        choices = [(t("delivery.ics.mine"), MINE), (t("delivery.ics.all"), ALL)]
        choices += [(g.name, str(g.id)) for g in groups]
        path = app.export_folder / f"{t('delivery.ics.file_name')}-{app.today.isoformat()}.ics"
        with Vertical():
            yield Static(Text(t("delivery.ics.title"), style="bold"))
            yield Label(t("delivery.ics.which"))
            yield Select(choices, value=MINE if app.user else ALL, allow_blank=False, compact=True, id="ics-which")
            yield Label(t("delivery.ics.path"))
            yield Input(str(path), id="ics-path")
            yield Static(id="ics-error")
        yield FittedFooter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_write()

    def action_write(self) -> None:
        error = self.query_one("#ics-error", Static)
        text = self.query_one("#ics-path", Input).value.strip().strip("'\"")
        path = Path(text).expanduser()
        if not text or path.suffix.lower() != ".ics" or not path.parent.is_dir():
            error.update(Text(t("delivery.ics.bad_path", path=text)))
            return
        which = str(self.query_one("#ics-which", Select).value)
        try:
            count = write_ics(self.app, path, which)
        except LookupError:
            error.update(Text(t("delivery.ics.no_term")))
            return
        except OSError as failure:
            error.update(Text(t("delivery.ics.failed", path=str(path), reason=failure.strerror or failure)))
            return
        self.app.notify(t("delivery.ics.done", count=count, path=str(path.absolute())), timeout=30, markup=False)
        self.app.announce_download(path.absolute())
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


def write_ics(app, path: Path, which: str) -> int:
    """Write the current term's activities (``mine``, ``all`` or a group id) to ``path``."""
    from models.activities import attendees_of
    from models.exports.ics import build_ics, select_activities
    from models.records import Activity, Group, Teacher
    from models.store.archive import view_for
    from models.store.storage import atomic_write

    store = app.store
    term = app.term
    if term is None:
        raise LookupError("no term")
    groups = {g.id: g for g in store.all(Group)}
    group = groups.get(int(which)) if which.isdigit() else None
    activities = [a for a in select_activities(view_for(store, term).all(Activity), term, group)
                  if a.status != "skipped"]
    if which == MINE and app.user is not None:
        activities = [a for a in activities if app.user.id in attendees_of(a)]
    meta = store.meta()
    data = build_ics(activities, groups=groups, teachers={x.id: x for x in store.all(Teacher)},
                     policy=store.policy(),
                     school_id=str(meta.get("created_at", "")).replace(" ", "T").replace(":", ""),
                     school_name=store.policy().school_name)
    atomic_write(path, data if isinstance(data, bytes) else data.encode("utf-8"))
    return len(activities)
