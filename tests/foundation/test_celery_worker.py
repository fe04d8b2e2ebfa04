"""A real worker process picks the health-check task off Redis and stores its result."""

import pytest
from django_celery_results.models import TaskResult

from norrbotten_cases.celery import ping


@pytest.mark.worker
def test_ping_round_trip_through_a_real_worker(celery_worker):
    result = ping.delay("hej")
    assert result.get(timeout=60) == {"reply": "hej", "database": True}
    stored = TaskResult.objects.get(task_id=result.id)
    assert stored.status == "SUCCESS"
    assert stored.task_name == "norrbotten_cases.ping"


def test_celery_is_configured_for_json_and_late_acks():
    from norrbotten_cases.celery import app

    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
    assert app.conf.result_backend == "django-db"
