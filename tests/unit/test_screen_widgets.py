"""The shared widgets every screen uses instead of Textual's own (issue 19): lists are
``ListTable`` (home/end go to the first/last row, not the last column) and check boxes are
``TickBox`` / ``TickList`` (✔ in the box, readable without colour)."""

from __future__ import annotations

import re
from pathlib import Path

SCREENS = Path(__file__).resolve().parents[2] / "screens"
BARE = re.compile(r"(?:yield|=)\s*(DataTable|Checkbox|SelectionList)(\[[^\]]*\])?\(")


def test_screens_use_the_shared_list_and_tick_widgets():
    found = []
    for path in sorted(SCREENS.rglob("*.py")):
        if path.parent.name == "widgets":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if BARE.search(line):
                found.append(f"{path.relative_to(SCREENS.parent)}:{number}: {line.strip()}")
    assert not found, "use ListTable / TickBox / TickList (screens/widgets/):\n" + "\n".join(found)
