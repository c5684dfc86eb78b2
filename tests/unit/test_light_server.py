"""Issue 13: the work behind each screen grows with the data once, not once per teacher or
per pairing. These tests count work (calls, rebuilds), never time it."""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from models import mentoring, terms
from models.dashboard import build_dashboard
from models.mentoring import expected_meetings, pairing_days_in_term, progress_of
from models.records import MentorMeeting, Observation, Pairing, Policy, Teacher, Term
from models.store.storage import Store

AUTUMN = Term(term_id="2025-2026-1", name="2025—2026学年第一学期", start="2025-09-01", end="2026-01-23")
D = dt.date


def brute_school_weeks(term: Term, first: dt.date, last: dt.date) -> int:
    """The figure the way it used to be counted: every day asked afresh."""
    weeks = set()
    day = max(first, term.start_date)
    while day <= min(last, term.end_date):
        if terms.is_school_day(term, day):
            weeks.add(terms.week_of(term, day))
        day += dt.timedelta(days=1)
    return len(weeks)


def test_school_weeks_between_agrees_with_asking_every_day():
    closed = AUTUMN.copy(holidays=[f"2025-10-{d:02d}" for d in range(8, 11)] + ["2025-11-03"],
                         workdays=["2025-11-09"])
    for term in (AUTUMN, closed):
        for first in (D(2025, 8, 20), D(2025, 9, 1), D(2025, 9, 30), D(2025, 10, 8), D(2025, 11, 4)):
            for last in (D(2025, 8, 31), D(2025, 10, 1), D(2025, 10, 12), D(2025, 11, 9), D(2026, 3, 1)):
                assert terms.school_weeks_between(term, first, last) == brute_school_weeks(term, first, last)
        assert terms.school_days(term, D(2025, 9, 5)) == [D(2025, 9, d) for d in range(1, 6)]


def test_a_correction_to_the_term_changes_its_school_days_at_once():
    before = terms.school_weeks(AUTUMN)
    week = [f"2025-11-{d:02d}" for d in range(10, 15)]
    assert terms.school_weeks(AUTUMN.copy(holidays=week)) == before - 1
    assert terms.school_weeks(AUTUMN) == before


def test_the_dashboard_asks_the_holiday_library_once_per_day_not_per_teacher(tmp_path, monkeypatch):
    calls = []
    real = chinese_calendar.is_workday

    def counting(day):
        calls.append(day)
        return real(day)

    monkeypatch.setattr(chinese_calendar, "is_workday", counting)
    terms.official_workday.cache_clear()
    terms._term_days.cache_clear()
    store = Store(tmp_path / "school.json", actor="t", create=True)
    with store.transaction() as tx:
        tx.insert(AUTUMN)
        tx.insert_many([Teacher(name=f"教师{n}", joined="2025-10-08" if n % 2 else "") for n in range(120)])
    dashboard = build_dashboard(store, store.all(Term)[0], D(2025, 11, 5))
    assert len(dashboard.teachers) == 120
    assert any(f.expected > 0 for f in dashboard.teachers)
    days_in_term = (AUTUMN.end_date - AUTUMN.start_date).days + 1
    assert 0 < len(calls) <= days_in_term
    assert len(set(calls)) == len(calls)


def brute_progress(pairing, term, meetings, observations, today, policy):
    """progress_of's figures counted over every record, as before the index."""
    first, last = pairing_days_in_term(pairing, term)
    first_iso, last_iso = first.isoformat(), min(last, today).isoformat()
    own = [m for m in meetings if m.pairing_id == pairing.id]
    in_span = [o for o in observations if o.term_id == term.term_id and first_iso <= o.date <= last_iso]
    return (
        sum(1 for m in own if m.term_id == term.term_id and m.date <= today.isoformat()),
        expected_meetings(pairing, term, today, policy),
        sum(1 for o in in_span if (o.observer_id, o.teacher_id) == (pairing.mentor_id, pairing.mentee_id)),
        sum(1 for o in in_span if (o.observer_id, o.teacher_id) == (pairing.mentee_id, pairing.mentor_id)),
        tuple(k for k in mentoring.SHOWCASE_LESSON_TYPES
              if any(o.teacher_id == pairing.mentee_id and o.lesson_type == k and o.term_id == term.term_id
                     and o.date <= today.isoformat() for o in observations)),
    )


def test_pairing_progress_from_the_index_matches_counting_every_record():
    pairings = [Pairing(id=n, mentor_id=n, mentee_id=100 + n, from_term="2025-2026-1",
                        started="2025-09-20" if n % 3 == 0 else "") for n in range(1, 9)]
    meetings = [MentorMeeting(id=k, pairing_id=1 + k % 8, term_id="2025-2026-1" if k % 5 else "2024-2025-2",
                              date=f"2025-{9 + k % 4:02d}-{1 + k % 27:02d}") for k in range(60)]
    observations = []
    for k in range(400):
        mentor = 1 + k % 8
        pair = (mentor, 100 + mentor) if k % 2 else (100 + mentor, mentor)
        observations.append(Observation(
            id=k, observer_id=pair[0], teacher_id=pair[1], term_id="2025-2026-1" if k % 7 else "2024-2025-2",
            date=f"2025-{9 + k % 4:02d}-{1 + k % 27:02d}", lesson_type=("展示课", "研讨课", "常态课")[k % 3]))
    policy, today = Policy(), D(2025, 11, 5)
    for pairing in pairings:
        progress = progress_of(pairing, AUTUMN, meetings, observations, today, policy)
        assert (progress.meetings_held, progress.meetings_expected, progress.mentor_observed,
                progress.mentee_observed, progress.showcase_lessons) == brute_progress(
                    pairing, AUTUMN, meetings, observations, today, policy)
    # A list that grew since (same object, one more record) is counted again, not from the old index.
    observations.append(Observation(id=999, observer_id=1, teacher_id=101, term_id="2025-2026-1", date="2025-09-03"))
    again = progress_of(pairings[0], AUTUMN, meetings, observations, today, policy)
    assert again.mentor_observed == brute_progress(pairings[0], AUTUMN, meetings, observations, today, policy)[2]


def _count_from_dict(monkeypatch, cls):
    calls = []
    real = cls.from_dict.__func__

    def counting(klass, data, record_id=0):
        calls.append(record_id)
        return real(klass, data, record_id)

    monkeypatch.setattr(cls, "from_dict", classmethod(counting))
    return calls


def _school_with_observations(path, count=200) -> Store:
    store = Store(path, actor="t", create=True)
    with store.transaction() as tx:
        tx.insert(AUTUMN)
        a, b = tx.insert_many([Teacher(name="甲"), Teacher(name="乙")])
        tx.insert_many([Observation(term_id=AUTUMN.term_id, date="2025-10-16", period=1 + n % 7, observer_id=a.id,
                                    teacher_id=b.id, topic=f"第{n}课") for n in range(count)])
    return store


def test_a_save_keeps_the_other_records_as_they_were_read(tmp_path, monkeypatch):
    from models.observations import save_observation

    store = _school_with_observations(tmp_path / "school.json")
    before = store.all(Observation)
    calls = _count_from_dict(monkeypatch, Observation)
    saved = save_observation(store, Observation(term_id=AUTUMN.term_id, date="2025-10-17", period=2,
                                                observer_id=1, teacher_id=2, topic="新课"))
    after = store.all(Observation)
    assert len(calls) <= 2  # the new record, not the 200 others again
    assert [o.topic for o in after] == [o.topic for o in before] + ["新课"]
    assert all(x is y for x, y in zip(before, after))
    changed = save_observation(store, saved.copy(topic="改过的课"))
    assert store.get(Observation, saved.id).topic == "改过的课" and store.get(Observation, saved.id).version == 2
    with store.transaction() as tx:
        tx.delete(changed)
    assert store.get(Observation, saved.id) is None
    assert len(store.all(Observation)) == len(before)
    assert store.all(Observation) == Store(store.path).all(Observation)  # as a fresh reader sees the file


def test_after_another_session_saved_only_what_changed_is_read_again(tmp_path, monkeypatch):
    store = _school_with_observations(tmp_path / "school.json")
    store.all(Observation)
    other = Store(store.path, actor="t")
    target = other.all(Observation)[5]
    with other.transaction() as tx:
        tx.update(target.copy(topic="另一个会话改的"))
    calls = _count_from_dict(monkeypatch, Observation)
    assert store.refresh()
    assert store.get(Observation, target.id).topic == "另一个会话改的"
    assert len(calls) == 1
    # A hand edit that keeps the version is seen too: records are compared by what is stored.
    import json

    data = json.loads(store.path.read_text(encoding="utf-8"))
    data["observations"][str(target.id + 1)]["topic"] = "手改"
    store.path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert store.get(Observation, target.id + 1).topic == "手改"


def _fresh_python(script: str) -> str:
    """What ``script`` prints, run by a new interpreter in the project (nothing imported yet)."""
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    return result.stdout.strip()


def test_names_are_read_without_loading_the_phrase_dictionary():
    """pypinyin's import loads its 56 MB phrase dictionary; names are read from its
    single-character table, so a session that only sorts and finds names never imports it."""
    script = ("import sys\n"
              "from models.pinyin import full_pinyin, initials, name_syllables\n"
              "assert full_pinyin('张三') == 'zhangsan' and initials('曾思远') == 'zsy'\n"
              "assert name_syllables('吕绿') == ('lv', 'lv') and name_syllables('[bold]x') == ('[bold]x',)\n"
              "print('pypinyin' in sys.modules)\n")
    assert _fresh_python(script) == "False"


def test_the_palette_finds_words_read_as_phrases_without_the_phrase_dictionary():
    """The palette reads each character every way it can be read: chongxin finds 重新,
    yinyue 音乐 and yinhang 银行 (the characters' first readings are zhong, yin·le, xing),
    and pypinyin (56 MB with its phrase dictionary) is never imported."""
    script = ("import sys\n"
              "from tui.palette import match_score\n"
              "assert match_score('chongxin', '重新生成') and match_score('cxsc', '重新生成')\n"
              "assert match_score('yinyue', '音乐组') and match_score('yinhang', '银行卡')\n"
              "assert match_score('xxq', '新学期') and not match_score('xxq', '学期设置')\n"
              "print('pypinyin' in sys.modules)\n")
    assert _fresh_python(script) == "False"


def test_the_calendar_reads_an_archived_term_only_when_a_day_of_it_is_shown(demo_store, monkeypatch):
    import datetime as dt

    from models.records import Activity
    from models.store import archive
    from models.store.archive import ArchiveView, close_term
    from screens.calendar.common import CalendarData

    previous = next(x for x in demo_store.all(Term) if x.end < "2025-09-01")
    held = [a for a in demo_store.all(Activity) if a.term_id == previous.term_id]
    close_term(demo_store, previous.term_id, today=D(2025, 11, 5))
    reads = []
    real = archive.archived_records
    monkeypatch.setattr(archive, "archived_records", lambda *a: (reads.append(a[1]), real(*a))[1])
    data = CalendarData.load(demo_store)
    assert reads == [] and all(a.term_id != previous.term_id for a in data.activities)
    day = held[0].date
    shown = data.by_day.get(day, [])
    assert reads == [previous.term_id]
    assert {a.id for a in shown} == {a.id for a in held if a.date == day}
    data.by_day.get(held[-1].date, [])
    assert reads == [previous.term_id]  # read once
    everything = CalendarData.load(demo_store)
    everything.read_archived_since(previous.start_date - dt.timedelta(days=1))
    assert sorted(a.id for a in everything.activities) == sorted(a.id for a in ArchiveView(demo_store).all(Activity))
