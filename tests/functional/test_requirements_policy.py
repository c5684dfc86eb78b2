"""学时 targets and requirements by role in the policy screen (issue 18), at 80×24."""

from __future__ import annotations

from models.store.storage import Store
from screens.dashboard.policy import PolicyScreen


async def test_requirements_and_hours_are_edited_in_the_policy_screen(make_test_app, demo_db):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(PolicyScreen())
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#policy-requirements").text == ""
        screen.query_one("#policy-remote_hours_per_term").value = "6"
        screen.query_one("#policy-requirements").text = "全体 成果 教学随笔 4\n骨干教师 课 示范课 x"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "要求第 2 行“骨干教师 课 示范课 x”读不懂" in str(screen.query_one("#policy-error").render())
        assert Store(demo_db).policy().requirements == []  # nothing saved half-way
        screen.query_one("#policy-requirements").text = "全体 成果 教学随笔 4\n骨干教师 课 示范课 1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(screen.query_one("#policy-error").render()) == ""
    policy = Store(demo_db).policy()
    assert policy.requirements == [{"role": "", "kind": "outcome", "what": "教学随笔", "per_term": 4},
                                   {"role": "骨干教师", "kind": "lesson", "what": "示范课", "per_term": 1}]
    assert (policy.remote_hours_per_term, policy.study_hours_per_year, policy.study_hour_minutes) == (6, 72, 40)
