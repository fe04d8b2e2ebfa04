"""Real ``celery worker`` processes for the tests that need one (``celery_worker`` in
tests/conftest.py, ``start_worker`` in tests/reliability/conftest.py).

A worker is started like a deployment starts it, with the test run's environment except
that its database is this test's database (``test_<name>``, ``test_<name>_gw0`` under
pytest-xdist) and its media root this test's folder. Tests that start one run in the
``services`` xdist group (tests/conftest.py). And the helpers around them: waiting for a
job, a broker that is down.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def wait_until_finished(job, *, timeout: float):
    """Refresh a document or report job until it is finished (done or failed), at most
    ``timeout`` s; the test then asserts on its status."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.1)
    return job


def broker_down(task):
    """Sending ``task`` fails as it does while Redis is unreachable (a context manager)."""
    from unittest import mock

    from kombu.exceptions import OperationalError

    return mock.patch.object(
        task, "apply_async", side_effect=OperationalError("Connection refused")
    )


def database_url() -> str:
    """The URL of the database this test runs on, for a subprocess (a Celery worker).

    ``connection.settings_dict["NAME"]`` is the test database pytest-django created, with
    pytest-xdist's worker suffix (``test_nc_gw1``); ``settings.DATABASES`` keeps the rest.
    """
    from django.db import connection

    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{connection.settings_dict['NAME']}"


class Worker:
    """One ``celery worker`` process (one child) in its own process group, consuming
    ``queue`` on ``broker_url``; its output goes to ``log_path``."""

    def __init__(
        self,
        *,
        queue: str,
        broker_url: str,
        log_path: Path,
        pool: str = "prefork",
        cwd: Path = ROOT,
        env: dict | None = None,
    ):
        self.queue = queue
        self.name = f"{queue}-{uuid.uuid4().hex[:4]}@{socket.gethostname()}"  # its node name
        self.log_path = log_path
        celery_bin = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
        self._log = open(log_path, "a")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                celery_bin,
                "-A",
                "norrbotten_cases",
                "worker",
                "-Q",
                queue,
                f"--pool={pool}",
                "--concurrency=1",
                "-l",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                self.name,
            ],
            cwd=cwd,
            env={
                **os.environ,
                "DATABASE_URL": database_url(),
                "CELERY_BROKER_URL": broker_url,
                "CELERY_TASK_ALWAYS_EAGER": "false",
                "CELERY_TASK_DEFAULT_QUEUE": queue,
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),
                "PYTHONUNBUFFERED": "1",
                **(env or {}),
            },
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._ready_marker = len(self.log())

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def wait_ready(self, timeout: float = 60) -> "Worker":
        def ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited:\n{self.log()[-3000:]}")
            return "ready." in self.log()[self._ready_marker :]

        wait_for(ready, timeout=timeout, interval=0.05, what=f"worker ready\n{self.log()[-2000:]}")
        return self

    # --- Queues added and cancelled while it runs (``SharedWorker``) -------------------

    def _control(self, command: str, queue: str, timeout: float) -> None:
        from norrbotten_cases.celery import app

        replies = getattr(app.control, command)(
            queue, destination=[self.name], reply=True, timeout=timeout
        )
        if not replies:
            raise RuntimeError(f"worker {self.name} did not answer {command} {queue}")

    def consume(self, queue: str, timeout: float = 10) -> None:
        """Start consuming ``queue``; returns once the worker said it does."""
        self._control("add_consumer", queue, timeout)
        self.queue = queue

    def stop_consuming(self, queue: str, timeout: float = 60) -> None:
        """Stop consuming ``queue`` and finish what it took from it: the solo pool answers
        control commands between tasks, so the answer comes after the running task, and
        then a task it had already taken (prefetched) runs as well before it is idle."""
        from norrbotten_cases.celery import app

        self._control("cancel_consumer", queue, timeout)
        inspect = app.control.inspect(destination=[self.name], timeout=timeout)

        def idle() -> bool:
            active, reserved = inspect.active(), inspect.reserved()
            if active is None or reserved is None:
                raise RuntimeError(f"worker {self.name} did not answer inspect")
            return not any(active.values()) and not any(reserved.values())

        wait_for(idle, timeout=timeout, interval=0.05, what=f"worker {self.name} idle")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def kill_child(self) -> int:
        """SIGKILL the pool process (there is one): the task it runs dies with it."""
        (child,) = wait_for(self.children, timeout=10, what="the worker's pool process")
        os.kill(child, signal.SIGKILL)
        return child

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool) as a machine crash would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


class SharedWorker:
    """One solo-pool worker process for the ``celery_worker`` tests of a pytest(-xdist)
    worker (tests/conftest.py), started when the first test needs it (about 3 s) and
    stopped at the end of the session instead of after every test (1-2 s). Each test still
    gets a queue of its own: the worker consumes it during the test only
    (``Worker.consume``, ``Worker.stop_consuming``). A worker that does not answer or has
    exited is stopped and a new one started for the next test."""

    def __init__(self, directory: Path, broker_url: str):
        self.directory = directory
        self.media_root = directory / "media"  # the worker's, and its tests' MEDIA_ROOT
        self.broker_url = broker_url
        self._worker: Worker | None = None

    def acquire(self, queue: str) -> Worker:
        worker = self._worker
        if worker is None or worker.process.poll() is not None:
            if worker is not None:
                worker.stop()
            worker = self._worker = Worker(
                queue=f"idle-{uuid.uuid4().hex[:10]}",  # no test sends to it
                broker_url=self.broker_url,
                log_path=self.directory / "worker.log",
                pool="solo",
                env={"MEDIA_ROOT": str(self.media_root)},
            ).wait_ready()
        worker.consume(queue)
        return worker

    def release(self, worker: Worker, queue: str) -> None:
        try:
            worker.stop_consuming(queue)
        except (RuntimeError, AssertionError):
            self.stop()  # the next test starts a new one

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
