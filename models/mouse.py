"""Whether the app reports the mouse. Over SSH every movement of a resting hand is sent
to the server (57 KB/s measured), so it is off there unless the person turns it on;
at a local terminal it is on. A person's choice in the app is kept in their prefs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

PREFS_SECTION = "mouse"


def _flag(value: str) -> bool | None:
    value = value.strip().lower()
    if value in ("0", "no", "off", "false"):
        return False
    if value in ("1", "yes", "on", "true"):
        return True
    return None


def saved_choice(db: Path | None, login: str | None) -> bool | None:
    """What the person chose in the app (ctrl+o), or None if they never did."""
    if db is None or not login:
        return None
    from models.prefs import load_prefs

    value = load_prefs(db, login, PREFS_SECTION).get("on")
    return value if isinstance(value, bool) else None


def save_choice(db: Path, login: str, on: bool) -> bool:
    from models.prefs import save_prefs

    return save_prefs(db, login, PREFS_SECTION, {"on": bool(on)})


def mouse_default(choice: bool | None, env: Mapping[str, str], *, db: Path | None = None,
                  login: str | None = None) -> bool:
    """--mouse / --no-mouse first, then the person's saved choice, then JIAOYAN_MOUSE,
    then off over SSH (SSH_CONNECTION is set) and on elsewhere."""
    if choice is not None:
        return bool(choice)
    saved = saved_choice(db, login)
    if saved is not None:
        return saved
    from_env = _flag(env.get("JIAOYAN_MOUSE", ""))
    if from_env is not None:
        return from_env
    return not env.get("SSH_CONNECTION")
