"""Anslagstavla: the dates of the notice that a protocol has been signed (justerat).

The rules (kommunallagen 2017:725 and lagen 1930:173 om beräkning av lagstadgad tid):

- The justering is announced on the notice board **no later than the second day after
  the justering** (KL 8 kap. 12 §); when that day is a Saturday, Sunday, public holiday,
  midsommarafton, julafton or nyårsafton the time runs to the next working day (lag
  1930:173). ``posting_window(signed_on)`` is the window from the signing day and
  ``posting_deadline`` its last day. The default posting date is the signing date.
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
from functools import cache

POSTING_DAYS_AFTER_SIGNING = 2
APPEAL_PERIOD = datetime.timedelta(weeks=3)


def easter_sunday(year: int) -> datetime.date:
    """Gregorian Easter (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def _weekday_between(year: int, month: int, first_day: int, weekday: int) -> datetime.date:
    """The date in [first_day, first_day + 6] of the month that falls on ``weekday``."""
    start = datetime.date(year, month, first_day)
    return start + datetime.timedelta(days=(weekday - start.weekday()) % 7)


@cache
def swedish_non_working_days(year: int) -> frozenset[datetime.date]:
    """Public holidays plus the days lag 1930:173 treats alike (midsommar-, jul-, nyårsafton)."""
    easter = easter_sunday(year)
    day = datetime.timedelta
    midsummer_eve = _weekday_between(year, 6, 19, 4)  # Friday 19-25 June
    return frozenset(
        {
            datetime.date(year, 1, 1),  # nyårsdagen
            datetime.date(year, 1, 6),  # trettondedag jul
            easter - day(2),  # långfredagen
            easter,  # påskdagen
            easter + day(1),  # annandag påsk
            datetime.date(year, 5, 1),  # första maj
            easter + day(39),  # Kristi himmelsfärdsdag
            easter + day(49),  # pingstdagen
            datetime.date(year, 6, 6),  # nationaldagen
            midsummer_eve,  # midsommarafton
            midsummer_eve + day(1),  # midsommardagen
            _weekday_between(year, 10, 31, 5),  # alla helgons dag (Saturday 31 Oct-6 Nov)
            datetime.date(year, 12, 24),  # julafton
            datetime.date(year, 12, 25),  # juldagen
            datetime.date(year, 12, 26),  # annandag jul
            datetime.date(year, 12, 31),  # nyårsafton
        }
    )


def is_non_working_day(date: datetime.date) -> bool:
    return date.weekday() >= 5 or date in swedish_non_working_days(date.year)


def next_working_day_from(date: datetime.date) -> datetime.date:
    """``date`` itself if it is a working day, otherwise the next one."""
    while is_non_working_day(date):
        date += datetime.timedelta(days=1)
    return date


def posting_deadline(signed_on: datetime.date) -> datetime.date:
    """The last day the justering may be announced: the second day after signing, moved
    to the next working day when it is a Saturday, Sunday or a day lag 1930:173 treats
    alike (a time limit ending on such a day runs to the next working day)."""
    return next_working_day_from(signed_on + datetime.timedelta(days=POSTING_DAYS_AFTER_SIGNING))


def posting_window(signed_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    return signed_on, posting_deadline(signed_on)


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


def notice_dates(signed_on: datetime.date, posted_on: datetime.date | None) -> NoticeDates:
    return NoticeDates(
        signed_on=signed_on,
        posting_deadline=posting_deadline(signed_on),
        posted_on=posted_on,
        appeal_ends_on=appeal_end_date(posted_on) if posted_on else None,
        removed_on=removal_date(posted_on) if posted_on else None,
    )
