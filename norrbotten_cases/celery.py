"""The Celery app: JSON only, late acks, time limits, results in the database."""

import os

from celery import Celery
from django.db import connection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "norrbotten_cases.settings")

app = Celery("norrbotten_cases")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="norrbotten_cases.ping", acks_late=True)
def ping(payload: str = "pong") -> dict:
    """Health-check task: proves a worker picks up work and can reach the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {"reply": payload, "database": one == 1}
