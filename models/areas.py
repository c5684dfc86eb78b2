"""The one list of the app's areas, in key order (1 日历, 2 名册 …).

Everything that goes by area reads this list: the App (its modes, keys 1, 2, … and palette
entries, tui/app.py), the command line's ``--area`` choices (tui/cli.py) and its
command modules (tui/commands/__init__.py). An area called ``NAME`` lives in

* ``screens/NAME/`` — its screens; ``screens/NAME/screen.py`` holds the
  :class:`screens.base.AreaScreen` whose ``AREA`` is ``NAME``;
* ``models/`` — its domain module(s) and its record types (``models/records.py``'s
  ``RECORD_TYPES``, which ``jiaoyan check`` and the archive read);
* ``tui/commands/NAME.py`` — its commands, if it has any (``register(tree)``);
* ``models/i18n/`` — its messages, at least ``area.NAME`` and ``area.NAME.help``;
* ``models/permissions.py`` — who may change its records (the admin alone, unless a
  rule there says otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass

from models.records import (Activity, Competition, CompetitionEntry, CompetitionScore, Document, DocumentKind, Group,
                            HandIn, MentorMeeting, Observation, Outcome, Pairing, Policy, PrepPlan, Project, Reading,
                            Record, Teacher, Term, Training)


@dataclass(frozen=True)
class Area:
    name: str  # the mode's name, the package's name, and the key of its messages
    records: tuple[type[Record], ...]  # the record types whose screens live in this area

    @property
    def key(self) -> str:
        """The key that opens it: its place in the list, from 1."""
        return str(AREAS.index(self) + 1)


AREAS: tuple[Area, ...] = (
    Area("calendar", (Term, Activity)),
    Area("rosters", (Teacher, Group)),
    Area("observations", (Observation,)),
    Area("mentoring", (Pairing, MentorMeeting)),
    Area("dashboard", (Outcome, Policy)),
    Area("documents", (Document, DocumentKind, HandIn, Reading, PrepPlan)),
    Area("research", (Project, Training)),  # 课题与学时 (issue 18)
    # 成果与评比 (issue 18): outcomes' texts, the booklet, 评比. Outcome and Policy stay the
    # dashboard's (it keeps their figures and forms); models/outcomes.py, models/competitions.py.
    Area("outcomes", (Competition, CompetitionEntry, CompetitionScore)),
)

AREA_NAMES: tuple[str, ...] = tuple(area.name for area in AREAS)

# 我的 (key 0, screens/home/): the one mode that is not an area. It owns no records; it
# gathers what a teacher owes from every area, and a teacher (not the admin) lands on it.
HOME = "home"
HOME_KEY = "0"
MODE_NAMES: tuple[str, ...] = (HOME, *AREA_NAMES)  # what --area and the App's modes accept
