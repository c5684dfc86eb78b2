"""Documents (issue 17): due dates from the seed rules, the states, who may do what seen
from three users' sides, and the 主备人 rotation of 集体备课 — on the demo school."""

from __future__ import annotations

import datetime as dt

import pytest

from models import documents as docs
from models.documents import Document, HandIn, Reading
from models.permissions import PermissionDenied
from models.prep import PrepPlan, add_comment, assign_leads, schedule
from models.records import Group, Term
from models.store.storage import Store, ValidationFailed
from models.permissions import check_change

TODAY = dt.date(2025, 11, 5)


def store_as(demo_db, login: str) -> Store:
    return Store(demo_db, actor=login, guard=check_change)


def teacher(store, login):
    from models.permissions import teacher_by_login

    return teacher_by_login(store, login)


def group(store, name) -> Group:
    return next(g for g in store.all(Group) if g.name == name)


def term(store) -> Term:
    return next(x for x in store.all(Term) if x.term_id == "2025-2026-1")


def write(store, login, kind, body="第一段\n第二段", group_id=0) -> Document:
    me = teacher(store, login)
    draft = docs.new_document(store, me, kind=kind, term_id="2025-2026-1", group_id=group_id, body=body)
    return docs.save_document(store, draft)


# -- due dates ---------------------------------------------------------------------------------


def test_default_hand_ins_follow_the_seed_rules(demo_store):
    the_term = term(demo_store)  # 2025-09-01 (Mon) … 2026-01-22, 21 weeks
    handins = {h.kind: h for h in docs.handins_for(demo_store, the_term)}
    assert handins["教研计划"].due == "2025-09-12"  # Friday of week 2
    assert handins["教研计划"].audience == "research_groups"
    assert handins["教研总结"].due == handins["个人总结"].due == "2026-01-22"  # the last week, capped at the end
    assert handins["学习心得"].due == "2025-11-07"  # Friday of week 10 of 21 (mid-term)
    assert handins["教学设计"].audience == "research_lessons"


def test_dues_overdue_soon_and_handed_in(demo_db):
    store = store_as(demo_db, "chensiyuan")
    the_term = term(store)
    lines = docs.due_lines(store, the_term, TODAY)
    plans = [d for d in lines if d.kind == "教研计划"]
    assert {d.label for d in plans} >= {"语文教研组 教研计划", "数学教研组 教研计划"}
    assert all(d.status(TODAY) == "overdue" for d in plans)  # due 09-12
    notes = [d for d in lines if d.kind == "学习心得"]
    assert notes and all(d.status(TODAY) == "soon" for d in notes)  # due 11-07, two days away
    assert docs.due_line_text(plans[0], TODAY).startswith("逾期 54 天：")
    # The summaries are not due yet, so they are not attention lines.
    assert not [d for d in lines if d.kind in ("教研总结", "个人总结")]

    # chenying hands in her 学习心得: her line goes, a draft alone does not count.
    chenying = store_as(demo_db, "chenying")
    me = teacher(chenying, "chenying")
    draft = write(chenying, "chenying", "学习心得")
    mine = [d for d in docs.due_lines(chenying, the_term, TODAY, teacher_id=me.id) if d.kind == "学习心得"]
    assert len(mine) == 1 and mine[0].document_id == draft.id
    docs.submit(chenying, me, draft)
    assert not [d for d in docs.due_lines(chenying, the_term, TODAY, teacher_id=me.id) if d.kind == "学习心得"]


def test_lesson_designs_are_due_on_each_research_lesson(demo_store):
    the_term = term(demo_store)
    lessons = docs.research_lessons(demo_store, the_term)
    assert lessons, "the demo has 研讨课"
    designs = [d for d in docs.dues(demo_store, the_term) if d.kind == "教学设计"]
    assert len(designs) == len(lessons)
    assert {(d.teacher_id, d.due) for d in designs} == set(lessons)


def test_admin_sets_the_terms_hand_ins(demo_db):
    admin = store_as(demo_db, "tester")
    the_term = term(admin)
    stored = docs.adopt_defaults(admin, the_term)
    assert len(stored) == 5 and all(h.id for h in stored)
    with admin.transaction() as tx:
        tx.insert(HandIn(term_id=the_term.term_id, kind="个人计划", audience="teachers", due="2025-09-19"))
    kinds = [h.kind for h in docs.handins_for(admin, the_term)]
    assert "个人计划" in kinds
    # A teacher may not change what is due.
    teacher_store = store_as(demo_db, "zhangmin")
    with pytest.raises(PermissionDenied, match="教导处"):
        with teacher_store.transaction() as tx:
            tx.delete(stored[0])
    with pytest.raises(ValidationFailed):
        with admin.transaction() as tx:
            tx.insert(HandIn(term_id=the_term.term_id, kind="个人计划", audience="teachers", due="下周"))


# -- states and who may do what ------------------------------------------------------------------


def test_write_submit_return_resubmit_approve_from_three_sides(demo_db):
    """chenying (a teacher) writes; chensiyuan (her 备课组长) reviews; zhangmin (a colleague
    in the 语文教研组, no leader of hers) and the admin may not touch it."""
    author, leader, colleague, office = (store_as(demo_db, x) for x in ("chenying", "chensiyuan", "zhangmin", "tester"))
    me = teacher(author, "chenying")
    draft = write(author, "chenying", "个人总结")
    assert draft.state == "draft" and draft.title == "陈颖2025—2026学年第一学期个人总结"
    assert docs.reviewer_ids(author, draft) == {teacher(author, "chensiyuan").id, teacher(author, "tester").id}

    # Reading: the author, her leaders, the office; not a colleague.
    assert docs.can_read(leader, teacher(leader, "chensiyuan"), draft)
    assert docs.can_read(office, teacher(office, "tester"), draft)
    assert not docs.can_read(colleague, teacher(colleague, "zhangmin"), draft)

    # Nobody edits another's document — not the admin either.
    for other in (colleague, office, leader):
        with pytest.raises(PermissionDenied, match="只有作者本人能修改"):
            with other.transaction() as tx:
                tx.update(draft.copy(body="改过了"))
    # Nobody reviews a draft, and a colleague cannot submit it for her.
    with pytest.raises(PermissionDenied, match="只有作者 陈颖 能提交"):
        docs.submit(colleague, teacher(colleague, "zhangmin"), draft)

    submitted = docs.submit(author, me, draft)
    assert submitted.state == "submitted"
    # Submitted: locked for the author too.
    with pytest.raises(PermissionDenied, match="已提交"):
        with author.transaction() as tx:
            tx.update(submitted.copy(body="再改一下"))
    # The colleague may not review it; the author may not approve her own.
    with pytest.raises(PermissionDenied, match="审阅"):
        docs.approve(colleague, teacher(colleague, "zhangmin"), submitted)
    with pytest.raises(PermissionDenied, match="审阅"):
        docs.approve(author, me, submitted)
    # Returning needs a comment.
    with pytest.raises(docs.DocumentRefused):
        docs.return_document(leader, teacher(leader, "chensiyuan"), submitted, "  ")

    returned = docs.return_document(leader, teacher(leader, "chensiyuan"), submitted, "请补充听课收获")
    assert returned.state == "returned"
    fixed = docs.save_document(author, returned.copy(body=returned.body + "\n听课收获：……"))
    again = docs.submit(author, me, fixed)
    approved = docs.approve(office, teacher(office, "tester"), again, "很好")
    assert approved.state == "approved"
    assert [s["action"] for s in approved.history] == ["submitted", "returned", "submitted", "approved"]
    assert approved.review_comment() == "很好"
    lines = docs.history_lines(office, approved)
    assert "陈思远 退回：请补充听课收获" in lines[1] and "郑娟 通过：很好" in lines[3]

    # Approved is final: not deleted, not edited, the history not rewritten.
    with pytest.raises(PermissionDenied):
        with author.transaction() as tx:
            tx.delete(approved)
    with pytest.raises(PermissionDenied, match="审阅记录"):
        with office.transaction() as tx:
            tx.update(approved.copy(history=approved.history[:1]))


def test_group_documents_are_the_leaders_and_go_to_the_office(demo_db):
    leader, member, office = (store_as(demo_db, x) for x in ("chensiyuan", "chenying", "tester"))
    prep_group = group(leader, "语文1年级备课组")
    # A member may not write the group's plan; its leader may.
    with pytest.raises(PermissionDenied, match="组长"):
        write(member, "chenying", "教研计划", group_id=prep_group.id)
    plan = write(leader, "chensiyuan", "教研计划", group_id=prep_group.id)
    assert plan.title.startswith("语文1年级备课组")
    assert docs.reviewer_ids(leader, plan) == {teacher(leader, "tester").id}  # the office
    # The group reads its documents; another group does not.
    assert docs.can_read(member, teacher(member, "chenying"), plan)
    outsider = store_as(demo_db, "zengsiyuan")
    assert not docs.can_read(outsider, teacher(outsider, "zengsiyuan"), plan)
    # A group document needs its group.
    with pytest.raises(PermissionDenied):
        write(leader, "chensiyuan", "教研总结")


def test_admin_adds_a_kind_and_changes_a_reviewer(demo_db):
    office = store_as(demo_db, "tester")
    with office.transaction() as tx:
        tx.insert(docs.DocumentKind(name="读书笔记", writer="self", reviewer="office"))
        tx.insert(docs.DocumentKind(name="个人总结", writer="self", reviewer="office"))
    names = docs.kind_names(office)
    assert names[:8] == ["教研计划", "教研总结", "个人计划", "个人总结", "学习心得", "教学设计", "共案", "个案"]
    assert "读书笔记" in names
    author = store_as(demo_db, "chenying")
    summary = write(author, "chenying", "个人总结")
    assert docs.reviewer_ids(author, summary) == {teacher(author, "tester").id}
    with pytest.raises(PermissionDenied, match="教导处"):
        with author.transaction() as tx:
            tx.insert(docs.DocumentKind(name="随笔"))


def test_required_reading_is_the_offices_and_notes_point_at_it(demo_db):
    office = store_as(demo_db, "tester")
    with office.transaction() as tx:
        book = tx.insert(Reading(term_id="2025-2026-1", title="给教师的建议", author="苏霍姆林斯基"))
    author = store_as(demo_db, "zhangmin")
    with pytest.raises(PermissionDenied):
        with author.transaction() as tx:
            tx.insert(Reading(term_id="2025-2026-1", title="随便一本"))
    me = teacher(author, "zhangmin")
    note = docs.save_document(author, docs.new_document(author, me, kind="学习心得", term_id="2025-2026-1",
                                                        reading_id=book.id, body="读后感"))
    assert note.reading_id == book.id
    assert [r.title for r in docs.readings_of(author, "2025-2026-1")] == ["给教师的建议"]


# -- 集体备课 --------------------------------------------------------------------------------------


def test_lead_preparers_rotate_fairly_and_hand_set_ones_count():
    prep_group = Group(id=9, name="语文4年级备课组", kind="prep", leader_id=1, member_ids=[1, 2, 3])
    units = [{"uid": n, "title": f"第{n}单元", "lead_id": 0, "lead_fixed": False} for n in range(1, 8)]
    leads = [u["lead_id"] for u in assign_leads(units, prep_group)]
    assert leads == [2, 3, 1, 2, 3, 1, 2]  # everyone before anyone twice; the leader last
    units[0] = {**units[0], "lead_id": 1, "lead_fixed": True}  # the leader takes unit 1 by hand
    leads = [u["lead_id"] for u in assign_leads(units, prep_group)]
    assert leads[0] == 1 and sorted(leads[:3]) == [1, 2, 3] and sorted(leads[3:6]) == [1, 2, 3]


def test_prep_schedule_links_activities_and_members_comment(demo_db):
    leader, member, outsider = (store_as(demo_db, x) for x in ("chensiyuan", "chenying", "zhangmin"))
    prep_group = group(leader, "语文1年级备课组")
    plan = schedule(leader, term(leader), prep_group, ["第一单元 识字", "第二单元 汉语拼音", "第三单元"], first_week=11)
    assert [u["lead_id"] for u in plan.units] == [teacher(leader, "chenying").id, teacher(leader, "liuxinyi").id,
                                                  teacher(leader, "chensiyuan").id]
    assert all(u["activity_id"] for u in plan.units)  # the group's 集体备课 of weeks 11–13
    from models.prep import units_for_activity

    assert units_for_activity(leader, plan.units[0]["activity_id"])[0][1]["title"] == "第一单元 识字"

    # A member comments; may not change the schedule or another's comment.
    with pytest.raises(PermissionDenied, match="备课组长"):
        with member.transaction() as tx:
            tx.update(plan.copy(units=[{**plan.units[0], "lead_id": 0}, *plan.units[1:]]))
    commented = add_comment(member, teacher(member, "chenying"), plan, plan.units[0]["uid"], "识字游戏可以再多一些")
    assert commented.units[0]["comments"][0]["text"] == "识字游戏可以再多一些"
    changed = [{**commented.units[0], "comments": [{**commented.units[0]["comments"][0], "text": "删掉"}]},
               *commented.units[1:]]
    for other in (leader, outsider):
        with pytest.raises(PermissionDenied):
            with other.transaction() as tx:
                tx.update(commented.copy(units=changed))

    # The 主备人 writes the 共案 for the group; a member writes their 个案 against the unit.
    lead = teacher(member, "chenying")
    shared = docs.save_document(member, docs.new_document(
        member, lead, kind="共案", term_id="2025-2026-1", group_id=prep_group.id, prep_id=plan.id,
        prep_unit=plan.units[0]["uid"], body="教学目标……"))
    assert shared.group_id == prep_group.id
    # The 共案 goes to the 备课组长 (and the 教研组长 above), not to its author.
    assert docs.reviewer_ids(member, shared) == {teacher(member, "chensiyuan").id, teacher(member, "tester").id}
    other = store_as(demo_db, "liuxinyi")
    own = docs.save_document(other, docs.new_document(
        other, teacher(other, "liuxinyi"), kind="个案", term_id="2025-2026-1", group_id=prep_group.id,
        prep_id=plan.id, prep_unit=plan.units[0]["uid"], body="我的调整……"))
    # The 备课组 reads each other's 集体备课 papers.
    assert docs.can_read(member, lead, own)
    assert not docs.can_read(outsider, teacher(outsider, "zhangmin"), own)
    assert PrepPlan.TABLE == "prep_plans"


def test_text_from_docx_txt_and_gbk(tmp_path):
    import docx

    path = tmp_path / "计划.docx"
    word = docx.Document()
    word.add_paragraph("一、指导思想")
    word.add_paragraph("以课堂为主阵地，")
    table = word.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "周次", "内容"
    word.add_paragraph("二、工作目标")
    word.save(path)
    text = docs.text_from_file(path)
    assert text.splitlines() == ["一、指导思想", "以课堂为主阵地，", "周次\t内容", "二、工作目标"]
    gbk = tmp_path / "心得.txt"
    gbk.write_bytes("读书心得\r\n第二行".encode("gbk"))
    assert docs.text_from_file(gbk) == "读书心得\n第二行"
    with pytest.raises(docs.DocumentRefused, match=r"\.docx"):
        docs.text_from_file(tmp_path / "x.pdf")
    broken = tmp_path / "坏.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(docs.DocumentRefused, match="不是完好的"):
        docs.text_from_file(broken)
