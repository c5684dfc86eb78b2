"""An archived term's 听课记录 stay readable — in the log, a record's page, a teacher's
page and the export — and nobody can change them."""

from __future__ import annotations

import csv

import pytest

from models.store.archive import archived_records, close_term
from models.permissions import check_change
from models.records import Observation, Teacher
from models.store.storage import Store
from screens.observations.detail import ObservationDetail
from screens.observations.filters import ObservationFilters
from screens.observations.screen import ObservationsScreen
from screens.teacher.page import TeacherPage
from tui import cli

PREVIOUS = "2024-2025-2"  # the demo's previous term; it ended 2025-07-10


@pytest.fixture
def archived_db(demo_db):
    """The demo school with its previous term closed by the admin."""
    store = Store(demo_db, actor="tester", guard=check_change)
    moved = close_term(store, PREVIOUS)
    assert moved["observations"] > 0
    assert not [o for o in store.all(Observation) if o.term_id == PREVIOUS]
    return demo_db


def archived(db) -> list[Observation]:
    return archived_records(db, PREVIOUS, Observation)


def shown_keys(screen) -> set[str]:
    return {active.binding.key for active in screen.active_bindings.values() if active.binding.show}


async def pick_previous_term(app, pilot) -> ObservationsScreen:
    await pilot.pause()
    log = app.screen
    assert isinstance(log, ObservationsScreen)
    await pilot.press("f")
    await pilot.pause()
    filters = app.screen
    assert isinstance(filters, ObservationFilters)
    term_field = filters.query_one("#f-term")
    labels = [label for _, label in term_field.options]
    assert "2024—2025学年第二学期（已归档）" in labels  # offered, and marked
    for _ in range(labels.index("2024—2025学年第二学期（已归档）")):
        await pilot.press("down")
    assert term_field.value == PREVIOUS
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert app.screen is log
    return log


@pytest.mark.parametrize("login", ["tester", "liuxinyi"])
async def test_the_log_shows_an_archived_term_read_only(make_test_app, archived_db, login):
    records = archived(archived_db)
    liu = next(x for x in Store(archived_db, actor="check").all(Teacher) if x.login == "liuxinyi")
    own = next(o for o in records if o.observer_id == liu.id and o.strengths)  # 刘欣怡 observed it herself
    app = make_test_app(login=login, start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        log = await pick_previous_term(app, pilot)
        assert {o.term_id for o in log.records} == {PREVIOUS}
        assert own.id in {o.id for o in log.records}
        if login == "tester":
            assert len(log.records) == len(records)  # the admin sees every one
        line = str(log.query_one("#log-filters").render())
        assert "2024—2025学年第二学期" in line and "已归档，只读" in line
        table = log.query_one("#log")
        table.move_cursor(row=table.get_row_index(str(own.id)))
        await pilot.pause()
        # Not even the admin or the observer may change an archived lesson.
        assert not {"e", "d"} & shown_keys(log)
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, ObservationDetail)
        body = str(detail.query_one("#obs-detail-body").render())
        assert own.topic in body and own.strengths in body  # her own comments, read from the archive
        assert not {"e", "d"} & shown_keys(detail)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")  # hidden, and does nothing
        await pilot.press("e")
        await pilot.pause()
        assert app.screen is log
    assert len(archived(archived_db)) == len(records)


async def test_all_terms_include_the_archive(make_test_app, archived_db):
    current = [o for o in Store(archived_db, actor="check").all(Observation)]
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        log = app.screen
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("down")  # 全部学期
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(log.records) == len(current) + len(archived(archived_db))


async def test_the_teacher_page_of_an_archived_term(make_test_app, archived_db):
    store = Store(archived_db, actor="check")
    zhang = next(x for x in store.all(Teacher) if x.login == "zhangmin")
    given = [o for o in archived(archived_db) if o.observer_id == zhang.id]
    received = [o for o in archived(archived_db) if o.teacher_id == zhang.id]
    assert given
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(TeacherPage(zhang.id, PREVIOUS))
        await pilot.pause()
        text = str(app.screen.query_one("#teacher-page-body").render())
    quota = store.policy().quota_for(zhang.roles)
    assert f"本学期已听 {len(given)}/{quota} 节" in text
    assert f"被听课 {len(received)} 节" in text


def test_export_of_an_archived_term(archived_db, monkeypatch, tmp_path):
    monkeypatch.setattr("models.identity.os_login", lambda: "tester")
    output = tmp_path / "previous.csv"
    assert cli.main(["export", "observations", "--term", PREVIOUS, "-o", str(output), "--db", str(archived_db)]) == 0
    rows = list(csv.reader(output.read_text(encoding="utf-8-sig").splitlines()))
    records = archived(archived_db)
    assert len(rows) == len(records) + 1
    first = min(records, key=lambda o: (o.date, o.period, o.id))
    assert rows[1][0] == first.date and rows[1][6] == first.topic
    assert rows[1][8] == first.strengths  # the admin reads every comment
