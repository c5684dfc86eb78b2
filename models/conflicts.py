"""Two versions of one record: what the user typed, and what another session saved
meanwhile (``ConflictError(mine, theirs)``). Used by the conflict dialog
(screens/widgets/conflict.py); no Textual here."""

from __future__ import annotations

from models.records import Record

STAMPS = ("id", "created_by", "created_at", "updated_by", "updated_at", "version")


def differing_fields(mine: Record, theirs: Record | None) -> list[str]:
    """The fields whose values differ, in the record's own order, stamps left out."""
    ours = mine.to_dict()
    other = theirs.to_dict() if theirs is not None else {}
    return [name for name in ours if name not in STAMPS and ours.get(name) != other.get(name)]


def keep_mine(mine: Record, theirs: Record | None) -> Record:
    """Mine, ready to overwrite theirs on purpose: it carries their version, so the next
    ``tx.update`` passes the version check. If theirs was deleted, mine comes back with
    id 0: save it with ``tx.insert``."""
    if theirs is None:
        return mine.copy(id=0, version=0)
    return mine.copy(version=theirs.version)
