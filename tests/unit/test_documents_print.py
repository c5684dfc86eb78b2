"""A document printed to Word in the school's layout, opened again with python-docx."""

from __future__ import annotations

import io

import docx

from models import documents as docs
from models.exports.document_print import document_docx
from models.permissions import check_change, teacher_by_login
from models.store.storage import Store


def test_a_returned_then_approved_summary_prints_with_its_parts(demo_db):
    author = Store(demo_db, actor="chenying", guard=check_change)
    leader = Store(demo_db, actor="chensiyuan", guard=check_change)
    me = teacher_by_login(author, "chenying")
    body = "一、工作回顾\n本学期我上了一节组内研讨课《秋天》。\n\n二、不足与改进\n板书设计还要更清楚。"
    draft = docs.save_document(author, docs.new_document(author, me, kind="个人总结", term_id="2025-2026-1",
                                                         body=body))
    submitted = docs.submit(author, me, draft)
    approved = docs.approve(leader, teacher_by_login(leader, "chensiyuan"), submitted, "总结具体，继续努力。")

    word = docx.Document(io.BytesIO(document_docx(author, approved)))
    paragraphs = [p.text for p in word.paragraphs]
    assert paragraphs[0] == "陈颖2025—2026学年第一学期个人总结"  # the title
    facts = {row.cells[0].text: row.cells[1].text for row in word.tables[0].rows}
    assert facts["种类"] == "个人总结" and facts["作者"] == "陈颖"
    assert facts["学期"] == "2025—2026学年第一学期" and facts["日期"] == "2025年11月5日"
    assert facts["审阅"].startswith("陈思远 · 通过")
    for line in ("一、工作回顾", "本学期我上了一节组内研讨课《秋天》。", "二、不足与改进", "板书设计还要更清楚。"):
        assert line in paragraphs
    comment = paragraphs.index("审阅意见：")
    assert paragraphs[comment + 1] == "总结具体，继续努力。"
    assert any("撰写人签名" in p and "审阅人签名" in p for p in paragraphs[comment:])
    header = " ".join(p.text for p in word.sections[0].header.paragraphs)
    assert "2025—2026学年第一学期" in header
