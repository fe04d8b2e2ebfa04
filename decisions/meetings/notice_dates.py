"""Anslagstavla: the dates of the notice that a protocol has been signed (justerat).

The rules (kommunallagen 2017:725 and lagen 1930:173 om beräkning av lagstadgad tid):

- The protocol is signed (justerat) **no later than fourteen days after the meeting** (KL 6
  kap. 35 §; the body's ``signing_days``): ``signing_deadline(meeting_date)``, moved to the
  next working day as below.
- The justering is announced on the notice board **no later than the second day after
  the justering** (KL 8 kap. 12 §); when that day is a Saturday, Sunday, public holiday,
  midsommarafton, julafton or nyårsafton the time runs to the next working day (lag
  1930:173). ``posting_window(signed_on)`` is the window from the signing day and
  ``posting_deadline`` its last day. The board is the region's website, so a notice is
  posted on the day it is published there: never on a day already past (the appeal
  period would start before anyone could read it), either today or a later day within
  the window (``allowed_posting_dates``). A notice not posted by the deadline is still
  posted, late, today: the appeal period runs from the day it is posted, so a decision
  whose notice never went up never gains legal force (``posted_late``).
- The appeal period (laglighetsprövning, KL 13 kap. 5 §) is **three weeks from the day
  the notice was posted**: the last day is ``posted_on + 21 days``. When that day is a
  Saturday, Sunday, public holiday, midsommarafton, julafton or nyårsafton, the period
  runs to the next weekday that is none of these (lag 1930:173).
- The notice stays up for the whole appeal period and is taken down **the day after
  the appeal period ends** (``removal_date``).

Calendar arithmetic is on dates, so month and year ends need nothing special:
posted 2020-03-24 -> last appeal day 2020-04-14 -> removed 2020-04-15; posted 2020-12-10
-> 2020-12-31 is nyårsafton, 2021-01-01 a holiday, 2-3 January a weekend -> last appeal
day 2021-01-04 -> removed 2021-01-05.
"""

import datetime
from dataclasses import dataclass

# the calendar of lag 1930:173, shared with other counts of days (core.workdays)
from core.workdays import (  # noqa: F401 - also imported from here
    easter_sunday,
    is_non_working_day,
    next_working_day_from,
    swedish_non_working_days,
)

POSTING_DAYS_AFTER_SIGNING = 2
APPEAL_PERIOD = datetime.timedelta(weeks=3)
# kommunallagen 6 kap. 35 §: signed no later than fourteen days after the meeting.
MOST_SIGNING_DAYS = 14


def signing_deadline(meeting_date: datetime.date, days: int = MOST_SIGNING_DAYS) -> datetime.date:
    """The last day to sign (justera) the protocol: ``days`` after the meeting (kommunallagen
    6 kap. 35 §: fourteen), moved to the next working day when it is a Saturday, Sunday or a
    day lag 1930:173 treats alike."""
    return next_working_day_from(meeting_date + datetime.timedelta(days=days))


def posting_deadline(signed_on: datetime.date) -> datetime.date:
    """The last day the justering may be announced: the second day after signing, moved
    to the next working day when it is a Saturday, Sunday or a day lag 1930:173 treats
    alike (a time limit ending on such a day runs to the next working day)."""
    return next_working_day_from(signed_on + datetime.timedelta(days=POSTING_DAYS_AFTER_SIGNING))


def posting_window(signed_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    return signed_on, posting_deadline(signed_on)


def allowed_posting_dates(
    signed_on: datetime.date, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The first and last day a notice of a justering on ``signed_on`` may be posted when it
    is posted ``today``: from today (never earlier than the signing) to the deadline, or
    today alone once the deadline has passed (posted late)."""
    first, last = posting_window(signed_on)
    first = max(first, today)
    return first, max(first, last)


def posted_late(signed_on: datetime.date, posted_on: datetime.date | None) -> bool:
    return posted_on is not None and posted_on > posting_deadline(signed_on)


def posting_overdue(
    signed_on: datetime.date, posted_on: datetime.date | None, today: datetime.date
) -> bool:
    """Not posted and its last day has passed: it is posted late, today."""
    return posted_on is None and posting_deadline(signed_on) < today


def appeal_end_date(posted_on: datetime.date) -> datetime.date:
    """The last day to appeal: three weeks after posting, moved past non-working days."""
    return next_working_day_from(posted_on + APPEAL_PERIOD)


def removal_date(posted_on: datetime.date) -> datetime.date:
    """The notice is taken down the day after the appeal period ends."""
    return appeal_end_date(posted_on) + datetime.timedelta(days=1)


@dataclass(frozen=True)
class NoticeDates:
    signed_on: datetime.date
    posting_deadline: datetime.date
    posted_on: datetime.date | None
    appeal_ends_on: datetime.date | None
    removed_on: datetime.date | None

    @property
    def posted_late(self) -> bool:
        return posted_late(self.signed_on, self.posted_on)


def notice_dates(signed_on: datetime.date, posted_on: datetime.date | None) -> NoticeDates:
    return NoticeDates(
        signed_on=signed_on,
        posting_deadline=posting_deadline(signed_on),
        posted_on=posted_on,
        appeal_ends_on=appeal_end_date(posted_on) if posted_on else None,
        removed_on=removal_date(posted_on) if posted_on else None,
    )
