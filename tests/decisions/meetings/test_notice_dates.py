"""Anslagstavla: posting within two days of justering; appeal period three weeks from
posting, moved past weekends and holidays; removal the day after. Month and year ends."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from decisions.meetings import notice_dates as notices
from decisions.meetings import services as svc

D = datetime.date


@pytest.mark.parametrize(
    ("posted", "appeal_end", "removed"),
    [
        (D(2020, 3, 24), D(2020, 4, 14), D(2020, 4, 15)),  # the seed meeting's justering
        (D(2020, 1, 31), D(2020, 2, 21), D(2020, 2, 22)),  # across a month end
        (D(2020, 2, 10), D(2020, 3, 2), D(2020, 3, 3)),  # leap year: 2 March is a Monday
        (D(2021, 2, 10), D(2021, 3, 3), D(2021, 3, 4)),  # not a leap year
        (D(2020, 12, 15), D(2021, 1, 5), D(2021, 1, 6)),  # across a year end
        # 31 Dec 2020 is nyårsafton, 1 Jan a holiday, 2-3 Jan a weekend -> Monday 4 Jan
        (D(2020, 12, 10), D(2021, 1, 4), D(2021, 1, 5)),
        # 6 Jan 2021 (trettondedag jul) is a Wednesday -> Thursday 7 Jan
        (D(2020, 12, 16), D(2021, 1, 7), D(2021, 1, 8)),
        # 3 weeks after Saturday 2021-05-08 is Saturday 29 May -> Monday 31 May
        (D(2021, 5, 8), D(2021, 5, 31), D(2021, 6, 1)),
        # midsommarafton 2021 is Friday 25 June -> Monday 28 June
        (D(2021, 6, 4), D(2021, 6, 28), D(2021, 6, 29)),
        # långfredagen 2021 is 2 April, annandag påsk 5 April -> Tuesday 6 April
        (D(2021, 3, 12), D(2021, 4, 6), D(2021, 4, 7)),
    ],
)
def test_appeal_period_and_removal(posted, appeal_end, removed):
    assert notices.appeal_end_date(posted) == appeal_end
    assert notices.removal_date(posted) == removed


def test_posting_deadline_is_the_second_day_after_signing_moved_past_non_working_days():
    assert notices.posting_deadline(D(2020, 3, 30)) == D(2020, 4, 1)  # Wednesday
    # 2021-01-01 is nyårsdagen, 2-3 January a weekend: the deadline runs to Monday.
    assert notices.posting_deadline(D(2020, 12, 30)) == D(2021, 1, 4)
    # Signed Friday 2020-02-28: the second day is Sunday 1 March -> Monday 2 March.
    assert notices.posting_window(D(2020, 2, 28)) == (D(2020, 2, 28), D(2020, 3, 2))
    # Signed Wednesday before Easter 2026: Friday 3 April is långfredagen, then Easter.
    assert notices.posting_deadline(D(2026, 4, 1)) == D(2026, 4, 7)
    # Signed Wednesday 2025-06-18: Friday 20 June is midsommarafton -> Monday 23 June.
    assert notices.posting_deadline(D(2025, 6, 18)) == D(2025, 6, 23)
    # Signed 2024-12-22 (Sunday): Tuesday 24 December is julafton, then 25-26 -> Friday 27.
    assert notices.posting_deadline(D(2024, 12, 22)) == D(2024, 12, 27)


# Easter Sunday, midsommarafton (Friday 19-25 June) and alla helgons dag (Saturday
# 31 October-6 November), 2020-2035, from the almanac.
ALMANAC = {
    2020: (D(2020, 4, 12), D(2020, 6, 19), D(2020, 10, 31)),
    2021: (D(2021, 4, 4), D(2021, 6, 25), D(2021, 11, 6)),
    2022: (D(2022, 4, 17), D(2022, 6, 24), D(2022, 11, 5)),
    2023: (D(2023, 4, 9), D(2023, 6, 23), D(2023, 11, 4)),
    2024: (D(2024, 3, 31), D(2024, 6, 21), D(2024, 11, 2)),
    2025: (D(2025, 4, 20), D(2025, 6, 20), D(2025, 11, 1)),
    2026: (D(2026, 4, 5), D(2026, 6, 19), D(2026, 10, 31)),
    2027: (D(2027, 3, 28), D(2027, 6, 25), D(2027, 11, 6)),
    2028: (D(2028, 4, 16), D(2028, 6, 23), D(2028, 11, 4)),
    2029: (D(2029, 4, 1), D(2029, 6, 22), D(2029, 11, 3)),
    2030: (D(2030, 4, 21), D(2030, 6, 21), D(2030, 11, 2)),
    2031: (D(2031, 4, 13), D(2031, 6, 20), D(2031, 11, 1)),
    2032: (D(2032, 3, 28), D(2032, 6, 25), D(2032, 11, 6)),
    2033: (D(2033, 4, 17), D(2033, 6, 24), D(2033, 11, 5)),
    2034: (D(2034, 4, 9), D(2034, 6, 23), D(2034, 11, 4)),
    2035: (D(2035, 3, 25), D(2035, 6, 22), D(2035, 11, 3)),
}


@pytest.mark.parametrize("year", sorted(ALMANAC))
def test_the_non_working_days_of_each_year_2020_2035(year):
    easter, midsummer_eve, all_saints = ALMANAC[year]
    days = notices.swedish_non_working_days(year)
    assert notices.easter_sunday(year) == easter
    expected = {
        D(year, 1, 1),
        D(year, 1, 6),
        easter - datetime.timedelta(days=2),
        easter,
        easter + datetime.timedelta(days=1),
        D(year, 5, 1),
        easter + datetime.timedelta(days=39),
        easter + datetime.timedelta(days=49),
        D(year, 6, 6),
        midsummer_eve,
        midsummer_eve + datetime.timedelta(days=1),
        all_saints,
        D(year, 12, 24),
        D(year, 12, 25),
        D(year, 12, 26),
        D(year, 12, 31),
    }
    assert days == expected
    # Every deadline computed for the year lands on a working day.
    for offset in range(366):
        day = D(year, 1, 1) + datetime.timedelta(days=offset)
        deadline = notices.posting_deadline(day)
        assert not notices.is_non_working_day(deadline)
        assert day + datetime.timedelta(days=2) <= deadline <= day + datetime.timedelta(days=8)
        appeal = notices.appeal_end_date(day)
        assert not notices.is_non_working_day(appeal)


def test_the_holidays_before_2005_had_annandag_pingst_and_not_nationaldagen():
    """Until 2004 annandag pingst was a public holiday and 6 June a working day: a time
    counted in a case from those years follows its own year's calendar."""
    # 2003: annandag pingst Monday 9 June, 6 June a Friday
    assert notices.is_non_working_day(D(2003, 6, 9))
    assert not notices.is_non_working_day(D(2003, 6, 6))
    # a protocol posted on Monday 2003-05-19: three weeks later is annandag pingst
    assert notices.appeal_end_date(D(2003, 5, 19)) == D(2003, 6, 10)
    # 2004's annandag pingst (31 May); from 2005 the other way round
    assert notices.is_non_working_day(D(2004, 5, 31))
    assert notices.is_non_working_day(D(2005, 6, 6))
    assert not notices.is_non_working_day(D(2005, 5, 16))  # annandag pingst 2005


def test_easter_dates():
    assert notices.easter_sunday(2020) == D(2020, 4, 12)
    assert notices.easter_sunday(2021) == D(2021, 4, 4)
    assert notices.easter_sunday(2024) == D(2024, 3, 31)


@pytest.mark.django_db
def test_notice_is_published_within_the_window(signed_run_meeting, secretary):
    from django.utils import timezone

    meeting = signed_run_meeting["meeting"]
    signed_on = timezone.localdate(meeting.signed_at)
    with pytest.raises(ValidationError):
        svc.notice_publish(
            user=secretary, meeting=meeting, posted_on=signed_on + datetime.timedelta(days=3)
        )
    with pytest.raises(ValidationError):
        svc.notice_publish(
            user=secretary, meeting=meeting, posted_on=signed_on - datetime.timedelta(days=1)
        )
    svc.notice_publish(
        user=secretary, meeting=meeting, posted_on=signed_on + datetime.timedelta(days=2)
    )
    meeting.refresh_from_db()
    assert meeting.notice_posted_on == signed_on + datetime.timedelta(days=2)


def test_working_days_between_leaves_out_what_lag_1930_173_leaves_out():
    from core.workdays import working_days_between

    day = datetime.date
    assert working_days_between(day(2020, 3, 27), day(2020, 3, 27)) == 0
    assert working_days_between(day(2020, 3, 27), day(2020, 3, 26)) == 0  # end before start
    assert working_days_between(day(2020, 3, 27), day(2020, 3, 30)) == 1  # Friday -> Monday
    assert working_days_between(day(2020, 3, 23), day(2020, 3, 30)) == 5  # a whole week
    # Easter 2020: långfredagen 10 April, annandag påsk 13 April
    assert working_days_between(day(2020, 4, 9), day(2020, 4, 14)) == 1
    assert working_days_between(day(2020, 12, 30), day(2021, 1, 7)) == 3  # 4, 5, 7 Jan
