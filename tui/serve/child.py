"""The app process `jiaoyan serve` starts for one browser window.

Run as ``python -m tui.serve.child --db PATH --login LOGIN --lang zh`` by the server only:
the server picks LOGIN from the signed-in session (never from the request). The login
is honoured only when this process runs as the account that owns the password file
(models/passwords.py ``check_served_identity``): a teacher with a shell of their own
who starts it by hand, as anyone, is refused. Textual's web driver (chosen by the
server through ``TEXTUAL_DRIVER``) then speaks to the browser through the server.
"""

from __future__ import annotations

import argparse
import os
import sys

from models.doctor import LAUNCH_UMASK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tui.serve.child")
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", required=True)
    parser.add_argument("--lang", default="zh")
    args = parser.parse_args(argv)
    os.umask(LAUNCH_UMASK)  # what this person saves stays usable by the group, as over SSH

    from models.errors import JiaoyanError, PermissionDenied
    from models.i18n import set_language
    from models.identity import sign_in_problem
    from models.passwords import check_served_identity
    from models.session import open_session
    from models.store.integrity import refuse_if_unsound
    from tui.app import app_for

    set_language(args.lang)
    try:
        check_served_identity(args.db, args.login)
        session = open_session(args.db, login=args.login, language=args.lang)
        refuse_if_unsound(session.store)
        problem = sign_in_problem(session.store, args.login, by_key=True)
        if problem is not None:
            raise PermissionDenied(problem)
    except JiaoyanError as error:
        print(str(error), file=sys.stderr)
        return error.exit_code
    app = app_for(session)
    app.run(mouse=True)
    if app.crash_log is not None:
        print(f"crash log: {app.crash_log}", file=sys.stderr)
        return 3
    return int(app.return_code or 0)


if __name__ == "__main__":
    sys.exit(main())
