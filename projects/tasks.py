"""Celery tasks of the projects app (found by autodiscovery)."""

from projects.retention.tasks import prepare_retention_run

__all__ = ["prepare_retention_run"]
