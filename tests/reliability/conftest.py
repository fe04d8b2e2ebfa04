"""Real parts for the reliability tests: a private Redis server and prefork Celery workers.

The shared Redis on 127.0.0.1:6379 is never stopped or swept: every test here gets its
own ``redis-server`` on a free port, points the Celery app (and settings) at it, and may
stop and start it again. Workers are real ``celery worker`` processes with the prefork
pool (tests/workers.py), consuming a queue private to the test, so a child can be killed
mid-task. Every test here runs in the ``services`` xdist group (tests/conftest.py).
"""

import os
import shutil
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.workers import ROOT, Worker, wait_for

__all__ = ["ROOT", "wait_for"]  # imported by the tests of this folder


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
