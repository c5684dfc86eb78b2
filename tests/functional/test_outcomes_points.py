"""积分 by level and deductions in the app (issue 18), at 80×24: the policy screen edits the
table by level and the deduction; the teacher's page shows how each point was earned."""

from __future__ import annotations

from models.records import Activity, Outcome, Teacher, Term
from models.store.storage import Store
from screens.dashboard.policy import PolicyScreen
from screens.teacher.page import TeacherPage


def _term(store) -> Term:
    return next(x for x in store.all(Term) if x.status == "open" and x.start <= "2025-11-05" <= x.end)


async def test_policy_levels_and_deduction_then_the_teacher_page_breakdown(make_test_app, demo_db):
    store = Store(demo_db, actor="tester")
    term = _term(store)
    zhang = next(x for x in store.all(Teacher) if x.name == "张敏")
    held = next(a for a in store.all(Activity) if a.term_id == term.term_id and a.status == "held"
                and str(zhang.id) in a.attendance)
    with store.transaction() as tx:
        tx.update(held.copy(attendance={**held.attendance, str(zhang.id): "absent"}))
        tx.insert(Outcome(teacher_id=zhang.id, term_id=term.term_id, kind="获奖", title="区优质课", award="一等奖",
                          level="区/县级", date="2025-10-20"))
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(PolicyScreen())
        await pilot.pause()
        screen = app.screen
        screen.query_one("#policy-award-1").value = "4"  # 区/县级 award
        screen.query_one("#policy-absence-deduction").value = "0.5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(screen.query_one("#policy-error").render()) == ""
        policy = Store(demo_db).policy()
        assert policy.award_points["区/县级"] == 4 and policy.absence_deduction == 0.5
        screen.query_one("#policy-absence-deduction").value = "很多"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "缺席扣分" in str(screen.query_one("#policy-error").render())
        assert Store(demo_db).policy().absence_deduction == 0.5  # nothing saved half-way
        await pilot.press("escape")
        await pilot.pause()
        app.push_screen(TeacherPage(zhang.id))
        await pilot.pause()
        body = str(app.screen.query_one("#teacher-page-body").render())
        assert "积分明细" in body
        assert "获奖《区优质课》" in body and "区/县级一等奖 4" in body and "+5" in body
        assert "未请假缺席" in body and "-0.5" in body


async def test_t_in_the_outcomes_area_opens_the_teacher_page_with_the_breakdown(make_test_app, demo_db):
    from models.areas import AREAS
    from screens.outcomes.screen import OutcomesAreaScreen

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(next(a.key for a in AREAS if a.name == "outcomes"))
        await pilot.pause()
        assert isinstance(app.screen, OutcomesAreaScreen)
        outcome = app.screen.highlighted()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TeacherPage) and app.screen.teacher_id == outcome.teacher_id
        assert "积分明细" in str(app.screen.query_one("#teacher-page-body").render())
