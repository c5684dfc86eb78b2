"""Issue 21 in the running app: the mouse toggle (saved per person), Ctrl+C's prompt and
Textual's own palette words in the user's language."""

from __future__ import annotations

from models.mouse import saved_choice
from models.i18n import set_language


def _messages(app) -> list[tuple[str, str]]:
    """Every notification the app posted (recorded: a loaded machine may let toasts expire)."""
    return list(getattr(app, "posted", []))


def _record(app):
    app.posted = []
    original = app.notify

    def notify(message, *args, title="", **kwargs):
        app.posted.append((title, str(message)))
        return original(message, *args, title=title, **kwargs)

    app.notify = notify
    return app


async def test_ctrl_o_turns_the_mouse_off_and_on_and_remembers(make_test_app, demo_db):
    app = _record(make_test_app(login="zhangmin"))
    async with app.run_test(size=(80, 24)) as pilot:
        assert saved_choice(demo_db, "zhangmin") is None
        was_on = bool(app._driver._mouse)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert saved_choice(demo_db, "zhangmin") is (not was_on)
        assert any(("鼠标已关闭" if was_on else "鼠标已打开") in m for _t, m in _messages(app))
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert saved_choice(demo_db, "zhangmin") is was_on
        assert saved_choice(demo_db, "tester") is None  # one person's choice only
        # The palette lists it too, and F1 shows its key.
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "鼠标开/关" in titles


async def test_ctrl_c_says_how_to_quit_in_chinese(make_test_app):
    app = _record(make_test_app())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert ("要退出吗？", "按 Ctrl+Q 退出教研系统（不在输入框里时按 q 也行）；Ctrl+C 在输入框里是复制。") in _messages(app)
        assert not any("Press" in m for _t, m in _messages(app))


async def test_ctrl_c_in_english(make_test_app):
    app = _record(make_test_app(lang="en"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert ("Do you want to quit?", "Press Ctrl+Q to quit jiaoyan (q outside a text field); in a text field Ctrl+C copies.") in _messages(app)
    set_language("zh")


async def test_textuals_palette_commands_speak_chinese(make_test_app):
    from textual.command import CommandList

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "配色" in titles and "退出" in titles
        assert not {"Theme", "Quit", "Keys", "Screenshot"} & set(titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"qqqzzz")
        shown = ""
        for _ in range(40):
            await pilot.pause(0.1)
            options = app.screen.query_one(CommandList)
            shown = " ".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))
            if "没有找到" in shown:
                break
        assert "没有找到匹配的功能" in shown and "No matches" not in shown


async def test_after_an_export_over_ssh_the_app_tells_the_exact_command(make_test_app, demo_db, monkeypatch):
    from screens.rosters.export_path import ExportPathScreen

    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.9 50000 192.0.2.1 2222")
    monkeypatch.setattr("models.identity.os_login", lambda: "jiaoyan")
    app = _record(make_test_app(login="chenying", start_area="rosters"))
    folder = demo_db.with_name("school.json.exports") / "chenying"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportPathScreen)
        target = folder / "教师名册-2025-11-05.xlsx"
        assert app.screen.query_one("#export-path").value == str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert target.exists()
        hint = f"在你的电脑上运行（Windows 命令提示符、PowerShell 或 macOS 终端）：scp -P 2222 jiaoyan@192.0.2.1:{target} ."
        assert hint in [m for _t, m in _messages(app)]
        # Written elsewhere: the app says it cannot be fetched, and where to export instead.
        await pilot.press("x")
        await pilot.pause()
        elsewhere = demo_db.parent / "名册.xlsx"
        app.screen.query_one("#export-path").value = str(elsewhere)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert elsewhere.exists()
        assert any("不在你的导出文件夹里" in m and str(folder) in m for _t, m in _messages(app))


async def test_the_admin_restores_a_backup_from_inside_jiaoyan(make_test_app, demo_db):
    from models.store.storage import Store, list_backups
    from screens.dialogs.restore import RestoreScreen

    store = Store(demo_db, actor="tester")
    before = store.policy().school_name
    good = store.backup("manual")
    with store.transaction() as tx:
        tx.save_policy(store.policy().copy(school_name="改错了的校名"))
    app = _record(make_test_app())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RestoreScreen)
        assert app.screen.backups == list_backups(demo_db) and good in app.screen.backups
        from textual.widgets import OptionList

        app.screen.query_one(OptionList).highlighted = app.screen.backups.index(good)
        await pilot.pause()
        await pilot.press("enter")  # the first enter only asks
        await pilot.pause()
        assert Store(demo_db).policy().school_name == "改错了的校名"
        assert "再按一次 enter" in str(app.screen.query_one("#restore-message").render())
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, RestoreScreen)
    assert Store(demo_db).policy().school_name == before
    kept = [p for p in list_backups(demo_db) if "before-restore" in p.name]
    assert len(kept) == 1 and "改错了的校名" in kept[0].read_text(encoding="utf-8")
    assert any("已用" in m and "恢复全校数据" in m for _t, m in _messages(app))


async def test_only_the_admin_may_restore(make_test_app):
    from screens.dialogs.restore import RestoreScreen

    app = _record(make_test_app(login="zhangmin"))
    async with app.run_test(size=(80, 24)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "从备份恢复" not in titles
        app.action_restore()
        await pilot.pause()
        assert not isinstance(app.screen, RestoreScreen)
        assert ("", "只有教导处（管理员）可以从备份恢复。") in _messages(app)
