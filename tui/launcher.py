"""`jiaoyan-ssh`: the launcher for SSH logins (README, "Deployment").

It makes what one person saves usable by the others before anything is written:
umask 007 (files 0660, folders 2770 with the data folder's setgid), a UTF-8 locale
so Chinese shows, and a TERM when the client sent none. When the locale has to
change, Python must restart to pick it up, so the launcher replaces itself
(``exec``: same process id, so the sshd forced-command check still sees sshd as
the parent).
"""

from __future__ import annotations

import gc
import os
import sys

from models.doctor import LAUNCH_UMASK, launch_environment

__all__ = ["launch_environment", "main"]


def main(argv: list[str] | None = None) -> int:
    gc.disable()  # for the start-up's imports too; tui/cli.py says why and turns it back on
    os.umask(LAUNCH_UMASK)
    argv = list(sys.argv[1:] if argv is None else argv)
    env, restart = launch_environment(dict(os.environ))
    if restart and not os.environ.get("JIAOYAN_LAUNCHED"):
        env["JIAOYAN_LAUNCHED"] = "1"
        os.execve(sys.executable, [sys.executable, "-m", "tui.launcher", *argv], env)
    os.environ.update(env)
    from tui.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
