"""名册 from three users' sides (the admin, a group leader, an ordinary teacher), saving
over someone else's change, a new weekly slot moving the group's activities, the export
key and enter in the filter — at 80×24 with real keys, checked in the stored file."""

from __future__ import annotations

import csv
import datetime as dt

from models.records import Activity, Group, Teacher
from models.store.storage import Store
from screens.rosters.export_path import ExportPathScreen
from screens.rosters.group_form import GroupForm
from screens.rosters.group_tree import GroupTreeScreen
from screens.rosters.member_picker import MemberPicker
from screens.rosters.screen import RostersScreen
from screens.rosters.teacher_form import TeacherForm
from screens.teacher.page import TeacherPage
from screens.dialogs.conflict import ConflictDialog

LEADER = "zengsiyuan"  # 曾思远, leads 数学教研组 (and so the 数学 备课组 under it)
PLAIN = "chenying"  # 陈颖, a 语文 teacher who leads nothing and is no admin
LIST_ACTIONS = ("new", "edit", "deactivate", "reactivate", "import", "export", "groups", "open")
TREE_ACTIONS = ("new", "edit", "members", "theme", "archive", "delete")


def stored(db) -> Store:
    return Store(db)


def teacher(db, name: str) -> Teacher:
    return next(x for x in stored(db).all(Teacher) if x.name == name)


def group(db, name: str) -> Group:
    return next(g for g in stored(db).all(Group) if g.name == name)


def shown_actions(app) -> set[str]:
    """The screen's actions whose keys the footer shows now."""
    return {active.binding.action for active in app.screen.active_bindings.values()
            if active.node is app.screen and active.binding.show}


async def highlight_teacher(pilot, app, name: str) -> None:
    """Move the list's cursor to ``name`` with the arrow keys."""
    table = app.screen.query_one("#teachers")
    table.focus()
    await pilot.press("home")
    for _ in range(table.row_count):
        if app.screen.selected_teacher().name == name:
            await pilot.pause()
            return
        await pilot.press("down")
    raise AssertionError(f"{name} not in the list")


async def open_tree_at(pilot, app, name: str) -> None:
    await pilot.press("g")
    await pilot.pause()
    assert isinstance(app.screen, GroupTreeScreen)
    for _ in range(30):
        if app.screen.selected_group().name == name:
            await pilot.pause()
            return
        await pilot.press("down")
    raise AssertionError(f"{name} not in the tree")


def comparison(app) -> str:
    """The conflict dialog's table as plain text."""
    import os

    from rich.console import Console

    console = Console(width=76, record=True, file=open(os.devnull, "w"))
    console.print(app.screen.comparison())
    return console.export_text()


def toasts(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


# -- keys by permission -----------------------------------------------------------------


async def test_admin_sees_every_key_but_cannot_deactivate_the_last_admin(make_test_app):
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await highlight_teacher(pilot, app, "郑娟")  # the admin herself, the school's only admin
        assert shown_actions(app) >= {"new", "edit", "import", "export", "groups", "open"}
        assert not shown_actions(app) & {"deactivate", "reactivate"}
        await highlight_teacher(pilot, app, "张敏")
        assert {"edit", "deactivate"} <= shown_actions(app) and "reactivate" not in shown_actions(app)
        await open_tree_at(pilot, app, "英语教研组")
        assert shown_actions(app) >= set(TREE_ACTIONS)


async def test_plain_teacher_sees_no_admin_keys_and_pressing_them_does_nothing(make_test_app, demo_db):
    before = demo_db.read_bytes()
    app = make_test_app(login=PLAIN, start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await highlight_teacher(pilot, app, "张敏")
        shown = shown_actions(app)
        assert {"open", "export", "groups"} <= shown
        assert not shown & {"new", "edit", "deactivate", "reactivate", "import"}
        assert "d 停用" not in str(app.screen.query_one("#roster-status").render())
        for key in ("n", "e", "d", "i"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, RostersScreen), key
        await open_tree_at(pilot, app, "语文教研组")
        assert not shown_actions(app) & set(TREE_ACTIONS)
        for key in ("n", "e", "m", "t", "a", "d", "enter"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, GroupTreeScreen), key
        await pilot.press("escape")
        await pilot.pause()
    assert demo_db.read_bytes() == before  # nothing was changed


async def test_plain_teacher_edits_only_their_own_profile(make_test_app, demo_db):
    app = make_test_app(login=PLAIN, start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await highlight_teacher(pilot, app, "陈颖")
        assert "edit" in shown_actions(app) and "deactivate" not in shown_actions(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, TeacherForm)
        form = app.screen
        for selector in ("#tf-login", "#tf-roles", "#tf-admin"):
            assert form.query_one(selector).disabled, selector
        assert not form.query_one("#tf-name").disabled and not form.query_one("#tf-note").disabled
        assert "登录名、职务和管理员由教导处设置" in str(form.query_one("#tf-message").render())
        form.query_one("#tf-note").focus()
        await pilot.press(*"喜欢绘本教学", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RostersScreen)
    me = teacher(demo_db, "陈颖")
    assert me.note == "喜欢绘本教学" and me.login == PLAIN and not me.is_admin and me.updated_by == PLAIN


async def test_leader_sets_the_theme_of_their_groups_only(make_test_app, demo_db):
    before = group(demo_db, "数学教研组")
    app = make_test_app(login=LEADER, start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await highlight_teacher(pilot, app, "张敏")
        assert not shown_actions(app) & {"new", "edit", "deactivate", "import"}
        await highlight_teacher(pilot, app, "曾思远")
        assert "edit" in shown_actions(app)  # their own profile

        await open_tree_at(pilot, app, "语文教研组")  # not theirs
        assert not shown_actions(app) & set(TREE_ACTIONS)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, GroupTreeScreen)

        await open_tree_at(pilot, app, "数学教研组")
        assert shown_actions(app) & set(TREE_ACTIONS) == {"theme"}
        for key in ("e", "m", "a", "d", "n"):  # hidden: nothing opens, nothing changes
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, GroupTreeScreen), key
        await pilot.press("enter")  # enter opens what they may use: the theme
        await pilot.pause()
        assert isinstance(app.screen, GroupForm)
        form = app.screen
        assert form.theme_only and form.query_one("#gf-name").disabled and form.query_one("#gf-weekday").disabled
        assert form.focused is form.query_one("#gf-theme")
        await pilot.press("end", "ctrl+u", *"大单元整体教学", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GroupTreeScreen)

        await open_tree_at(pilot, app, "数学1年级备课组")  # under 数学教研组: theirs too
        assert shown_actions(app) & set(TREE_ACTIONS) == {"theme"}
    after = group(demo_db, "数学教研组")
    assert after.themes["2025-2026-1"] == "大单元整体教学"
    assert after.themes["2024-2025-2"] == before.themes["2024-2025-2"]
    assert (after.name, after.member_ids, after.slot_weekday, after.slot_period) == (
        before.name, before.member_ids, before.slot_weekday, before.slot_period)
    assert after.updated_by == LEADER


# -- saving over someone else's change ---------------------------------------------------


async def edit_note_while_someone_else_saves(pilot, app, db) -> None:
    await highlight_teacher(pilot, app, "于玉兰")
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, TeacherForm)
    app.screen.query_one("#tf-note").focus()
    await pilot.press(*"我的备注")
    other = Store(db, actor="tester")
    yu = next(x for x in other.all(Teacher) if x.name == "于玉兰")
    with other.transaction() as tx:
        tx.update(yu.copy(note="他们的备注", gender="女"))
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, ConflictDialog)


async def test_teacher_form_conflict_keep_mine(make_test_app, demo_db):
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await edit_note_while_someone_else_saves(pilot, app, demo_db)
        table = comparison(app)
        assert "我的备注" in table and "他们的备注" in table
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, RostersScreen)
    yu = teacher(demo_db, "于玉兰")
    # Mine overwrote the note on purpose; their other change (gender) stays.
    assert yu.note == "我的备注" and yu.gender == "女" and yu.version == 3


async def test_teacher_form_conflict_take_theirs_then_escape_keeps_typing(make_test_app, demo_db):
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await edit_note_while_someone_else_saves(pilot, app, demo_db)
        await pilot.press("escape")  # back to the form, my text as typed, nothing saved
        await pilot.pause()
        assert isinstance(app.screen, TeacherForm)
        assert app.screen.query_one("#tf-note").value == "我的备注"
        assert teacher(demo_db, "于玉兰").note == "他们的备注"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TeacherForm)
        assert app.screen.query_one("#tf-note").value == "他们的备注"
        assert app.screen.query_one("#tf-gender").value == "女"
        await pilot.press("end", *" 已核对", "ctrl+s")  # saving from their version: no conflict now
        await pilot.pause()
        assert isinstance(app.screen, RostersScreen)
    yu = teacher(demo_db, "于玉兰")
    assert yu.note == "他们的备注 已核对" and yu.gender == "女"


async def pick_members_while_someone_else_saves(pilot, app, db, change) -> None:
    await open_tree_at(pilot, app, "英语教研组")
    await pilot.press("m")
    await pilot.pause()
    assert isinstance(app.screen, MemberPicker)
    await pilot.press(*"zmin", "enter", "space")  # 张敏 joins
    await pilot.pause()
    other = Store(db, actor="tester")
    english = next(g for g in other.all(Group) if g.name == "英语教研组")
    with other.transaction() as tx:
        tx.update(change(english))
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_member_picker_conflict_shows_both_lists_and_keep_mine(make_test_app, demo_db):
    before = group(demo_db, "英语教研组")
    dropped = before.member_ids[-1]
    zhang = teacher(demo_db, "张敏")
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pick_members_while_someone_else_saves(
            pilot, app, demo_db, lambda g: g.copy(member_ids=g.member_ids[:-1], slot_place="多功能厅"))
        assert isinstance(app.screen, ConflictDialog)  # no silent overwrite any more
        table = comparison(app)
        assert "成员" in table and "张敏" in table
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, GroupTreeScreen)
    after = group(demo_db, "英语教研组")
    assert after.member_ids == [*before.member_ids, zhang.id]  # mine, on purpose
    assert dropped in after.member_ids
    assert after.slot_place == "多功能厅"  # their other change stays


async def test_member_picker_conflict_take_theirs(make_test_app, demo_db):
    before = group(demo_db, "英语教研组")
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pick_members_while_someone_else_saves(
            pilot, app, demo_db, lambda g: g.copy(member_ids=g.member_ids[:-1]))
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, MemberPicker)
        assert app.screen.chosen == before.member_ids[:-1]
        assert f"已选 {len(before.member_ids) - 1} 人" in str(app.screen.query_one("#picker-status").render())
    assert group(demo_db, "英语教研组").member_ids == before.member_ids[:-1]


async def test_member_picker_keeps_an_unrelated_change_without_asking(make_test_app, demo_db):
    before = group(demo_db, "英语教研组")
    zhang = teacher(demo_db, "张敏")
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pick_members_while_someone_else_saves(
            pilot, app, demo_db, lambda g: g.copy(themes={**g.themes, "2025-2026-1": "绘本阅读"}))
        assert isinstance(app.screen, GroupTreeScreen)
        assert "已在最新版本上保存成员" in toasts(app)
    after = group(demo_db, "英语教研组")
    assert after.member_ids == [*before.member_ids, zhang.id]
    assert after.themes["2025-2026-1"] == "绘本阅读"


# -- a new weekly slot moves the group's future activities --------------------------------


async def test_changing_the_slot_moves_future_untouched_activities(make_test_app, demo_db):
    today = "2025-11-05"
    yuwen = group(demo_db, "语文教研组")
    assert (yuwen.slot_weekday, yuwen.slot_period) == (4, 6)  # Thursday, 下午第2节
    with Store(demo_db, actor="tester").transaction() as tx:  # one future week edited by hand
        hand = next(a for a in tx.all(Activity) if a.group_id == yuwen.id and a.date == "2025-11-13")
        tx.update(hand.copy(topic="校级公开课磨课", touched=True))
    activities = [a for a in stored(demo_db).all(Activity) if a.group_id == yuwen.id and a.term_id == "2025-2026-1"]
    past = {a.id: a for a in activities if a.date < today}
    future_untouched = [a for a in activities if a.date >= today and not a.touched]
    topic_of_week = {a.date: a.topic for a in future_untouched}

    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_tree_at(pilot, app, "语文教研组")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, GroupForm)
        app.screen.query_one("#gf-weekday").focus()
        await pilot.press("enter", "up", "up", "enter")  # 周四 → 周二
        await pilot.pause()
        assert app.screen.query_one("#gf-weekday").value == 2
        app.screen.query_one("#gf-place").focus()
        await pilot.press("end", "ctrl+u", *"录播教室", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GroupTreeScreen)
        assert "已按新时间重排" in toasts(app)

    after = [a for a in stored(demo_db).all(Activity) if a.group_id == yuwen.id and a.term_id == "2025-2026-1"]
    by_id = {a.id: a for a in after}
    assert group(demo_db, "语文教研组").slot_weekday == 2
    # Held (past) ones and the one edited by hand did not move.
    for activity_id, old in past.items():
        assert by_id[activity_id] == old
    assert by_id[hand.id].date == "2025-11-13" and by_id[hand.id].place == "电教室"
    # The untouched future ones now fall on Tuesdays in the new place, one per remaining week.
    fresh = [a for a in after if a.date >= today and a.id != hand.id]
    assert fresh and not {a.id for a in fresh} & {a.id for a in future_untouched}
    assert all(dt.date.fromisoformat(a.date).isoweekday() == 2 for a in fresh)
    assert all(a.place == "录播教室" and a.period == 6 and a.generated and not a.touched for a in fresh)
    assert "2025-11-11" not in {a.date for a in fresh}  # the hand-edited week keeps its own meeting
    # One fewer: week 10's new day, Tuesday 11-04, is already past, so that week has no meeting left.
    assert len(fresh) == len(future_untouched) - 1
    # A week's topic follows it to its new day.
    assert {a.date: a.topic for a in fresh}["2025-11-18"] == topic_of_week["2025-11-20"]


async def test_saving_a_group_without_changing_the_slot_leaves_activities_alone(make_test_app, demo_db):
    before = sorted(a.id for a in stored(demo_db).all(Activity))
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_tree_at(pilot, app, "语文教研组")
        await pilot.press("t", "end", "ctrl+u", *"整本书阅读", "ctrl+s")
        await pilot.pause()
        assert "重排" not in toasts(app)
    assert sorted(a.id for a in stored(demo_db).all(Activity)) == before
    assert group(demo_db, "语文教研组").themes["2025-2026-1"] == "整本书阅读"


# -- export from the screen ---------------------------------------------------------------


async def export_to(pilot, app, path) -> None:
    app.screen.query_one("#export-path").value = str(path)
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_export_all_to_xlsx(make_test_app, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "名册.xlsx"
    app = make_test_app(login=PLAIN, start_area="rosters")  # reading the roster is everyone's
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportPathScreen)
        # The default is the person's own export folder (issue 21: what scp can fetch over SSH).
        assert app.screen.query_one("#export-path").value == str(
            app.store.path.with_name("school.json.exports") / PLAIN / "教师名册-2025-11-05.xlsx")
        await export_to(pilot, app, target)
        assert isinstance(app.screen, RostersScreen)
        assert "已导出 44 位教师" in toasts(app)
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and len(rows) == 45 and sheet.freeze_panes == "A2"
    assert "[@click=app.quit]y" in {r[0] for r in rows}


async def test_export_the_filtered_list_to_csv_and_overwrite_only_when_asked(make_test_app, tmp_path):
    target = tmp_path / "info.csv"
    target.write_text("old", encoding="utf-8")
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"信息技术")
        await pilot.pause()
        app.screen.query_one("#teachers").focus()
        await pilot.press("x")
        await pilot.pause()
        assert "导出当前筛选出的 3 位教师" in str(app.screen.query_one(".title").render())
        await export_to(pilot, app, tmp_path / "info.txt")
        assert "要以 .csv、.xlsx、.docx、.md 结尾" in str(app.screen.query_one("#export-message").render())
        await export_to(pilot, app, tmp_path / "no-such-folder" / "x.csv")
        assert "不存在" in str(app.screen.query_one("#export-message").render())
        await export_to(pilot, app, target)
        assert isinstance(app.screen, ExportPathScreen)
        assert "已存在" in str(app.screen.query_one("#export-message").render())
        assert target.read_text(encoding="utf-8") == "old"
        await pilot.press("enter")  # the second enter overwrites
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, RostersScreen)
    payload = target.read_bytes()
    assert payload.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    rows = list(csv.reader(payload.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "姓名" and {r[0] for r in rows[1:]} == {"曹雨萱", "[bold]x[/bold]", "[@click=app.quit]y"}


# -- enter in the filter --------------------------------------------------------------------


async def test_enter_in_the_filter_opens_the_highlighted_teacher_only_if_there_is_one(make_test_app):
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"zzqqxx")
        await pilot.pause()
        assert app.screen.query_one("#teachers").row_count == 0
        assert "open" not in shown_actions(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RostersScreen)
        assert app.screen.focused is app.screen.query_one("#roster-filter")
        await pilot.press(*["backspace"] * 6, *"ljh")  # 陆建华
        await pilot.pause()
        assert "open" in shown_actions(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TeacherPage)
        assert app.screen.teacher_id == teacher_id_of(app, "陆建华")


def teacher_id_of(app, name: str) -> int:
    return next(x.id for x in app.store.all(Teacher) if x.name == name)


# -- 80 columns ----------------------------------------------------------------------------


async def test_the_list_fits_80_columns_and_shows_logins_when_wider(make_test_app):
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#teachers")
        keys = [c.key.value for c in table.ordered_columns]
        assert keys[:4] == ["name", "subjects", "grades", "groups"] and "login" not in keys
        assert sum(c.get_render_width(table) for c in table.ordered_columns) + 2 <= 80  # + the scrollbar
        assert table.max_scroll_x == 0  # nothing off-screen to the right
        row = table.get_row_index(str(teacher_id_of(app, "[@click=app.quit]y")))
        assert str(table.get_cell_at((row, 0))) == "[@click…"  # cut with …, shown literally
        assert str(table.get_cell_at((0, 3))) == "教导处、语文组、语文4年级"
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#teachers")
        assert [c.key.value for c in table.ordered_columns][-1] == "login"
        assert str(table.get_cell_at((0, 6))) == "tester" and table.max_scroll_x == 0


def test_plain_teacher_list_snapshot(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login=PLAIN, start_area="rosters"), terminal_size=(80, 24),
                        press=["down", "down", "down", "down"])


def test_export_dialog_snapshot(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="rosters"), terminal_size=(80, 24),
                        press=["x"])
