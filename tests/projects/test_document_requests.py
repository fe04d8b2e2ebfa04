"""Requests for public documents: register, link documents, release with masking (a
masked copy made from the registered PDF), refuse with an appealable decision, time taken."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.pdf import render_pdf
from core.roles import Role
from projects import masking, services
from projects.models import Document, DocumentRequest, SecrecyProvision
from tests.core.factories import user_with_role
from tests.e2e.helpers import pdf_text
from tests.projects.factories import upload

pytestmark = pytest.mark.django_db

SECRET = "Marginalen är 37 procent"


def _real_pdf() -> bytes:
    return render_pdf(
        "<html><body><h1>Affärsplan</h1><p>Företaget säljer solpaneler.</p>"
        f"<p>{SECRET} enligt kalkylen.</p><p>Kontakt: Anna Berg</p></body></html>"
    )


@pytest.fixture
def plan(case, officer):
    return services.document_upload(
        user=officer, case=case, file=upload("affarsplan.pdf", _real_pdf()), title="Affärsplan"
    )


def _request(case, officer, plan, **kwargs):
    return services.document_request_register(
        user=officer,
        case=case,
        requester="Journalist Jansson",
        received_on=kwargs.pop("received_on", timezone.localdate()),
        subject="Affärsplanen",
        documents=[plan],
    )


def test_mask_pdf_blacks_out_the_phrases_and_keeps_the_rest():
    masked, hits = masking.mask_pdf(_real_pdf(), ["Marginalen är 37 procent", "Anna Berg"])
    assert hits == 6
    reader = PdfReader(__import__("io").BytesIO(masked))
    assert len(reader.pages) == 1
    assert "37 procent" not in pdf_text(masked)  # an image: no text layer at all


def test_a_request_released_with_masking_registers_a_masked_copy(case, officer, plan):
    request = _request(case, officer, plan)
    decided = services.document_request_decide(
        user=officer,
        request=request,
        decision=DocumentRequest.Decision.MASKED,
        provision=SecrecyProvision.objects.get(name="31 kap. 16 § OSL"),
        phrases="Marginalen är 37 procent\nAnna Berg",
    )
    copy, letter = decided.outputs.order_by("registry_number")
    assert copy.direction == Document.Direction.OUTGOING
    assert copy.party_name == "Journalist Jansson"
    assert copy.registry_number == plan.registry_number + 1
    assert copy.original_name == "affarsplan (maskerad).pdf"
    # the e-diarium shows the description: it never names the requester
    assert "Jansson" not in copy.description
    with copy.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF") and SECRET.encode() not in data
    with plan.file.open("rb") as handle:  # the registered original is untouched
        assert SECRET in pdf_text(handle.read())
    assert decided.decided_on == timezone.localdate()
    # masking refuses the masked parts: a decision with its ground and how to appeal
    with letter.file.open("rb") as handle:
        text = " ".join(pdf_text(handle.read()).split())
    assert "Beslut om utlämnande med maskeringar (delvis avslag)" in text
    assert "avslår begäran i den delen" in text
    assert "31 kap. 16 § OSL" in text and "kammarrätten" in text


def test_a_masked_release_needs_its_ground_and_maskable_documents(case, officer, plan):
    """Masking is a refusal in part (its provision), of PDFs with text: a scan or a file
    that is not a PDF would go out unmasked; phrases found nowhere would mask nothing."""
    provision = SecrecyProvision.objects.get(name="31 kap. 16 § OSL")
    request = _request(case, officer, plan)
    with pytest.raises(ValidationError, match="bestämmelsen"):
        services.document_request_decide(
            user=officer, request=request, decision="masked", phrases=SECRET
        )
    with pytest.raises(ValidationError, match="Inget av orden"):
        services.document_request_decide(
            user=officer,
            request=request,
            decision="masked",
            phrases="Ordet som saknas",
            provision=provision,
        )
    from PIL import Image

    scan = __import__("io").BytesIO()
    Image.new("RGB", (200, 200), "white").save(scan, format="PDF")
    scanned = services.document_upload(
        user=officer, case=case, file=upload("skannad.pdf", scan.getvalue()), title="Skannad"
    )
    request.documents.add(scanned)
    with pytest.raises(ValidationError, match="saknar text"):
        services.document_request_decide(
            user=officer, request=request, decision="masked", phrases=SECRET, provision=provision
        )
    request.documents.remove(scanned)
    note = services.document_upload(
        user=officer, case=case, file=upload("anteckning.txt", b"Marginalen"), title="Anteckning"
    )
    request.documents.add(note)
    with pytest.raises(ValidationError, match="inte PDF"):
        services.document_request_decide(
            user=officer, request=request, decision="masked", phrases=SECRET, provision=provision
        )
    request.refresh_from_db()
    assert request.decision == "" and not request.outputs.exists()


def test_masking_without_phrases_is_refused_and_nothing_changes(case, officer, plan):
    request = _request(case, officer, plan)
    with pytest.raises(ValidationError):
        services.document_request_decide(
            user=officer, request=request, decision="masked", phrases=""
        )
    request.refresh_from_db()
    assert request.decision == "" and case.documents.count() == 1


def test_a_refusal_makes_an_appealable_decision_pdf(case, officer, plan):
    request = _request(case, officer, plan)
    with pytest.raises(ValidationError):
        services.document_request_decide(user=officer, request=request, decision="refused")
    decided = services.document_request_decide(
        user=officer,
        request=request,
        decision="refused",
        provision=SecrecyProvision.objects.get(name="31 kap. 16 § OSL"),
        reasoning="Uppgifterna rör företagets affärsförhållanden.",
    )
    (letter,) = decided.outputs.all()
    assert letter.direction == Document.Direction.OUTGOING
    with letter.file.open("rb") as handle:
        text = " ".join(pdf_text(handle.read()).split())
    assert "Beslut om avslag på begäran om allmän handling" in text
    assert "31 kap. 16 § OSL" in text
    assert "kammarrätten" in text and "inom tre veckor" in text
    assert case.dnr in text
    with pytest.raises(Exception, match="redan avgjord"):
        services.document_request_decide(user=officer, request=request, decision="released")


def test_time_taken_against_the_target_in_working_days(case, officer, plan, settings, client_for):
    settings.PUBLIC_ACCESS_TARGET_DAYS = 2
    fresh = _request(case, officer, plan)
    assert fresh.days_taken() == 0 and not fresh.is_late()
    day = datetime.date
    friday = _request(case, officer, plan, received_on=day(2020, 3, 27))
    assert friday.days_taken(today=day(2020, 3, 30)) == 1  # answered on the Monday
    assert not friday.is_late(today=day(2020, 3, 31))  # 2 working days
    assert friday.is_late(today=day(2020, 4, 1))
    # julafton, juldagen, annandag jul (a Saturday) and a Sunday are not counted
    christmas = _request(case, officer, plan, received_on=day(2020, 12, 23))
    assert christmas.days_taken(today=day(2020, 12, 28)) == 1
    # midsommarafton and midsommardagen 2021 (Friday 25, Saturday 26 June)
    midsummer = _request(case, officer, plan, received_on=day(2021, 6, 24))
    assert midsummer.days_taken(today=day(2021, 6, 28)) == 1
    assert midsummer.days_taken(today=day(2021, 6, 24)) == 0
    # the page says so
    page = client_for(officer).get(reverse("projects:request_list")).content.decode()
    assert "Mål: beslut inom 2 arbetsdagar." in page


def test_who_may_handle_requests(case, officer, plan):
    with pytest.raises(PermissionDenied):
        _request(case, user_with_role(Role.CONTROLLER), plan)
    assert _request(case, user_with_role(Role.DECISION_MAKER), plan).pk


def test_request_pages(case, officer, plan, client_for):
    client = client_for(officer)
    response = client.post(
        reverse("projects:request_register", args=[case.pk]),
        {
            "requester": "Anonym",
            "received_on": "2020-03-02",
            "subject": "Affärsplanen",
            "documents": [plan.pk],
        },
    )
    assert response.status_code == 302
    request = DocumentRequest.objects.get()
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Anonym" in page and "Försenad" in page
    response = client.post(request.get_absolute_url(), {"decision": "released"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.decision == "released"
    listing = client_for(user_with_role(Role.READER)).get(reverse("projects:request_list"))
    assert "Lämnas ut" in listing.content.decode()
