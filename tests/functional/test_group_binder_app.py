"""The group's term binder from the app (issue 17; before only `jiaoyan report term --group`):
名册 → g → the group → w writes its plan, activity records, research-lesson designs and summary
to Word. Only the office and the group's own people see the key."""

from __future__ import annotations

import io

import docx

from models.i18n import t
from screens.dialogs.save_path import SavePathDialog
from screens.rosters.group_tree import GroupTreeScreen
from tests.functional.test_rosters_access import open_tree_at
from tests.unit.test_documents_binder import hand_in


async def test_w_on_a_group_writes_its_binder(make_test_app, demo_db, tmp_path):
    from models.records import Group
    from models.store.storage import Store

    group = next(g for g in Store(demo_db).all(Group) if g.name == "语文教研组")
    hand_in(demo_db, "tester", "教研计划", "一、指导思想\n计划正文", group.id)
    target = tmp_path / "装订.docx"
    app = make_test_app(start_area="rosters")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_tree_at(pilot, app, "语文教研组")
        assert app.screen.check_action("binder", ()) is True
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, SavePathDialog)
        app.screen.query_one("#save-path").value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        for _ in range(100):
            if isinstance(app.screen, GroupTreeScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, GroupTreeScreen)
    word = docx.Document(io.BytesIO(target.read_bytes()))
    texts = [p.text for p in word.paragraphs]
    assert "计划正文" in texts and t("record.list_heading") in texts


async def test_a_teacher_of_another_group_has_no_binder_key(make_test_app):
    app = make_test_app(login="chenying", start_area="rosters")  # 语文; not in 数学教研组
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_tree_at(pilot, app, "数学教研组")
        assert app.screen.check_action("binder", ()) is False
        await open_tree_at_same(pilot, app, "语文教研组")
        assert app.screen.check_action("binder", ()) is True


async def open_tree_at_same(pilot, app, name: str) -> None:
    for _ in range(30):
        if app.screen.selected_group().name == name:
            await pilot.pause()
            return
        await pilot.press("up")
    raise AssertionError(f"{name} not in the tree")
