"""Closing a term in a process of its own (``python -m models.term_close``).

The 看板's ``c`` closes a term through :func:`close_elsewhere`, so the screen is never held
for the second or two a close takes on a large school (issue 13: nothing freezes the UI for
more than 100 ms). The child opens the data file as the person, with their permissions and
their day, closes the term and keeps its figures (models/dashboard_history.py), locked and
atomic as every save, and prints what it moved as one line of JSON. The session then takes
the change in as it takes any other session's save (tui/app.py ``check_for_changes``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from models.errors import InputError, JiaoyanError, keep_traceback
from models.i18n import t

CLOSE_TIMEOUT = 600  # seconds: a close on a 1,200-teacher school takes a few


class CloseFailed(InputError):
    """The close did not finish; the message says why (and where the details were written)."""


def close_elsewhere(db: str | os.PathLike, *, login: str, today: dt.date, language: str, term_id: str) -> dict[str, int]:
    """Close ``term_id`` in a child process as ``login`` on ``today``; the count moved per
    table. Raises :class:`CloseFailed` with the child's sentence (a term not over yet, no
    right to close it, a full disk …)."""
    if getattr(sys, "frozen", False):  # a bundled program has no Python to run beside it
        return _close_here(db, login, today, language, term_id)
    root = str(Path(__file__).resolve().parents[1])  # where the ``models`` package is
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(x for x in (root, os.environ.get("PYTHONPATH", "")) if x))
    command = [sys.executable, "-m", "models.term_close", str(db), login, today.isoformat(), language, term_id]
    try:
        done = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=CLOSE_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CloseFailed(t("dashboard.close_failed", term=term_id, reason=str(error))) from error
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        answer = {"error": t("dashboard.close_failed", term=term_id, reason=f"exit {done.returncode}")}
    if "error" in answer:
        raise CloseFailed(answer["error"])
    return {str(table): int(count) for table, count in answer["moved"].items()}


def _close_here(db, login: str, today: dt.date, language: str, term_id: str) -> dict[str, int]:
    from models.dashboard_history import close_term_keeping_figures
    from models.session import open_session

    session = open_session(db, login=login, today=today, language=language)
    return close_term_keeping_figures(session.store, term_id, today=today)


def _main(argv: list[str]) -> int:
    """``python -m models.term_close <data file> <login> <day> <language> <term id>``: one
    line of JSON, ``{"moved": {table: count}}`` or ``{"error": sentence}``."""
    import gc

    from models.i18n import set_language

    gc.disable()  # a short batch: collecting would only slow it
    db, login, day, language, term_id = argv
    set_language(language)
    try:
        moved = _close_here(db, login, dt.date.fromisoformat(day), language, term_id)
    except JiaoyanError as error:
        print(json.dumps({"error": str(error)}, ensure_ascii=False))
        return 1
    except Exception as error:  # noqa: BLE001 - the details go to a file, the person gets a sentence
        log = keep_traceback(db, error, dt.datetime.now(), kind="close")
        reason = t("dashboard.close_details", path=str(log))
        print(json.dumps({"error": t("dashboard.close_failed", term=term_id, reason=reason)}, ensure_ascii=False))
        return 1
    print(json.dumps({"moved": moved}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
