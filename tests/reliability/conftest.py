"""Real parts for the reliability tests: a private Redis server and prefork Celery workers.

The shared Redis on 127.0.0.1:6379 is never stopped or swept: every test here gets its
own ``redis-server`` on a free port, points the Celery app (and settings) at it, and may
stop and start it again. Workers are real ``celery worker`` processes with the prefork
pool, consuming a queue private to the test, so a child can be killed mid-task.
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

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class RedisServer:
    """A throw-away ``redis-server`` (no persistence) that a test may stop and start."""

    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.process = subprocess.Popen(
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.is_up, timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
        wait_for(lambda: not self.is_up(), timeout=10, what="redis-server to stop")

    def is_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def point_celery_at(broker_url: str) -> None:
    """Send tasks to ``broker_url``: settings and the app, with its cached pools dropped.

    Celery reads the ``CELERY_BROKER_URL`` environment variable before its configuration,
    so the variable is changed too.
    """
    from norrbotten_cases.celery import app

    settings.CELERY_BROKER_URL = broker_url
    os.environ["CELERY_BROKER_URL"] = broker_url
    # The app's pools are kombu's process-wide pools per broker URL: they are dropped here,
    # not closed (closing the shared Redis's pool would break every later test's
    # publishing with "Acquire on closed pool"). forget_pools() closes a private one.
    app.conf.broker_url = broker_url
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def forget_pools(broker_url: str) -> None:
    """Close and forget kombu's pools of ``broker_url`` (a private server that is gone)."""
    from kombu import pools

    def uri(pool) -> str:
        connections = getattr(pool, "connections", pool)  # a producer pool holds connections
        return connections.connection.as_uri(include_password=True)

    for group in (pools.producers, pools.connections):
        for key in [key for key, pool in group.items() if uri(pool) == broker_url]:
            group.pop(key).force_close_all()


@pytest.fixture
def private_redis(tmp_path, settings):
    """A private Redis the test may stop; the Celery app publishes to it meanwhile."""
    from norrbotten_cases.celery import app

    server = RedisServer(tmp_path)
    server.start()
    previous_url = app.conf.broker_url
    previous_env = os.environ.get("CELERY_BROKER_URL")
    point_celery_at(server.url)
    try:
        yield server
    finally:
        server.stop()
        point_celery_at(previous_url)
        forget_pools(server.url)
        if previous_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous_env


def database_url_for_worker() -> str:
    from django.db import connection

    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{connection.settings_dict['NAME']}"


class Worker:
    """One ``celery worker`` process (prefork, one child) in its own process group."""

    def __init__(self, *, queue: str, broker_url: str, log_path: Path, cwd: Path, env: dict):
        self.queue = queue
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
                "--pool=prefork",
                "--concurrency=1",
                "-l",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{queue}-{uuid.uuid4().hex[:4]}@%h",
            ],
            cwd=cwd,
            env={
                **os.environ,
                "DATABASE_URL": database_url_for_worker(),
                "CELERY_BROKER_URL": broker_url,
                "CELERY_TASK_ALWAYS_EAGER": "false",
                "CELERY_TASK_DEFAULT_QUEUE": queue,
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),
                "PYTHONUNBUFFERED": "1",
                **env,
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

        wait_for(ready, timeout=timeout, interval=0.2, what=f"worker ready\n{self.log()[-2000:]}")
        return self

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


@pytest.fixture
def start_worker(transactional_db, private_redis, tmp_path):
    """``start_worker(**env)``: a ready prefork worker on the private Redis and queue.

    Tasks the test sends go to that queue (and run there, not in-process).
    """
    from norrbotten_cases.celery import app

    queue = f"rel-{uuid.uuid4().hex[:10]}"
    workers: list[Worker] = []
    previous = (app.conf.task_default_queue, app.conf.task_always_eager)
    app.conf.task_default_queue = queue
    app.conf.task_always_eager = False

    def start(*, cwd: Path = ROOT, wait: bool = True, **env) -> Worker:
        worker = Worker(
            queue=queue,
            broker_url=private_redis.url,
            log_path=tmp_path / "worker.log",
            cwd=cwd,
            env={key: str(value) for key, value in env.items()},
        )
        workers.append(worker)
        return worker.wait_ready() if wait else worker

    try:
        yield start
    finally:
        app.conf.task_default_queue, app.conf.task_always_eager = previous
        for worker in workers:
            worker.stop()
