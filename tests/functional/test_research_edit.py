"""课题 changed and removed in the app at 80×24: the office edits a project's facts from its
page (``E``), a bad planned end is refused with nothing stored, and ``d`` deletes behind the
shared confirm dialog; the host keeps to the stages."""

from __future__ import annotations

from textual.widgets import Input, Static

from models.records import Project, Teacher
from models.store.storage import Store
from screens.dialogs.confirm import ConfirmScreen
from tests.functional.test_research import KEY, _add_project, _in_research, _on_project_page, _wait


def _stored(demo_db, project_id):
    return Store(demo_db, actor="check").get(Project, project_id)


async def _open_form(app, pilot, key: str) -> None:
    await pilot.press(key)
    await _wait(pilot, lambda: type(app.screen).__name__ == "ProjectForm")


async def test_the_office_edits_a_projects_title_and_members(demo_db, make_test_app):
    project_id = _add_project(demo_db)
    app = make_test_app("tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(KEY)
        await _in_research(app, pilot)
        await pilot.press("enter")
        await _on_project_page(app, pilot)
        await _open_form(app, pilot, "E")
        form = app.screen
        assert form.query_one("#p-title", Input).value == "作业设计研究"  # filled in
        form.query_one("#p-title", Input).value = "作业设计与评价研究"
        form.query_one("#p-members", Input).value = "张敏、刘欣怡"
        form.query_one("#p-end", Input).value = "2027-12-31"
        await pilot.press("ctrl+s")
        await _on_project_page(app, pilot)
        stored = _stored(demo_db, project_id)
        names = {x.id: x.name for x in Store(demo_db, actor="check").all(Teacher)}
        assert stored.title == "作业设计与评价研究"
        assert [names[m] for m in stored.member_ids] == ["张敏", "刘欣怡"]
        assert stored.planned_end == "2027-12-31" and stored.stages[3]["date"] == "2027-12-31"
        assert stored.stages[0]["date"] == "2025-03-01" and stored.stages[0]["status"] == "done"
        assert "作业设计与评价研究" in str(app.screen.query_one("#project-facts", Static).render())


async def test_an_end_before_the_start_is_refused_and_nothing_stored(demo_db, make_test_app):
    project_id = _add_project(demo_db)
    before = _stored(demo_db, project_id)
    app = make_test_app("tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(KEY)
        await _in_research(app, pilot)
        await _open_form(app, pilot, "e")  # from the list too
        form = app.screen
        form.query_one("#p-title", Input).value = "改了名字"
        form.query_one("#p-end", Input).value = "2024-01-01"
        await pilot.press("ctrl+s")
        error = form.query_one("#form-error", Static)
        await _wait(pilot, lambda: "结束日期早于开始日期" in str(error.render()))
        assert app.screen is form
        form.query_one("#p-end", Input).value = "2027-06-30"
        form.query_one("#p-members", Input).value = "没这个人"
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: "没这个人" in str(error.render()))
        assert _stored(demo_db, project_id) == before


async def test_the_office_deletes_a_project_after_confirming(demo_db, make_test_app):
    project_id = _add_project(demo_db)
    app = make_test_app("tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(KEY)
        await _in_research(app, pilot)
        await pilot.press("enter")
        await _on_project_page(app, pilot)
        await pilot.press("d")
        await _wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        footer = {key: active.binding.description for key, active in app.screen.active_bindings.items()}
        assert (footer.get("y"), footer.get("n")) == ("删除", "保留")
        await pilot.press("n")  # kept
        await _on_project_page(app, pilot)
        assert _stored(demo_db, project_id) is not None
        await pilot.press("d")
        await _wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await _wait(pilot, lambda: _stored(demo_db, project_id) is None)
        await _in_research(app, pilot)
        await _wait(pilot, lambda: app.screen.query_one("#research-projects").row_count == 0)


async def test_the_host_keeps_the_record_but_not_the_hosting_or_deleting(demo_db, make_test_app):
    project_id = _add_project(demo_db)
    host = _stored(demo_db, project_id).host_id
    app = make_test_app("chensiyuan")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(KEY)
        await _in_research(app, pilot)
        assert app.screen.check_action("edit", ()) is True and app.screen.check_action("delete", ()) is False
        await pilot.press("enter")
        await _on_project_page(app, pilot)
        assert app.screen.check_action("edit", ()) is True and app.screen.check_action("delete", ()) is False
        assert app.screen.check_action("toggle_done", ()) is True
        await _open_form(app, pilot, "E")
        form = app.screen
        assert form.query_one("#p-host", Input).disabled  # shown, not the host's to change
        form.query_one("#p-host", Input).value = "张敏"  # even if it were typed: the host stays
        form.query_one("#p-title", Input).value = "作业设计与评价研究"
        form.query_one("#p-members", Input).value = "张敏"
        form.query_one("#p-number", Input).value = "区2025-018"
        await pilot.press("ctrl+s")
        await _on_project_page(app, pilot)
        stored = _stored(demo_db, project_id)
        names = {x.id: x.name for x in Store(demo_db, actor="check").all(Teacher)}
        assert (stored.title, stored.number, stored.host_id) == ("作业设计与评价研究", "区2025-018", host)
        assert [names[m] for m in stored.member_ids] == ["张敏"]


async def test_a_member_reads_the_project_and_changes_nothing(demo_db, make_test_app):
    project_id = _add_project(demo_db)
    store = Store(demo_db, actor="tester")
    zhang = next(x for x in store.all(Teacher) if x.login == "zhangmin")
    from models import research

    research.save_project(store, research.edit_project(store.get(Project, project_id), member_ids=[zhang.id]))
    app = make_test_app("zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(KEY)
        await _in_research(app, pilot)
        assert app.screen.check_action("edit", ()) is False and app.screen.check_action("delete", ()) is False
        await pilot.press("enter")
        await _on_project_page(app, pilot)
        assert app.screen.check_action("edit", ()) is False and app.screen.check_action("toggle_done", ()) is False
