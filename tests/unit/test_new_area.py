"""A new area needs edits only in its own packages plus the area list, the record list
(and, when someone other than the admin may change its records, the permission rules).

The test copies the code to a temporary folder, adds an area 家访 ``visits`` the
way README's developer notes say, and runs it in a fresh interpreter: the App has a
new mode on the next key and in the palette, ``--area visits`` is a choice, the area's
command is registered, ``jiaoyan check`` follows the new record's references, and only
the admin may change a project.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

NEW_FILES = {
    # The area's own rooms.
    "screens/visits/__init__.py": '"""家访 visits."""\n',
    "screens/visits/screen.py": """
        from textual.widgets import Static

        from screens.base import AreaScreen


        class VisitsScreen(AreaScreen):
            AREA = "visits"

            def compose_body(self):
                yield Static("visits", id="visits-body")
        """,
    "models/visits.py": """
        from models.records import Visit


        def visits_of(store, teacher_id):
            return [p for p in store.all(Visit) if teacher_id in p.member_ids]
        """,
    "tui/commands/visits.py": """
        from tui.commands.common import open_session


        def register(tree):
            parser = tree.top.add_parser("visits", parents=[tree.common])
            parser.set_defaults(handler=run_visits)


        def run_visits(args):
            from models.records import Visit

            print(len(open_session(args).store.all(Visit)))
            return 0
        """,
    "models/i18n/visits.py": """
        MESSAGES = {
            "area.visits": ("家访", "Visits"),
            "area.visits.help": ("家访记录", "home visits"),
            "access.what.visits": ("家访", "visits"),
        }
        """,
}

# The three lists, one entry each (the record type itself lives beside the others).
EDITS = {
    "models/areas.py": ("\n)\n\nAREA_NAMES", '\n    Area("visits", (Visit,)),\n)\n\nAREA_NAMES'),
    "models/records.py": ("RECORD_TYPES: tuple[type[Record], ...] = (\n",
                          "@dataclass\nclass Visit(Record):\n    TABLE: ClassVar[str] = \"visits\"\n"
                          "    REFERENCES: ClassVar[tuple[Reference, ...]] = (Reference(\"member_ids\", \"teachers\"),)\n"
                          "    title: str = \"\"\n    member_ids: list[int] = field(default_factory=list)\n\n\n"
                          "RECORD_TYPES: tuple[type[Record], ...] = (Visit,\n"),
}
EDITS_IMPORT = ("models/areas.py", "from models.records import (", "from models.records import (Visit, ")

CHECK = """
import asyncio, argparse, datetime as dt, sys
from pathlib import Path

from models.demo import build_demo
from models.records import Visit
from models.session import open_session
from models.store.integrity import check_file
from models.permissions import PermissionDenied
from tui.app import app_for
from tui.cli import build_parser, main

db = Path(sys.argv[1])
build_demo(db, "tester", dt.date(2025, 11, 5))
admin = open_session(db, login="tester", today="2025-11-05")
with admin.store.transaction() as tx:
    tx.insert(Visit(title="作业设计", member_ids=[1, 999]))
teacher = open_session(db, login="zhangmin", today="2025-11-05")
try:
    with teacher.store.transaction() as tx:
        tx.insert(Visit(title="x"))
    print("teacher allowed")
except PermissionDenied as refusal:
    print("refused:", refusal)
print("check:", [p for p in check_file(db) if "999" in p])
print("area choice:", build_parser().parse_args(["--area", "visits"]).area)
print("command:", main(["visits", "--db", str(db)]))


async def drive():
    from models.areas import AREAS

    key = next(area.key for area in AREAS if area.name == "visits")  # the last one's
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        await pilot.pause()
        print("screen:", app.screen.AREA, "palette:",
              [c.title for c in app.get_system_commands(app.screen) if "家访" in c.title] == [f"{key} 家访"])

asyncio.run(drive())
"""


def _copy_with_a_new_area(tmp_path: Path) -> Path:
    copy = tmp_path / "house"
    for room in ("models", "screens", "tui"):
        shutil.copytree(ROOT / room, copy / room, ignore=shutil.ignore_patterns("__pycache__"))
    for name, text in NEW_FILES.items():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    for name, (old, new) in [*EDITS.items(), (EDITS_IMPORT[0], EDITS_IMPORT[1:])]:
        path = copy / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (name, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return copy


def test_a_new_area_needs_its_own_rooms_and_one_entry_in_each_list(tmp_path):
    copy = _copy_with_a_new_area(tmp_path)
    result = subprocess.run([sys.executable, "-c", CHECK, str(tmp_path / "school.json")], cwd=copy,
                            capture_output=True, text=True, timeout=300,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(copy)})
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "refused: 只有教导处（管理员）可以修改家访。" in out, out  # the admin's, by default
    assert "teacher allowed" not in out
    assert "check: ['" in out and "member_ids" in out, out  # the dangling member 999 is found
    assert "area choice: visits" in out
    assert "command: 0" in out
    assert "screen: visits palette: True" in out, out
