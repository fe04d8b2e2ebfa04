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


def test_posting_deadline_is_the_second_day_after_signing_across_month_and_year():
    assert notices.posting_deadline(D(2020, 3, 30)) == D(2020, 4, 1)
    assert notices.posting_deadline(D(2020, 12, 30)) == D(2021, 1, 1)
    assert notices.posting_window(D(2020, 2, 28)) == (D(2020, 2, 28), D(2020, 3, 1))


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
