"""Each user's small preferences (the log's filters and sort …), one JSON file per login
in ``<data file>.prefs/``, written atomically like the data file itself.

They live beside the data file, not in it: a change of filter is not a change to the
school's data, so it takes no lock, makes no backup and wakes no other session.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from models.store.storage import atomic_write


def prefs_dir(db: Path) -> Path:
    return db.with_name(db.name + ".prefs")


def prefs_path(db: Path, login: str) -> Path:
    # A login is ASCII letters, digits, . _ - (Teacher.validate); anything else is
    # replaced so that a strange login can never name a path outside the folder.
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", login).lstrip(".") or "_"
    return prefs_dir(Path(db)) / f"{safe}.json"


def load_prefs(db: Path, login: str, section: str) -> dict[str, Any]:
    """One section of the user's preferences; empty when there are none or the file
    cannot be read (preferences are a convenience, never a reason to fail)."""
    try:
        data = json.loads(prefs_path(db, login).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    value = data.get(section) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def save_prefs(db: Path, login: str, section: str, value: dict[str, Any]) -> bool:
    """Replace one section; False when the folder cannot be written (nothing else fails)."""
    path = prefs_path(db, login)
    try:
        path.parent.mkdir(exist_ok=True)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                data = {}
        except (OSError, ValueError):
            data = {}
        data[section] = value
        atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
    except OSError:
        return False
    return True
