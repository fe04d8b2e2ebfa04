"""Swedish working days: the calendar of lag (1930:173) om beräkning av lagstadgad tid.

A time limit that ends on a Saturday, Sunday, public holiday, midsommarafton, julafton or
nyårsafton runs to the next day that is none of these (``next_working_day_from``); the
notice board's dates are counted so (``decisions.meetings.notice_dates``). The same days are
left out where the app counts how long something took in working days (a request for
public documents, ``working_days_between``).
"""

import datetime
from functools import cache


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


# nationaldagen a public holiday, and annandag pingst no longer one, from 2005 (lag 1989:253)
NATIONAL_DAY_FROM = 2005


@cache
def swedish_non_working_days(year: int) -> frozenset[datetime.date]:
    """Public holidays plus the days lag 1930:173 treats alike (midsommar-, jul-, nyårsafton).

    The holidays of lag (1989:253) om allmänna helgdagar as they stood in ``year``: since
    2005 nationaldagen (6 June) is a holiday and annandag pingst is not; until 2004 it was
    the other way round. A date counted in a case from those years (a
    protocol's appeal period, an old request's handling time) is counted by its own year's
    calendar."""
    easter = easter_sunday(year)
    day = datetime.timedelta
    midsummer_eve = _weekday_between(year, 6, 19, 4)  # Friday 19-25 June
    if year >= NATIONAL_DAY_FROM:
        changed = datetime.date(year, 6, 6)  # nationaldagen
    else:
        changed = easter + day(50)  # annandag pingst
    return frozenset(
        {
            changed,
            datetime.date(year, 1, 1),  # nyårsdagen
            datetime.date(year, 1, 6),  # trettondedag jul
            easter - day(2),  # långfredagen
            easter,  # påskdagen
            easter + day(1),  # annandag påsk
            datetime.date(year, 5, 1),  # första maj
            easter + day(39),  # Kristi himmelsfärdsdag
            easter + day(49),  # pingstdagen
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


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The working days after ``start`` up to and including ``end`` (0 when ``end`` is not
    after ``start``): received on a Friday and answered on the Monday is one working day."""
    days = 0
    day = start + datetime.timedelta(days=1)
    while day <= end:
        if not is_non_working_day(day):
            days += 1
        day += datetime.timedelta(days=1)
    return days


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day ``days`` working days after ``start`` (``start`` itself for 0)."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if not is_non_working_day(day):
            days -= 1
    return day
