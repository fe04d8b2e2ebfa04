"""A question of the report is given to an officer to write: she is told, finds it in
Mina uppgifter until it is done, and the page says who is responsible."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import Notification
from core.roles import Role
from core.worklist import tasks_for
from reporting import services
from reporting.models import Answer
from tests.core.factories import user_with_role

pytestmark = pytest.mark.django_db

KIND = "Rapportavsnitt att skriva"


@pytest.fixture
def answer(report):
    return (
        Answer.objects.filter(section__report=report)
        .select_related("section__report")
        .order_by("section__position")
        .first()
    )


@pytest.fixture
def writer(db):
    return user_with_role(
        Role.OFFICER,
        username="skribent",
        first_name="Sara",
        last_name="Skribent",
        email="sara@example.se",
    )


def test_the_assigned_officer_is_told_and_sees_the_section_until_it_is_done(
    answer, writer, secretary, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://cases.example.se"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_assign(user=secretary, answer=answer, assignee=writer)
    (notice,) = Notification.objects.filter(recipient=writer, kind="section_assigned")
    assert notice.url == answer.section.get_absolute_url()
    (message,) = mail.outbox
    assert message.to == ["sara@example.se"]
    assert f"https://cases.example.se{answer.section.get_absolute_url()}" in message.body
    (task,) = [t for t in tasks_for(writer) if t.kind == KIND]
    assert task.url == answer.section.get_absolute_url()
    assert task.reference == str(answer.section.report.year)

    answer.refresh_from_db()
    services.answer_save(user=writer, answer=answer, text="Vårt svar.", version=answer.version)
    answer.refresh_from_db()
    services.answer_set_done(user=writer, answer=answer, done=True)
    assert [t for t in tasks_for(writer) if t.kind == KIND] == []


def test_only_officers_are_given_sections_and_only_the_owners_give_them(
    answer, writer, reader, controller
):
    with pytest.raises(ValidationError):
        services.answer_assign(user=controller, answer=answer, assignee=controller)
    with pytest.raises(PermissionDenied):
        services.answer_assign(user=reader, answer=answer, assignee=writer)
    answer.refresh_from_db()
    assert answer.assigned_to is None


def test_the_section_page_assigns_and_names_the_responsible(answer, writer, secretary, client_for):
    client = client_for(secretary)
    section = answer.section
    url = f"/reports/{section.report.year}/sections/{section.number}/assign/"
    response = client.post(url, {"assigned_to": writer.pk}, follow=True)
    assert response.status_code == 200
    assert "Ansvarig: Sara Skribent" in response.content.decode()
    answer.refresh_from_db()
    assert answer.assigned_to == writer
    # a user who is not an officer is not offered and not accepted
    response = client.post(url, {"assigned_to": 999999}, follow=True)
    answer.refresh_from_db()
    assert answer.assigned_to == writer
    # clearing it
    client.post(url, {"assigned_to": ""})
    answer.refresh_from_db()
    assert answer.assigned_to is None
