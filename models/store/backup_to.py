"""``jiaoyan backup --to DIR``: a backup that leaves the server's disk.

The dated copy just made in ``<data file>.backups/`` is written into DIR (a NAS share,
a USB disk) under the same name, and so are the closed terms' archive files, in a
folder beside it named after the copy. Each file is written to a temporary name,
fsynced and then renamed, so a full disk or a pulled USB stick never leaves a
half-written backup under a good name. ``jiaoyan restore DIR/<name>.json`` puts the
data file back; the archive files go back into ``<data file>.archive/``.
"""

from __future__ import annotations

from pathlib import Path

from models.store.paths import archive_dir
from models.store.storage import atomic_write


def copy_backup_to(db: Path, copy: Path, folder: Path) -> tuple[Path, int]:
    """Write ``copy`` (a backup of ``db``) and ``db``'s archives into ``folder``.
    Returns the data file's copy there and how many files were written."""
    target = folder / copy.name
    atomic_write(target, copy.read_bytes())
    count = 1
    archives = sorted(archive_dir(db).glob("*.json")) if archive_dir(db).is_dir() else []
    if archives:
        beside = folder / (copy.stem + ".archive")
        beside.mkdir(exist_ok=True)
        for archive in archives:
            atomic_write(beside / archive.name, archive.read_bytes())
            count += 1
    return target, count
