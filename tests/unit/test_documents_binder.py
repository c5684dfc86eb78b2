"""The group's term binder (`jiaoyan report term --group NAME`) holds its plan, activity
records, research-lesson designs and summary, in that order — opened with python-docx."""

from __future__ import annotations

import io

import docx

from models import documents as docs
from models.i18n import t
from models.permissions import check_change, teacher_by_login
from models.records import Group, Term
from models.store.storage import Store


def hand_in(demo_db, login, kind, body, group_id=0):
    store = Store(demo_db, actor=login, guard=check_change)
    me = teacher_by_login(store, login)
    draft = docs.save_document(store, docs.new_document(store, me, kind=kind, term_id="2025-2026-1",
                                                        group_id=group_id, body=body))
    return docs.submit(store, me, draft)


def test_binder_has_plan_records_designs_summary_in_order(demo_db):
    from models.exports.activity_record import group_binder_docx

    store = Store(demo_db, actor="tester")
    group = next(g for g in store.all(Group) if g.name == "语文教研组")
    term = next(x for x in store.all(Term) if x.term_id == "2025-2026-1")
    hand_in(demo_db, "tester", "教研计划", "一、指导思想\n计划正文", group.id)
    hand_in(demo_db, "chenying", "教学设计", "《秋天》教学设计正文")
    hand_in(demo_db, "tester", "教研总结", "总结正文", group.id)
    hand_in(demo_db, "zengsiyuan", "教学设计", "别组的设计")  # 数学: not in this binder

    word = docx.Document(io.BytesIO(group_binder_docx(store, term, group)))
    texts = [p.text for p in word.paragraphs]
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    order = [t("doc.binder.plan"), t("record.list_heading"), t("record.lessons_heading"),
             t("doc.binder.designs"), t("doc.binder.summary")]
    assert [h for h in headings if h in order] == order
    position = {text: n for n, text in enumerate(texts)}
    assert position["计划正文"] < position[t("record.list_heading")]
    assert position[t("doc.binder.designs")] < position["《秋天》教学设计正文"] < position["总结正文"]
    assert "别组的设计" not in texts
