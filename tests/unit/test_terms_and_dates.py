"""Term arithmetic, holidays, and dates and periods as staff type them."""

import datetime as dt

import pytest

from models.dates import BadInput, format_date, format_period, parse_date, parse_period
from models.pace import behind_pace, expected_by_week
from models.records import Policy, Term
from models.terms import (
    archived_ids, calendar_covers, current_term, is_archived, is_archived_term, is_makeup_workday, is_school_day,
    school_weeks_passed, term_by_id, term_of, week_of, weeks_in,
)

AUTUMN = Term(term_id="2025-2026-1", name="2025—2026学年第一学期", start="2025-09-01", end="2026-01-23")
SPRING = Term(term_id="2025-2026-2", name="2025—2026学年第二学期", start="2026-03-02", end="2026-07-10")
D = dt.date


def test_week_numbers_start_on_the_monday_of_the_first_week():
    assert week_of(AUTUMN, D(2025, 9, 1)) == 1
    assert week_of(AUTUMN, D(2025, 9, 7)) == 1
    assert week_of(AUTUMN, D(2025, 9, 8)) == 2
    assert week_of(AUTUMN, D(2025, 10, 16)) == 7
    midweek_start = AUTUMN.copy(start="2025-09-03")  # a Wednesday: week 1 still starts on Monday 1 Sep
    assert week_of(midweek_start, D(2025, 9, 8)) == 2
    assert weeks_in(AUTUMN) == 21


def test_a_term_by_its_id_and_whether_it_is_closed():
    closed = AUTUMN.copy(status="archived")
    terms = [closed, SPRING]
    assert term_by_id(terms, "2025-2026-2") is SPRING
    assert term_by_id(terms, "2024-2025-1") is None and term_by_id(terms, "") is None
    assert is_archived(closed) and not is_archived(SPRING) and not is_archived(None)
    assert is_archived_term(terms, "2025-2026-1") and not is_archived_term(terms, "2025-2026-2")
    assert not is_archived_term(terms, "2024-2025-1") and not is_archived_term(terms, "")
    assert archived_ids(terms) == ["2025-2026-1"] and archived_ids([SPRING]) == []


def test_term_of_a_date_and_current_term_between_terms():
    terms = [AUTUMN, SPRING]
    assert term_of(terms, D(2025, 10, 16)) is AUTUMN
    assert term_of(terms, D(2026, 2, 10)) is None
    assert current_term(terms, D(2026, 2, 10)) is AUTUMN  # winter break: the term that just ended
    assert current_term(terms, D(2025, 8, 1)) is AUTUMN  # before any term: the first one


def test_national_day_and_its_makeup_days():
    assert not is_school_day(AUTUMN, D(2025, 10, 1))
    assert not is_school_day(AUTUMN, D(2025, 10, 8))
    assert is_school_day(AUTUMN, D(2025, 9, 28))  # Sunday make-up workday
    assert is_makeup_workday(AUTUMN, D(2025, 10, 11))  # Saturday make-up workday
    assert not is_school_day(AUTUMN, D(2025, 10, 12))
    assert is_school_day(AUTUMN, D(2025, 10, 16))
    assert not is_school_day(AUTUMN, D(2025, 8, 29))  # outside the term


def test_admin_overrides_closed_days_and_makeup_days():
    term = AUTUMN.copy(holidays=["2025-10-16"], workdays=["2025-10-19"], not_holidays=["2025-10-08"])
    assert not is_school_day(term, D(2025, 10, 16))
    assert is_school_day(term, D(2025, 10, 19))
    assert is_school_day(term, D(2025, 10, 8))


def test_a_year_the_calendar_does_not_cover_falls_back_to_weekdays_and_manual_holidays():
    assert not calendar_covers(2099)
    future = Term(term_id="2099-2100-1", name="x", start="2099-09-01", end="2100-01-20", holidays=["2099-10-01"])
    assert is_school_day(future, D(2099, 9, 30))  # a Wednesday
    assert not is_school_day(future, D(2099, 10, 1))  # entered by hand
    assert not is_school_day(future, D(2099, 10, 3))  # a Saturday


def test_school_weeks_passed_skips_a_closed_week():
    # Week 6 (29 Sep – 5 Oct 2025) still has 29 and 30 Sep; a term closed a whole week has one less.
    assert school_weeks_passed(AUTUMN, D(2025, 10, 16)) == 7
    closed = AUTUMN.copy(holidays=[f"2025-09-{d:02d}" for d in range(29, 31)])
    assert school_weeks_passed(closed, D(2025, 10, 16)) == 6


@pytest.mark.parametrize("text,expected", [
    ("2025-10-16", D(2025, 10, 16)), ("10-16", D(2025, 10, 16)), ("10/16", D(2025, 10, 16)),
    ("2025/10/16", D(2025, 10, 16)), ("10月16日", D(2025, 10, 16)), ("今天", D(2025, 11, 5)),
    ("昨天", D(2025, 11, 4)), ("明天", D(2025, 11, 6)), ("-1", D(2025, 11, 4)), ("+3", D(2025, 11, 8)),
    (" 前天 ", D(2025, 11, 3)),
])
def test_date_field_accepts_what_staff_type(text, expected):
    assert parse_date(text, D(2025, 11, 5)) == expected


@pytest.mark.parametrize("text,word", [("", "请填写日期"), ("2025-02-30", "没有"), ("下周", "看不懂")])
def test_bad_dates_say_what_to_type(text, word):
    with pytest.raises(BadInput, match=word):
        parse_date(text, D(2025, 11, 5))


def test_dates_and_periods_display_as_the_school_writes_them():
    assert format_date("2025-10-16", [AUTUMN]) == "2025-10-16 周四 · 第7周"
    assert format_date(D(2026, 2, 10), [AUTUMN]) == "2026-02-10 周二"
    policy = Policy()
    assert format_period(6, policy) == "下午第2节"
    assert format_period(1, policy) == "上午第1节"
    assert parse_period("下午2", policy) == 6
    assert parse_period("下午第2节", policy) == 6
    assert parse_period("6", policy) == 6
    assert parse_period("上午4", policy) == 4
    for bad in ("8", "下午4", "第二节课", ""):
        with pytest.raises(BadInput):
            parse_period(bad, policy)


def test_pace_expected_by_week():
    assert expected_by_week(10, 0, 20) == 0
    assert expected_by_week(10, 1, 20) == 0
    assert expected_by_week(10, 10, 20) == 5
    assert expected_by_week(10, 20, 20) == 10
    assert expected_by_week(30, 25, 20) == 30
    assert behind_pace(4, 10, 10, 20) and not behind_pace(5, 10, 10, 20)
