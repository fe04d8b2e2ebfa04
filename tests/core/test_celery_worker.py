"""A real worker process answers on Redis and runs the app's tasks."""

import pytest

from norrbotten_cases.celery import app


@pytest.mark.worker
@pytest.mark.xdist_group("services")
def test_a_real_worker_answers_and_knows_the_app_tasks(celery_worker):
    # Asked by name, the worker's answer ends the wait (not the timeout).
    only_it = [celery_worker.name]
    replies = app.control.ping(destination=only_it, timeout=10)
    assert replies, "no worker answered the ping"
    inspect = app.control.inspect(destination=only_it, timeout=10)
    registered = {name for names in inspect.registered().values() for name in names}
    assert {
        "norrbotten_cases.ping",
        "decisions.generate_document",
        "decisions.notify_case_officer",
        "reporting.generate_report",
    } <= registered


@pytest.mark.worker
@pytest.mark.xdist_group("services")
def test_the_shared_worker_consumes_a_tests_queue_only_during_the_test(_shared_celery_worker):
    """celery_worker's process is shared by the session's tests; each test's queue is
    consumed from before the test until after it, and no longer."""

    def queues(worker) -> set[str]:
        replies = app.control.inspect(destination=[worker.name], timeout=10).active_queues()
        return {queue["name"] for queue in replies[worker.name]}

    first = _shared_celery_worker.acquire("test-first")
    assert "test-first" in queues(first)
    _shared_celery_worker.release(first, "test-first")
    assert "test-first" not in queues(first)
    second = _shared_celery_worker.acquire("test-second")
    try:
        assert second is first  # the same process
        assert "test-second" in queues(second) and "test-first" not in queues(second)
    finally:
        _shared_celery_worker.release(second, "test-second")


def test_celery_is_configured_for_json_late_acks_and_no_result_store():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
    assert app.conf.task_ignore_result is True
    assert not app.conf.result_backend
