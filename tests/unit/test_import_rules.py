"""The import rules of pyproject.toml ([tool.importlinter]) hold, and they can fail:
models imports neither textual nor screens nor tui; screens does not import tui."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = "import sys\nfrom importlinter.cli import lint_imports\nsys.exit(lint_imports())\n"


def _lint(folder: Path) -> subprocess.CompletedProcess:
    # A fresh interpreter in ``folder``: its own copy of the code is what gets imported.
    return subprocess.run([sys.executable, "-c", LINT], cwd=folder, capture_output=True, text=True,
                          timeout=300)


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "house"
    copy.mkdir()
    for room in ("models", "screens", "tui"):
        shutil.copytree(ROOT / room, copy / room, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def test_the_code_keeps_the_import_rules():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("models/reaches_up.py", "import textual\n", "models imports neither textual nor screens nor tui"),
    ("models/reaches_up.py", "from screens.base import AreaScreen\n", "models imports neither textual nor screens nor tui"),
    ("screens/reaches_up.py", "from tui import app\n", "screens does not import tui"),
])
def test_an_import_against_the_rules_breaks_the_build(tmp_path, module, line, contract):
    copy = _copy(tmp_path)
    (copy / module).write_text(line, encoding="utf-8")
    result = _lint(copy)
    assert result.returncode != 0, result.stdout
    assert f"{contract} BROKEN" in result.stdout
    assert "1 broken" in result.stdout
