"""听课 and the permission rules, conflicts and pre-filled forms, at 80×24 with real keys.

Three users look at the same records: the admin (郑娟, "tester"), the observer
(张敏, "zhangmin") and the observed teacher (刘欣怡, "liuxinyi")."""

from __future__ import annotations

import pytest

from models.permissions import check_change
from models.records import Observation, Teacher
from models.store.storage import Store
from screens.observations.detail import ObservationDetail
from screens.observations.form import ObservationForm
from screens.observations.screen import ObservationsScreen
from screens.dialogs.conflict import ConflictDialog
from screens.widgets.teacher_field import TeacherField


def store_of(demo_db, login: str = "check") -> Store:
    return Store(demo_db, actor=login, guard=check_change)


def by_name(demo_db, name: str) -> Teacher:
    return next(x for x in store_of(demo_db).all(Teacher) if x.name == name)


def zhang_observed_liu(demo_db) -> Observation:
    zhang, liu = by_name(demo_db, "张敏"), by_name(demo_db, "刘欣怡")
    return next(o for o in store_of(demo_db).all(Observation)
                if o.observer_id == zhang.id and o.teacher_id == liu.id and o.term_id == "2025-2026-1")


def shown_keys(screen) -> set[str]:
    """The keys the footer (and F1 help) shows on this screen now."""
    return {active.binding.key for active in screen.active_bindings.values() if active.binding.show}


async def highlight(app, pilot, record_id: int) -> ObservationsScreen:
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ObservationsScreen)
    table = screen.query_one("#log")
    table.move_cursor(row=table.get_row_index(str(record_id)))
    await pilot.pause()
    return screen


@pytest.mark.parametrize("login, may_change", [
    ("tester", True),     # the admin
    ("zhangmin", True),   # the observer
    ("liuxinyi", False),  # the observed teacher: may read it, not change it
])
async def test_edit_and_delete_keys_only_for_those_who_may(make_test_app, demo_db, login, may_change):
    record = zhang_observed_liu(demo_db)
    app = make_test_app(login=login, start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await highlight(app, pilot, record.id)
        keys = shown_keys(screen)
        assert ("e" in keys) is may_change and ("d" in keys) is may_change
        assert {"n", "slash", "f"} <= keys
        # The record's own page shows the same keys.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ObservationDetail)
        detail_keys = shown_keys(app.screen)
        assert ("e" in detail_keys) is may_change and ("d" in detail_keys) is may_change
        await pilot.press("escape")
        await pilot.pause()
        # A key the footer hides does nothing.
        await pilot.press("d")
        await pilot.pause()
    assert (store_of(demo_db).get(Observation, record.id) is None) is may_change


async def test_keys_follow_the_highlighted_record(make_test_app, demo_db):
    """张敏 sees e/d on her own lesson and loses them on someone else's."""
    zhang = by_name(demo_db, "张敏")
    records = store_of(demo_db).all(Observation)
    own = zhang_observed_liu(demo_db)
    other = next(o for o in records if o.term_id == "2025-2026-1" and o.observer_id != zhang.id)
    app = make_test_app(login="zhangmin", start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await highlight(app, pilot, other.id)
        assert not {"e", "d"} & shown_keys(screen)
        screen = await highlight(app, pilot, own.id)
        assert {"e", "d"} <= shown_keys(screen)
        await pilot.press("d")
        await pilot.pause()
        assert "u" in shown_keys(screen)  # undo shows once there is something to undo
        await pilot.press("u")
        await pilot.pause()
        assert "u" not in shown_keys(screen)
    assert store_of(demo_db).get(Observation, own.id) is not None


@pytest.mark.parametrize("login, may_choose", [("tester", True), ("zhangmin", False), ("liuxinyi", False)])
async def test_only_the_admin_logs_for_another_observer(make_test_app, demo_db, login, may_choose):
    app = make_test_app(login=login, start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ObservationForm)
        observer = form.query_one("#observer", TeacherField)
        assert observer.teacher.login == login
        assert observer.disabled is not may_choose
        observer.input.focus()  # a disabled field does not take the focus
        await pilot.pause()
        assert observer.input.has_focus is may_choose


async def test_the_observer_cannot_be_changed_by_typing_as_a_teacher(make_test_app, demo_db):
    """Even when the field is reached, a non-admin's observer stays themself: tab skips it."""
    app = make_test_app(login="zhangmin", start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        focus_order = []
        for _ in range(16):
            await pilot.press("tab")
            await pilot.pause()
            focus_order.append(app.focused)
        assert form.query_one("#observer", TeacherField).input not in focus_order


async def edit_own_record(app, pilot, record: Observation) -> ObservationForm:
    await highlight(app, pilot, record.id)
    await pilot.press("e")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, ObservationForm)
    return form


async def change_topic_in_another_session(demo_db, record: Observation, topic: str) -> Observation:
    other = store_of(demo_db, "zhangmin")  # the same teacher in a second terminal
    with other.transaction() as tx:
        return tx.update(other.get(Observation, record.id).copy(topic=topic, rating="中"))


async def test_conflict_keep_mine_overwrites_theirs(make_test_app, demo_db):
    record = zhang_observed_liu(demo_db)
    app = make_test_app(login="zhangmin", start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await edit_own_record(app, pilot, record)
        form.query_one("#topic").value = "我改的课题"
        theirs = await change_topic_in_another_session(demo_db, record, "另一个窗口改的课题")
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConflictDialog)
        assert "k" in shown_keys(dialog) and "t" in shown_keys(dialog)
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, ObservationsScreen)
    stored = store_of(demo_db).get(Observation, record.id)
    assert stored.topic == "我改的课题"
    assert stored.rating == record.rating  # mine was the whole record as I had it
    assert stored.version == theirs.version + 1


async def test_conflict_take_theirs_fills_the_form_and_saves_nothing(make_test_app, demo_db):
    record = zhang_observed_liu(demo_db)
    app = make_test_app(login="zhangmin", start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await edit_own_record(app, pilot, record)
        form.query_one("#topic").value = "我改的课题"
        theirs = await change_topic_in_another_session(demo_db, record, "另一个窗口改的课题")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("t")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#topic").value == "另一个窗口改的课题"
        assert form.query_one("#rating").value == "中"
        assert not form.changed
        assert store_of(demo_db).get(Observation, record.id).version == theirs.version
        # Saving now is a plain save on top of theirs: no second dialog.
        form.query_one("#suggestions").text = "再补一句建议"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ObservationsScreen)
    stored = store_of(demo_db).get(Observation, record.id)
    assert (stored.topic, stored.suggestions, stored.version) == ("另一个窗口改的课题", "再补一句建议",
                                                                  theirs.version + 1)


async def test_conflict_escape_keeps_what_i_typed(make_test_app, demo_db):
    record = zhang_observed_liu(demo_db)
    app = make_test_app(login="zhangmin", start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await edit_own_record(app, pilot, record)
        form.query_one("#topic").value = "我改的课题"
        await change_topic_in_another_session(demo_db, record, "另一个窗口改的课题")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form and form.query_one("#topic").value == "我改的课题"
    assert store_of(demo_db).get(Observation, record.id).topic == "另一个窗口改的课题"


@pytest.mark.parametrize("lesson_type", ["推门课", "展示课"])
async def test_the_form_opens_pre_filled_for_the_dashboard(make_test_app, demo_db, lesson_type):
    liu = by_name(demo_db, "刘欣怡")
    before = len(store_of(demo_db).all(Observation))
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ObservationForm(teacher_id=liu.id, lesson_type=lesson_type))
        await pilot.pause()
        form = app.screen
        assert form.query_one("#teacher", TeacherField).teacher.id == liu.id
        assert form.query_one("#lesson_type").value == lesson_type
        assert form.query_one("#subject").value == liu.subjects[0]
        assert form.query_one("#period").has_focus  # teacher and date are there: the period is next
        assert not form.changed  # escape leaves without asking
        for key in ["2", "enter", "秋", "天", "的", "雨"]:
            await pilot.press(key)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.problem_text == ""
    after = store_of(demo_db).all(Observation)
    assert len(after) == before + 1
    saved = max(after, key=lambda o: o.id)
    assert (saved.teacher_id, saved.lesson_type, saved.topic, saved.period) == (liu.id, lesson_type, "秋天的雨", 2)


async def test_a_pre_filled_form_ignores_an_unknown_type_or_teacher(make_test_app):
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ObservationForm(teacher_id=99999, lesson_type="不存在的课型"))
        await pilot.pause()
        form = app.screen
        assert form.query_one("#teacher", TeacherField).teacher is None
        assert form.query_one("#lesson_type").value == "常态课"
        assert form.query_one("#teacher", TeacherField).input.has_focus
