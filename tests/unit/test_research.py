"""课题 and 学时 (issue 18): stages and their overdue flag, hours from attendance and
outside training, the old data file that knows neither."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from models import research
from models.dashboard import build_dashboard
from models.records import Activity, Policy, Project, Teacher, Term, Training
from models.store.archive import ArchiveView, close_term
from models.store.storage import Store


def _teacher(store, login):
    return next(x for x in store.all(Teacher) if x.login == login)


def test_a_new_project_has_four_stages_and_an_overdue_one_reaches_the_dashboard(demo_store):
    host = _teacher(demo_store, "chensiyuan")
    project = research.new_project(number="区2025-017", title="作业设计研究", level="区级", host_id=host.id,
                                   member_ids=[host.id, 5, 5], start="2025-03-01", planned_end="2027-06-30")
    assert [s["name"] for s in project.stages] == ["立项", "开题", "中期", "结题"]
    assert project.member_ids == [5]  # the host is not also a member; no one twice
    assert [s["date"] for s in project.stages] == ["2025-03-01", "2025-04-30", "2026-04-30", "2027-06-30"]
    saved = research.save_project(demo_store, research.mark_stage(project, "立项", True, dt.date(2025, 3, 1)))
    term = next(x for x in demo_store.all(Term) if x.term_id == "2025-2026-1")
    dash = build_dashboard(ArchiveView(demo_store, []), term, dt.date(2025, 11, 5))
    assert [(p.id, s["name"]) for p, s in dash.attention.stages_overdue] == [(saved.id, "开题")]
    # Done: no longer flagged.
    research.save_project(demo_store, research.mark_stage(demo_store.get(Project, saved.id), "开题", True,
                                                          dt.date(2025, 11, 5)))
    dash = build_dashboard(ArchiveView(demo_store, []), term, dt.date(2025, 11, 5))
    assert dash.attention.stages_overdue == []


def test_a_bad_project_is_refused_with_a_sentence():
    with pytest.raises(research.ResearchInputError) as refused:
        research.new_project(number="", title=" ", level="乡级", host_id=0, member_ids=[], start="2025-13-01")
    assert "标题" in str(refused.value) and "主持人" in str(refused.value)


def test_hours_from_attendance_count_the_period_length_of_the_policy(demo_store):
    term = next(x for x in demo_store.all(Term) if x.term_id == "2025-2026-1")
    teacher = _teacher(demo_store, "zhangmin")
    policy = demo_store.policy()
    held = [a for a in demo_store.all(Activity) if a.term_id == term.term_id and a.status == "held"
            and a.attendance.get(str(teacher.id)) == "present"]
    assert held, "the demo has activities the teacher attended"
    figures = research.teacher_hours(demo_store, term, teacher, dt.date(2025, 11, 5))
    assert figures.term_hours == pytest.approx(len(held))  # 40-minute periods, 40 minutes a 学时
    # A school whose 学时 is 45 minutes counts each 40-minute period as 0.89.
    with demo_store.transaction() as tx:
        tx.update(policy.copy(study_hour_minutes=45))
    figures = research.teacher_hours(demo_store, term, teacher, dt.date(2025, 11, 5))
    assert figures.term_hours == pytest.approx(round(len(held) * round(40 / 45, 2), 2))
    # A half-day lecture with its own length counts that length for each who was there.
    lecture = held[0]
    with demo_store.transaction() as tx:
        tx.update(lecture.copy(study_hours=3.0))
    after = research.teacher_hours(demo_store, term, teacher, dt.date(2025, 11, 5))
    assert after.term_hours == pytest.approx(figures.term_hours - round(40 / 45, 2) + 3)
    # Absent or on leave: nothing.
    someone_absent = next((a for a in demo_store.all(Activity) if a.status == "held"
                           and "absent" in a.attendance.values()), None)
    if someone_absent is not None:
        absent_id = int(next(k for k, v in someone_absent.attendance.items() if v == "absent"))
        lines = research.hours_lines(demo_store, absent_id, [someone_absent.term_id])
        assert someone_absent.id not in {x.record_id for x in lines if x.source == "activity"}


def test_outside_training_adds_hours_and_is_flagged_until_reported(demo_store):
    term = next(x for x in demo_store.all(Term) if x.term_id == "2025-2026-1")
    teacher = _teacher(demo_store, "zhangmin")
    before = research.teacher_hours(demo_store, term, teacher, dt.date(2025, 11, 5))
    training = research.new_training(demo_store, teacher_id=teacher.id, title="省级骨干培训", place="杭州",
                                     start="2025-10-20", end="2025-10-22", hours=12, remote=True,
                                     report_back="汇报课")
    assert training.term_id == "2025-2026-1"
    with demo_store.transaction() as tx:
        saved = tx.insert(training)
    with demo_store.transaction() as tx:
        tx.update(demo_store.policy().copy(remote_hours_per_term=6))
    after = research.teacher_hours(demo_store, term, teacher, dt.date(2025, 11, 5))
    assert after.term_hours == pytest.approx(before.term_hours + 12)
    assert after.year_hours == pytest.approx(before.year_hours + 12)
    assert (after.remote_term, after.remote_short) == (12, False)
    assert [x.id for x in after.reports_owed] == [saved.id]
    with demo_store.transaction() as tx:
        tx.update(saved.copy(reported_on="2025-11-04"))
    assert research.teacher_hours(demo_store, term, teacher, dt.date(2025, 11, 5)).reports_owed == []
    with pytest.raises(research.ResearchInputError):
        research.new_training(demo_store, teacher_id=teacher.id, title="x", place="", start="2030-01-01",
                              end="", hours=3)


def test_year_hours_count_an_archived_first_term(demo_db):
    store = Store(demo_db, actor="tester")
    first = next(x for x in store.all(Term) if x.term_id == "2025-2026-1")
    teacher = _teacher(store, "zhangmin")
    in_first = research.teacher_hours(store, first, teacher, first.end_date).term_hours
    assert in_first > 0
    with store.transaction() as tx:
        second = tx.insert(Term(term_id="2025-2026-2", name="第二学期", start="2026-03-02", end="2026-07-10"))
        tx.insert(Training(teacher_id=teacher.id, term_id="2025-2026-2", title="暑期培训", start="2026-04-01",
                           end="2026-04-01", hours=6))
    close_term(store, "2025-2026-1", today=dt.date(2026, 3, 10))
    assert not [a for a in store.all(Activity) if a.term_id == "2025-2026-1"]
    view = ArchiveView(store, ["2025-2026-1", "2025-2026-2"])
    figures = research.teacher_hours(view, second, teacher, dt.date(2026, 4, 2))
    assert (figures.term_hours, figures.year_hours) == (6, pytest.approx(in_first + 6))


def test_an_old_data_file_without_projects_or_hours_still_loads(demo_db):
    data = json.loads(demo_db.read_text(encoding="utf-8"))
    for table in ("projects", "trainings"):
        data.pop(table, None)
    for doc in data["policy"].values():
        for key in ("study_hours_per_year", "remote_hours_per_term", "study_hour_minutes", "requirements"):
            doc.pop(key, None)
    demo_db.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    store = Store(demo_db, actor="tester")
    assert store.all(Project) == [] and store.all(Training) == []
    policy = store.policy()
    assert (policy.study_hours_per_year, policy.study_hour_minutes, policy.requirements) == (72.0, 40, [])
    assert isinstance(policy, Policy) and not policy.validate()


def test_a_report_owed_after_training_is_on_the_dashboard_until_given(demo_store):
    from models.dashboard_text import attention_lines

    term = next(x for x in demo_store.all(Term) if x.term_id == "2025-2026-1")
    teacher = _teacher(demo_store, "zhangmin")
    with demo_store.transaction() as tx:
        saved = tx.insert(research.new_training(demo_store, teacher_id=teacher.id, title="省级骨干培训", place="杭州",
                                                start="2025-10-20", end="", hours=12, report_back="汇报课"))
    dash = build_dashboard(ArchiveView(demo_store, []), term, dt.date(2025, 11, 5))
    names = {x.id: x.name for x in demo_store.all(Teacher)}
    lines = [line for kind, line, _ in attention_lines(dash, names) if kind == "report_owed"]
    assert lines == ["张敏 外出学习《省级骨干培训》后待汇报课"]
    with demo_store.transaction() as tx:
        tx.update(saved.copy(reported_on="2025-11-04"))
    assert build_dashboard(ArchiveView(demo_store, []), term, dt.date(2025, 11, 5)).attention.reports_owed == []


def test_the_yearly_target_is_paced_over_both_terms_even_before_the_second_is_set_up(demo_store):
    first = next(x for x in demo_store.all(Term) if x.term_id == "2025-2026-1")
    end_of_first = research.year_expected(72, [first], first.end_date)
    assert end_of_first == 36  # half the year's target by the end of the first term
    second = Term(term_id="2025-2026-2", name="第二学期", start="2026-03-02", end="2026-07-10")
    assert research.year_expected(72, [first, second], second.end_date) == 72


def test_editing_a_project_moves_only_stages_still_planned_and_refuses_a_taken_number(demo_store):
    host = _teacher(demo_store, "zhangmin")
    first = research.save_project(demo_store, research.new_project(
        number="A-1", title="甲", level="校级", host_id=host.id, member_ids=[], start="2025-03-01",
        planned_end="2027-06-30"))
    research.save_project(demo_store, research.new_project(
        number="A-2", title="乙", level="校级", host_id=host.id, member_ids=[], start="2025-03-01"))
    done = research.mark_stage(first, "立项", True, dt.date(2025, 3, 1))
    changed = research.edit_project(done, start="2025-04-01", planned_end="2027-12-31", member_ids=[host.id])
    assert [s["date"] for s in changed.stages] == ["2025-03-01", "2025-04-30", done.stages[2]["date"], "2027-12-31"]
    assert changed.member_ids == [] and research.kept_done_stages(done, changed) == ["立项"]
    with pytest.raises(research.ResearchInputError, match="结束日期早于开始日期"):
        research.edit_project(done, planned_end="2024-01-01")
    with pytest.raises(research.ResearchInputError, match="另一个课题"):
        research.save_project(demo_store, research.edit_project(demo_store.get(Project, first.id), number="A-2"))
    assert demo_store.get(Project, first.id).number == "A-1"
    research.save_project(demo_store, research.edit_project(demo_store.get(Project, first.id), title="甲二"))
    assert demo_store.get(Project, first.id).title == "甲二"  # its own number is not a clash
