"""The year's view on the dashboard at 80×24 (issue 18): y opens both terms summed per
teacher; x saves the spreadsheet for the annual review."""

from __future__ import annotations

from textual.widgets import DataTable

from models.areas import AREAS


async def _wait(pilot, condition, tries: int = 60) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


async def test_the_year_view_shows_each_teacher_and_saves_a_spreadsheet(demo_db, make_test_app, tmp_path):
    import openpyxl

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(next(area.key for area in AREAS if area.name == "dashboard"))
        await _wait(pilot, lambda: getattr(app.screen, "AREA", "") == "dashboard")
        await pilot.press("y")
        await _wait(pilot, lambda: type(app.screen).__name__ == "YearScreen")
        table = app.screen.query_one("#year-table", DataTable)
        await _wait(pilot, lambda: table.row_count > 10)
        headers = [str(c.label) for c in table.columns.values()]
        assert headers[:2] == ["教师", "第一学期积分"] and "全年积分" in headers and "学时" in headers
        await pilot.press("x")
        await _wait(pilot, lambda: type(app.screen).__name__ == "SavePathDialog")
        target = tmp_path / "学年汇总.xlsx"
        app.screen.query_one("#save-path").value = str(target)
        await pilot.press("enter")
        await _wait(pilot, lambda: target.exists(), tries=100)
    sheet = openpyxl.load_workbook(target).worksheets[0]
    assert any("张敏" in [c.value for c in row] for row in sheet.iter_rows())
