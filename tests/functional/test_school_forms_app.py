"""The school's own forms from the app (issue 14): with a 听课记录表.docx and a
教研活动记录表.docx in the templates folder beside the data file, `w` on an observation and
ctrl+r on an activity write the school's form filled in, not the builder's page; a broken
form gets its sentence in the dialog and no file."""

from __future__ import annotations

import io

from docx import Document

from models.exports.templates import templates_dir
from models.exports.word import WordDocument
from models.records import Activity, Group, Observation
from models.store.storage import Store
from screens.calendar.activity_form import ActivityForm
from screens.dialogs.save_path import SavePathDialog
from screens.observations.detail import ObservationDetail


def _form(path, *lines: str) -> None:
    doc = WordDocument("本校表格", school="本校", term="本学期")
    for line in lines:
        doc.paragraph(line)
    path.parent.mkdir(exist_ok=True)
    doc.save(path)


def _text(path) -> str:
    word = Document(io.BytesIO(path.read_bytes()))
    return "\n".join(p.text for p in word.paragraphs)


async def _save_to(pilot, app, target) -> None:
    for _ in range(100):
        if isinstance(app.screen, SavePathDialog):
            break
        await pilot.pause(0.05)
    assert isinstance(app.screen, SavePathDialog)
    app.screen.query_one("#save-path").value = str(target)
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_app_fills_the_schools_own_forms(make_test_app, demo_db, tmp_path):
    store = Store(demo_db)
    folder = templates_dir(demo_db)
    _form(folder / "听课记录表.docx", "本校听课表：{{ 授课教师 }} 《{{ 课题 }}》", "建议：{{ 建议 }}")
    _form(folder / "教研活动记录表.docx", "本校活动表：{{ 教研组 }} {{ 日期 }}", "{{ 记录 }}")
    record = next(o for o in store.all(Observation) if o.term_id == "2025-2026-1" and o.topic)
    group = next(g for g in store.all(Group) if g.name == "语文教研组")
    held = next(a for a in store.all(Activity) if a.group_id == group.id and a.status == "held"
                and a.term_id == "2025-2026-1" and a.minutes)
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ObservationDetail(record.id))
        await pilot.pause()
        await pilot.press("w")
        await _save_to(pilot, app, tmp_path / "听课.docx")
        assert isinstance(app.screen, ObservationDetail)
        await pilot.press("escape")
        await pilot.pause()
        app.push_screen(ActivityForm(activity_id=held.id))
        await pilot.pause()
        await pilot.press("ctrl+r")
        await _save_to(pilot, app, tmp_path / "活动.docx")
        assert isinstance(app.screen, ActivityForm)
    observed = _text(tmp_path / "听课.docx")
    assert f"《{record.topic}》" in observed and "本校听课表：" in observed and "听课人" not in observed
    activity = _text(tmp_path / "活动.docx")
    assert "本校活动表：语文教研组" in activity and held.minutes.splitlines()[0] in activity


async def test_a_broken_school_form_is_named_in_the_dialog(make_test_app, demo_db, tmp_path):
    store = Store(demo_db)
    _form(templates_dir(demo_db) / "听课记录表.docx", "{{ 不认识的栏目 }}")
    record = next(o for o in store.all(Observation) if o.term_id == "2025-2026-1")
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ObservationDetail(record.id))
        await pilot.pause()
        await pilot.press("w")
        await _save_to(pilot, app, tmp_path / "听课.docx")
        assert isinstance(app.screen, SavePathDialog)
        assert "不认识的栏目" in str(app.screen.query_one("#save-error").render())
    assert not (tmp_path / "听课.docx").exists()
