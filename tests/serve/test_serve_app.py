"""The app inside the browser door: its sign-in lines in the admin's F2 change log, and exports delivered to the browser."""

from __future__ import annotations

from models import passwords
from screens.widgets.virtual_table import VirtualTable


async def test_sign_ins_show_in_the_change_log_screen(demo_db, make_test_app):
    passwords.log_event(demo_db, "signin", "zhangmin", address="10.0.0.9")
    passwords.log_event(demo_db, "signin_failed", "[bold]x[/bold]", address="10.0.0.66", reason="password")
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        for _ in range(100):
            await pilot.pause(0.05)
            if app.screen.__class__.__name__ == "AuditScreen" and app.screen.query(VirtualTable).first().row_count:
                break
        table = app.screen.query_one("#audit-table", VirtualTable)
        rows = [[str(cell) for cell in table.get_row_at(index)] for index in range(2)]
        assert rows[0][1].startswith("[bold]x[/bold]")  # what was typed as a login: shown literally
        assert rows[0][2:4] == ["登录失败", "10.0.0.66"]
        assert rows[1][1:4] == ["张敏", "浏览器登录", "10.0.0.9"]


async def test_in_a_browser_an_export_is_delivered_not_announced_with_scp(demo_db, make_test_app, monkeypatch, tmp_path):
    """`announce_download` in a served session hands the file to Textual's delivery API
    (which textual-serve streams to that browser), whatever screen wrote it."""
    from tui.app import JiaoyanApp

    monkeypatch.setattr(JiaoyanApp, "is_web", property(lambda self: True))
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.9 50000 10.0.0.5 22")  # even so: no scp line
    delivered = []
    monkeypatch.setattr(JiaoyanApp, "deliver_binary",
                        lambda self, path, **kwargs: delivered.append((path, kwargs.get("save_filename"))))
    report = tmp_path / "期末报告-2025-2026-1.docx"
    report.write_bytes(b"PK")
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.announce_download(report)
        await pilot.pause(0.1)
        notes = [str(n.message) for n in app._notifications]
    assert delivered == [(report, "期末报告-2025-2026-1.docx")]
    assert any("已发送到你的浏览器" in n for n in notes) and not any("scp" in n for n in notes)
