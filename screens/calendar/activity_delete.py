"""Deleting an activity: ``d`` asks first (y deletes, n or escape keeps it).

A held activity with attendance is a record of what happened (it counts in the
figures), so it asks a second time, and says that marking it cancelled is what
someone usually wants; a planned, skipped or cancelled one asks once. Who may delete
is models/permissions.py's rule: the admin, or the leader of the activity's group."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding

from models.i18n import t
from models.records import Activity, Group
from models.errors import JiaoyanError
from models.store.storage import ConflictError
from screens.dialogs.confirm import ConfirmScreen


class DeleteActivityConfirm(ConfirmScreen):
    """The shared yes/no question with the keys saying what they do here."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "calendar.key.confirm_delete", id="calendar.delete.yes"),
        Binding("n,escape", "answer(False)", "calendar.key.keep", id="calendar.delete.no"),
    ]


def activity_name(store, activity: Activity) -> str:
    group = store.get(Group, activity.group_id) if activity.group_id else None
    name = group.name if group else (activity.event or t("calendar.school_wide"))
    return f"{name} {activity.topic}".strip()


def needs_second_question(activity: Activity) -> bool:
    return activity.status == "held" and bool(activity.attendance)


def delete_activity(screen, activity: Activity, done: Callable[[], None]) -> None:
    """Ask (twice for a held activity with attendance), then delete in one transaction.
    ``done`` runs after a delete (or when someone else's change made it moot)."""
    app = screen.app
    what = activity_name(app.store, activity)

    def delete() -> None:
        try:
            with app.store.transaction() as tx:
                fresh = tx.get(Activity, activity.id)
                if fresh is None:
                    raise ConflictError(activity, None)
                if fresh.version != activity.version:
                    raise ConflictError(activity, fresh)
                tx.delete(fresh)
        except ConflictError as conflict:
            # Someone changed or deleted it since it was shown: show the fresh state, delete nothing.
            message = t("calendar.gone") if conflict.theirs is None else t("calendar.changed_meanwhile")
            app.notify(message, severity="warning", markup=False)
            done()
            return
        except JiaoyanError as error:  # PermissionDenied among them: its message says who may
            app.notify(str(error), severity="error", markup=False)
            return
        app.notify(t("calendar.deleted", day=activity.date, what=what), markup=False)
        done()

    def second(answer: bool | None) -> None:
        if answer:
            delete()

    def first(answer: bool | None) -> None:
        if not answer:
            return
        if needs_second_question(activity):
            app.push_screen(DeleteActivityConfirm(t("calendar.delete_held_question",
                                                    count=len(activity.attendance))), second)
        else:
            delete()

    app.push_screen(DeleteActivityConfirm(t("calendar.delete_question", day=activity.date, what=what)), first)
