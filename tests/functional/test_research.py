"""课题与学时 driven at 80×24 (issue 18): a project's stage moved to done and stored,
a stage's document written in the editor, outside training recorded from the 学时 tab."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, TextArea

from models import research
from models.areas import AREAS
from models.records import Project, Teacher, Training
from models.store.storage import Store

KEY = next(area.key for area in AREAS if area.name == "research")


def _add_project(demo_db) -> int:
    store = Store(demo_db, actor="tester")
    host = next(x for x in store.all(Teacher) if x.login == "chensiyuan")
    project = research.new_project(number="区2025-017", title="作业设计研究", level="区级", host_id=host.id,
                                   member_ids=[], start="2025-03-01", planned_end="2027-06-30")
    project = research.mark_stage(project, "立项", True, dt.date(2025, 3, 1))
    return research.save_project(store, project).id


async def _in_research(app, pilot) -> None:
    """The area is up and has read the store (its top line is written with the lists)."""
    from textual.widgets import Static

    await _wait(pilot, lambda: getattr(app.screen, "AREA", "") == "research"
                and bool(str(app.screen.query_one("#research-top", Static).render())))


async def _on_project_page(app, pilot) -> None:
    """The project's page is up and its four stages are listed."""
    await _wait(pilot, lambda: type(app.screen).__name__ == "ProjectPage"
                and app.screen.query_one("#project-stages", DataTable).row_count == 4)


async def _wait(pilot, condition, tries: int = 50) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


async def test_a_stage_moved_to_done_is_stored(demo_db, make_test_app):
    project_id = _add_project(demo_db)
    app = make_test_app("chensiyuan")  # the host, not the office
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(KEY)
        await _in_research(app, pilot)
        table = app.screen.query_one("#research-projects", DataTable)
        await _wait(pilot, lambda: table.row_count == 1)
        assert "开题" in str(table.get_row_at(0)[5])  # the next stage, overdue since April
        await pilot.press("enter")
        await _on_project_page(app, pilot)
        stages = app.screen.query_one("#project-stages", DataTable)
        await pilot.press("down")  # 开题
        await pilot.press("x")  # asks the day it was done: today unless typed
        await _wait(pilot, lambda: type(app.screen).__name__ == "LineDialog")
        assert app.screen.query_one("#line-input").value == "2025-11-05"
        app.screen.query_one("#line-input").value = "12-01"  # not yet come: refused, nothing stored
        await pilot.press("enter")
        await _on_project_page(app, pilot)
        await pilot.pause()
        assert Store(demo_db, actor="check").get(Project, project_id).stages[1]["status"] == "planned"
        await pilot.press("x")
        await _wait(pilot, lambda: type(app.screen).__name__ == "LineDialog")
        app.screen.query_one("#line-input").value = "2025-05-08"  # held in May, recorded now
        await pilot.press("enter")
        await _wait(pilot, lambda: Store(demo_db, actor="check").get(Project, project_id).stages[1]["status"] == "done")
        stored = Store(demo_db, actor="check").get(Project, project_id)
        assert stored.stages[1] == {"name": "开题", "date": "2025-04-30", "status": "done", "done_on": "2025-05-08",
                                    "documents": []}
        assert "已完成" in str(stages.get_row_at(1)[2])
        # w writes the stage's document in the editor; ctrl+s stores its text.
        await pilot.press("w")
        await _wait(pilot, lambda: type(app.screen).__name__ == "StageDocumentEditor")
        app.screen.query_one("#doc-body", TextArea).insert("一、研究背景\n作业要少而精。")
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: Store(demo_db, actor="check").get(Project, project_id).stages[1]["documents"])
        document = Store(demo_db, actor="check").get(Project, project_id).stages[1]["documents"][0]
        assert document == {"title": "开题报告", "text": "一、研究背景\n作业要少而精。", "source": ""}
        await pilot.press("escape")
        await _on_project_page(app, pilot)
        # e moves the highlighted stage's planned date.
        await pilot.press("e")
        await _wait(pilot, lambda: type(app.screen).__name__ == "LineDialog")
        app.screen.query_one("#line-input").value = "2025-05-20"
        await pilot.press("enter")
        await _wait(pilot, lambda: Store(demo_db, actor="check").get(Project, project_id).stages[1]["date"]
                    == "2025-05-20")


async def test_a_teacher_who_is_not_the_host_reads_but_cannot_mark(demo_db, make_test_app):
    _add_project(demo_db)
    app = make_test_app("zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(KEY)
        await _in_research(app, pilot)
        await pilot.press("enter")
        await _on_project_page(app, pilot)
        assert app.screen.check_action("toggle_done", ()) is False
        await pilot.press("down", "x")
        await pilot.pause()
        assert all(s["status"] == "planned" for s in Store(demo_db, actor="check").all(Project)[0].stages[1:])


async def test_outside_training_is_recorded_from_the_hours_tab(demo_db, make_test_app):
    app = make_test_app("zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(KEY)
        await _in_research(app, pilot)
        await pilot.press("h")
        await pilot.press("t")
        await _wait(pilot, lambda: type(app.screen).__name__ == "TrainingForm")
        await pilot.press(*"骨干培训", "tab", *"杭州", "tab", "ctrl+u", *"10-20", "tab", "tab", *"12", "ctrl+s")
        await _wait(pilot, lambda: bool(Store(demo_db, actor="check").all(Training)))
        saved = Store(demo_db, actor="check").all(Training)[0]
        assert (saved.title, saved.place, saved.start, saved.hours, saved.report_back) == (
            "骨干培训", "杭州", "2025-10-20", 12.0, "汇报课")
        table = app.screen.query_one("#research-hours", DataTable)
        await _wait(pilot, lambda: "汇报课" in str(table.get_row(str(saved.teacher_id))[4]))
        table.move_cursor(row=table.get_row_index(str(saved.teacher_id)))
        await pilot.press("r")
        await _wait(pilot, lambda: Store(demo_db, actor="check").all(Training)[0].reported_on == "2025-11-05")


async def test_the_project_record_prints_to_word(demo_db, make_test_app, tmp_path):
    import docx

    _add_project(demo_db)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(KEY)
        await _in_research(app, pilot)
        await pilot.press("enter")
        await _on_project_page(app, pilot)
        await pilot.press("p")
        await _wait(pilot, lambda: type(app.screen).__name__ == "SavePathDialog")
        target = tmp_path / "课题档案.docx"
        app.screen.query_one("#save-path").value = str(target)
        await pilot.press("enter")
        await _wait(pilot, lambda: target.exists(), tries=100)
    text = "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert "课题档案：作业设计研究" in text


async def test_an_overdue_stage_is_on_the_dashboard_and_enter_opens_the_project(demo_db, make_test_app):
    from textual.widgets import OptionList

    project_id = _add_project(demo_db)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(next(area.key for area in AREAS if area.name == "dashboard"))
        await _wait(pilot, lambda: getattr(app.screen, "AREA", "") == "dashboard")
        await pilot.press("a")
        options = app.screen.query_one("#dash-attention", OptionList)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        index = next(i for i, line in enumerate(lines) if "作业设计研究" in line)
        assert "开题阶段逾期" in lines[index]
        options.highlighted = index
        await pilot.press("enter")
        await _on_project_page(app, pilot)
        assert app.screen.project_id == project_id


async def test_the_area_speaks_english_with_lang_en(demo_db, make_test_app):
    from textual.widgets import Static

    _add_project(demo_db)
    app = make_test_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(KEY)
        await _in_research(app, pilot)
        await _wait(pilot, lambda: "projects" in str(app.screen.query_one("#research-top", Static).render()))
        top = str(app.screen.query_one("#research-top", Static).render())
        assert "1 projects" in top and "72 a year" in top
        table = app.screen.query_one("#research-projects", DataTable)
        assert [str(c.label) for c in table.columns.values()][:3] == ["Number", "Title", "Level"]
        descriptions = {b.binding.description for b in app.screen.active_bindings.values()}
        assert {"New project", "Hours", "Print"} <= descriptions
        await pilot.press("enter")
        await _on_project_page(app, pilot)
        stages = app.screen.query_one("#project-stages", DataTable)
        assert str(stages.get_row_at(0)[2]) == "done" and "overdue" in str(stages.get_row_at(1)[2])


def test_research_area_snapshot_80x24(snap_compare, demo_db):
    """The 课题 tab with one project whose 开题 is overdue, and the host's keys, at 80×24."""
    from tui.app import make_app

    _add_project(demo_db)
    assert snap_compare(make_app(demo_db, login="tester", start_area="research"), terminal_size=(80, 24))


def test_project_page_snapshot_80x24(snap_compare, demo_db):
    from tui.app import make_app

    _add_project(demo_db)
    assert snap_compare(make_app(demo_db, login="chensiyuan", start_area="research"), press=["enter"],
                        terminal_size=(80, 24))


async def test_a_burst_with_tabs_fills_each_field_of_a_plain_form(make_test_app, demo_db):
    """Keys that reach the server in one packet (``number⇥title``): the title is not typed
    into the number field (Textual moved the focus only after the tab went through the
    field's queue, so every key of the burst landed in the first field)."""
    from textual import events
    from textual.widgets import Input

    from screens.research.forms import ProjectForm

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ProjectForm())
        await pilot.pause()
        assert isinstance(app.screen, ProjectForm) and app.focused.id == "p-number"
        for key, char in [("Q", "Q"), ("1", "1"), ("tab", "\t"), ("识", "识"), ("字", "字"), ("shift+tab", None)]:
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)  # all at once, no pause between them
        for _ in range(3):
            await pilot.pause()
        assert app.screen.query_one("#p-number", Input).value == "Q1"
        assert app.screen.query_one("#p-title", Input).value == "识字"
        assert app.focused.id == "p-number"  # shift+tab went back at once too
        # Through the 级别 list (a Select): the host typed after it is the host, not a search.
        for key, char in [("tab", "\t"), ("tab", "\t"), ("tab", "\t"), *[(c, c) for c in "zhangmin"]]:
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)
        for _ in range(3):
            await pilot.pause()
        assert app.screen.query_one("#p-host", Input).value == "zhangmin"


async def test_a_project_without_a_host_asks_for_one(make_test_app, demo_db):
    """No host typed: 请填写主持人 (it said 名册里找不到“—”, a name nobody typed)."""
    from textual.widgets import Input, Static

    from models.records import Project
    from screens.research.forms import ProjectForm

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ProjectForm())
        await pilot.pause()
        app.screen.query_one("#p-number", Input).value = "X-2"
        app.screen.query_one("#p-title", Input).value = "识字教学研究"
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = str(app.screen.query_one("#form-error", Static).render())
        assert "请填写主持人" in said and "—" not in said
    assert Store(demo_db).all(Project) == []
