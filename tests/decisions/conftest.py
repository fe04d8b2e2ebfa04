import pytest


@pytest.fixture
def run_meeting(db, secretary, officer):
    """RUN 2020-03-24 with seed 001's § 35 and § 41, decisions recorded, not yet signed."""
    from tests.decisions.meetings.factories import seed_meeting

    return seed_meeting(secretary, officer)


@pytest.fixture
def signed_run_meeting(db, secretary, officer):
    from tests.decisions.meetings.factories import seed_meeting

    return seed_meeting(secretary, officer, sign=True)
