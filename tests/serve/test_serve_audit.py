"""The browser door's lines in the change log read well in the admin's F2 screen."""

from __future__ import annotations

from textual.widgets import DataTable

from models import passwords


async def test_sign_ins_show_in_the_change_log_screen(demo_db, make_test_app):
    passwords.log_event(demo_db, "signin", "zhangmin", address="10.0.0.9")
    passwords.log_event(demo_db, "signin_failed", "[bold]x[/bold]", address="10.0.0.66", reason="password")
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        for _ in range(100):
            await pilot.pause(0.05)
            if app.screen.__class__.__name__ == "AuditScreen" and app.screen.query(DataTable).first().row_count:
                break
        table = app.screen.query_one("#audit-table", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(index)] for index in range(2)]
        assert rows[0][1].startswith("[bold]x[/bold]")  # what was typed as a login: shown literally
        assert rows[0][2:4] == ["登录失败", "10.0.0.66"]
        assert rows[1][1:4] == ["张敏", "浏览器登录", "10.0.0.9"]
