"""Files reach the person: exports go to <data file>.exports/<login>/ by default (the folder
the SSH door serves), and over SSH the message shows the exact scp command
(``app.announce_download``); the .ics calendar is exported from the app, mine or a group's."""

from __future__ import annotations

from pathlib import Path


async def test_ics_of_my_activities_from_the_palette(make_test_app, demo_db, monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "192.168.1.20 51234 10.0.0.5 22")
    from textual.widgets import Select

    from models.activities import attendees_of
    from models.records import Activity, Teacher, Term
    from models.store.storage import Store

    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"dcrl")
        await pilot.pause(0.8)
        await pilot.press("enter")
        await pilot.pause(0.5)
        from screens.dialogs.ics_export import IcsExportDialog

        assert isinstance(app.screen, IcsExportDialog)
        assert app.screen.query_one("#ics-which", Select).value == "mine"
        await pilot.press("ctrl+s")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
    files = list((demo_db.parent / (demo_db.name + ".exports") / "zhangmin").glob("*.ics"))
    assert len(files) == 1
    assert any(f"@10.0.0.5:{files[0]} ." in m for m in messages), messages  # the scp command
    text = files[0].read_text(encoding="utf-8")
    store = Store(demo_db)
    me = next(x for x in store.all(Teacher) if x.login == "zhangmin")
    mine = [a for a in store.all(Activity) if a.term_id == "2025-2026-1" and me.id in attendees_of(a)
            and a.status != "skipped"]
    assert text.count("BEGIN:VEVENT") == len(mine) > 0


async def test_roster_round_trip_through_excel_in_the_app(make_test_app, demo_db):
    """x exports, Excel edits 所在组 / 状态 / 入职日期, i imports them back (80×24, real keys)."""
    import io

    import openpyxl
    from textual.widgets import Input

    from models.records import Group, Teacher
    from models.store.storage import Store

    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        path = Path(app.screen.query_one("#export-path", Input).value)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        book = openpyxl.load_workbook(path)
        sheet = book.active
        header = [c.value for c in sheet[1]]
        col = {name: header.index(name) + 1 for name in header}
        row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, col["登录名"]).value == "zhangmin")
        sheet.cell(row, col["所在组"]).value = "数学教研组"
        sheet.cell(row, col["状态"]).value = "停用"
        sheet.cell(row, col["入职日期"]).value = "2018-09-01"
        buffer = io.BytesIO()
        book.save(buffer)
        path.write_bytes(buffer.getvalue())
        await pilot.press("i")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = str(path)
        await pilot.press("enter")
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause(0.5)
    store = Store(demo_db)
    zhangmin = next(x for x in store.all(Teacher) if x.login == "zhangmin")
    assert not zhangmin.active and zhangmin.joined == "2018-09-01"
    assert [g.name for g in store.all(Group) if zhangmin.id in g.member_ids and g.active] == ["数学教研组"]


async def test_the_new_teacher_form_puts_the_teacher_into_groups(make_test_app, demo_db):
    from textual.widgets import Input

    from models.records import Group, Teacher
    from models.store.storage import Store

    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#tf-name", Input).value = "新来的"
        app.screen.query_one("#tf-groups", Input).value = "语文教研组、没有的组"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "没有叫“没有的组”的组" in str(app.screen.query_one("#tf-message").render())
        app.screen.query_one("#tf-groups", Input).value = "语文教研组、语文4年级备课组"
        await pilot.press("ctrl+s")
        await pilot.pause()
    store = Store(demo_db)
    new = next(x for x in store.all(Teacher) if x.name == "新来的")
    assert sorted(g.name for g in store.all(Group) if new.id in g.member_ids) == ["语文4年级备课组", "语文教研组"]
