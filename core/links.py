"""Absolute links for places outside a request, such as e-mails."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """``/workflow/sammantraden/1/`` -> ``https://cases.norrbotten.se/workflow/sammantraden/1/``."""
    return f"{settings.SITE_URL}{path}"
