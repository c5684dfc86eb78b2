"""师徒 at 80×24 with real keys: create a pairing by initials, log meetings, end it; the
rules refuse with their messages; each step checked in the stored data."""

from __future__ import annotations

from models.records import MentorMeeting, Pairing, Teacher
from models.store.storage import Store
from screens.mentoring.meetings import MeetingsScreen
from screens.mentoring.screen import MentoringScreen
from screens.mentoring.pairing_form import PairingForm
from screens.mentoring.pairing_page import PairingPage


def stored(demo_db, cls):
    return Store(demo_db).all(cls)


def teacher_named(demo_db, name) -> Teacher:
    return next(t for t in stored(demo_db, Teacher) if t.name == name)


def table_rows(screen, table_id="#pairings") -> list[list[str]]:
    table = screen.query_one(table_id)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)


async def test_create_by_initials_log_two_meetings_and_end(make_test_app, demo_db):
    app = make_test_app()
    before = len(stored(demo_db, Pairing))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.screen, MentoringScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PairingForm)
        await type_text(pilot, "zm")
        await pilot.press("enter")  # 张敏, the top match
        await type_text(pilot, "cy")
        await pilot.press("enter")  # 陈颖; her subject fills in
        await pilot.pause()
        assert app.screen.query_one("#pairing-subject").value == "语文"
        # 张敏 already has two mentees: a warning shows before saving, not a refusal.
        assert "超过学校规定的每位师傅 2 名" in str(app.screen.query_one("#pairing-message").render())
        await pilot.press("tab", "tab")  # from term (this term) → start date
        start = app.screen.query_one("#pairing-started")
        start.value = ""
        await type_text(pilot, "10-13")
        await pilot.press("tab")
        await type_text(pilot, "上好一节研讨课")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MentoringScreen)

        pairings = stored(demo_db, Pairing)
        assert len(pairings) == before + 1
        new = pairings[-1]
        mentor, mentee = teacher_named(demo_db, "张敏"), teacher_named(demo_db, "陈颖")
        assert (new.mentor_id, new.mentee_id, new.subject) == (mentor.id, mentee.id, "语文")
        assert (new.from_term, new.started, new.status) == ("2025-2026-1", "2025-10-13", "active")
        assert new.goals == "上好一节研讨课"
        row = next(r for r in table_rows(app.screen) if r[1:3] == ["张敏", "陈颖"])
        assert row[4] == "0/3"  # weeks 7–9 have ended since it began: 3 expected, nothing held yet
        assert row[0] == "!!"  # weeks 7–9 have ended without a meeting

        # The cursor is on the new pairing; m opens its meetings.
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MeetingsScreen)
        title = app.screen.query_one("#meet-title")
        assert "0/3" in str(title.render())
        app.screen.query_one("#meet-date").value = "10-14"
        await type_text(pilot, "分析第三单元教材")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "1/3" in str(title.render())
        assert app.screen.query_one("#meet-content").text == ""  # cleared for the next one
        await type_text(pilot, "徒弟说课")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "2/3" in str(title.render())
        meetings = [m for m in stored(demo_db, MentorMeeting) if m.pairing_id == new.id]
        assert sorted((m.date, m.content, m.term_id) for m in meetings) == [
            ("2025-10-14", "分析第三单元教材", "2025-2026-1"), ("2025-11-05", "徒弟说课", "2025-2026-1")]
        # Newest first in the list.
        assert [r[0][:10] for r in table_rows(app.screen, "#meetings")] == ["2025-11-05", "2025-10-14"]

        await pilot.press("escape")
        await pilot.pause()
        row = next(r for r in table_rows(app.screen) if r[1:3] == ["张敏", "陈颖"])
        assert row[4] == "2/3" and row[0] == "!"  # one behind: 3 expected, 2 held

        await pilot.press("x")
        await pilot.pause()
        assert app.screen.query_one("#end-term").value == "2025-2026-1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MentoringScreen)
    ended = Store(demo_db).get(Pairing, new.id)
    assert (ended.status, ended.to_term, ended.ended) == ("ended", "2025-2026-1", "2025-11-05")
    assert len([m for m in stored(demo_db, MentorMeeting) if m.pairing_id == new.id]) == 2  # history kept


async def test_rule_violations_show_their_messages_and_store_nothing(make_test_app, demo_db):
    app = make_test_app()
    before = Store(demo_db).all(Pairing)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4", "n")
        await pilot.pause()
        # Oneself as mentee.
        await type_text(pilot, "zm")
        await pilot.press("enter")
        await type_text(pilot, "zhangmin")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PairingForm)
        assert "师傅和徒弟不能是同一个人" in str(app.screen.query_one("#pairing-message").render())
        await pilot.press("escape")
        await pilot.pause()

        # 刘欣怡 already has 张敏 as her 语文 mentor.
        await pilot.press("n")
        await type_text(pilot, "luoying")
        await pilot.press("enter")
        await type_text(pilot, "lxy")
        await pilot.press("enter", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PairingForm)
        message = str(app.screen.query_one("#pairing-message").render())
        assert "刘欣怡" in message and "张敏" in message and "只能有一位师傅" in message

        # No mentor picked at all.
        await pilot.press("escape", "n")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "请选择师傅" in str(app.screen.query_one("#pairing-message").render())
        await pilot.press("escape")

        # A meeting dated in the future is refused and the form keeps what was typed.
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#meet-date").value = "+3"
        await type_text(pilot, "下周的计划")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "还没到" in str(app.screen.query_one("#meet-message").render())
        assert app.screen.query_one("#meet-content").text == "下周的计划"
    after = Store(demo_db)
    assert after.all(Pairing) == before
    assert not [m for m in after.all(MentorMeeting) if m.content == "下周的计划"]


async def test_search_by_initials_filters_and_sort_puts_most_behind_first(make_test_app):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4", "slash")
        await type_text(pilot, "lyin")
        await pilot.pause()
        rows = table_rows(app.screen)
        assert rows and all(r[1] == "罗颖" for r in rows)
        await pilot.press("escape")
        app.screen.query_one("#pairing-search").value = ""
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        rows = table_rows(app.screen)
        assert rows[0][1:3] == ["罗颖", "周海峰"] and rows[0][0] == "!!"


async def test_evaluation_is_stored_per_term(make_test_app, demo_db):
    # The mentor (刘春梅, first in the list) writes the summary; the admin grades it.
    app = make_test_app(login="liuchunmei")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4", "v")
        await pilot.pause()
        assert app.screen.query_one("#eval-grade").disabled  # the grade is the admin's
        await type_text(pilot, "进步很大")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MentoringScreen)
        pairing_id = int(app.screen.selected_pairing_id())
    assert Store(demo_db).get(Pairing, pairing_id).evaluations["2025-2026-1"]["summary"] == "进步很大"
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4", "v")
        await pilot.pause()
        assert app.screen.query_one("#eval-summary").read_only  # nobody rewrites the mentor's summary
        app.screen.query_one("#eval-grade").value = "优秀"
        app.screen.query_one("#eval-comment").text = "继续努力"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MentoringScreen)
    evaluation = Store(demo_db).get(Pairing, pairing_id).evaluations["2025-2026-1"]
    assert evaluation == {"summary": "进步很大", "grade": "优秀", "comment": "继续努力"}


async def test_pairing_page_shows_history_and_hides_comments_from_others(make_test_app, demo_db):
    app = make_test_app(login="liuchunmei")  # 英语教研组长, not a member of the 语文 pairs
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        table = app.screen.query_one("#pairings")
        rows = table_rows(app.screen)
        table.move_cursor(row=next(i for i, r in enumerate(rows) if r[1:3] == ["张敏", "余梦瑶"]))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PairingPage)
        text = str(app.screen.query_one("#pairing-page-body").render())
        assert "2025—2026学年第一学期" in text and "2024—2025学年第二学期" in text
        assert "合格" in text  # last term's evaluation
        assert "评语仅授课人" in text


def test_pairing_list_snapshot(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="mentoring"), terminal_size=(80, 24))


def test_pairing_page_snapshot(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="mentoring"), terminal_size=(80, 24),
                        press=["down", "down", "enter"])


async def test_teacher_page_has_a_mentoring_section_with_progress(make_test_app, demo_db):
    from screens.teacher.page import TeacherPage

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(TeacherPage(teacher_named(demo_db, "罗颖").id))
        await pilot.pause()
        text = str(app.screen.query_one("#teacher-page-body").render())
        assert "师徒结对" in text
        assert "带徒弟 周海峰（数学）" in text and "带徒弟 肖杰（数学）" in text
        assert "!! 落后" in text  # 周海峰's pair is behind


async def test_english_labels(make_test_app):
    app = make_test_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        table = app.screen.query_one("#pairings")
        labels = [str(column.label) for column in table.columns.values()]
        assert "Mentor" in labels and "Mentee" in labels


async def test_names_that_look_like_markup_are_shown_literally(make_test_app, demo_db):
    from models.mentoring import save_pairing

    store = Store(demo_db, actor="tester")
    mentor, mentee = teacher_named(demo_db, "[bold]x[/bold]"), teacher_named(demo_db, "[@click=app.quit]y")
    saved, check = save_pairing(store, Pairing(mentor_id=mentor.id, mentee_id=mentee.id, subject="信息技术",
                                               from_term="2025-2026-1", goals="[red]goals[/red]"))
    assert check.notes  # neither is a 骨干教师: a gentle note
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        rows = table_rows(app.screen)
        assert ["[bold]x[/bold]", "[@click=app.quit]y"] in [r[1:3] for r in rows]
        table = app.screen.query_one("#pairings")
        table.move_cursor(row=table.get_row_index(str(saved.id)))
        await pilot.press("enter")
        await pilot.pause()
        text = str(app.screen.query_one("#pairing-page-body").render())
        assert "[bold]x[/bold] → [@click=app.quit]y" in text and "[red]goals[/red]" in text
        await pilot.click("#pairing-page-body", offset=(20, 0))
        await pilot.pause()
        assert app.is_running
