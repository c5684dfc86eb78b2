"""Each attention line of the 看板 opens the very place that fixes it (80×24, real keys):
the teacher's page, the observation form filled in for the teacher (展示课 for a new
teacher's demo lesson), the pairing's page, the group form on its theme — and the
theme typed there is stored and the line goes away."""

from __future__ import annotations


from textual.widgets import Input, OptionList

from models.records import Group, Teacher, Term
from models.store.storage import Store
from screens.dashboard.screen import DashboardScreen
from screens.observations.form import ObservationForm



async def _attention(pilot, kind: str, nth: int = 0):
    """Show the attention tab and highlight the ``nth`` line of ``kind``; returns its record id."""
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    await pilot.press("a")
    await pilot.pause()
    lines = [(index, record_id) for index, (k, _, record_id) in enumerate(screen._attention) if k == kind]
    assert lines, f"no attention line of kind {kind}"
    index, record_id = lines[nth]
    options = screen.query_one("#dash-attention", OptionList)
    options.highlighted = index
    await pilot.pause()
    return record_id


async def test_behind_pace_opens_that_teachers_page(make_test_app):
    from screens.teacher.page import TeacherPage

    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        teacher_id = await _attention(pilot, "behind")
        text = str(app.screen.query_one("#dash-attention", OptionList).get_option_at_index(0).prompt)
        assert "听课落后" in text and "→ 教师页" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TeacherPage)
        assert app.screen.teacher_id == teacher_id
        assert app.screen.term_id == "2025-2026-1"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)  # back where the user was
        assert app.current_mode == "dashboard"


async def test_not_observed_opens_the_observation_form_for_that_teacher(make_test_app, demo_db):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        teacher_id = await _attention(pilot, "not_observed")
        assert Store(demo_db).get(Teacher, teacher_id).name == "王海峰"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ObservationForm)
        field = app.screen.query_one("#teacher")
        assert field.teacher is not None and field.teacher.id == teacher_id
        assert field.input.value == "王海峰"


async def test_missing_demo_lesson_opens_the_form_with_the_teacher_and_展示课(make_test_app, demo_db):
    store = Store(demo_db, actor="tester")
    term = next(x for x in store.all(Term) if x.term_id == "2025-2026-1")
    with store.transaction() as tx:
        newcomer = tx.insert(Teacher(name="新来的老师", roles=["新教师"], subjects=["语文"], joined=term.start))
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        teacher_id = await _attention(pilot, "demo")
        assert teacher_id == newcomer.id
        options = app.screen.query_one("#dash-attention", OptionList)
        assert "→ 记展示课" in str(options.get_option_at_index(options.highlighted).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ObservationForm)
        assert app.screen.query_one("#teacher").teacher.id == newcomer.id
        assert app.screen.query_one("#lesson_type").value == "展示课"


async def test_pairing_behind_opens_the_pairing_page(make_test_app):
    from screens.mentoring.pairing_page import PairingPage

    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        pairing_id = await _attention(pilot, "pairing", nth=0)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PairingPage)
        assert app.screen.pairing_id == pairing_id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_group_without_theme_opens_its_theme_and_the_line_goes(make_test_app, demo_db):
    from screens.rosters.group_form import GroupForm

    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        group_id = await _attention(pilot, "theme")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GroupForm) and app.screen.group_id == group_id
        theme = app.screen.query_one("#gf-theme", Input)
        assert app.screen.focused is theme
        await pilot.press(*"[bold]美育[/bold]", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        stored = Store(demo_db).get(Group, group_id)
        assert stored.themes["2025-2026-1"] == "[bold]美育[/bold]"
        assert ("theme", group_id) not in [(k, i) for k, _, i in app.screen._attention]


async def test_a_teacher_who_may_not_set_the_theme_is_told_who_may(make_test_app, demo_db):
    app = make_test_app(login="liuxinyi", start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await _attention(pilot, "theme")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)  # no form she could not save
        assert any("组长" in str(n.message) or "管理员" in str(n.message) for n in app._notifications)
