"""System checks of what a deployment must configure (``manage.py check --deploy``)."""

import datetime

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def seal_check(app_configs=None, **kwargs):
    """The digital seal: configured, readable, not the demo, not about to expire."""
    # pyHanko takes half a second to import: only `check --deploy` pays for it, not every
    # manage.py command (the apps load this module).
    from core.seal import DEMO_MARK, SealError, load_seal

    if not settings.SEAL_CERTIFICATE:
        return [
            Warning(
                "No digital seal is configured: signed protocols and extracts cannot be "
                "sealed, so their document jobs fail.",
                hint="Set SEAL_CERTIFICATE (and SEAL_KEY, or a PKCS#12 file with "
                "SEAL_PKCS12_PASSPHRASE) to the region's seal certificate (README: Configuration).",
                id="core.W001",
            )
        ]
    try:
        seal = load_seal()
    except SealError as exc:
        return [Error(f"The digital seal cannot be loaded: {exc}", id="core.E001")]
    issues = []
    subject = seal.certificate.subject.human_friendly
    if DEMO_MARK in subject and not settings.DEBUG:
        issues.append(
            Warning(
                f"The digital seal is the self-signed demo seal ({subject}).",
                hint="Use the region's own seal certificate in production.",
                id="core.W002",
            )
        )
    not_after = seal.certificate.not_valid_after
    left = not_after - datetime.datetime.now(tz=datetime.UTC)
    if left < datetime.timedelta(days=30):
        issues.append(
            Warning(
                f"The seal certificate expires (or expired) {not_after:%Y-%m-%d}.",
                hint="Renew it: documents sealed after that date are refused.",
                id="core.W003",
            )
        )
    return issues


@register(Tags.compatibility)
def celery_timing_check(app_configs=None, **kwargs):
    """The broker's visibility timeout must outlast a task's hard time limit, or a task
    still running is delivered to a second worker; and stay short, so that the task of a
    worker that died runs again within minutes."""
    limit = settings.CELERY_TASK_TIME_LIMIT
    soft = settings.CELERY_TASK_SOFT_TIME_LIMIT
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    issues: list[Error | Warning] = []
    if soft >= limit:
        issues.append(
            Error(
                f"CELERY_TASK_SOFT_TIME_LIMIT ({soft} s) must be below CELERY_TASK_TIME_LIMIT "
                f"({limit} s).",
                id="core.E010",
            )
        )
    if visibility <= limit:
        issues.append(
            Error(
                f"CELERY_VISIBILITY_TIMEOUT ({visibility} s) must be longer than "
                f"CELERY_TASK_TIME_LIMIT ({limit} s): a running task would be delivered twice.",
                id="core.E011",
            )
        )
    elif visibility > limit + 15 * 60:
        issues.append(
            Warning(
                f"CELERY_VISIBILITY_TIMEOUT ({visibility} s) is far above the task time limit: "
                "the job of a worker that died waits that long before it runs again.",
                hint="Leave CELERY_VISIBILITY_TIMEOUT unset (time limit + 60 s).",
                id="core.W010",
            )
        )
    return issues
