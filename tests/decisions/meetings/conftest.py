import datetime

import pytest

from tests.decisions.meetings.factories import held_meeting


@pytest.fixture
def meeting(secretary, members):
    """RUN 2020-05-12, held, with the formal items (opening, adjustment ...)."""
    return held_meeting(secretary, members, date=datetime.date(2020, 5, 12), formal=True)
