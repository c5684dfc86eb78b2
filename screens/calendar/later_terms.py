"""After a group's weekly slot changed: the next term's activities, already generated with
the old slot, can follow it too (issue 16). One question per later term; y moves them."""

from __future__ import annotations

from collections.abc import Callable

from models.activities import later_terms_to_follow, regenerate_group_activities
from models.i18n import t
from models.records import Group
from models.store.storage import ConflictError, DataFileError, ValidationFailed


def offer_later_terms(screen, group: Group, done: Callable[[], None]) -> None:
    """Ask, term by term, whether the group's untouched meetings of terms still to come move
    to its new slot; ``done()`` runs once every question is answered."""
    from screens.calendar.held_question import YesNo

    app = screen.app
    waiting = later_terms_to_follow(app.store, group, app.today)

    def next_question() -> None:
        if not waiting:
            done()
            return
        term, count = waiting.pop(0)

        def answered(yes: bool | None) -> None:
            if yes:
                try:
                    with app.store.transaction() as tx:
                        moved = regenerate_group_activities(tx, group, term, term.start_date)
                except (ConflictError, DataFileError, ValidationFailed) as error:
                    app.notify(str(error), severity="error", markup=False)
                else:
                    app.notify(t("calendar.later_term.moved", term=term.name, added=moved.added), markup=False)
            next_question()

        app.push_screen(YesNo(t("calendar.later_term.question", term=term.name, count=count)), answered)

    next_question()
