"""The suite runs in parallel without tests colliding (tests/conftest.py says how).

``make test`` runs two pytest-xdist workers with ``--dist loadgroup``; tests that start a
server or process of their own are in the ``services`` group, so they run one after the
other on one worker; every worker has its own database, which the Celery workers that the
tests start use too.
"""

import os
import re
from pathlib import Path

import pytest
from django.db import connection

from tests.parallel import xdist_groups
from tests.workers import database_url

ROOT = Path(__file__).resolve().parents[2]

# Fixtures that start a server or process (a port, a worker, a Redis server, a browser).
OWN_PROCESSES = {
    "live_server",
    "browser",
    "celery_worker",
    "_shared_celery_worker",
    "start_worker",
    "private_redis",
}


def test_tests_that_start_servers_or_workers_are_in_the_services_group(request):
    outside = [
        item.nodeid
        for item in request.session.items
        if (
            OWN_PROCESSES & set(getattr(item, "fixturenames", ()))
            or item.get_closest_marker("worker")
        )
        and "services" not in xdist_groups(item)
    ]
    assert outside == [], 'add @pytest.mark.xdist_group("services") to these tests'


def test_the_groups_reach_the_xdist_scheduler(request):
    """pytest-xdist reads a test's group from the end of its node id (tests/parallel.py)."""
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not run with --dist loadgroup")
    grouped = [item for item in request.session.items if xdist_groups(item)]
    assert grouped
    for item in grouped:
        assert item.nodeid.endswith("@" + "_".join(xdist_groups(item))), item.nodeid


def test_make_test_runs_two_workers_with_the_groups():
    makefile = (ROOT / "Makefile").read_text()
    target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    (line,) = [line for line in target.splitlines() if "pytest" in line]
    assert re.search(r"-n \S+", line) and "--dist loadgroup" in line, line


@pytest.mark.django_db
def test_celery_workers_get_this_xdist_workers_database():
    name = connection.settings_dict["NAME"]
    assert name.startswith("test_")
    xdist_worker = os.environ.get("PYTEST_XDIST_WORKER")
    if xdist_worker:
        assert name.endswith(f"_{xdist_worker}")
    assert database_url().endswith(f"/{name}")
