"""Tjänsteanteckningar: dated, signed by their author, seen by the roles that see every
document of the case, and append-only (the database refuses changes)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils.timezone import localtime

from projects import services
from projects.models import CaseNote
from tests.projects.factories import co_financing_case

pytestmark = pytest.mark.django_db


def test_an_officer_writes_a_note_that_shows_with_date_and_author(officer, client_for):
    case = co_financing_case(officer=officer)
    client = client_for(officer)
    answer = client.post(
        f"/cases/{case.pk}/notes/new/", {"text": "Ringde projektägaren om budgeten."}
    )
    assert answer.status_code == 302 and answer["Location"].endswith("#anteckningar")
    note = CaseNote.objects.get(case=case)
    assert note.author == officer
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Ringde projektägaren om budgeten." in page
    assert f"{localtime(note.created_at):%Y-%m-%d}" in page and "Anna Lindberg" in page


def test_an_empty_note_is_a_form_error_and_saves_nothing(officer, client_for):
    case = co_financing_case(officer=officer)
    answer = client_for(officer).post(f"/cases/{case.pk}/notes/new/", {"text": "   "})
    assert answer.status_code == 400
    assert not CaseNote.objects.exists()
    with pytest.raises(ValidationError):
        services.case_note_add(user=officer, case=case, text="")


def test_readers_neither_see_nor_write_notes(officer, reader, client_for):
    case = co_financing_case(officer=officer)
    services.case_note_add(user=officer, case=case, text="Känslig uppgift om sökanden.")
    page = client_for(reader).get(case.get_absolute_url()).content.decode()
    assert "Känslig uppgift" not in page and "Tjänsteanteckningar" not in page
    assert client_for(reader).post(f"/cases/{case.pk}/notes/new/", {"text": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.case_note_add(user=reader, case=case, text="x")


def test_the_secretary_and_the_controller_see_the_notes(officer, secretary, controller, client_for):
    case = co_financing_case(officer=officer)
    services.case_note_add(user=officer, case=case, text="Möte med kommunen.")
    for user in (secretary, controller):
        assert (
            "Möte med kommunen." in client_for(user).get(case.get_absolute_url()).content.decode()
        )


def test_notes_cannot_be_changed_or_deleted(officer):
    case = co_financing_case(officer=officer)
    note = services.case_note_add(user=officer, case=case, text="Första versionen.")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseNote.objects.filter(pk=note.pk).update(text="Ändrad")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseNote.objects.filter(pk=note.pk).delete()
    note.refresh_from_db()
    assert note.text == "Första versionen."
