"""Bugs the security tests found, each pinned by a plain test (deterministic, fast)."""

import pytest

from decisions.meetings.models import ParagraphCounter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", ["2147483648", "99999999999999999999"])
def test_a_paragraph_number_beyond_the_database_integer_is_a_form_error(world, as_role, number):
    """Was a 500 (integer out of range) from the paragraph counter form."""
    body = world.body
    before = list(ParagraphCounter.objects.filter(body=body).values_list("year", "last_number"))
    response = as_role("secretary").post(
        f"/workflow/organ/{body.pk}/paragrafnummer/", {"year": "2021", "first_number": number}
    )
    assert response.status_code in (200, 400)
    assert "first_number" in response.context["form"].errors
    after = list(ParagraphCounter.objects.filter(body=body).values_list("year", "last_number"))
    assert after == before


@pytest.mark.parametrize("pk", ["null", "abc", "1.5", "²"])
def test_a_document_id_that_is_not_a_number_is_a_404(world, as_role, pk):
    """Was a 500 (ValueError) from /api/v1/documents/<pk>/ and its download."""
    client = as_role("officer")
    assert client.get(f"/api/v1/documents/{pk}/").status_code == 404
    assert client.get(f"/api/v1/documents/{pk}/download/").status_code == 404


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/meetings/", "body"),
        ("/api/v1/paragraphs/", "meeting"),
        ("/api/v1/paragraphs/", "year"),
        ("/api/v1/meeting-documents/", "meeting"),
    ],
)
@pytest.mark.parametrize("value", ["abc", "²", "١٢", "9" * 30])
def test_id_filters_of_the_meetings_api_refuse_what_is_not_an_id(world, as_role, path, name, value):
    """?body=abc was a 500 on /api/v1/meetings/; unicode digits (str.isdigit() accepts
    them, int() in the query does not) on the paragraph and document filters."""
    response = as_role("reader").get(path, {name: value})
    assert response.status_code == 400
    assert name in response.json()


def _json(client, method, path, body):
    return getattr(client, method)(path, body, content_type="application/json")


@pytest.mark.parametrize(
    ("method", "path", "reason"),
    [
        ("post", "/api/v1/grants/", "Endast controller kan ändra anslaget"),
        ("post", "/api/v1/commitments/", "Endast controller kan registrera åtaganden"),
        ("post", "/api/v1/financing-plans/", "Endast handläggare kan ändra finansieringsplaner"),
        ("post", "/api/v1/meetings/", "Endast nämndsekreterare kan planera sammanträden"),
        ("post", "/api/v1/report-jobs/", "Du kan inte beställa en ny version av rapporten"),
    ],
)
@pytest.mark.parametrize("body", [{}, {"year": "abc", "amount": "x", "body": "x"}])
def test_a_refused_role_gets_403_before_its_body_is_validated(
    world, as_role, method, path, reason, body
):
    """Was 400 with the serializer's field messages for an empty or invalid body: the role
    is now checked first, with the permission function the service uses."""
    response = _json(as_role("reader"), method, path, body)
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    assert reason in response.json()["detail"]


def test_an_unknown_object_stays_404_for_a_refused_role(world, as_role):
    """Object-level checks run after the object is loaded: an unknown id is 404."""
    client = as_role("reader")
    assert _json(client, "patch", "/api/v1/grants/1999/", {}).status_code == 404
    assert _json(client, "post", "/api/v1/financing-plans/999999/approve/", {}).status_code == 404
    assert _json(client, "post", "/api/v1/financing-plans/999999/granted/", {}).status_code == 404
    assert _json(client, "put", "/api/v1/meetings/999999/attendance/", []).status_code == 404
    assert _json(client, "post", "/api/v1/meetings/999999/reject/", {}).status_code == 404
    assert _json(client, "post", "/api/v1/paragraphs/999999/motions/", {}).status_code == 404
    assert _json(client, "post", "/api/v1/cases/999999/transitions/", {}).status_code == 404


def test_object_level_refusals_come_before_validation(world, as_role):
    """An officer who is not the officer of the plan's case, and a decision maker who is
    neither the chair nor the adjuster, are refused whatever they send."""
    plan = world.approved_plan
    officer2 = as_role("officer2")
    response = _json(officer2, "post", f"/api/v1/financing-plans/{plan.pk}/granted/", {})
    assert response.status_code == 403
    assert "handläggare" in response.json()["detail"]
    response = _json(
        officer2, "patch", f"/api/v1/financing-plans/{world.draft_plan.pk}/", {"rows": "x"}
    )
    assert response.status_code == 403
    response = _json(
        as_role("director"), "post", f"/api/v1/meetings/{world.signing_meeting.pk}/reject/", {}
    )
    assert response.status_code == 403
    assert "ordförande och valda justerare" in response.json()["detail"]


def test_refusals_by_state_stay_409_for_the_allowed_role(world, as_role):
    """The early check is the role only: a locked meeting or a plan that is not approved
    still answers 409 from the service, not 403."""
    secretary = as_role("secretary")
    response = _json(secretary, "patch", f"/api/v1/meetings/{world.signed_meeting.pk}/", {})
    assert response.status_code == 409
    paragraph = world.signed_paragraph
    motion = {"kind": "rejection", "text": "avslag", "movers": [world.body_member.pk]}
    response = _json(secretary, "post", f"/api/v1/paragraphs/{paragraph.pk}/motions/", motion)
    assert response.status_code == 409
    controller = as_role("controller")
    plan = world.draft_plan
    response = _json(
        controller, "post", f"/api/v1/financing-plans/{plan.pk}/reopen/", {"comment": "x"}
    )
    assert response.status_code == 409
    response = _json(
        as_role("chair"), "post", f"/api/v1/meetings/{world.held_meeting.pk}/reject/", {}
    )
    assert response.status_code == 409


def test_case_transitions_validate_first_only_for_a_role_that_fires_some(world, as_role):
    """Which role fires depends on the transition the body names: a role that may fire
    none of the case's transitions is refused at once (403); the secretary, who records
    the body's decisions on a co-financing case, and the director, who may decide one on
    delegation, get the validation messages (400)."""
    path = f"/api/v1/cases/{world.draft_case.pk}/transitions/"
    response = _json(as_role("director"), "post", path, {})
    assert response.status_code == 400 and "name" in response.json()
    for role in ("reader", "controller", "norole"):
        response = _json(as_role(role), "post", path, {})
        assert response.status_code == 403, role
        assert set(response.json()) == {"detail"}, role
    response = _json(as_role("secretary"), "post", path, {})
    assert response.status_code == 400
    assert "name" in response.json()
    response = _json(as_role("secretary"), "post", path, {"name": "start_preparation"})
    assert response.status_code == 403
    assert "handläggare" in response.json()["detail"]


# --- Issue 19: the server errors and wrong statuses security testing found ------------------


@pytest.mark.parametrize("q", ["\x00", "a\x00b"])
def test_a_nul_in_a_query_parameter_is_a_400(world, as_role, q):
    """/cases/organisations/search/?q=%00 was a 500 (PostgreSQL cannot compare text with
    NUL); every page now refuses a NUL in the address or a form with 400."""
    client = as_role("officer")
    assert client.get("/cases/organisations/search/", {"q": q}).status_code == 400
    assert client.get("/cases/", {"q": q}).status_code == 400
    assert client.get("/api/v1/cases/", {"search": q}).status_code == 400


@pytest.mark.parametrize("pk", ["abc", "1.5", "١٢", "", "9" * 30])
def test_an_organisation_chip_of_no_organisation_is_a_404(world, as_role, pk):
    """/cases/organisations/chip/?pk=abc was a 500 (ValueError)."""
    assert as_role("officer").get("/cases/organisations/chip/", {"pk": pk}).status_code == 404


@pytest.mark.parametrize(
    "field, value",
    [
        ("decision_points", ["Punkt\x00"]),
        ("decision_points", [{"text": "a", "sub": ["b\x00"]}]),
        ("matter", [{"heading": "Bakgrund", "text": "x\x00"}]),
        ("financing_rows", [{"financier": "Luleå\x00", "amount": "1000"}]),
    ],
)
def test_a_nul_in_a_paragraphs_list_fields_is_a_400(world, as_role, field, value):
    """A NUL inside a §'s list fields (JSON) was a 500 from PostgreSQL's jsonb."""
    from decisions.meetings.models import Paragraph

    paragraph = Paragraph.objects.get(pk=world.held_paragraph.pk)
    before = getattr(paragraph, field)
    response = _json(
        as_role("secretary"), "patch", f"/api/v1/paragraphs/{paragraph.pk}/", {field: value}
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    paragraph.refresh_from_db()
    assert getattr(paragraph, field) == before


def test_a_nul_posted_in_a_form_is_a_400_and_saves_nothing(world, as_role):
    paragraph = world.held_paragraph
    response = as_role("secretary").post(
        f"/workflow/paragrafer/{paragraph.pk}/andra/",
        {"title": "Ny rubrik", "decision_points": "1. Punkt\x00"},
    )
    assert response.status_code == 400
    paragraph.refresh_from_db()
    assert paragraph.title != "Ny rubrik"


@pytest.mark.parametrize("amount", ["١٢٣", "۱۲۳", "१२३", "１２３"])
def test_amounts_in_non_latin_digits_are_refused(amount):
    """Amount fields accepted Arabic-Indic (and other Unicode) digits."""
    from core.money import AmountError, parse_amount

    with pytest.raises(AmountError):
        parse_amount(amount)
    with pytest.raises(AmountError):
        parse_amount(f"{amount} kr")


def test_a_non_latin_year_in_a_grants_split_is_refused():
    from django.core.exceptions import ValidationError

    from decisions.workflow.forms import YearSplitField

    with pytest.raises(ValidationError):
        YearSplitField().clean([{"year": "٢٠٢١", "amount": "1000"}])


def test_downloads_are_not_stored_in_caches(world, as_role):
    """Downloads (generated documents, uploads, exports) sent no Cache-Control: no-store."""
    client = as_role("controller")
    responses = [
        client.get(f"/workflow/dokument/{world.protocol.pk}/ladda-ner/"),
        client.get("/cases/", {"format": "csv"}),
        client.get("/finance/export.xlsx"),
        client.get("/finance/plans/export.xlsx"),
    ]
    for response in responses:
        assert response.status_code == 200, response
        assert response["Cache-Control"] == "no-store"
    assert "no-store" not in (client.get("/cases/").get("Cache-Control") or "")


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/workflow/sammantraden/{signed}/justera/"),
        ("post", "/workflow/sammantraden/{signed}/justera/"),
        ("get", "/workflow/sammantraden/{signed}/aterforvisa/"),
        ("post", "/workflow/sammantraden/{signed}/aterforvisa/"),
        ("post", "/api/v1/meetings/{signed}/signatures/"),
        ("post", "/api/v1/meetings/{signed}/reject/"),
        ("get", "/workflow/sammantraden/{signing}/justera/"),
        ("post", "/api/v1/meetings/{signing}/signatures/"),
    ],
)
@pytest.mark.parametrize("role", ["reader", "officer", "secretary", "controller"])
def test_roles_that_never_sign_get_403_on_the_signing_endpoints(world, as_role, method, path, role):
    """Läsare got 409 ("already signed") instead of 403 on a signed protocol's endpoints."""
    url = path.format(signed=world.signed_meeting.pk, signing=world.signing_meeting.pk)
    client = as_role(role)
    response = (
        _json(client, method, url, {"password": "x"})
        if url.startswith("/api/")
        else getattr(client, method)(url)
    )
    assert response.status_code == 403, (role, url, response.status_code)
