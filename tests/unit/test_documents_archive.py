"""Closing a term takes its documents, hand-ins, required reading and 集体备课 with it into
the term's archive (issue 17), and they stay readable: the documents list of that term, a
document by id (`jiaoyan doc show`), the hand-ins and the group's binder."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from models import documents as docs
from models import prep
from models.errors import PermissionDenied
from models.permissions import check_change, teacher_by_login
from models.records import Group, HandIn, PrepPlan, Reading, Term
from models.store.archive import archived_records, close_term, view_for
from models.store.storage import Store

PREVIOUS = "2024-2025-2"
TODAY = dt.date(2025, 11, 5)


def _hand_in(demo_db, login, kind, body, group_id=0):
    store = Store(demo_db, actor=login, guard=check_change)
    me = teacher_by_login(store, login)
    draft = docs.save_document(store, docs.new_document(store, me, kind=kind, term_id=PREVIOUS,
                                                        group_id=group_id, body=body))
    return docs.submit(store, me, draft)


def test_closing_a_term_archives_its_documents_and_they_stay_readable(demo_db, monkeypatch, capsys):
    store = Store(demo_db, actor="tester")
    group = next(g for g in store.all(Group) if g.name == "语文教研组")
    plan = _hand_in(demo_db, "tester", "教研计划", "上学期的计划正文", group.id)
    summary = _hand_in(demo_db, "chenying", "个人总结", "陈颖的上学期总结")
    with store.transaction() as tx:
        tx.insert(HandIn(term_id=PREVIOUS, kind="教研计划", audience="research_groups", due="2025-03-07"))
        tx.insert(Reading(term_id=PREVIOUS, title="《给教师的建议》"))
    prep_group = next(g for g in store.all(Group) if g.kind == "prep")
    previous = next(x for x in store.all(Term) if x.term_id == PREVIOUS)
    prep.schedule(store, previous, prep_group, ["识字一"], first_week=3)

    moved = close_term(store, PREVIOUS, today=TODAY)
    assert moved["documents"] == 2 and moved["handins"] == 1 and moved["readings"] == 1 and moved["prep_plans"] == 1

    reopened = Store(demo_db, actor="tester")
    for cls in (docs.Document, HandIn, Reading, PrepPlan):
        assert not [r for r in reopened.all(cls) if r.term_id == PREVIOUS], cls  # out of the data file
        assert archived_records(demo_db, PREVIOUS, cls), cls  # into the archive
    admin = teacher_by_login(reopened, "tester")
    chenying = teacher_by_login(reopened, "chenying")
    titles = {d.id for d in docs.visible_documents(reopened, admin, PREVIOUS)}
    assert {plan.id, summary.id} <= titles
    # the visibility rule holds in the archive too: 陈颖 reads her own, not the group plan's review
    assert docs.get_document(reopened, summary.id).body == "陈颖的上学期总结"
    assert summary.id in {d.id for d in docs.visible_documents(reopened, chenying, PREVIOUS)}
    term = next(x for x in reopened.all(Term) if x.term_id == PREVIOUS)
    assert [h.kind for h in docs.handins_for(reopened, term)] == ["教研计划"]
    assert [r.title for r in docs.readings_of(reopened, PREVIOUS)] == ["《给教师的建议》"]
    plan_after = prep.plan_for(reopened, PREVIOUS, prep_group.id)
    assert plan_after is not None
    activity_id = plan_after.units[0].get("activity_id")
    assert activity_id  # the week's prep meeting, archived with the term, still says what it discussed
    assert prep.units_for_activity(reopened, activity_id, PREVIOUS)[0][1]["title"] == "识字一"
    assert not prep.units_for_activity(reopened, activity_id)  # the data file alone no longer has it
    # the dashboard of the closed term still knows the group plan was handed in
    assert not any(d.kind == "教研计划" and d.group_id == group.id
                   for d in docs.due_lines(view_for(reopened, term), term, TODAY))

    from models.exports.activity_record import group_binder_docx

    binder = docx.Document(io.BytesIO(group_binder_docx(view_for(reopened, term), term, group)))
    assert "上学期的计划正文" in [p.text for p in binder.paragraphs]

    from tui import cli

    monkeypatch.setattr("models.identity.os_login", lambda: "chenying")
    assert cli.main(["doc", "show", str(summary.id), "--db", str(demo_db)]) == 0
    assert "陈颖的上学期总结" in capsys.readouterr().out


def test_the_office_closes_a_term_through_the_checked_store_with_a_teachers_draft_in_it(demo_db):
    """The guarded store (every session's) let only a document's author delete it, so closing
    a term holding any teacher's document was refused: moving into the archive is the
    office's term close, not a deletion of someone's work. A teacher still may not."""
    chenying_store = Store(demo_db, actor="chenying", guard=check_change)
    chenying = teacher_by_login(chenying_store, "chenying")
    draft = docs.save_document(chenying_store, docs.new_document(chenying_store, chenying, kind="个人总结",
                                                                  term_id=PREVIOUS, body="草稿"))
    with pytest.raises(PermissionDenied):
        close_term(chenying_store, PREVIOUS, today=TODAY)
    assert [d.id for d in Store(demo_db, actor="tester").all(docs.Document) if d.term_id == PREVIOUS] == [draft.id]

    office = Store(demo_db, actor="tester", guard=check_change)
    moved = close_term(office, PREVIOUS, today=TODAY)
    assert moved["documents"] == 1
    assert [d.body for d in archived_records(demo_db, PREVIOUS, docs.Document)] == ["草稿"]
    assert not [d for d in Store(demo_db, actor="tester").all(docs.Document) if d.term_id == PREVIOUS]
