"""Counting forward in working days (lag 1930:173's calendar): the inverse of
``working_days_between``."""

import datetime

import pytest

from core.workdays import add_working_days, working_days_between

day = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (day(2020, 3, 27), 0, day(2020, 3, 27)),
        (day(2020, 3, 27), 1, day(2020, 3, 30)),  # Friday -> Monday
        (day(2020, 4, 9), 1, day(2020, 4, 14)),  # over Easter 2020
        (day(2020, 12, 23), 5, day(2021, 1, 5)),  # over jul and nyår
        (day(2021, 6, 24), 1, day(2021, 6, 28)),  # midsommarafton 25 June
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected
    assert working_days_between(start, expected) == days
