"""Access in the running app: the guard on every save, the change log (F2), live refresh
from a real second process, and the conflict dialog."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from models.conflicts import keep_mine
from models.permissions import PermissionDenied
from models.records import Observation, Pairing, Teacher
from models.store.storage import ConflictError, Store
from screens.dialogs.change_log import AuditScreen
from screens.dashboard.screen import DashboardScreen
from screens.observations.screen import ObservationsScreen
from screens.dialogs.conflict import MINE, THEIRS, ConflictDialog, resolve_conflict

ROOT = Path(__file__).resolve().parents[2]


def save_in_another_process(db: Path, login: str, code: str) -> None:
    """Run ``code`` (with ``store`` open as ``login``) in a separate Python process."""
    script = textwrap.dedent(f"""
        from models.store.storage import Store
        from models.permissions import check_change
        from models.records import *
        store = Store({str(db)!r}, actor={login!r}, guard=check_change)
    """) + textwrap.dedent(code)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT, env=env, timeout=60)


async def wait_for(pilot, condition, seconds: float = 2.0) -> bool:
    """Poll the screen until ``condition()`` holds or ``seconds`` pass."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        await pilot.pause(0.1)
        if condition():
            return True
    return condition()


def rendered(renderable) -> str:
    from rich.console import Console

    console = Console(width=76, record=True, file=open(os.devnull, "w"))
    console.print(renderable)
    return console.export_text()


def screen_text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


OBSERVATION_BY_ZHANGMIN = """
    me = next(x for x in store.all(Teacher) if x.login == "zhangmin")
    other = next(x for x in store.all(Teacher) if x.login == "chenying")
    with store.transaction() as tx:
        tx.insert(Observation(term_id="2025-2026-1", date="2025-11-05", observer_id=me.id,
                              teacher_id=other.id, topic="[bold]跨进程[/bold]"))
"""


def observations_given_by(app, name: str) -> int:
    """The 听课 cell of a teacher's row on the dashboard ("7/10" → 7)."""
    table = app.screen.query_one("#dash-teachers")
    row = next(table.get_row_at(i) for i in range(table.row_count) if str(table.get_row_at(i)[0]) == name)
    return int(str(row[1]).split("/")[0])


async def test_dashboard_and_observations_refresh_within_two_seconds_of_another_process(make_test_app, demo_db):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        before = Store(demo_db).all(Observation)
        term_count = sum(1 for o in before if o.term_id == "2025-2026-1")
        given = observations_given_by(app, "张敏")
        save_in_another_process(demo_db, "zhangmin", OBSERVATION_BY_ZHANGMIN)
        assert await wait_for(pilot, lambda: observations_given_by(app, "张敏") == given + 1)
        await pilot.press("3")
        assert isinstance(app.screen, ObservationsScreen)
        assert await wait_for(pilot, lambda: f"共 {term_count + 1} 条" in screen_text(app, "#log-filters"))
        save_in_another_process(demo_db, "zhangmin", OBSERVATION_BY_ZHANGMIN)
        assert await wait_for(pilot, lambda: f"共 {term_count + 2} 条" in screen_text(app, "#log-filters"))


async def test_the_admin_reads_the_change_log_live_and_the_filter_keeps_its_text(make_test_app, demo_db):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("slash")
        await pilot.press(*"zhangmin")
        await pilot.pause()
        table = app.screen.query_one("#audit-table")
        assert table.row_count == 0
        save_in_another_process(demo_db, "zhangmin", OBSERVATION_BY_ZHANGMIN)
        assert await wait_for(pilot, lambda: table.row_count == 1)
        # The filter the user typed survived the refresh, and the new change is listed with its author.
        assert app.screen.query_one("#audit-filter").value == "zhangmin"
        row = [str(c) for c in table.get_row_at(0)]
        assert row[1] == "张敏" and row[2] == "新建" and row[3].startswith("听课记录 #")
        detail = screen_text(app, "#audit-detail")
        assert "主题: [bold]跨进程[/bold]" in detail  # user text shown literally, the field by its label
        assert "听课人: 张敏" in detail  # ids as names, not observer_id: 4
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, AuditScreen)


async def test_the_change_log_is_not_offered_to_other_teachers(make_test_app):
    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert not isinstance(app.screen, AuditScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "修改记录" not in titles
        header = screen_text(app, "AppHeader")
        assert "张敏" in header and "管理员" not in header


async def test_the_apps_store_refuses_editing_someone_elses_evaluation(make_test_app):
    app = make_test_app(login="chenying")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pairing = next(p for p in app.store.all(Pairing) if p.evaluations)
        term_id = next(iter(pairing.evaluations))
        changed = pairing.copy(evaluations={term_id: {**pairing.evaluations[term_id], "summary": "我来改"}})
        with pytest.raises(PermissionDenied) as refused:
            with app.store.transaction() as tx:
                tx.update(changed)
        mentor = app.store.get(Teacher, pairing.mentor_id)
        assert mentor.name in str(refused.value)
        assert app.screen.can("update", pairing) is False


def make_conflict(db: Path) -> ConflictError:
    mine_store, their_store = Store(db, actor="tester"), Store(db, actor="tester")
    teacher = mine_store.all(Teacher)[5]
    with their_store.transaction() as tx:
        tx.update(teacher.copy(note="他们的备注", subjects=["数学"]))
    with pytest.raises(ConflictError) as caught:
        with mine_store.transaction() as tx:
            tx.update(teacher.copy(note="[bold]我的备注[/bold]"))
    return caught.value


@pytest.mark.parametrize("key,expected", [("k", MINE), ("t", THEIRS), ("escape", None)])
async def test_conflict_dialog_choices(make_test_app, demo_db, key, expected):
    conflict = make_conflict(demo_db)
    app = make_test_app()
    results = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        resolve_conflict(app, conflict, labels={"note": "备注"},
                         save_mine=lambda r: results.append((MINE, r)),
                         take_theirs=lambda r: results.append((THEIRS, r)))
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        table = rendered(app.screen.comparison())
        assert "备注" in table and "[bold]我的备注[/bold]" in table and "他们的备注" in table
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, ConflictDialog)
    if expected is None:
        assert results == []
        return
    choice, record = results[0]
    assert choice == expected
    if expected == MINE:
        # Saving it now overwrites theirs on purpose, and it is what is stored.
        store = Store(demo_db, actor="tester")
        with store.transaction() as tx:
            tx.update(record)
        assert Store(demo_db).get(Teacher, record.id).note == "[bold]我的备注[/bold]"
    else:
        assert record.note == "他们的备注"


def test_keep_mine_of_a_deleted_record_is_a_new_record(demo_db):
    teacher = Store(demo_db).all(Teacher)[5]
    again = keep_mine(teacher, None)
    assert again.id == 0 and again.version == 0


def test_conflict_dialog_snapshot(snap_compare, demo_db, make_test_app):
    conflict = make_conflict(demo_db)
    # The stamp comes from the real clock; fix it so the picture is the same every run.
    conflict = ConflictError(conflict.mine, conflict.theirs.copy(updated_at="2025-11-05 10:20:00"))
    app = make_test_app()

    async def run_before(pilot):
        resolve_conflict(app, conflict, labels={"note": "备注", "subjects": "学科"},
                         save_mine=lambda r: None, take_theirs=lambda r: None)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_audit_screen_snapshot(snap_compare, make_test_app, demo_db):
    # The log's stamps come from the real clock; fix them so the picture is the same every run.
    import json

    # (and the system account, which depends on who runs the tests).
    log = demo_db.with_name(demo_db.name + ".changes")
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    for entry in entries:
        entry["at"], entry["uid"] = "2025-11-05 08:00:00", entry.get("who", "")
    log.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    app = make_test_app()
    assert snap_compare(app, terminal_size=(80, 24), press=["f2"])


async def test_a_form_keeps_what_the_user_typed_when_another_session_saves(make_test_app, demo_db):
    from screens.observations.form import ObservationForm

    app = make_test_app(login="zhangmin", start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ObservationForm)
        await pilot.press(*"cy", "enter")
        await pilot.pause()
        app.screen.query_one("#topic").value = "秋天的雨"
        generation = app.store.generation
        save_in_another_process(demo_db, "zhangmin", OBSERVATION_BY_ZHANGMIN)
        assert await wait_for(pilot, lambda: app.store.generation != generation)
        await pilot.pause(0.3)
        assert isinstance(app.screen, ObservationForm)
        assert app.screen.query_one("#topic").value == "秋天的雨"
        assert app.screen.query_one("#teacher").teacher.name == "陈颖"


async def test_another_sessions_save_waits_for_a_screen_still_being_built(make_test_app, demo_db):
    """The poll can fire between pushing a screen and its widgets standing; the redraw then
    waits for the next poll instead of querying widgets that are not there yet."""
    from screens.observations.form import ObservationForm

    app = make_test_app(login="zhangmin", start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ObservationForm())  # not awaited: the form is on top, not yet mounted
        app.store.storage.file_generation += 1  # as if a read had just taken another session's save
        app._redraw_for_others()
        assert app._shown_file_generation != app.store.storage.file_generation
        await pilot.pause()
        assert isinstance(app.screen, ObservationForm) and app.screen.is_mounted
        app._redraw_for_others()  # the next poll
        assert app._shown_file_generation == app.store.storage.file_generation


async def test_another_sessions_save_during_shutdown_redraws_nothing(make_test_app, demo_db):
    """The poll can also fire while the app shuts down and takes the screens' widgets away
    (CI saw a day view without its title): nothing is redrawn once the app stops running."""
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = app._shown_file_generation
    app.store.storage.file_generation += 1  # another session saved as it closed
    app._redraw_for_others()
    assert app._shown_file_generation == shown
