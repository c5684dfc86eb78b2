"""Long exports say how far they are: a progress line on stderr when it is a terminal."""

from __future__ import annotations

import io

from models.exports.content import single_table
from models.exports.registry import render
from tui.commands.progress import progress_line


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_line_and_a_pipe_gets_nothing():
    table = single_table("t", ["a", "b"], [[n, f"行{n}"] for n in range(1200)])
    for fmt in ("xlsx", "docx", "csv"):
        terminal = Terminal()
        with progress_line("正在导出", terminal) as progress:
            render(table, fmt, progress)
        out = terminal.getvalue()
        assert out.startswith("\r正在导出：") and "1200/1200 行（100%）" in out and out.endswith("\n"), fmt
    pipe = io.StringIO()
    with progress_line("正在导出", pipe) as progress:
        assert progress is None
        render(table, "xlsx", progress)
    assert pipe.getvalue() == ""


def test_the_roster_export_command_shows_the_line_on_a_terminal(demo_db, tmp_path, monkeypatch):
    import sys

    from tui import cli

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    target = tmp_path / "名册.xlsx"
    assert cli.main(["export", "teachers", "--format", "xlsx", "-o", str(target), "--db", str(demo_db)]) == 0
    assert target.exists() and "44/44 行（100%）" in terminal.getvalue()
