"""Users' own keys: a small TOML file maps a binding's id to the keys they prefer.

    # ~/.config/jiaoyan/keys.toml  (or the file named by JIAOYAN_KEYMAP)
    [keys]
    "observations.new" = "a"
    "app.quit" = "ctrl+q"

`jiaoyan keys` lists every binding id with its default key.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from models.i18n import t

_KEY_PATTERN = re.compile(r"^[a-z0-9_+\-,]+$")


def keymap_path() -> Path:
    configured = os.environ.get("JIAOYAN_KEYMAP", "").strip()
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("jiaoyan", appauthor=False)) / "keys.toml"


def load_keymap(path: Path | None = None, known_ids: set[str] | None = None) -> tuple[dict[str, str], list[str]]:
    """The binding id → keys mapping, and a readable problem for each line that was ignored.
    A missing file is no problem: the defaults stand."""
    path = path or keymap_path()
    if not path.exists():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return {}, [t("keymap.unreadable", path=path, reason=str(error).splitlines()[0][:100])]
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        return {}, [t("keymap.no_table", path=path)]
    mapping, problems = {}, []
    for binding_id, value in keys.items():
        if known_ids is not None and binding_id not in known_ids:
            problems.append(t("keymap.unknown_id", id=binding_id))
        elif not isinstance(value, str) or not _KEY_PATTERN.match(value.strip().lower()):
            problems.append(t("keymap.bad_key", id=binding_id, value=value))
        else:
            mapping[binding_id] = value.strip().lower()
    return mapping, problems
