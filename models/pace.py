"""Pace through a term: how many of a quota should be done by a given week."""

from __future__ import annotations

import math


def expected_by_week(quota: int, week: int, weeks: int) -> int:
    """quota × week / weeks, rounded down, within 0 … quota."""
    if weeks <= 0 or quota <= 0:
        return 0
    week = max(0, min(week, weeks))
    return min(quota, math.floor(quota * week / weeks))


def behind_pace(done: int, quota: int, week: int, weeks: int) -> bool:
    return done < expected_by_week(quota, week, weeks)
