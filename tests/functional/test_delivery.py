"""Files reach the person: exports go to <data dir>/exports/<login>/ by default, and over
SSH the message shows the exact scp command; the .ics calendar is exported from the app,
mine or a group's."""

from __future__ import annotations

from pathlib import Path

from models.delivery import fetch_command, personal_export_path, server_address
from models.store.paths import exports_dir


def test_the_per_person_folder_beside_the_data_file(tmp_path):
    db = tmp_path / "srv" / "school.json"
    db.parent.mkdir()
    assert exports_dir(db, "zhangmin") == tmp_path / "srv" / "exports" / "zhangmin"
    assert exports_dir(db, "../etc") == tmp_path / "srv" / "exports" / "..etc"  # no way out of the folder
    path = personal_export_path(db, "zhangmin", "名册.xlsx")
    assert path.parent.is_dir() and path.name == "名册.xlsx"


def test_scp_command_names_the_server_as_ssh_reached_it():
    env = {"SSH_CONNECTION": "192.168.1.20 51234 10.0.0.5 22"}
    assert server_address(env) == "10.0.0.5"
    path = Path("/srv/jiaoyan/exports/zhangmin/名册 2025.xlsx")
    assert fetch_command(path, "zhangmin", env) == "scp zhangmin@10.0.0.5:'/srv/jiaoyan/exports/zhangmin/名册 2025.xlsx' ."
    assert server_address({"SSH_CONNECTION": "fe80::1 5 fe80::2 22"}) == "[fe80::2]"
    assert fetch_command(path, "zhangmin", {}) is None  # at the console: nothing to fetch


async def test_roster_export_goes_to_my_folder_and_says_how_to_fetch_it(make_test_app, demo_db, monkeypatch):
    from textual.widgets import Input

    monkeypatch.setenv("SSH_CONNECTION", "192.168.1.20 51234 10.0.0.5 22")
    monkeypatch.setattr("models.identity.os_login", lambda: "jiaoyan")
    notes = []
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, "notify", lambda message, **kw: notes.append(message))
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        value = app.screen.query_one("#export-path", Input).value
        assert value.startswith(str(demo_db.parent / "exports" / "tester"))
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    written = list((demo_db.parent / "exports" / "tester").glob("*.xlsx"))
    assert len(written) == 1
    import shlex

    assert any(f"scp jiaoyan@10.0.0.5:{shlex.quote(str(written[0]))} ." in note for note in notes), notes


async def test_ics_of_my_activities_from_the_palette(make_test_app, demo_db, monkeypatch):
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
    files = list((demo_db.parent / "exports" / "zhangmin").glob("*.ics"))
    assert len(files) == 1
    text = files[0].read_text(encoding="utf-8")
    store = Store(demo_db)
    me = next(x for x in store.all(Teacher) if x.login == "zhangmin")
    mine = [a for a in store.all(Activity) if a.term_id == "2025-2026-1" and me.id in attendees_of(a)
            and a.status != "skipped"]
    assert text.count("BEGIN:VEVENT") == len(mine) > 0
