"""Who is running this process, as the operating system says."""

from __future__ import annotations

import os
import pwd


def os_login() -> str:
    """The login of the process's real uid; $USER and $LOGNAME are ignored on purpose,
    since anyone can set them."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid{os.getuid()}"
