"""我的 at 80×24 with real keys: a teacher lands on it (the admin keeps the dashboard), key 0
and the palette reach it from every area, and enter on each line opens the place where it
is done — and what is saved there changes the line."""

from __future__ import annotations

from textual.widgets import OptionList

import datetime as dt

from models.records import Activity, Document, MentorMeeting, Observation, Pairing, Teacher, Term
from models.store.storage import Store
from screens.home.screen import HomeScreen
from tests.conftest import FIXED_TODAY


async def _highlight(pilot, kind: str, place: str | None = None):
    """Move the cursor with the arrow keys onto the first line of ``kind``; returns the line."""
    screen = pilot.app.screen
    assert isinstance(screen, HomeScreen)
    options = screen.query_one("#home-lines", OptionList)
    for _ in range(len(screen._rows)):
        line = screen.highlighted_line()
        if line is not None and line.kind == kind and (place is None or line.jump.place == place):
            return line
        await pilot.press("down")
    raise AssertionError(f"no line of kind {kind}: {[r and r.kind for r in screen._rows]} at {options.highlighted}")


async def test_a_teacher_lands_on_home_and_the_admin_on_the_dashboard(make_test_app):
    from screens.dashboard.screen import DashboardScreen

    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.current_mode == "home"
        text = "\n".join(str(row.text) for row in app.screen._rows if row)
        assert "下次中心发言" in text and "听课 7/10 节" in text
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_key_0_reaches_home_from_every_area_and_the_footer_shows_it(make_test_app):
    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one("FittedFooter")
        keys = [k.key for k in footer.query("FooterKey")]
        assert "enter" in keys and "0" in keys
        for key, mode in (("1", "calendar"), ("2", "rosters"), ("3", "observations"), ("4", "mentoring"),
                          ("5", "dashboard")):
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode
            await pilot.press("escape")  # e.g. leave the observation form's teacher field
            await pilot.pause()
            if app.focused is not None and app.focused.__class__.__name__ in ("Input", "TextArea"):
                app.set_focus(None)
            await pilot.press("0")
            await pilot.pause()
            assert app.current_mode == "home", key
            assert isinstance(app.screen, HomeScreen)


async def test_the_palette_offers_home(make_test_app):
    app = make_test_app(login="tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"我的")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "home"


async def test_enter_on_the_speaking_turn_opens_that_activity(make_test_app, demo_db):
    from screens.calendar.activity_form import ActivityForm

    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = await _highlight(pilot, "speak")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm)
        assert app.screen.activity_id == line.jump.record_id
        assert Store(demo_db).get(Activity, line.jump.record_id).speaker_id == app.user.id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_minutes_written_in_the_activity_take_the_line_away(make_test_app, demo_db):
    from textual.widgets import TextArea

    from screens.calendar.activity_form import ActivityForm

    store = Store(demo_db, actor="tester")
    with store.transaction() as tx:
        event = tx.insert(Activity(term_id="2025-2026-1", group_id=0, date="2025-11-03", period=7, kind="专家讲座",
                                   event="座谈会", topic="期中座谈", host_id=1, status="held",
                                   attendee_ids=[1], attendance={"1": "present"}))
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("0")
        await pilot.pause()
        line = await _highlight(pilot, "minutes")
        while line.jump.record_id != event.id:
            await pilot.press("down")
            line = app.screen.highlighted_line()
        assert "期中座谈" in line.text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm)
        app.screen.query_one("#activity-minutes", TextArea).focus()
        await pilot.press(*"大家发言")
        await pilot.press("ctrl+s")
        await pilot.pause()
        if isinstance(app.screen, ActivityForm):
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert Store(demo_db).get(Activity, event.id).minutes == "大家发言"
        assert event.id not in [r.jump.record_id for r in app.screen._rows if r and r.kind == "minutes"]


async def test_follow_up_opens_the_form_for_that_teacher_and_ticking_it_clears_the_line(make_test_app, demo_db):
    from screens.observations.form import ObservationForm

    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = await _highlight(pilot, "follow_up", "observe")
        teacher = Store(demo_db).get(Teacher, line.jump.record_id)
        assert teacher.name in line.text
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ObservationForm)
        assert form.query_one("#teacher").teacher.id == teacher.id


async def test_meetings_line_opens_the_pairings_meetings(make_test_app, demo_db):
    from screens.mentoring.meetings import MeetingsScreen

    app = make_test_app(login="luoying")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = await _highlight(pilot, "meeting")
        assert line.state == "overdue"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingsScreen)
        assert app.screen.pairing_id == line.jump.record_id
        pairing = Store(demo_db).get(Pairing, line.jump.record_id)
        assert app.user.id in (pairing.mentor_id, pairing.mentee_id)
        before = sum(1 for m in Store(demo_db).all(MentorMeeting) if m.pairing_id == pairing.id)
        content = app.screen.query_one("#meet-content")
        content.focus()
        await pilot.press(*"分析教材")
        await pilot.press("ctrl+s")
        await pilot.pause()
        after = sum(1 for m in Store(demo_db).all(MentorMeeting) if m.pairing_id == pairing.id)
        assert after == before + 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        again = next(r for r in app.screen._rows if r and r.kind == "meeting" and r.jump == line.jump)
        assert again.text != line.text  # one fewer behind


async def test_home_in_english(make_test_app):
    app = make_test_app(login="zhangmin", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = "\n".join(str(row.text) for row in app.screen._rows if row)
        assert "Next talk" in text and "Observed 7/10" in text


async def test_a_login_with_no_teacher_record_sees_a_sentence(make_test_app):
    from textual.widgets import Static

    app = make_test_app(login="nobody", start_area="home")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.home is None
        assert "找不到你的教师记录" in str(app.screen.query_one("#home-title", Static).render())


def test_home_snapshot_80x24(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="zhangmin"), terminal_size=(80, 24))


async def test_the_area_keys_show_as_one_compact_group_and_leave_room_for_the_screens_keys(make_test_app):
    """Nine area keys with their names took half of an 80-column footer and cut the
    screen's own keys (文档's k and p); they are one group, 012345678 区域."""
    app = make_test_app(start_area="documents")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one("FittedFooter")
        group = footer.query_one("KeyGroup")
        assert [k.key for k in group.query("FooterKey")] == sorted(k for k in "012345678")
        assert all(k.description == "" for k in group.query("FooterKey"))
        assert "区域" in [str(label.render()) for label in footer.query("FooterLabel")]
        keys = [k for k in footer.query("FooterKey") if "-command-palette" not in k.classes]
        palette = footer.query_one("FooterKey.-command-palette")
        # every key of the screen's own fits left of the palette key
        own = [k for k in keys if not k.action.startswith("area(")]
        assert {"k", "n", "slash"} <= {k.key for k in own}
        assert all(k.region.right <= palette.region.x for k in own if k.key in ("k", "n", "slash"))
        await pilot.press("7")
        await pilot.pause()
        assert app.current_mode == "research"


async def test_a_document_waiting_for_review_and_one_returned_show_where_they_are_done(make_test_app, demo_db):
    """The leader sees 待你审阅 for the plan 陈颖 handed in; enter opens its page, v returns it
    with a comment; then 陈颖 sees who returned it and why, and enter opens it again."""
    from models import documents as docs
    from models.session import open_session
    from screens.documents.review import ReviewDialog
    from screens.documents.view import DocumentView

    session = open_session(demo_db, login="chenying", today=FIXED_TODAY)
    store, author = session.store, session.teacher
    term = next(t for t in store.all(Term) if t.status == "open")
    draft = docs.save_document(store, docs.new_document(store, author, kind="个人计划", term_id=term.term_id,
                                                        body="一、指导思想"))
    docs.submit(store, author, draft)

    app = make_test_app("chensiyuan")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = await _highlight(pilot, "review")
        assert line.jump.record_id == draft.id and "待你审阅" in line.text and "陈颖" in line.text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DocumentView) and app.screen.document_id == draft.id
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ReviewDialog)
        await pilot.press(*"请补充读书计划", "ctrl+r")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert not [r for r in app.screen._rows if r and r.kind == "review"]
    assert Store(demo_db).get(Document, draft.id).state == "returned"

    app = make_test_app("chenying")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = await _highlight(pilot, "returned")
        assert "陈思远退回了你的" in line.text and "请补充读书计划" in line.text and line.state == "overdue"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DocumentView) and app.screen.document_id == draft.id


def test_reviews_owed_shows_the_oldest_three_and_one_line_for_the_rest(demo_db):
    from models import documents as docs
    from models.home import build_home
    from models.session import open_session

    session = open_session(demo_db, login="chenying", today=FIXED_TODAY)
    store, author = session.store, session.teacher
    term = next(t for t in store.all(Term) if t.status == "open")
    for n in range(5):
        draft = docs.save_document(store, docs.new_document(store, author, kind="学习心得", term_id=term.term_id,
                                                            title=f"心得{n}", body="正文"))
        docs.submit(store, author, draft)
    reviewer = next(t for t in store.all(Teacher) if t.login == "chensiyuan")
    lines = [line for line in build_home(store, reviewer, dt.date.fromisoformat(FIXED_TODAY)).lines if line.kind == "review"]
    assert [line.jump.place for line in lines] == ["review"] * 3 + ["documents"]
    assert ["心得0" in lines[0].text, "另有 2 份" in lines[3].text] == [True, True]


async def test_study_hours_requirements_and_a_report_owed_show_and_hours_opens_the_hours_tab(make_test_app, demo_db):
    """学时 against the year's target, a requirement of the teacher's role against its pace
    (四篇随笔: none written by week 10 is behind), and the 汇报课 owed after outside training;
    enter on the hours line opens 课题与学时 on its 学时 tab."""
    from textual.widgets import TabbedContent

    from models import research

    store = Store(demo_db, actor="tester")
    zhang = next(x for x in store.all(Teacher) if x.login == "zhangmin")
    policy = store.policy()
    with store.transaction() as tx:
        tx.save_policy(policy.copy(requirements=[{"role": "", "kind": "outcome", "what": "教学随笔", "per_term": 4}]))
        tx.insert(research.new_training(store, teacher_id=zhang.id, title="省语文年会", place="杭州",
                                        start="2025-10-20", end="2025-10-21", hours=12, report_back="汇报课"))
    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        rows = [r for r in app.screen._rows if r]
        essay = next(r for r in rows if r.kind == "requirement")
        assert "教学随笔 0/4" in essay.text and essay.state == "overdue" and essay.jump.place == "outcomes"
        report = next(r for r in rows if r.kind == "report")
        assert "汇报课" in report.text and "省语文年会" in report.text
        line = await _highlight(pilot, "hours")
        assert "学时 本学年 26/72" in line.text  # 14 from activities + 12 of the training
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert getattr(app.screen, "AREA", "") == "research"
        assert app.screen.query_one("#research-tabs", TabbedContent).active == "hours"
