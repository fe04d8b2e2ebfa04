import pytest

# --- Meetings ---


@pytest.fixture
def run_meeting(db, secretary, officer):
    """RUN 2020-03-24 with seed 001's § 35 and § 41, decisions recorded, not yet signed."""
    from tests.decisions.meetings.factories import seed_meeting

    return seed_meeting(secretary, officer)


@pytest.fixture
def signed_run_meeting(db, secretary, officer):
    from tests.decisions.meetings.factories import seed_meeting

    return seed_meeting(secretary, officer, sign=True)


# --- Workflow ---


@pytest.fixture
def director(db):
    from tests.decisions.workflow.factories import delegate_user

    return delegate_user(username="utvecklingsdirektor", first_name="Lars", last_name="Wik")


@pytest.fixture
def actors(officer, secretary, director):
    from tests.decisions.workflow.factories import Actors

    return Actors(officer, secretary, director)


@pytest.fixture
def fast_hashing(settings):
    """Users are created by the dozen in workflow tests: hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
