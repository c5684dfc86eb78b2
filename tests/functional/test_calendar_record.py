"""Issue 16: ctrl+r on an activity writes its 教研活动记录表 to the path typed (80×24)."""

from __future__ import annotations

import io

from docx import Document

from models.records import Activity, Group
from models.store.storage import Store
from screens.calendar.activity_form import ActivityForm
from screens.dialogs.save_path import SavePathDialog


async def test_ctrl_r_writes_the_record_sheet(make_test_app, demo_db, tmp_path):
    store = Store(demo_db)
    group = next(g for g in store.all(Group) if g.name == "语文教研组")
    held = next(a for a in store.all(Activity) if a.group_id == group.id and a.status == "held"
                and a.term_id == "2025-2026-1")
    target = tmp_path / "记录表.docx"
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ActivityForm(activity_id=held.id))
        await pilot.pause()
        assert "activity.record" in [b.binding.id for b in app.screen.active_bindings.values()]
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, SavePathDialog)
        # It starts in the person's own export folder beside the data file (models/downloads.py).
        assert app.screen.query_one("#save-path").value.startswith(str(app.export_folder))
        await pilot.press("ctrl+a", "ctrl+k", *"/nowhere/x.docx", "enter")
        await pilot.pause()
        assert "没有文件夹" in str(app.screen.query_one("#save-error").render())
        app.screen.query_one("#save-path").value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm)
    text = "\n".join(cell.text for table in Document(io.BytesIO(target.read_bytes())).tables
                     for row in table.rows for cell in row.cells)
    assert held.minutes in text and "活动过程" in text
