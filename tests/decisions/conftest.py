import pytest

# --- Meetings ---


@pytest.fixture
def without_financing_hooks(monkeypatch):
    """Meetings tests exercise the workflow without the financing app's grant effects and
    plan preconditions (tested in the financing suite); a test may register its own."""
    from collections import defaultdict

    from decisions import workflow_hooks

    monkeypatch.setattr(workflow_hooks, "_PRECONDITIONS", defaultdict(list))
    monkeypatch.setattr(workflow_hooks, "_EFFECTS", defaultdict(list))
    return workflow_hooks


@pytest.fixture
def run_meeting(db, secretary, officer, without_financing_hooks):
    """RUN 2020-03-24 with seed 001's § 35 and § 41, decisions recorded, not yet signed."""
    from tests.decisions.meeting_factories import seed_meeting

    return seed_meeting(secretary, officer)


@pytest.fixture
def signed_run_meeting(db, secretary, officer, without_financing_hooks):
    from tests.decisions.meeting_factories import seed_meeting

    return seed_meeting(secretary, officer, sign=True)


# --- Workflow ---


@pytest.fixture
def isolated_workflow(monkeypatch):
    """Workflow tests run without the financing app's hooks (tested in its own suite):
    no financing-plan precondition, no commitments on grant. A test may register its own."""
    from collections import defaultdict

    from decisions import workflow_hooks

    monkeypatch.setattr(workflow_hooks, "_PRECONDITIONS", defaultdict(list))
    monkeypatch.setattr(workflow_hooks, "_EFFECTS", defaultdict(list))
    return workflow_hooks


@pytest.fixture
def director(db):
    from tests.decisions.workflow_factories import delegate_user

    return delegate_user(username="utvecklingsdirektor", first_name="Lars", last_name="Wik")


@pytest.fixture
def actors(officer, secretary, director, isolated_workflow):
    from tests.decisions.workflow_factories import Actors

    return Actors(officer, secretary, director)


@pytest.fixture
def fast_hashing(settings):
    """Users are created by the dozen in workflow tests: hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
