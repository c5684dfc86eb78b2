"""Spreadsheets never run what users typed (issue 12): every CSV and XLSX the commands
write passes user text through the one guard — =, +, -, @, tab and carriage return."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from models.records import Activity, Observation, Pairing, Teacher
from models.store.storage import Store
from tui.cli import main

NAME = '=HYPERLINK("http://evil.example","点我")'
TOPIC = "\t=1+2"
MINUTES = "@SUM(1,2)"


@pytest.fixture
def poisoned(demo_db, monkeypatch):
    import models.identity

    monkeypatch.setattr(models.identity, "os_login", lambda: "tester")
    store = Store(demo_db, actor="tester")
    mentor_id = store.all(Pairing)[0].mentor_id
    with store.transaction() as tx:
        teacher = tx.get(Teacher, mentor_id)
        tx.update(teacher.copy(name=NAME))
        observation = next(o for o in tx.all(Observation) if o.term_id == "2025-2026-1")
        tx.update(observation.copy(topic=TOPIC))
        activity = next(a for a in tx.all(Activity) if a.term_id == "2025-2026-1" and a.status == "held")
        tx.update(activity.copy(topic=TOPIC, minutes=MINUTES))
    return demo_db


def _csv_cells(path) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))) for cell in row]


def _assert_guarded(cells: list[str]) -> None:
    typed = [c for c in cells if c.lstrip("'") in (NAME, TOPIC, MINUTES)]
    assert typed, "the poisoned text should be in the export"
    assert all(c.startswith("'") for c in typed), typed
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]


@pytest.mark.parametrize("command", [
    ["export", "teachers"],
    ["export", "observations", "--term", "2025-2026-1"],
    ["export", "activities", "--term", "2025-2026-1"],
    ["export", "pairings", "--term", "2025-2026-1"],
])
def test_every_csv_guards_user_text(poisoned, tmp_path, command):
    target = tmp_path / "out.csv"
    assert main([*command, "--db", str(poisoned), "--format", "csv", "-o", str(target)]) == 0
    _assert_guarded(_csv_cells(target))


@pytest.mark.parametrize("command", [
    ["report", "term", "--term", "2025-2026-1"],
    ["export", "teachers"],
    ["export", "observations", "--term", "2025-2026-1"],
    ["export", "activities", "--term", "2025-2026-1"],
    ["export", "pairings", "--term", "2025-2026-1"],
])
def test_every_xlsx_keeps_user_text_as_text(poisoned, tmp_path, command):
    target = tmp_path / "out.xlsx"
    assert main([*command, "--db", str(poisoned), "--format", "xlsx", "-o", str(target)]) == 0
    book = load_workbook(target)
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    seen += cell.value in (NAME, TOPIC, MINUTES)
    assert seen
