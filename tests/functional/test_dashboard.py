"""看板 at 80×24 with real keys: sort, filter, drill into a teacher, jump from an attention line,
outcomes entry, the policy screen, a report from the dashboard and closing a term."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Input

from models.records import Outcome, Term
from models.store.storage import Store
from screens.dashboard.closing_dialog import ClosingTermDialog
from screens.dashboard.screen import TEACHER_COLUMNS, DashboardScreen
from screens.dashboard.outcomes import OutcomesScreen
from screens.dashboard.policy import PolicyScreen
from screens.teacher.page import TeacherPage
from tests.functional.waiting import wait_for

TODAY = dt.date(2025, 11, 5)


async def _dashboard(pilot):
    await pilot.pause()
    app = pilot.app
    assert isinstance(app.screen, DashboardScreen)
    return app.screen


def _row_ids(table: DataTable) -> list[int]:
    return [int(table.coordinate_to_cell_key((row, 0)).row_key.value) for row in range(table.row_count)]


async def test_sort_by_any_column_with_s(make_test_app, demo_db):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _dashboard(pilot)
        table = screen.query_one("#dash-teachers", DataTable)
        table.focus()
        await pilot.press("right")  # the 听课 column
        await pilot.press("s")
        await pilot.pause()
        figures = {f.teacher.id: f for f in screen.dashboard.teachers}
        ids = _row_ids(table)
        ratios = [figures[i].given / figures[i].quota for i in ids]
        assert ratios == sorted(ratios)
        assert "听课 ▲" in str(table.columns[table.ordered_columns[1].key].label)
        await pilot.press("s")  # again: the other way round
        await pilot.pause()
        ratios = [figures[i].given / figures[i].quota for i in _row_ids(table)]
        assert ratios == sorted(ratios, reverse=True)
        for _ in range(6):  # to 积分
            await pilot.press("right")
        await pilot.press("s")
        await pilot.pause()
        points = [figures[i].points for i in _row_ids(table)]
        assert points == sorted(points) and points[-1] > 0
        assert "积分" in str(screen.query_one("#dash-filter").render())


async def test_filter_by_group_and_role(make_test_app):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _dashboard(pilot)
        table = screen.query_one("#dash-teachers", DataTable)
        everyone = table.row_count
        await pilot.press("g")
        await pilot.pause()
        first_group = screen.dashboard.groups[0]
        assert screen.group_filter == first_group.group.name == "语文教研组"
        assert set(_row_ids(table)) == set(first_group.group.member_ids)
        assert "语文教研组" in str(screen.query_one("#dash-filter").render())
        await pilot.press("r")  # the first role present: 副校长? no — in ROLES order
        await pilot.pause()
        figures = {f.teacher.id: f for f in screen.dashboard.teachers}
        assert screen.role_filter is not None
        assert all(screen.role_filter in figures[i].teacher.roles for i in _row_ids(table))
        assert all(i in first_group.group.member_ids for i in _row_ids(table))
        # cycle the group filter back to everyone and the role filter off
        for _ in range(len(screen.dashboard.groups)):
            await pilot.press("g")
        while screen.role_filter is not None:
            await pilot.press("r")
        await pilot.pause()
        assert table.row_count == everyone


async def test_enter_drills_into_the_teacher_page(make_test_app):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _dashboard(pilot)
        table = screen.query_one("#dash-teachers", DataTable)
        table.focus()
        await pilot.press("down", "down")
        await pilot.pause()
        expected = _row_ids(table)[2]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TeacherPage)
        assert app.screen.teacher_id == expected
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_outcome_entry_saves_with_points_and_clears(make_test_app, demo_db):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await _dashboard(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OutcomesScreen)
        await pilot.press("ctrl+s")  # nothing typed: inline messages, nothing saved
        await pilot.pause()
        error = str(app.screen.query_one("#outcome-error").render())
        assert "请选择教师" in error
        before = len(Store(demo_db).all(Outcome))
        await pilot.press(*"zhangmin", "enter")  # teacher, then focus moves to the term
        await pilot.press("tab", "enter", "down", "down", "down", "down", "down", "enter")  # kind: 获奖
        await pilot.press("tab", "tab")
        await pilot.press(*"[bold]赛课[/bold]")
        await pilot.press("tab", *"一等奖")
        await pilot.pause()
        assert "积分 3" in str(app.screen.query_one("#outcome-points").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        stored = Store(demo_db).all(Outcome)
        assert len(stored) == before + 1
        new = stored[-1]
        assert (new.kind, new.title, new.award, new.points, new.date) == ("获奖", "[bold]赛课[/bold]", "一等奖", 3.0,
                                                                           "2025-11-05")
        assert app.screen.query_one("#outcome-title").value == ""
        assert app.screen.query_one("#outcome-error").render().plain == ""
        table = app.screen.query_one("#outcome-list", DataTable)
        assert "[bold]赛课[/bold]" in [str(table.get_row_at(i)[2]) for i in range(table.row_count)]


async def test_policy_is_for_admins_and_a_quota_change_shows_at_once(make_test_app, demo_db):
    app = make_test_app(login="chensiyuan", start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("5", "p")  # her footer has no 制度 key: p does nothing
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        app.push_screen(PolicyScreen())  # reached some other way, the form is not there
        await pilot.pause()
        assert "只有管理员" in str(app.screen.query_one("#policy-denied").render())
        assert not app.screen.query(Input)
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _dashboard(pilot)
        await pilot.press("p")
        await pilot.pause()
        field = app.screen.query_one("#policy-observation_quota")
        assert app.screen.focused is field
        field.value = ""
        await pilot.press(*"abc", "ctrl+s")
        await pilot.pause()
        assert "不是整数" in str(app.screen.query_one("#policy-error").render())
        assert Store(demo_db).policy().observation_quota == 10
        field.value = ""
        await pilot.press(*"12", "ctrl+s")
        await pilot.pause()
        assert Store(demo_db).policy().observation_quota == 12
        await pilot.press("escape")
        await pilot.pause()
        figures = screen.dashboard.teachers
        ordinary = next(f for f in figures if not f.teacher.roles)
        assert ordinary.quota == 12
        table = screen.query_one("#dash-teachers", DataTable)
        row = _row_ids(table).index(ordinary.teacher.id)
        assert str(table.get_row_at(row)[1]).endswith("/12")


async def test_report_from_the_dashboard_runs_in_a_worker(make_test_app, tmp_path):
    app = make_test_app(start_area="dashboard")
    target = tmp_path / "term.xlsx"
    async with app.run_test(size=(80, 24)) as pilot:
        await _dashboard(pilot)
        await pilot.press("x")
        await pilot.pause()
        field = app.screen.query_one("#report-path")
        field.value = str(tmp_path / "term.pdf")
        await pilot.press("enter")
        await pilot.pause()
        assert ".docx" in str(app.screen.query_one("#report-error").render())
        field.value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    from openpyxl import load_workbook

    book = load_workbook(target)
    assert "听课统计" in book.sheetnames


async def test_close_a_term_in_the_app_keeps_its_figures(make_test_app, demo_db):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _dashboard(pilot)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.viewed_term().term_id == "2024-2025-2"
        before = screen.dashboard
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("n")  # changed my mind
        await pilot.pause()
        assert Store(demo_db).all(Term)[1].status == "open"
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("y")
        # The close runs in a process of its own behind a box saying so; the screen stays drawn.
        assert await wait_for(pilot, lambda: isinstance(app.screen, ClosingTermDialog), seconds=2)
        assert await wait_for(pilot, lambda: "已归档" in str(screen.query_one("#dash-top").render()), seconds=30)
        assert app.screen is screen
        store = Store(demo_db)
        assert next(x for x in store.all(Term) if x.term_id == "2024-2025-2").status == "archived"
        assert "close_term" not in {b.binding.action.split("(")[0] for b in screen.active_bindings.values()}
        after = screen.dashboard
        assert [(f.teacher.id, f.given, f.received, f.points) for f in after.teachers] == \
               [(f.teacher.id, f.given, f.received, f.points) for f in before.teachers]
        assert [(g.group.id, g.held, g.attendance_rate) for g in after.groups] == \
               [(g.group.id, g.held, g.attendance_rate) for g in before.groups]


async def test_non_admin_cannot_close_a_term(make_test_app, demo_db):
    app = make_test_app(login="chensiyuan", start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("left_square_bracket", "c")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert all(x.status == "open" for x in Store(demo_db).all(Term))


def test_dashboard_snapshot_80x24(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="dashboard"), terminal_size=(80, 24))


def test_dashboard_snapshot_120x40(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="dashboard"), terminal_size=(120, 40))


def test_dashboard_attention_snapshot_80x24(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="dashboard"), terminal_size=(80, 24),
                        press=["a"])


def test_column_set_is_what_the_issue_names():
    assert [c.key for c in TEACHER_COLUMNS] == ["name", "given", "pace", "received", "research", "talk",
                                                "outcomes", "points", "groups"]


async def test_term_over_term_and_the_teacher_outcomes_section(make_test_app):
    from screens.dashboard.term_over_term import TermOverTermScreen

    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _dashboard(pilot)
        table = screen.query_one("#dash-teachers", DataTable)
        table.focus()
        teacher_id = _row_ids(table)[0]
        await pilot.press("h")
        await pilot.pause()
        await app.workers.wait_for_complete()  # each term's figures are worked out in a worker
        await pilot.pause()
        assert isinstance(app.screen, TermOverTermScreen) and app.screen.teacher_id == teacher_id
        rows = app.screen.query_one(DataTable)
        assert [str(rows.get_row_at(i)[0]) for i in range(rows.row_count)] == [
            "2024—2025学年第二学期", "2025—2026学年第一学期"]
        await pilot.press("escape", "b")
        await pilot.pause()
        await pilot.press("enter")  # a group: its terms side by side
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TermOverTermScreen) and app.screen.group_id is not None
        assert app.screen.query_one(DataTable).row_count == 2
        await pilot.press("escape", "t")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        body = str(app.screen.query_one("#teacher-page-body").render())
        assert "教研成果" in body and "积分" in body


async def test_the_report_dialog_shows_progress_and_asks_before_replacing(make_test_app, tmp_path):
    app = make_test_app(start_area="dashboard")
    target = tmp_path / "term.docx"
    target.write_bytes(b"old")
    async with app.run_test(size=(80, 24)) as pilot:
        await _dashboard(pilot)
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        seen = []
        shown = dialog._progress
        dialog._progress = lambda done, total: (seen.append((done, total)), shown(done, total))
        dialog.query_one("#report-path").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert "已经存在" in str(dialog.query_one("#report-error").render()) and target.read_bytes() == b"old"
        await pilot.press("enter")  # the second enter replaces it
        await pilot.pause()
        assert dialog.has_class("-writing") or target.read_bytes() != b"old"
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert seen and seen[-1][0] == seen[-1][1] > 0  # the bar went to the end
        assert app.screen is not dialog
    import docx

    assert "教研资料" in docx.Document(str(target)).paragraphs[0].text
