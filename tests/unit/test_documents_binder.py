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


def test_the_binder_opens_with_a_cover_the_schools_own_when_it_has_one(demo_db):
    import datetime as dt

    from models.exports.activity_record import group_binder_docx
    from models.exports.templates import TemplateError, templates_dir
    from models.exports.word import WordDocument

    store = Store(demo_db, actor="tester")
    group = next(g for g in store.all(Group) if g.name == "语文教研组")
    term = next(x for x in store.all(Term) if x.term_id == "2025-2026-1")
    day = dt.date(2025, 11, 5)

    def texts() -> list[str]:
        payload = group_binder_docx(store, term, group, db_path=demo_db, today=day)
        return [p.text for p in docx.Document(io.BytesIO(payload)).paragraphs if p.text.strip()]

    shipped = texts()  # the shipped cover, then the binder's own title
    title = t("record.binder_title", group=group.name, term=term.name)
    assert shipped.index("教研活动资料") < shipped.index("教研组：语文教研组") < shipped.index(title)
    assert "日期：2025年11月5日" in shipped

    own = WordDocument("封面", show_title=False)
    own.paragraph("本校封面 {{ 教研组 }} {{ 日期 }}")
    templates_dir(demo_db).mkdir()
    own.save(templates_dir(demo_db) / "封面.docx")
    mine = texts()
    assert mine[0] == "本校封面 语文教研组 2025年11月5日" and "教研活动资料" not in mine
    assert mine.index(mine[0]) < mine.index(title)

    broken = WordDocument("封面", show_title=False)
    broken.paragraph("{{ 封面标题 }}")
    broken.save(templates_dir(demo_db) / "封面.docx")
    try:
        texts()
    except TemplateError as error:
        assert "封面标题" in str(error)
    else:
        raise AssertionError("a broken cover must be refused")


def test_the_binder_uses_the_schools_own_activity_form_for_each_record(demo_db):
    import datetime as dt

    from models.exports.activity_record import binder_activities, group_binder_docx
    from models.exports.templates import templates_dir
    from models.exports.word import WordDocument

    store = Store(demo_db, actor="tester")
    group = next(g for g in store.all(Group) if g.name == "语文教研组")
    term = next(x for x in store.all(Term) if x.term_id == "2025-2026-1")
    hand_in(demo_db, "tester", "教研总结", "总结正文", group.id)
    form = WordDocument("本校活动表", show_title=False)
    form.paragraph("本校活动表：{{ 日期 }} {{ 主题 }}")
    templates_dir(demo_db).mkdir()
    form.save(templates_dir(demo_db) / "教研活动记录表.docx")
    payload = group_binder_docx(store, term, group, db_path=demo_db, today=dt.date(2025, 11, 5))
    texts = [p.text for p in docx.Document(io.BytesIO(payload)).paragraphs if p.text.strip()]
    records = binder_activities(store, term, group)
    own = [x for x in texts if x.startswith("本校活动表：")]
    assert len(own) == len(records) and records
    assert texts.index("教研活动资料") < texts.index(t("record.list_heading")) < texts.index(own[0])
    assert texts.index(own[-1]) < texts.index(t("record.lessons_heading")) < texts.index("总结正文")
    word = docx.Document(io.BytesIO(payload))
    cells = {c.text for tb in word.tables for row in tb.rows for c in row.cells}
    assert "活动过程" not in cells  # the builder's own record form is not used
