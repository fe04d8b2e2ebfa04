import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from core.roles import Role
from tests.factories import user_with_role

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Tasks run in-process unless a test asks for a real worker (``celery_worker``)."""
    from norrbotten_cases.celery import app

    eager = "celery_worker" not in request.fixturenames
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password for every user; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _swedish_ui():
    """Tests assert Swedish texts, whatever language an earlier test left active."""
    from django.utils import translation

    translation.activate("sv")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(db):
    return user_with_role(Role.OFFICER, username="officer", first_name="Anna", last_name="Lindberg")


@pytest.fixture
def secretary(db):
    return user_with_role(
        Role.SECRETARY, username="secretary", first_name="Monica", last_name="Lejon"
    )


@pytest.fixture
def controller(db):
    return user_with_role(
        Role.CONTROLLER, username="controller", first_name="Erik", last_name="Holm"
    )


@pytest.fixture
def decision_maker(db):
    return user_with_role(
        Role.DECISION_MAKER, username="director", first_name="Lars", last_name="Wik"
    )


@pytest.fixture
def reader(db):
    return user_with_role(Role.READER, username="reader", first_name="Rut", last_name="Revisor")


@pytest.fixture
def role_users(officer, secretary, controller, decision_maker, reader):
    return {
        Role.OFFICER: officer,
        Role.SECRETARY: secretary,
        Role.CONTROLLER: controller,
        Role.DECISION_MAKER: decision_maker,
        Role.READER: reader,
    }


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


def _database_url_for_worker() -> str:
    db = settings.DATABASES["default"]
    from django.db import connection

    name = connection.settings_dict["NAME"]
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{name}"


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker process on Redis, consuming a queue private to this test.

    Yields a handle with ``queue`` and ``process``; tasks sent by the test go to that queue.
    """
    from norrbotten_cases.celery import app

    if not settings.CELERY_BROKER_URL:
        pytest.skip("CELERY_BROKER_URL is not set")
    queue = f"test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_worker(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    celery_bin = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    log = open(Path(settings.MEDIA_ROOT).parent / f"worker-{queue}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            celery_bin,
            "-A",
            "norrbotten_cases",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--concurrency=1",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue

    class Handle:
        pass

    handle = Handle()
    handle.queue = queue
    handle.process = process
    handle.log_path = log.name
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"worker exited: {Path(log.name).read_text()}")
            if "ready." in Path(log.name).read_text():
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"worker did not start: {Path(log.name).read_text()}")
        yield handle
    finally:
        app.conf.task_default_queue = previous_queue
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


@pytest.fixture
def members(secretary):
    """RUN's members (seed 001), by name."""
    from tests.decisions.meetings.factories import committee

    return committee(secretary)
