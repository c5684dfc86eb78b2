"""What every command module shares: the data file, the session of whoever runs the
command (its store carries the permission check), ``--term``, and writing a result to
a file or to standard output.

A command raises a :class:`models.errors.JiaoyanError` for anything the user can fix;
``tui/cli.py`` turns it into its sentence and exit code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.errors import InputError
from models.i18n import t
from models.records import Term
from models.session import Session
from models.store.paths import resolve_db_path
from models.terms import current_term, term_by_id


def db_path(args: argparse.Namespace) -> Path:
    """The data file named by --db, else JIAOYAN_DB, else the user data dir."""
    return resolve_db_path(getattr(args, "db", None))


def command_login() -> str:
    """Who runs a command: the login of the process's real uid (``--as`` is for the app only).
    Looked up at call time so that tests can stand in for a teacher."""
    from models import identity

    return identity.os_login()


def open_session(args: argparse.Namespace, *, create: bool = False, checked: bool = True) -> Session:
    """The session of whoever runs the command, on the data file of ``args``; the
    language is the one tui/cli.py chose (``args.language``). ``checked``: a file whose
    records jiaoyan did not write (a hand edit) is refused, with every problem and the
    restore hint (models/store/integrity.py)."""
    from models.session import open_session as open_file
    from models.store.integrity import refuse_if_unsound

    session = open_file(db_path(args), login=command_login(), language=getattr(args, "language", None),
                        create=create)
    if checked:
        refuse_if_unsound(session.store)
    return session


def open_store(args: argparse.Namespace):
    """The session's store: every change is checked against who runs the command."""
    return open_session(args).store


def open_checked(path: Path, login: str):
    """The data file at ``path`` opened (guarded, checked) for ``login``."""
    from models.session import open_session as open_file
    from models.store.integrity import refuse_if_unsound

    store = open_file(path, login=login).store
    refuse_if_unsound(store)
    return store


class UnknownTerm(InputError):
    def __init__(self, wanted: str, terms: list[Term]):
        known = "、".join(sorted(x.term_id for x in terms)) or "—"
        super().__init__(t("cli.no_such_term", term=wanted, known=known))


class NoTerm(InputError):
    def __init__(self):
        super().__init__(t("cli.no_term"))


def resolve_term(session: Session, wanted: str | None) -> Term:
    """The term ``--term`` names, else the current one; raises :class:`UnknownTerm` or
    :class:`NoTerm` (their sentences list the terms there are)."""
    terms = session.store.all(Term)
    if wanted and wanted.strip():
        term = term_by_id(terms, wanted.strip())
        if term is None:
            raise UnknownTerm(wanted.strip(), terms)
        return term
    term = current_term(terms, session.today)
    if term is None:
        raise NoTerm()
    return term


def write_output(output: str | None, data: bytes, done: str) -> int:
    """Write ``data`` to the file ``output`` names, or to standard output when there is
    none (or ``-``); ``done`` goes to standard error either way, so a pipe gets only data."""
    if not output or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        print(done, file=sys.stderr)
        return 0
    return write_file(Path(output), data, done + f" → {output}", to_stderr=True)


def write_file(target: str | Path, data: bytes, done: str = "", *, data_file: Path | None = None,
               to_stderr: bool = False) -> int:
    """Write ``data`` to the file ``target`` through the one output rule (models/store/outputs.py:
    never over the school's data, a temporary file first). A disk that refuses is one sentence on
    standard error and exit 1; ``done`` goes to standard output (``to_stderr``: standard error)."""
    from models.store.outputs import write_output as write_path

    try:
        write_path(target, data, data_file)
    except OSError as error:
        print(t("cli.write_failed", path=target, reason=error.strerror or error), file=sys.stderr)
        return 1
    if done:
        print(done, file=sys.stderr if to_stderr else sys.stdout)
    return 0
