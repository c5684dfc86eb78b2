"""The 听课 log at 80×24: who sees what, filters that stay, sort, delete with undo."""

from __future__ import annotations

import json

import pytest

from models.prefs import prefs_path
from models.records import Observation, Teacher
from models.store.storage import Store
from screens.observations.detail import ObservationDetail
from screens.observations.filters import ObservationFilters
from screens.observations.screen import ObservationsScreen


def store_of(demo_db) -> Store:
    return Store(demo_db, actor="check")


def by_name(demo_db, name: str) -> Teacher:
    return next(x for x in store_of(demo_db).all(Teacher) if x.name == name)


def mentor_observation(demo_db) -> Observation:
    """张敏 (mentor) observed 刘欣怡 (her mentee) this term: the demo's own record."""
    zhang, liu = by_name(demo_db, "张敏"), by_name(demo_db, "刘欣怡")
    return next(o for o in store_of(demo_db).all(Observation)
                if o.observer_id == zhang.id and o.teacher_id == liu.id and o.term_id == "2025-2026-1")


async def show_record(app, pilot, record_id: int) -> tuple[str, str]:
    """The rating cell of the record in the log, and its detail page's text."""
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ObservationsScreen)
    table = screen.query_one("#log")
    row = table.get_row_index(str(record_id))
    rating_cell = str(table.get_row(str(record_id))[6])
    table.move_cursor(row=row)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ObservationDetail)
    body = str(app.screen.query_one("#obs-detail-body").render())
    await pilot.press("escape")
    await pilot.pause()
    return rating_cell, body


@pytest.mark.parametrize("login, sees", [
    ("zhangmin", True),     # the observer
    ("liuxinyi", True),     # the observed teacher
    ("chensiyuan", True),   # leader of 刘欣怡's 语文1年级备课组
    ("zengsiyuan", False),  # 数学教研组长: no business with this lesson's comments
])
async def test_comments_and_rating_only_for_those_who_may_read_them(make_test_app, demo_db, login, sees):
    record = mentor_observation(demo_db)
    app = make_test_app(login=login, start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        rating_cell, body = await show_record(app, pilot, record.id)
    assert "张敏" in body and "刘欣怡" in body and record.lesson_type in body and record.date in body
    if sees:
        assert rating_cell == record.rating
        assert record.strengths in body and record.suggestions in body
        assert "仅听课人" not in body
    else:
        assert rating_cell == "·"
        assert record.strengths not in body and record.shortcomings not in body
        assert record.suggestions not in body
        assert "仅听课人、授课教师、组长和管理员可见" in body


async def test_an_outsider_cannot_find_hidden_comments_by_search_or_rating(make_test_app, demo_db):
    record = mentor_observation(demo_db)
    app = make_test_app(login="zengsiyuan", start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        for character in record.suggestions[:6]:
            await pilot.press(character)
        await pilot.press("enter")
        await pilot.pause()
        ids = [r.id for r in app.screen.records]
        assert record.id not in ids
        # What it did find is what 曾思远 may read anyway.
        from models.permissions import can_read_comments
        zeng = by_name(demo_db, "曾思远")
        assert all(can_read_comments(app.store, zeng, app.store.get(Observation, i)) for i in ids)
        app.screen.filters.rating = record.rating
        app.screen.filters.search = ""
        app.screen.refresh_data()
        assert record.id not in [r.id for r in app.screen.records]


async def test_filters_and_sort_stay_for_the_next_visit(make_test_app, demo_db):
    liu = by_name(demo_db, "刘欣怡")
    app = make_test_app(login="zhangmin", start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ObservationFilters)
        await pilot.press("tab", "tab", "tab")  # term, week, observer → the observed teacher
        for character in "lxy":
            await pilot.press(character)
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ObservationsScreen)
        assert screen.records and all(r.teacher_id == liu.id for r in screen.records)
        assert "授课教师=刘欣怡" in str(screen.query_one("#log-filters").render())
        await pilot.press("s", "s", "s")  # date → period → observer → teacher
        await pilot.pause()
        assert screen.filters.sort == "teacher"
        shown = len(screen.records)
    saved = json.loads(prefs_path(demo_db, "zhangmin").read_text(encoding="utf-8"))
    assert saved["observations_log"]["teacher_id"] == liu.id
    assert saved["observations_log"]["sort"] == "teacher"

    again = make_test_app(login="zhangmin", start_area="observations")
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = again.screen
        assert screen.filters.teacher_id == liu.id and screen.filters.sort == "teacher"
        assert len(screen.records) == shown
        assert "按“授课教师”" in str(screen.query_one("#log-filters").render())
        await pilot.press("x")  # clear
        await pilot.pause()
        assert len(screen.records) > shown

    # Another user's visit is their own.
    other = make_test_app(login="tester", start_area="observations")
    async with other.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert other.screen.filters.teacher_id == 0


async def test_sort_by_rating_and_reverse(make_test_app):
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.sort_by("rating")
        await pilot.pause()
        ratings = [r.rating for r in screen.records]
        order = {"优": 0, "良": 1, "中": 2, "待改进": 3}
        assert ratings == sorted(ratings, key=lambda r: order.get(r, 99))
        await pilot.press("r")
        await pilot.pause()
        assert [r.rating for r in screen.records] == sorted(ratings, key=lambda r: order.get(r, 99), reverse=True)


async def test_delete_then_undo(make_test_app, demo_db):
    app = make_test_app(start_area="observations")
    before = store_of(demo_db).all(Observation)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        victim = screen.records[0]
        await pilot.press("d")
        await pilot.pause()
        assert victim.id not in [o.id for o in store_of(demo_db).all(Observation)]
        assert len(store_of(demo_db).all(Observation)) == len(before) - 1
        await pilot.press("u")
        await pilot.pause()
        after = store_of(demo_db).all(Observation)
        assert len(after) == len(before)
        back = store_of(demo_db).get(Observation, victim.id)  # undo gives the record its own id back
        assert back is not None
        assert (back.topic, back.teacher_id, back.date) == (victim.topic, victim.teacher_id, victim.date)


async def test_only_the_observer_may_edit_or_delete(make_test_app, demo_db):
    record = mentor_observation(demo_db)
    app = make_test_app(login="liuxinyi", start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#log")
        table.move_cursor(row=table.get_row_index(str(record.id)))
        await pilot.press("d")
        await pilot.pause()
    assert store_of(demo_db).get(Observation, record.id) is not None


async def test_edit_from_the_log(make_test_app, demo_db):
    record = mentor_observation(demo_db)
    app = make_test_app(login="zhangmin", start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#log")
        table.move_cursor(row=table.get_row_index(str(record.id)))
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#topic").value == record.topic
        form.query_one("#topic").value = "改过的课题"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ObservationsScreen)
    changed = store_of(demo_db).get(Observation, record.id)
    assert changed.topic == "改过的课题" and changed.version == record.version + 1
    assert changed.strengths == record.strengths


async def test_teacher_page_section(make_test_app, demo_db):
    from screens.teacher.page import TeacherPage

    zhang = by_name(demo_db, "张敏")
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(TeacherPage(zhang.id))
        await pilot.pause()
        text = str(app.screen.query_one("#teacher-page-body").render())
    given = [o for o in store_of(demo_db).all(Observation) if o.observer_id == zhang.id and o.term_id == "2025-2026-1"]
    received = [o for o in store_of(demo_db).all(Observation) if o.teacher_id == zhang.id
                and o.term_id == "2025-2026-1"]
    # Week 10 of a 21-week term: 10 × 10 / 21 → 4 expected by now.
    assert f"本学期已听 {len(given)}/10 节；按进度到第10周应听 4 节" in text
    assert f"被听课 {len(received)} 节" in text


def test_snapshot_log(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="zhangmin", start_area="observations"), terminal_size=(80, 24))
