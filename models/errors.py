"""The one tree of problems jiaoyan expects. Each carries a sentence for the user.

::

    JiaoyanError                 exit 1 unless a branch says otherwise
    ├── DataFileError            exit 2: the data file cannot be used as it is
    │   (MissingDataFile exit 1, CorruptDataFile, NewerSchema, WriteFailed,
    │    BadRestoreSource: models/store/storage.py)
    ├── PermissionDenied         exit 1: this person may not do this
    │   (IdentityRefused: models/identity.py)
    └── InputError               exit 1: what was typed or given cannot be used; fix it and retry
        (BadInput: models/dates.py, ValidationFailed and ConflictError:
         models/store/storage.py, RosterFileError: models/roster_import.py,
         CannotClose: models/store/archive.py, UnknownTerm, NoCurrentTerm: models/terms.py)

The command line turns any of them into its sentence and exit code in one place
(``tui/cli.py``); screens show the sentence inline. Anything else is a bug and keeps
its traceback (in the crash log).
"""

from __future__ import annotations


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
