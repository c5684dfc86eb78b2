"""Long work shows how far it is (issue 14): the roster export and the term report write
in a worker with a progress bar that fills as rows are written."""

from __future__ import annotations

from textual.widgets import Input, ProgressBar

from screens.dashboard.report_dialog import ReportDialog
from screens.rosters.export_path import ExportPathScreen


async def _wait_for(pilot, condition, tries: int = 200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


async def test_the_roster_export_shows_a_progress_bar_that_fills(make_test_app, tmp_path, monkeypatch):
    seen: list[tuple[int, int]] = []
    shown = ExportPathScreen.show_progress

    def record(self, done: int, total: int) -> None:
        seen.append((done, total, self.query_one("#export-progress", ProgressBar).display))
        shown(self, done, total)

    monkeypatch.setattr(ExportPathScreen, "show_progress", record)
    target = tmp_path / "名册.xlsx"
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await _wait_for(pilot, lambda: isinstance(app.screen, ExportPathScreen))
        dialog = app.screen
        assert not dialog.query_one("#export-progress", ProgressBar).display  # hidden until it writes
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await _wait_for(pilot, lambda: not isinstance(app.screen, ExportPathScreen))
    assert target.exists()
    assert seen and seen[-1][0] == seen[-1][1] == 44  # every teacher of the demo school
    assert all(visible for *_, visible in seen)  # the bar is on screen while it fills


async def test_the_term_report_dialog_shows_a_progress_bar_that_fills(make_test_app, tmp_path, monkeypatch):
    seen: list[tuple[int, int, bool]] = []
    shown = ReportDialog._progress

    def record(self, done: int, total: int) -> None:
        seen.append((done, total, self.query_one("#report-progress", ProgressBar).display))
        shown(self, done, total)

    monkeypatch.setattr(ReportDialog, "_progress", record)
    target = tmp_path / "学期资料.docx"
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await _wait_for(pilot, lambda: isinstance(app.screen, ReportDialog))
        app.screen.query_one("#report-path", Input).value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await _wait_for(pilot, lambda: not isinstance(app.screen, ReportDialog))
    assert target.exists()
    assert len(seen) > 2 and seen[-1][0] == seen[-1][1] > 0
    assert [done for done, *_ in seen] == sorted(done for done, *_ in seen)  # it only moves forward
    assert all(visible for *_, visible in seen)
