"""Retention (gallring): the proposal, approval by an authorised user only, destruction
of rows and files, the destruction log kept forever (PostgreSQL trigger)."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, OperationalError, connection, transaction
from django.urls import reverse

from core.errors import Conflict
from core.roles import Role
from projects import services
from projects.models import Case, Document, SecrecyAccessLog
from projects.retention import services as retention
from projects.retention.models import (
    DestructionLog,
    KindRetention,
    RetentionClass,
    RetentionItem,
    RetentionRun,
)
from tests.core.factories import user_with_role
from tests.projects.factories import document_for

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 15)


def _archivist():
    user = user_with_role(Role.OFFICER, username="arkivarie", first_name="Anna", last_name="Arkiv")
    user.user_permissions.add(Permission.objects.get(codename="approve_retention"))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def _close(case, decided_on=datetime.date(2020, 6, 1), state="closed"):
    Case.objects.filter(pk=case.pk).update(state=state, decided_on=decided_on)
    case.refresh_from_db()


@pytest.fixture
def world(case, officer):
    """A case closed in 2020 with a letter (weeded after 2 years), an application (kept),
    and another open case with a letter (never weeded while open)."""
    letter = document_for(
        case, officer, title="Mejl om mötestid", kind="korrespondens", name="mejl.pdf"
    )
    application = document_for(case, officer, title="Ansökan", kind="ansokan")
    _close(case)
    return {"case": case, "letter": letter, "application": application}


def test_default_classes_keep_applications_and_weed_minor_correspondence():
    kinds = {row.kind: row.retention_class for row in KindRetention.objects.all()}
    assert kinds["ansokan"].keep and kinds["beslutsunderlag"].keep
    assert not kinds["korrespondens"].keep and kinds["korrespondens"].years == 2
    assert kinds["korrespondens"].decision.reference == "DHP RU 2020"


def test_a_weeded_class_needs_a_decision():
    with pytest.raises(IntegrityError), transaction.atomic():
        RetentionClass.objects.create(name="Utan beslut", keep=False, years=3)


def test_proposal_lists_only_closed_cases_past_their_period(world, officer, case):
    from tests.projects.factories import co_financing_case

    open_case = co_financing_case(officer=officer)
    document_for(open_case, officer, title="Mejl", kind="korrespondens", name="m.pdf")
    recent = co_financing_case(officer=officer)
    document_for(recent, officer, title="Mejl nyss", kind="korrespondens", name="n.pdf")
    _close(recent, decided_on=datetime.date(2025, 6, 1))

    run = retention.prepare_run(as_of=TODAY)

    items = list(run.items.all())
    assert [(item.dnr, item.title) for item in items] == [(case.dnr, "Mejl om mötestid")]
    item = items[0]
    assert item.document_number == world["letter"].registry_label
    assert item.class_name == "Korrespondens av tillfällig betydelse"
    assert item.decision_reference == "DHP RU 2020"
    assert item.closed_on == datetime.date(2020, 6, 1)
    with pytest.raises(Conflict):
        retention.prepare_run(as_of=TODAY)  # one open proposal at a time


def test_protocols_extracts_and_documents_under_a_running_request_are_never_weeded(
    world, officer, case
):
    protocol = document_for(case, officer, title="Protokoll", kind="korrespondens", name="p.pdf")
    Document.objects.filter(pk=protocol.pk).update(source_key="meetings.generated:7")
    requested = document_for(case, officer, title="Begärd", kind="korrespondens", name="b.pdf")
    services.document_request_register(
        user=officer,
        case=case,
        requester="Anonym",
        received_on=datetime.date(2025, 1, 1),
        subject="Mejlen",
        documents=[requested],
    )
    titles = {item.title for item in retention.prepare_run(as_of=TODAY).items.all()}
    assert titles == {"Mejl om mötestid"}


def test_a_decided_request_holds_its_documents_and_its_decision_through_the_appeal(
    world, officer, case
):
    """A refusal can be appealed for three weeks after the requester got it: neither the
    documents asked for nor the decision itself are weeded for REQUEST_HOLD after it."""
    from projects.models import SecrecyProvision

    request = services.document_request_register(
        user=officer,
        case=case,
        requester="Anonym",
        received_on=datetime.date(2026, 1, 10),
        subject="Mejlet",
        documents=[world["letter"]],
    )
    from django.utils import timezone

    decided = services.document_request_decide(
        user=officer,
        request=request,
        decision="refused",
        provision=SecrecyProvision.objects.get(name="31 kap. 16 § OSL"),
    )
    decided_on = timezone.localdate()
    (refusal,) = decided.outputs.all()
    assert not retention.prepare_run(as_of=decided_on).items.exists()
    RetentionRun.objects.all().delete()
    after = decided_on + retention.REQUEST_HOLD + datetime.timedelta(days=1)
    titles = {item.title for item in retention.prepare_run(as_of=after).items.all()}
    # the refusal is a decision (kind Beslut): no retention class weeds it
    assert titles == {"Mejl om mötestid"} and refusal.kind == "beslut"


def test_the_beslutsunderlag_of_a_signed_paragraph_is_never_weeded(world, officer, secretary, case):
    """A signed § rests on its beslutsunderlag: part of the record, kept (and the
    database would refuse to let it go)."""
    from decisions.meetings.models import Meeting
    from tests.decisions.meetings.factories import seed_meeting, sign_meeting

    seeded = seed_meeting(secretary, officer)
    seeded["p35"].basis_documents.add(world["letter"])
    assert retention.prepare_run(as_of=TODAY).items.exists()  # not yet signed
    RetentionRun.objects.all().delete()
    sign_meeting(secretary, seeded["meeting"])
    assert Meeting.objects.get(pk=seeded["meeting"].pk).status == "signed"
    assert not retention.prepare_run(as_of=TODAY).items.exists()


def test_approval_destroys_rows_and_files_and_logs_what_was_destroyed(
    world, django_capture_on_commit_callbacks
):
    archivist = _archivist()
    letter = world["letter"]
    stored = Path(letter.file.path)
    assert stored.exists()
    run = retention.prepare_run(as_of=TODAY)

    with django_capture_on_commit_callbacks(execute=True):
        retention.approve_run(user=archivist, run=run)

    assert not Document.objects.filter(pk=letter.pk).exists()
    assert Document.objects.filter(pk=world["application"].pk).exists()
    assert not stored.exists()
    entry = DestructionLog.objects.get()
    assert (entry.dnr, entry.document_number, entry.title) == (
        world["case"].dnr,
        letter.registry_label,
        "Mejl om mötestid",
    )
    assert entry.class_name == "Korrespondens av tillfällig betydelse"
    assert entry.decision_reference == "DHP RU 2020"
    assert entry.decision_date == datetime.date(2020, 1, 1)
    assert entry.approved_by == archivist and entry.approved_by_name == "Anna Arkiv"
    assert entry.sha256 == letter.sha256
    run.refresh_from_db()
    assert run.status == "done" and run.approved_by == archivist
    assert run.items.get().outcome == RetentionItem.Outcome.DESTROYED
    with pytest.raises(Conflict):
        retention.approve_run(user=archivist, run=run)
    # the archive package says what was weeded, under which decision (the numbering's gap)
    from reporting.archive.metadata import archive_cases, case_metadata

    (archived,) = archive_cases([world["case"].pk])
    (destroyed,) = case_metadata(archived)["destroyed"]
    assert destroyed["document_number"] == entry.document_number
    assert destroyed["decision_reference"] == "DHP RU 2020"


def test_a_referenced_document_is_reported_not_half_destroyed(world, officer):
    archivist = _archivist()
    letter = world["letter"]
    SecrecyAccessLog.objects.create(
        user=officer, case=world["case"], document=letter, action="view", what="mejl"
    )
    run = retention.prepare_run(as_of=TODAY)
    retention.approve_run(user=archivist, run=run)

    assert Document.objects.filter(pk=letter.pk).exists()
    assert Path(letter.file.path).exists()
    assert not DestructionLog.objects.exists()
    item = run.items.get()
    assert item.outcome == RetentionItem.Outcome.BLOCKED
    assert item.document_id == letter.pk
    assert "sekretessmarkerat" in item.reason  # the access log's verbose name


def test_the_destruction_log_cannot_be_changed_or_deleted_in_the_database(world):
    retention.approve_run(user=_archivist(), run=retention.prepare_run(as_of=TODAY))
    entry = DestructionLog.objects.get()
    with pytest.raises(OperationalError, match="kept forever"), transaction.atomic():
        DestructionLog.objects.filter(pk=entry.pk).update(title="Något annat")
    with pytest.raises(OperationalError, match="kept forever"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM projects_destructionlog")
    assert DestructionLog.objects.get().title == "Mejl om mötestid"


def test_the_page_needs_the_permission(world, client_for, officer, director):
    url = reverse("projects:retention")
    for user in (officer, director):
        client = client_for(user)
        assert client.get(url).status_code == 403
        assert client.post(reverse("projects:retention_prepare")).status_code == 403
    run = retention.prepare_run(as_of=TODAY)
    assert (
        client_for(officer).post(reverse("projects:retention_approve", args=[run.pk])).status_code
        == 403
    )
    assert Document.objects.filter(pk=world["letter"].pk).exists()


def test_the_authorised_user_prepares_and_approves_on_the_page(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(_archivist())
    response = client.post(reverse("projects:retention_prepare"))
    assert response.status_code == 302
    with django_assert_max_num_queries(20):
        page = client.get(reverse("projects:retention"))
    assert page.status_code == 200
    assert "Mejl om mötestid" in page.content.decode()
    run = RetentionRun.objects.get(status="proposed")
    response = client.post(reverse("projects:retention_approve", args=[run.pk]), follow=True)
    assert response.status_code == 200
    assert "1 gallrade" in response.content.decode()
    assert not Document.objects.filter(pk=world["letter"].pk).exists()
    again = client.post(reverse("projects:retention_approve", args=[run.pk]))
    assert again.status_code == 409


def test_the_beat_task_prepares_but_never_approves(world):
    from django.conf import settings

    from projects.retention.tasks import prepare_retention_run

    entry = settings.CELERY_BEAT_SCHEDULE["prepare-retention-run"]
    assert entry["task"] == "projects.prepare_retention_run"
    assert prepare_retention_run() is not None
    assert prepare_retention_run() is None  # one open proposal
    assert RetentionRun.objects.get().status == "proposed"
    assert Document.objects.filter(pk=world["letter"].pk).exists()
