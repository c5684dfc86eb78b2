"""名册 at 80×24, driven by real keys; every change is checked in the stored file."""

from __future__ import annotations

from pathlib import Path

from models.records import Activity, Group, Teacher
from models.store.storage import Store
from screens.rosters.group_delete import GroupDeleteDialog
from screens.rosters.group_form import GroupForm
from screens.rosters.group_tree import GroupTreeScreen
from screens.rosters.import_preview import ImportPreviewScreen
from screens.rosters.member_picker import MemberPicker
from screens.rosters.screen import RostersScreen
from screens.rosters.teacher_form import TeacherForm
from screens.teacher.page import TeacherPage

SAMPLE = Path(__file__).parent.parent / "data" / "roster.csv"


def stored(db) -> Store:
    """A fresh Store on the file: what another session (or tomorrow) would read."""
    return Store(db)


def teacher_named(db, name: str) -> list[Teacher]:
    return [x for x in stored(db).all(Teacher) if x.name == name]


def group_named(db, name: str) -> Group:
    return next(g for g in stored(db).all(Group) if g.name == name)


def first_row_name(app) -> str:
    table = app.screen.query_one("#teachers")
    return str(table.get_row_at(0)[0])


def listed_names(app) -> list[str]:
    """The full names of the teachers in the list (the cells may be cut short with …)."""
    table = app.screen.query_one("#teachers")
    return [app.store.get(Teacher, int(row.key.value)).name for row in table.ordered_rows]


async def filter_list(pilot, query: str) -> None:
    await pilot.press("slash", *query)
    await pilot.pause()


async def test_find_by_initials_and_open_the_teacher_page(make_test_app):
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RostersScreen)
        await filter_list(pilot, "zsy")  # 曾思远: 曾 read as the surname zeng
        assert first_row_name(app) == "曾思远"
        await pilot.press("backspace", "backspace", "backspace", *"zhangmin")
        await pilot.pause()
        assert first_row_name(app) == "张敏"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TeacherPage)
        body = str(app.screen.query_one("#teacher-page-body").render())
        assert "所在组：语文教研组" in body and "语文4年级备课组" in body
        assert "徒弟：刘欣怡、余梦瑶" in body
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RostersScreen)


async def test_filter_by_subject_grade_and_group(make_test_app):
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await filter_list(pilot, "信息技术")
        assert set(listed_names(app)) == {"曹雨萱", "[bold]x[/bold]", "[@click=app.quit]y"}


async def test_add_a_teacher(make_test_app, demo_db):
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TeacherForm)
        await pilot.press("ctrl+s")  # no name yet
        await pilot.pause()
        assert "请填写姓名" in str(app.screen.query_one("#tf-message").render())
        await pilot.press(*"白雪", "tab", "tab", "tab")  # name, login (left blank), gender → subjects
        await pilot.press("down", "space", "tab", "down", "down", "space")  # 数学, 3年级
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RostersScreen)
    [teacher] = teacher_named(demo_db, "白雪")
    assert teacher.subjects == ["数学"] and teacher.grades == ["3年级"]
    assert teacher.login == "baixue" and teacher.active


async def test_namesake_is_warned_then_allowed(make_test_app, demo_db):
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.press(*"张敏", "tab", "tab", "tab", "down", "space")  # 数学 张敏, not the 语文 one
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TeacherForm)
        assert "已有同名教师：张敏（语文4年级）" in str(app.screen.query_one("#tf-message").render())
        assert len(teacher_named(demo_db, "张敏")) == 1
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RostersScreen)
    both = teacher_named(demo_db, "张敏")
    assert len(both) == 2 and len({x.login for x in both}) == 2
    assert both[1].subjects == ["数学"]


async def test_edit_a_teacher_and_a_taken_login_is_refused(make_test_app, demo_db):
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await filter_list(pilot, "yyl")
        assert first_row_name(app) == "于玉兰"
        await pilot.press("down", "e")
        await pilot.pause()
        assert isinstance(app.screen, TeacherForm)
        await pilot.press("tab", *"zhangmin", "ctrl+s")
        await pilot.pause()
        assert "已被张敏使用" in str(app.screen.query_one("#tf-message").render())
        await pilot.press("shift+tab", "tab", *"yuyl", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RostersScreen)
    [teacher] = teacher_named(demo_db, "于玉兰")
    assert teacher.login == "yuyl" and teacher.version == 2


async def test_deactivate_and_reactivate_with_one_key(make_test_app, demo_db):
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await filter_list(pilot, "lxy")
        assert first_row_name(app) == "刘欣怡"
        await pilot.press("down", "d")
        await pilot.pause()
        [teacher] = teacher_named(demo_db, "刘欣怡")
        assert not teacher.active
        table = app.screen.query_one("#teachers")
        assert str(table.get_cell_at((0, 5))) == "停用"  # still listed, so it can come back
        assert table.ordered_columns[5].key.value == "state"
        await pilot.press("d")
        await pilot.pause()
        assert teacher_named(demo_db, "刘欣怡")[0].active
    # Nothing was deleted: the teacher's observations are all still there.
    assert len(stored(demo_db).all(Teacher)) == 44


async def open_group_tree_at(pilot, app, name: str) -> None:
    await pilot.press("g")
    await pilot.pause()
    assert isinstance(app.screen, GroupTreeScreen)
    tree = app.screen.query_one("#group-tree")
    # The tree moves its cursor onto the first group after its first refresh: wait for it
    # (bounded), or a loaded machine finds no group under the cursor yet.
    for _ in range(50):
        if app.screen.selected_group() is not None:
            break
        await pilot.pause(0.05)
    for _ in range(30):
        if app.screen.selected_group().name == name:
            return
        await pilot.press("down")
    raise AssertionError(f"{name} not in the tree")


async def test_build_a_prep_group_add_three_members_and_set_a_theme(make_test_app, demo_db):
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_group_tree_at(pilot, app, "数学教研组")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, GroupForm)
        await pilot.press(*"数学3年级备课组")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GroupTreeScreen)
        group = group_named(demo_db, "数学3年级备课组")
        parent = group_named(demo_db, "数学教研组")
        assert group.kind == "prep" and group.parent_id == parent.id and group.subject == "数学"
        assert app.screen.selected_group().id == group.id

        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MemberPicker)
        # The filter has focus when the picker opens; after a pick, / goes back to it.
        await pilot.press(*"yxy", "enter", "space")  # 杨欣怡
        for initials in ("ljh", "lhr"):  # 陆建华 林浩然
            await pilot.press("slash", *initials, "enter", "space")
        await pilot.pause()
        assert "已选 3 人" in str(app.screen.query_one("#picker-status").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GroupTreeScreen)
        by_name = {x.id: x.name for x in stored(demo_db).all(Teacher)}
        members = [by_name[i] for i in group_named(demo_db, "数学3年级备课组").member_ids]
        assert members == ["杨欣怡", "陆建华", "林浩然"]

        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, GroupForm)
        await pilot.press(*"说理课堂", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GroupTreeScreen)
        detail = str(app.screen.query_one("#group-detail-text").render())
        assert "本学期主题：说理课堂" in detail and "杨欣怡" in detail
    assert group_named(demo_db, "数学3年级备课组").themes == {"2025-2026-1": "说理课堂"}
    # 杨欣怡 is in several groups at once.
    yang = teacher_named(demo_db, "杨欣怡")[0]
    assert sum(yang.id in g.member_ids for g in stored(demo_db).all(Group)) >= 2


async def test_new_theme_keeps_earlier_terms_and_slot_is_saved(make_test_app, demo_db):
    before = group_named(demo_db, "数学教研组")
    assert "2024-2025-2" in before.themes
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_group_tree_at(pilot, app, "数学教研组")
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"说理课堂第二阶段")
        # weekly slot: period field (after the weekday) takes 下午3 typed as "7"
        app.screen.query_one("#gf-period").focus()
        await pilot.press("end", *["backspace"] * 12, "7", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GroupTreeScreen)
    after = group_named(demo_db, "数学教研组")
    assert after.themes["2025-2026-1"] == "说理课堂第二阶段"
    assert after.themes["2024-2025-2"] == before.themes["2024-2025-2"]
    assert after.slot_period == 7 and after.slot_weekday == before.slot_weekday


async def test_bad_period_is_explained_and_nothing_saved(make_test_app, demo_db):
    before = demo_db.read_bytes()
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_group_tree_at(pilot, app, "英语教研组")
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#gf-period").focus()
        await pilot.press("end", *["backspace"] * 12, *"下午9", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GroupForm)
        assert "下午共 3 节" in str(app.screen.query_one("#gf-message").render())
    assert demo_db.read_bytes() == before


async def test_delete_group_with_activities_is_refused_and_archive_offered(make_test_app, demo_db):
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_group_tree_at(pilot, app, "英语教研组")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, GroupDeleteDialog)
        reason = str(app.screen.query_one("#delete-reason").render())
        assert "不能删除“英语教研组”" in reason and "次教研活动" in reason
        await pilot.press("y")  # refused: y does nothing here
        await pilot.pause()
        assert isinstance(app.screen, GroupDeleteDialog)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, GroupTreeScreen)
    group = group_named(demo_db, "英语教研组")
    assert not group.active
    assert any(a.group_id == group.id for a in stored(demo_db).all(Activity))


async def test_delete_an_empty_group(make_test_app, demo_db):
    with Store(demo_db, actor="tester").transaction() as tx:
        office = next(g for g in tx.all(Group) if g.kind == "office")
        tx.insert(Group(name="临时组", kind="research", parent_id=office.id))
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_group_tree_at(pilot, app, "临时组")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, GroupDeleteDialog)
        await pilot.press("y")
        await pilot.pause()
    assert not [g for g in stored(demo_db).all(Group) if g.name == "临时组"]


async def start_import(pilot, app, path: Path) -> None:
    await pilot.press("i")
    await pilot.pause()
    app.screen.query_one("#import-path").value = str(path)
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_import_from_the_screen_with_bad_rows_imports_the_good_ones(make_test_app, demo_db, tmp_path):
    path = tmp_path / "new.csv"
    path.write_bytes("姓名,学科,年级,电话\n白雪,数学,3年级,123\n,语文,1年级,\n".encode("gbk"))
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await start_import(pilot, app, path)
        assert isinstance(app.screen, ImportPreviewScreen)
        text = str(app.screen.query_one("#preview-text").render())
        assert "新增 1 人" in text and "第 3 行" in text and "缺少姓名" in text and "忽略的列：电话" in text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RostersScreen)
    [teacher] = teacher_named(demo_db, "白雪")
    assert teacher.login == "baixue" and teacher.grades == ["3年级"]


async def test_import_cancel_and_bad_file_leave_the_data_file_unchanged(make_test_app, demo_db, tmp_path):
    before = demo_db.read_bytes()
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 40)
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await start_import(pilot, app, binary)
        assert "不是文本格式" in str(app.screen.query_one("#import-message").render())
        app.screen.query_one("#import-path").value = str(SAMPLE)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ImportPreviewScreen)
        assert "无变化 42 人" in str(app.screen.query_one("#preview-text").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RostersScreen)
    assert demo_db.read_bytes() == before


def test_teacher_list_snapshot(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="rosters"), terminal_size=(80, 24))


def test_group_tree_snapshot(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="rosters"), terminal_size=(80, 24),
                        press=["g", "down", "down", "down", "down", "down"])


async def test_a_down_typed_with_g_lands_on_the_second_group(make_test_app, demo_db):
    """Keys typed ahead over a slow link arrive together: g and down in one read. The tree
    puts its cursor on the first group as it mounts, so the down moves on from there."""
    from textual import events

    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in ("g", "down"):
            app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, GroupTreeScreen)
        tree = app.screen.query_one("#group-tree")
        assert tree.cursor_line == 1
        second = tree.get_node_at_line(1).data
        assert app.screen.selected_id() == second
