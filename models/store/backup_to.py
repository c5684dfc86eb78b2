"""``jiaoyan backup --to DIR``: a copy that leaves the server's disk.

The data file is read under the lock (so the copy is one consistent version) and written
into DIR (a NAS share, a USB disk) as ``<stem>-<date>-<time>-offsite.json``, with the
closed terms' archive files in a folder beside it named after the copy. Each file is
written to a temporary name, fsynced and then renamed, so a full disk or a pulled USB
stick never leaves a half-written copy under a good name. Nothing in the data folder or
its backups changes, so whoever may read the data file (root's cron job) may run it.
"""

from __future__ import annotations

from pathlib import Path

from models import clock
from models.store.paths import archive_dir
from models.store.storage import atomic_write, hold_lock


def copy_backup_to(db: Path, folder: Path) -> tuple[Path, int]:
    """Write a copy of ``db`` and its archives into ``folder``. Returns the data file's copy
    there and how many files were written."""
    with hold_lock(db):
        payload = db.read_bytes()
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    target, counter = folder / f"{db.stem}-{stamp}-offsite.json", 1
    while target.exists():
        counter += 1
        target = folder / f"{db.stem}-{stamp}-offsite-{counter}.json"
    atomic_write(target, payload)
    count = 1
    archives = sorted(archive_dir(db).glob("*.json")) if archive_dir(db).is_dir() else []
    if archives:
        beside = folder / (target.stem + ".archive")
        beside.mkdir(exist_ok=True)
        for archive in archives:
            atomic_write(beside / archive.name, archive.read_bytes())
            count += 1
    return target, count
