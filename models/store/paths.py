"""Where the data file and its companions live. Resolved once, from the CLI."""

from __future__ import annotations

import os
from pathlib import Path

DATA_FILE_NAME = "jiaoyan.json"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("jiaoyan", appauthor=False))


def resolve_db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """--db PATH, else JIAOYAN_DB, else the platform's user data dir."""
    if cli_value:
        return Path(cli_value).expanduser().absolute()
    env = os.environ.get("JIAOYAN_DB", "").strip()
    if env:
        return Path(env).expanduser().absolute()
    return default_data_dir() / DATA_FILE_NAME


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def backup_dir(db: Path) -> Path:
    return db.with_name(db.name + ".backups")


def archive_dir(db: Path) -> Path:
    return db.with_name(db.name + ".archive")


def verdict_path(db: Path) -> Path:
    """Which version of the data file was last found sound (its inode, size and mtime):
    a cache, so that opening the file does not re-check 8,000 records every time."""
    return db.with_name(db.name + ".checked")


def feed_mark_path(db: Path) -> Path:
    """Which version of the data file (inode, size, mtime) the last save wrote, and the
    change-log line it ends on: a cache that lets open sessions trust the change feed
    (models/store/feed.py); when it does not match, they parse the file."""
    return db.with_name(db.name + ".fed")


def changelog_path(db: Path) -> Path:
    """The change log beside the data file: append-only JSON lines (models/store/changelog.py)."""
    return db.with_name(db.name + ".changes")
