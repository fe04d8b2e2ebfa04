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
