"""Issue 16: the 教研活动记录表 opened with python-docx has every field, the names of those
on leave and absent, and the signature lines; the group's binder has its theme, each
activity's record in date order and its research lessons; both from the command line."""

from __future__ import annotations

import io

from docx import Document

from models.exports.activity_record import activity_record_docx, binder_activities, group_binder_docx
from models.records import Activity, Group, Teacher, Term
from tui.cli import main


def _text(payload: bytes) -> str:
    doc = Document(io.BytesIO(payload))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            seen = set()
            for cell in row.cells:  # a merged cell shows once per grid column: read it once
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    parts.append(cell.text)
    return "\n".join(parts)


def _with_everything(store) -> Activity:
    group = next(g for g in store.all(Group) if g.name == "语文教研组")
    names = {x.id: x.name for x in store.all(Teacher)}
    activity = next(a for a in store.all(Activity) if a.group_id == group.id and a.status == "held"
                    and a.term_id == "2025-2026-1")
    members = [m for m in activity.attendee_ids if m != activity.speaker_id and m != activity.host_id]
    marks = {str(m): "present" for m in activity.attendee_ids}
    marks[str(members[0])] = "leave"
    marks[str(members[1])] = "absent"
    marks[str(members[2])] = "absent"
    with store.transaction() as tx:
        saved = tx.update(activity.copy(attendance=marks, recorder_id=members[3], summary="下周继续打磨课例。",
                                        minutes="一、说课。\n二、评课。", content="围绕阅读策略研讨"))
    assert names[members[0]] and names[members[1]]
    return saved


def test_the_record_has_every_field_the_absent_names_and_signature_lines(demo_store):
    activity = _with_everything(demo_store)
    names = {x.id: x.name for x in demo_store.all(Teacher)}
    text = _text(activity_record_docx(demo_store, activity))
    for label in ("教研活动记录表", "时间", "节次", "地点", "组别", "主持人", "中心发言人", "记录人", "应到", "实到",
                  "请假", "缺席", "主题", "活动过程", "小结"):
        assert label in text, label
    assert "下午第2节" in text and activity.place in text and "语文教研组" in text
    for who in (activity.host_id, activity.speaker_id, activity.recorder_id):
        assert names[who] in text
    on_leave = [names[int(k)] for k, m in activity.attendance.items() if m == "leave"]
    absent = [names[int(k)] for k, m in activity.attendance.items() if m == "absent"]
    assert "、".join(on_leave) in text and all(name in text for name in absent) and len(absent) == 2
    present = sum(1 for m in activity.attendance.values() if m == "present")
    assert f"{present} 人" in text and f"{len(activity.attendee_ids)} 人" in text
    assert activity.topic in text and "围绕阅读策略研讨" in text
    assert "一、说课。" in text and "二、评课。" in text and "下周继续打磨课例。" in text
    assert "组长签名：" in text and "教导处审核：" in text and "日期：" in text
    assert len(Document(io.BytesIO(activity_record_docx(demo_store, activity))).tables) == 1  # one page's form


def test_the_binder_has_the_theme_every_record_in_date_order_and_research_lessons(demo_store):
    term = next(x for x in demo_store.all(Term) if x.term_id == "2025-2026-1")
    group = next(g for g in demo_store.all(Group) if g.name == "语文教研组")
    payload = group_binder_docx(demo_store, term, group)
    text = _text(payload)
    assert group.themes[term.term_id] in text and "研讨课听课情况" in text
    records = binder_activities(demo_store, term, group)
    assert records and [a.date for a in records] == sorted(a.date for a in records)
    assert text.count("活动过程") == len(records)
    positions = [text.index(a.minutes, text.index("活动过程")) for a in records[:1]]
    assert positions


def test_the_commands_write_the_record_and_the_binder(demo_db, demo_store, tmp_path, capsys):
    activity = _with_everything(demo_store)
    target = tmp_path / "record.docx"
    assert main(["report", "activity", str(activity.id), "--db", str(demo_db), "-o", str(target)]) == 0
    assert "活动过程" in _text(target.read_bytes())
    binder = tmp_path / "binder.docx"
    assert main(["report", "term", "--group", "语文教研组", "--term", "2025-2026-1", "--db", str(demo_db),
                 "-o", str(binder)]) == 0
    assert "语文教研组教研活动记录" in _text(binder.read_bytes())
    assert main(["report", "activity", "999999", "--db", str(demo_db)]) == 1
    assert "没有编号为 999999 的教研活动" in capsys.readouterr().err
    assert main(["report", "term", "--group", "不存在的组", "--db", str(demo_db)]) == 1
    before = demo_db.read_bytes()  # the school's own files are never written over
    assert main(["report", "activity", str(activity.id), "--db", str(demo_db), "-o", str(demo_db)]) == 1
    assert demo_db.read_bytes() == before


def test_a_schools_own_form_is_filled_when_it_has_one(demo_db, demo_store, tmp_path):
    """A 教研活动记录表.docx in the templates folder beside the data file is used instead."""
    from models.exports.templates import copy_out, templates_dir

    activity = _with_everything(demo_store)
    folder = templates_dir(demo_db)
    folder.mkdir()
    copy_out("activity", folder)
    target = tmp_path / "own.docx"
    assert main(["report", "activity", str(activity.id), "--db", str(demo_db), "-o", str(target)]) == 0
    text = _text(target.read_bytes())
    names = {x.id: x.name for x in demo_store.all(Teacher)}
    assert names[activity.recorder_id] in text and "下周继续打磨课例" not in text  # the school's form has no 小结
    assert "{{" not in text and "一、说课。" in text
