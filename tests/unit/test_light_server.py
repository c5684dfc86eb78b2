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
