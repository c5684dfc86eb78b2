"""师徒 in round 2, at 80×24 with real keys: each user sees only the keys they may use
(admin tester, mentor zhangmin, unrelated chensiyuan), a save that meets someone else's
change asks (meeting edit, evaluation, pairing form), a closed term stays readable, the
pairing page and the meetings open from anywhere by id, and the list and footers fit."""

from __future__ import annotations

import pytest

from models.store.archive import close_term
from models.permissions import check_change
from models.records import MentorMeeting, Pairing, Teacher
from models.store.storage import Store
from screens.mentoring.meetings import MeetingsScreen
from screens.mentoring.screen import MentoringScreen
from screens.mentoring.pairing_evaluation import EvaluationForm
from screens.mentoring.pairing_form import PairingForm
from screens.mentoring.pairing_page import PairingPage
from screens.dialogs.conflict import ConflictDialog

PREVIOUS = "2024-2025-2"


def named(store, name) -> Teacher:
    return next(t for t in store.all(Teacher) if t.name == name)


def pair_of(demo_db, mentee) -> Pairing:
    store = Store(demo_db)
    return next(p for p in store.all(Pairing) if p.mentee_id == named(store, mentee).id)


def shown_keys(app) -> set[str]:
    """The keys the footer shows (check_action said yes and the binding is shown)."""
    return {key for key, active in app.screen.active_bindings.items() if active.binding.show}


def page_text(app) -> str:
    return str(app.screen.query_one("#pairing-page-body").render())


async def open_list_at(pilot, app, pairing_id: int) -> None:
    await pilot.press("4")
    await pilot.pause()
    table = app.screen.query_one("#pairings")
    table.move_cursor(row=table.get_row_index(str(pairing_id)))
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)


def footer_is_whole(app) -> bool:
    """A footer wider than the screen is cut; where the edge of a key hidden beyond the
    right end fell inside a Chinese character of the “^p 命令” key drawn over it, the
    terminal showed “^p   令”. The bottom line, as the compositor sends it to the
    terminal (the SVG export differs from the terminal here), must read whole."""
    return "^p 命令" in app.screen._compositor.render_strips()[-1].text


def dialog_fields(app) -> list[str]:
    from models.conflicts import differing_fields

    return differing_fields(app.screen.mine, app.screen.theirs)


def dialog_values(app, field: str) -> tuple[str, str]:
    """Both sides of one row of the conflict dialog, as it shows them."""
    dialog = app.screen
    return (dialog.show(field, dialog.mine.to_dict()[field]), dialog.show(field, dialog.theirs.to_dict()[field]))


# -- keys by permission ---------------------------------------------------------------------

async def test_the_admin_has_every_key(make_test_app, demo_db):
    pairing = pair_of(demo_db, "曹伟")
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list_at(pilot, app, pairing.id)
        assert {"slash", "n", "e", "m", "x", "v", "s"} <= shown_keys(app)
        assert footer_is_whole(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PairingPage)
        assert {"escape", "m", "e", "v", "x"} <= shown_keys(app)
        assert footer_is_whole(app)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, EvaluationForm)
        assert app.screen.query_one("#eval-summary").read_only  # the mentor's, not the admin's
        assert not app.screen.query_one("#eval-grade").disabled


async def test_a_mentor_edits_goals_writes_the_summary_and_logs_meetings_of_her_own_pairs(make_test_app, demo_db):
    own, other = pair_of(demo_db, "刘欣怡"), pair_of(demo_db, "曹伟")
    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list_at(pilot, app, other.id)
        keys = shown_keys(app)
        assert "m" in keys and not keys & {"n", "e", "x", "v"}
        await pilot.press("n", "e", "x", "v")  # hidden keys do nothing
        await pilot.pause()
        assert isinstance(app.screen, MentoringScreen)
        assert footer_is_whole(app)

        table = app.screen.query_one("#pairings")
        table.move_cursor(row=table.get_row_index(str(own.id)))
        await pilot.pause()
        keys = shown_keys(app)
        assert {"e", "v", "m"} <= keys and not keys & {"n", "x"}  # creating and ending are the office's
        assert footer_is_whole(app)

        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PairingForm)
        assert app.screen.query_one("#pairing-mentor").disabled and app.screen.query_one("#pairing-subject").disabled
        assert "带教目标" in str(app.screen.query_one("#pairing-message").render())
        app.screen.query_one("#pairing-goals").text = ""
        await type_text(pilot, "每月上一节汇报课")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MentoringScreen)

        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, EvaluationForm)
        assert app.screen.query_one("#eval-grade").disabled  # the grade is the office's
        await type_text(pilot, "徒弟能独立备课")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MentoringScreen)

        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MeetingsScreen)
        assert {"ctrl+s", "f4"} <= shown_keys(app)
        await pilot.press("f3")
        await pilot.pause()
        assert footer_is_whole(app)
        await pilot.press("f4")
        app.screen.query_one("#meet-date").value = "11-03"
        await type_text(pilot, "讨论期中复习")
        await pilot.press("ctrl+s")
        await pilot.pause()
    store = Store(demo_db)
    saved = store.get(Pairing, own.id)
    assert saved.goals == "每月上一节汇报课"
    assert (saved.subject, saved.mentor_id, saved.from_term) == (own.subject, own.mentor_id, own.from_term)
    assert saved.evaluations["2025-2026-1"]["summary"] == "徒弟能独立备课"
    logged = [m for m in store.all(MentorMeeting) if m.content == "讨论期中复习"]
    assert [(m.pairing_id, m.date, m.created_by) for m in logged] == [(own.id, "2025-11-03", "zhangmin")]


async def test_an_unrelated_teacher_only_reads(make_test_app, demo_db):
    pairing = pair_of(demo_db, "刘欣怡")
    before = Store(demo_db)
    meetings_before = len(before.all(MentorMeeting))
    app = make_test_app(login="chensiyuan")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list_at(pilot, app, pairing.id)
        keys = shown_keys(app)
        assert "m" in keys and not keys & {"n", "e", "x", "v"}
        assert footer_is_whole(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PairingPage)
        keys = shown_keys(app)
        assert {"escape", "m"} <= keys and not keys & {"e", "x", "v"}
        assert footer_is_whole(app)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MeetingsScreen)
        assert not {"ctrl+s", "f4", "f3"} & shown_keys(app)
        assert footer_is_whole(app)
        assert app.screen.query_one("#meet-content").disabled
        assert "只读" in str(app.screen.query_one("#meet-message").render())
        assert app.screen.query_one("#meetings").row_count == 10  # the list is there to read
        await pilot.press("ctrl+s", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingsScreen)
    assert len(Store(demo_db).all(MentorMeeting)) == meetings_before
    assert Store(demo_db).get(Pairing, pairing.id) == before.get(Pairing, pairing.id)


# -- conflicts ----------------------------------------------------------------------------

async def _load_latest_meeting(pilot, app) -> MentorMeeting:
    await pilot.press("f3", "enter")  # the list, then open its first (newest) row
    await pilot.pause()
    assert app.screen.editing is not None
    return app.screen.editing


async def test_meeting_edit_conflict_keep_mine(make_test_app, demo_db):
    pairing = pair_of(demo_db, "刘欣怡")
    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(MeetingsScreen(pairing.id))
        await pilot.pause()
        meeting = await _load_latest_meeting(pilot, app)
        other = Store(demo_db, actor="liuxinyi", guard=check_change)  # the mentee, in her own session
        with other.transaction() as tx:
            tx.update(other.get(MentorMeeting, meeting.id).copy(content="徒弟补记：说课稿第二稿"))
        app.screen.query_one("#meet-content").text = "师傅的记录：分析第四单元"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        assert "content" in dialog_fields(app)
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, MeetingsScreen)
        assert app.screen.editing is None  # saved, the form is fresh
    stored = Store(demo_db).get(MentorMeeting, meeting.id)
    assert stored.content == "师傅的记录：分析第四单元" and stored.updated_by == "zhangmin"


async def test_meeting_edit_conflict_take_theirs(make_test_app, demo_db):
    pairing = pair_of(demo_db, "刘欣怡")
    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(MeetingsScreen(pairing.id))
        await pilot.pause()
        meeting = await _load_latest_meeting(pilot, app)
        other = Store(demo_db, actor="tester", guard=check_change)
        with other.transaction() as tx:
            tx.update(other.get(MentorMeeting, meeting.id).copy(content="教导处更正", duration_minutes=50))
        app.screen.query_one("#meet-content").text = "我的版本"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, MeetingsScreen)
        assert app.screen.query_one("#meet-content").text == "教导处更正"
        assert app.screen.query_one("#meet-minutes").value == "50"
    stored = Store(demo_db).get(MentorMeeting, meeting.id)
    assert (stored.content, stored.updated_by) == ("教导处更正", "tester")


async def test_evaluation_conflict_keeps_my_summary_and_their_grade(make_test_app, demo_db):
    pairing = pair_of(demo_db, "刘欣怡")
    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(EvaluationForm(pairing.id))
        await pilot.pause()
        # Meanwhile the office grades the same term in its own session.
        from models.mentoring import set_evaluation

        office = Store(demo_db, actor="tester", guard=check_change)
        set_evaluation(office, office.get(Pairing, pairing.id), "2025-2026-1", named(office, "郑娟"),
                       grade="优秀", comment="进步快")
        await type_text(pilot, "本学期完成三次说课")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        # Only the evaluation differs: mine is theirs with what I typed.
        assert dialog_fields(app) == ["evaluations"]
        mine, theirs = dialog_values(app, "evaluations")
        assert "本学期完成三次说课" in mine and "优秀" in mine and "优秀" in theirs and "本学期" not in theirs
        await pilot.press("k")
        await pilot.pause()
        assert not isinstance(app.screen, (ConflictDialog, EvaluationForm))
    evaluation = Store(demo_db).get(Pairing, pairing.id).evaluations["2025-2026-1"]
    assert evaluation == {"summary": "本学期完成三次说课", "grade": "优秀", "comment": "进步快"}


async def test_evaluation_conflict_take_theirs_shows_their_grade(make_test_app, demo_db):
    pairing = pair_of(demo_db, "刘欣怡")
    app = make_test_app()  # the office grades …
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(EvaluationForm(pairing.id))
        await pilot.pause()
        mentor = Store(demo_db, actor="zhangmin", guard=check_change)  # … while the mentor summarises
        from models.mentoring import set_evaluation

        set_evaluation(mentor, mentor.get(Pairing, pairing.id), "2025-2026-1", named(mentor, "张敏"),
                       summary="师傅的总结")
        app.screen.query_one("#eval-grade").value = "合格"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, EvaluationForm)
        assert app.screen.query_one("#eval-summary").text == "师傅的总结"
        app.screen.query_one("#eval-grade").value = "优秀"
        await pilot.press("ctrl+s")  # now on their version: no conflict
        await pilot.pause()
        assert not isinstance(app.screen, (ConflictDialog, EvaluationForm))
    evaluation = Store(demo_db).get(Pairing, pairing.id).evaluations["2025-2026-1"]
    assert (evaluation["summary"], evaluation["grade"]) == ("师傅的总结", "优秀")


async def test_pairing_form_conflict_keep_mine(make_test_app, demo_db):
    pairing = pair_of(demo_db, "曹伟")
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list_at(pilot, app, pairing.id)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PairingForm)
        other = Store(demo_db, actor="liuchunmei", guard=check_change)  # the mentor changes the goals
        with other.transaction() as tx:
            tx.update(other.get(Pairing, pairing.id).copy(goals="师傅改的目标"))
        app.screen.query_one("#pairing-goals").text = "教导处的目标"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        assert dialog_fields(app) == ["goals"]
        assert dialog_values(app, "goals") == ("教导处的目标", "师傅改的目标")
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, MentoringScreen)
    assert Store(demo_db).get(Pairing, pairing.id).goals == "教导处的目标"


# -- archived terms -------------------------------------------------------------------------

async def test_a_closed_terms_meetings_observations_and_evaluation_stay_on_the_page(make_test_app, demo_db):
    store = Store(demo_db, actor="tester", guard=check_change)
    close_term(store, PREVIOUS, today=store.get(Pairing, 1) and __import__("datetime").date(2025, 11, 5))
    assert not [m for m in store.all(MentorMeeting) if m.term_id == PREVIOUS]
    pairing = pair_of(demo_db, "余梦瑶")
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(PairingPage(pairing.id))
        await pilot.pause()
        text = page_text(app)
        previous = text[text.index("2024—2025学年第二学期"):]
        assert "已归档" in previous
        assert "带教 19/19 次" in previous and "带教记录（19）" in previous
        assert "互相听课（2）" in previous and "合格" in previous
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MeetingsScreen)
        table = app.screen.query_one("#meetings")
        assert table.row_count == 10 + 19
        table.focus()
        table.move_cursor(row=table.row_count - 1)  # the oldest: last term's, archived
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.editing is None
        assert "已归档" in str(app.screen.query_one("#meet-message").render())


# -- from anywhere, by id ----------------------------------------------------------------------

async def test_the_page_and_the_meetings_open_from_the_dashboard_by_id(make_test_app, demo_db):
    pairing = pair_of(demo_db, "周海峰")
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        dashboard = app.screen
        app.push_screen(PairingPage(pairing.id))
        await pilot.pause()
        assert "罗颖 → 周海峰（数学）" in page_text(app) and "!! 落后 5 次" in page_text(app)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MeetingsScreen)
        assert "4/9" in str(app.screen.query_one("#meet-title").render())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dashboard
        app.push_screen(MeetingsScreen(pairing.id))
        await pilot.pause()
        assert "罗颖 → 周海峰" in str(app.screen.query_one("#meet-title").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dashboard

        app.push_screen(PairingPage(999))  # gone meanwhile: says so, offers nothing to change
        await pilot.pause()
        assert "已不存在" in page_text(app)
        assert not shown_keys(app) & {"m", "e", "v", "x"}
        await pilot.press("escape")
        await pilot.pause()
        app.push_screen(MeetingsScreen(999))
        await pilot.pause()
        assert "已不存在" in str(app.screen.query_one("#meet-title").render())
        assert "ctrl+s" not in shown_keys(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dashboard


# -- 80 columns ------------------------------------------------------------------------------

async def test_the_list_fits_80_columns_even_with_an_ended_pairing(make_test_app, demo_db):
    from models.mentoring import end_pairing
    import datetime as dt

    store = Store(demo_db, actor="tester", guard=check_change)
    end_pairing(store, pair_of(demo_db, "曹伟"), "2025-2026-1", dt.date(2025, 11, 5))
    for lang in (None, "en"):
        app = make_test_app(lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("4")
            await pilot.pause()
            table = app.screen.query_one("#pairings")
            assert table.virtual_size.width <= table.size.width, lang
            if lang is None:
                await footer_settled(pilot, app)
            assert footer_is_whole(app) or lang == "en"
            if lang is None:
                row = next(table.get_row_at(i) for i in range(table.row_count)
                           if str(table.get_row_at(i)[2]) == "曹伟")
                assert [str(c) for c in row[-2:]] == ["24-25下", "至25-26上"]


def test_pairing_list_snapshot_as_mentor(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="zhangmin", start_area="mentoring"), terminal_size=(80, 24),
                        press=["down", "down", "down"])


async def footer_settled(pilot, app, seconds: float = 5.0) -> None:
    """Wait (at most ``seconds``) until the footer reads whole: on a loaded machine its
    recompose comes several turns of the loop after the area opens. A footer that really
    overflows never reads whole, and the assertion after this still fails."""
    for _ in range(int(seconds / 0.05)):
        if footer_is_whole(app):
            return
        await pilot.pause(0.05)


async def settled(pilot) -> None:
    """The footer recomposes a moment after the keys change; on a busy machine that takes
    a few more turns of the loop. Wait until it has."""
    for _ in range(3):
        await pilot.pause(0.05)


@pytest.mark.parametrize("login", ["tester", "zhangmin", "liuxinyi", "chensiyuan"])
async def test_footers_read_whole_for_every_user_row_and_screen(make_test_app, login):
    app = make_test_app(login=login)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        table = app.screen.query_one("#pairings")
        ids = [int(key.value) for key in table.rows]
        for row, pairing_id in enumerate(ids):
            table.move_cursor(row=row)
            await settled(pilot)
            assert footer_is_whole(app), (login, "list", pairing_id)
        for pairing_id in ids:
            app.push_screen(PairingPage(pairing_id))
            await settled(pilot)
            assert footer_is_whole(app), (login, "page", pairing_id)
            await pilot.press("m")
            await settled(pilot)
            assert footer_is_whole(app), (login, "meetings", pairing_id)
            app.screen.query_one("#meetings").focus()
            await settled(pilot)
            assert footer_is_whole(app), (login, "meetings list", pairing_id)
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, MentoringScreen)
