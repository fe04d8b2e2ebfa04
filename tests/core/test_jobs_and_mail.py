"""Jobs that recover and e-mail that is never lost silently (issue 19, point 5)."""

import datetime
import smtplib

import pytest
from django.core import mail as django_mail
from django.core.checks import run_checks
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict
from core.jobs import JobStatus
from core.mail import email_queue
from core.models import OutgoingEmail
from decisions.meetings import services as meeting_svc
from decisions.meetings.models import DocumentJob
from tests.decisions.meetings.factories import small_meeting

pytestmark = pytest.mark.django_db


class FailingBackend:
    """An SMTP server that refuses every message (a real smtplib error)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.se": (550, b"Mailbox unavailable")})


@pytest.fixture
def failing_smtp(settings):
    settings.EMAIL_BACKEND = "tests.core.test_jobs_and_mail.FailingBackend"
    settings.EMAIL_RETRY_DELAY = 0


# --- Time limits and the visibility timeout --------------------------------------------------


def test_the_visibility_timeout_outlasts_the_time_limit_by_a_minute(settings):
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert options["visibility_timeout"] == settings.CELERY_TASK_TIME_LIMIT + 60
    assert options["visibility_timeout"] <= 10 * 60  # a dead worker's job runs within minutes
    assert options["max_retries"] == 1  # ordering while Redis is down answers at once
    assert not [m for m in run_checks() if m.id.startswith("core.E01")]


def test_a_visibility_timeout_shorter_than_the_time_limit_is_refused(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 300}
    assert "core.E011" in {m.id for m in run_checks()}
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    assert "core.W010" in {m.id for m in run_checks()}


# --- A job whose worker died ----------------------------------------------------------------


def _running_job(secretary, *, minutes_ago):
    meeting = small_meeting(secretary)
    job = DocumentJob.objects.create(
        meeting=meeting,
        kind="protocol",
        requested_by=secretary,
        status=JobStatus.RUNNING,
        progress=10,
        step="Protokollet sätts",
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
    return job


def test_a_job_running_past_its_time_limit_shows_as_stalled_with_a_retry(
    secretary, client, settings
):
    job = _running_job(secretary, minutes_ago=(settings.CELERY_TASK_TIME_LIMIT + 60) / 60 + 1)
    assert job.is_stalled
    client.force_login(secretary)
    fragment = client.get(reverse("decisions:job_status", args=[job.pk])).content.decode()
    assert "Jobbet har stannat" in fragment
    assert reverse("decisions:job_retry", args=[job.pk]) in fragment
    retried = meeting_svc.document_job_retry(user=secretary, job=job)
    retried.refresh_from_db()
    assert retried.status in (JobStatus.QUEUED, JobStatus.DONE)  # in-process: it ran at once


def test_a_failed_job_tells_who_ordered_it_with_a_link_to_retry(
    secretary, settings, django_capture_on_commit_callbacks
):
    from core.jobs import job_fail
    from core.models import Notification

    settings.SITE_URL = "https://cases.example.se"
    job = _running_job(secretary, minutes_ago=1)
    django_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job_fail(job, "WeasyPrint: teckensnittet saknas")
    (notice,) = Notification.objects.filter(recipient=secretary, kind="job_failed")
    assert notice.url == job.meeting.get_absolute_url()
    (message,) = django_mail.outbox
    assert message.to == [secretary.email]
    assert "teckensnittet saknas" in message.body
    assert f"https://cases.example.se{job.meeting.get_absolute_url()}" in message.body


def test_a_job_running_within_its_time_limit_is_not_retried(secretary, client):
    job = _running_job(secretary, minutes_ago=2)
    assert not job.is_stalled
    client.force_login(secretary)
    fragment = client.get(reverse("decisions:job_status", args=[job.pk])).content.decode()
    assert "Jobbet har stannat" not in fragment
    assert reverse("decisions:job_retry", args=[job.pk]) not in fragment
    with pytest.raises(Conflict):
        meeting_svc.document_job_retry(user=secretary, job=job)


# --- E-mail ------------------------------------------------------------------------------------


def test_an_email_is_kept_and_sent_after_the_commit(officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(to=["anna@example.se"], subject="Hej", body="Text", sent_by=officer)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 1
    assert [m.subject for m in django_mail.outbox] == ["Hej"]


def test_a_failing_email_is_retried_logged_and_shown_to_the_sender(
    officer, client, failing_smtp, settings, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(
            to=["x@example.se"], subject="Ärende 00001-2020", body="Text", sent_by=officer
        )
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.attempts == settings.EMAIL_MAX_RETRIES + 1
    assert "SMTPRecipientsRefused" in email.error
    assert any("failed for good" in r.getMessage() for r in caplog.records)
    client.force_login(officer)
    page = client.get("/accounts/profile/").content.decode()
    assert (
        "E-post som inte kom fram" in page
        and "Ärende 00001-2020" in page
        and "x@example.se" in page
    )


def test_the_case_officer_email_of_a_transition_is_kept_with_who_sent_it(
    officer, secretary, director, failing_smtp, django_capture_on_commit_callbacks
):
    """Was: the officer's e-mail failed silently (retried only on connection errors)."""
    from tests.decisions.workflow.factories import Actors, fire, walk_idea

    officer.email = "anna@example.se"
    officer.save()
    case = walk_idea(Actors(officer, secretary, director), "at_forum")
    with django_capture_on_commit_callbacks(execute=True):
        fire(case, "forum_recommend", secretary)  # the secretary moves the officer's case
    email = OutgoingEmail.objects.get(to=["anna@example.se"])
    assert email.sent_by == secretary
    assert case.dnr in email.subject
    assert email.status == OutgoingEmail.Status.FAILED and email.error


def test_emails_the_broker_could_not_take_are_sent_by_the_periodic_task(officer):
    email = OutgoingEmail.objects.create(
        to=["a@example.se"], subject="S", body="B", sent_by=officer
    )
    OutgoingEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    from core.tasks import send_queued_emails

    assert send_queued_emails() == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
