"""Rough edges of issue 19, each checked at 80×24: names instead of ids in the change log,
no "第0周" before a term begins, feedback for an unknown teacher in the quick entry."""

from __future__ import annotations

import datetime as dt

from models.records import Activity, Teacher, Term
from models.store.storage import Store
from tui import cli


def test_audit_shows_names_and_labels_not_ids(demo_db, monkeypatch, capsys):
    monkeypatch.setattr("models.identity.os_login", lambda: "tester")
    store = Store(demo_db, actor="tester")
    activity = next(a for a in store.all(Activity) if a.speaker_id and a.status == "planned")
    old = store.get(Teacher, activity.speaker_id)
    new = next(x for x in store.all(Teacher) if x.id not in (activity.speaker_id, 43, 44))
    with store.transaction() as tx:
        tx.update(activity.copy(speaker_id=new.id, attendance={str(new.id): "leave"}))
    assert cli.main(["audit", "--db", str(demo_db), "--since", "今天"]) == 0
    out = capsys.readouterr().out
    assert f"中心发言人: {old.name} → {new.name}" in out
    assert f"考勤: （空） → {new.name}请假" in out
    assert "speaker_id" not in out


def test_a_term_that_has_not_begun_says_so(demo_store):
    from models.dashboard import build_dashboard
    from models.dashboard_text import top_line_text

    term = next(x for x in demo_store.all(Term) if x.term_id == "2025-2026-1")
    line = top_line_text(build_dashboard(demo_store, term, dt.date(2025, 8, 20)))
    assert "第0周" not in line and "未开学" in line and "12 天后开学" in line


async def test_enter_on_an_unknown_teacher_says_so_and_the_message_goes_when_fixed(make_test_app):
    from screens.observations.form import ObservationForm

    app = make_test_app(login="zhangmin", start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ObservationForm)
        await pilot.press(*"qqqxxx", "enter")
        await pilot.pause()
        error = app.screen.query_one("#err-who")
        assert "找不到授课教师“qqqxxx”" in str(error.render())
        await pilot.pause()
        assert error.display and error.region.height >= 1  # on the screen, not only in the widget
        field = app.screen.query_one("#teacher")
        field.input.value = ""
        field.focus()
        await pilot.press(*"chenying", "enter")
        await pilot.pause()
        assert field.teacher is not None and field.teacher.name == "陈颖"
        assert str(app.screen.query_one("#err-who").render()).strip() == ""
        assert not app.screen.query_one("#err-who").display


async def test_the_conflict_dialog_names_the_teacher_not_the_unix_login(make_test_app, demo_db):
    from screens.dialogs.conflict import ConflictDialog

    store = Store(demo_db, actor="zhangmin")
    teacher = store.all(Teacher)[5]
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        theirs = teacher.copy(updated_by="zhangmin", updated_at="2025-11-05 10:00:00")
        dialog = ConflictDialog(teacher.copy(note="mine"), theirs)
        app.push_screen(dialog)
        await pilot.pause()
        title = str(dialog.query_one("#conflict-title").render())
        assert "张敏" in title and "zhangmin" not in title


async def test_english_form_labels_are_whole_words(make_test_app):
    app = make_test_app(login="zhangmin", start_area="observations", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        for label in app.screen.query(".form-label.short"):
            assert label.size.height == 1, str(label.render())  # one line: no "Peri/od"
            assert label.size.width >= len(str(label.render()).strip())


def test_english_form_snapshot_80x24(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="zhangmin", lang="en", start_area="observations"),
                        terminal_size=(80, 24), press=["n"])


async def test_no_invisible_tab_stops_in_the_group_and_activity_forms(make_test_app):
    from textual.containers import VerticalScroll

    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause(0.5)
        await pilot.press("e")
        await pilot.pause(0.5)
        chain = app.screen.focus_chain
        assert not any(isinstance(w, VerticalScroll) for w in chain)
        ids = [w.id for w in chain]
        assert ids.index("gf-weekday") <= 6  # name, kind, parent, subject, grades, leader, 星期
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.8)
        chain = app.screen.focus_chain
        assert chain[0].id == "activity-date"
        assert not any(isinstance(w, VerticalScroll) for w in chain)


async def test_forms_have_no_invisible_tab_stop(make_test_app):
    """Tab goes from field to field: the scrolling box around a form's fields is not a stop of
    its own (in 提醒设置 the second tab landed on it, and the name typed next went into the
    kind's list as a search)."""
    from textual.containers import VerticalScroll

    from models.observations import LogFilters
    from screens.calendar.term_form import TermForm
    from screens.dashboard.policy import PolicyScreen
    from screens.dashboard.remind_settings import RemindSettingsScreen
    from screens.observations.filters import ObservationFilters
    from screens.observations.form import ObservationForm

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for screen in (RemindSettingsScreen(), TermForm(), PolicyScreen(), ObservationForm(),
                       ObservationFilters(LogFilters())):
            app.push_screen(screen)
            await pilot.pause()
            stops = [w for w in app.screen.focus_chain if isinstance(w, VerticalScroll)]
            assert stops == [], type(screen).__name__
            app.pop_screen()
            await pilot.pause()
