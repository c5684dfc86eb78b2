"""The one tree of problems jiaoyan expects. Each carries a sentence for the user.

::

    JiaoyanError                 exit 1 unless a branch says otherwise
    ├── DataFileError            exit 2: the data file cannot be used as it is
    │   (CorruptDataFile, NewerSchema, WriteFailed, AccessDenied, BackupFailed, and with
    │    exit 1 MissingDataFile, BadRestoreSource: models/store/storage.py; UnsoundDataFile:
    │    models/store/integrity.py; OutputRefused, exit 1: models/store/outputs.py)
    ├── PermissionDenied         exit 1: this person may not do this
    │   (IdentityRefused: models/identity.py, PasswordFileRefused: models/passwords.py,
    │    DocumentRefused: models/documents.py, CompetitionRefused: models/competitions.py,
    │    PrepRefused: models/prep.py, NotFound: models/exports/observation_pages.py)
    └── InputError               exit 1: what was typed or given cannot be used; fix it and retry
        (BadInput: models/dates.py, InvalidToday: models/clock.py, UnknownYear: models/year.py,
         ValidationFailed and ConflictError: models/store/storage.py, CannotClose:
         models/store/archive.py, RosterFileError and PreviewOutdated: models/roster_import.py,
         RubricFileError: models/rubrics.py, TemplateError: models/exports/templates.py,
         RemindError: models/remind.py, PasswordProblem: models/passwords.py, OutcomeRefused:
         models/outcomes.py, ResearchInputError: models/research.py, CloseFailed:
         models/term_close.py, UnknownTerm and NoTerm: tui/commands/common.py)

The command line turns any of them into its sentence and exit code in one place
(``tui/cli.py``); screens show the sentence inline. Anything else is a bug and keeps
its traceback (in the crash log: :func:`keep_traceback`).
"""

from __future__ import annotations

import datetime as dt
import os
import traceback
from pathlib import Path


class JiaoyanError(Exception):
    """A problem the user can understand; ``str(error)`` is the sentence to show."""

    exit_code = 1


class DataFileError(JiaoyanError):
    """A problem with the data file that the user can fix; the message says how."""

    exit_code = 2


class PermissionDenied(JiaoyanError):
    """A change (or a login) the user may not make. The message says who may; nothing was saved."""

    exit_code = 1

    def __init__(self, message: str):
        self.reason = message
        super().__init__(message)


class InputError(JiaoyanError):
    """Input that cannot be used as given; the message says what to fix. Nothing was saved."""

    exit_code = 1


def keep_traceback(db: str | os.PathLike, error: BaseException, when: dt.datetime, kind: str = "crash") -> Path:
    """Keep the traceback of a fault nobody foresaw for whoever maintains the server, beside
    the data file (``<file>.logs/<kind>-<when>-<pid>.log``; in /tmp when that folder cannot be
    written); the person sees a sentence naming the file."""
    db = Path(db)
    text = "".join(traceback.format_exception(error))
    name = f"{kind}-{when.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    folder = db.with_name(db.name + ".logs")
    try:
        folder.mkdir(exist_ok=True)
        path = folder / name
        path.write_text(text, encoding="utf-8")
    except OSError:
        path = Path("/tmp") / f"jiaoyan-{name}"
        path.write_text(text, encoding="utf-8")
    return path
