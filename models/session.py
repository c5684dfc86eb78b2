"""One session: the data file's store, who is using it, today, and the language.

Built once, by the command line (``tui/commands/common.py``) or the test factory
(``tests/conftest.py`` through ``tui.app.make_app``), and handed down: the App and its
screens read it (``app.store``, ``app.user``, ``app.today`` are views of it), the
commands pass it to the models. Nothing passes these through environment variables
or module globals. The permission check travels on the store it opens.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from models.clock import Clock
from models.i18n import LANGUAGES
from models.people import teacher_by_login
from models.records import Teacher
from models.store.storage import Store


@dataclass(frozen=True)
class Session:
    """Who is signed in and which day it is are kept once, on the store (its ``actor``
    stamps every change, its ``clock`` dates them); the session reads them from there."""

    store: Store
    language: str = "zh"

    @property
    def login(self) -> str:
        """As the operating system says (models/identity.py), never as the user types."""
        return self.store.actor

    @property
    def clock(self) -> Clock:
        return self.store.clock

    @property
    def today(self) -> dt.date:
        return self.clock.today()

    @property
    def teacher(self) -> Teacher | None:
        """The signed-in teacher as the data file says now (None when the login is not,
        or no longer, an active teacher on the roster)."""
        return teacher_by_login(self.store, self.login)


def open_session(db: str | os.PathLike, *, login: str, today: dt.date | str | None = None,
                 language: str | None = None, create: bool = False) -> Session:
    """Open ``db`` for ``login``. ``today`` fixes the day (None: ``JIAOYAN_TODAY``, else the
    machine's date); ``language`` is ``zh`` or ``en`` (None: Chinese). Every change made
    through the session's store is checked against who may make it (models/permissions.py);
    only builders of a new file (the demo school) open a bare, unchecked Store."""
    from models.permissions import check_change

    clock = Clock.fixed_on(today)
    store = Store(db, actor=login, create=create, guard=check_change, clock=clock)
    return Session(store=store, language=language_of(language))


def language_of(value: str | None) -> str:
    """``en…`` is English; anything else (or nothing) Chinese."""
    chosen = (value or "zh").lower()
    return "en" if chosen.startswith("en") else LANGUAGES[0]
