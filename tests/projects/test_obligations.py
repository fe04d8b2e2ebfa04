"""Obligations: recorded by officers and secretaries (also by the decisions app), followed up."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.errors import Conflict
from projects import services
from projects.models import Obligation
from tests.projects.factories import ObligationFactory, ProjectFactory, register_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role_user", ["officer", "secretary"])
def test_officers_and_secretaries_record_obligations(request, role_user):
    user = request.getfixturevalue(role_user)
    case = register_case()
    obligation = services.obligation_create(
        user=user,
        project=case.project,
        case=case,
        text="  Beskriv i slutrapporten hur målgruppen nåtts.  ",
        due_date=datetime.date(2023, 3, 31),
        source="RUN 2020-03-24 § 38 punkt 4a",
    )
    obligation.refresh_from_db()
    assert obligation.text == "Beskriv i slutrapporten hur målgruppen nåtts."
    assert obligation.status == Obligation.Status.OPEN
    assert obligation.case == case
    assert obligation.history.first().history_user == user


@pytest.mark.parametrize("role_user", ["controller", "decision_maker", "reader"])
def test_other_roles_cannot_record_obligations(request, role_user):
    user = request.getfixturevalue(role_user)
    project = ProjectFactory()
    with pytest.raises(PermissionDenied):
        services.obligation_create(user=user, project=project, text="Villkor")
    assert not Obligation.objects.exists()


def test_obligation_needs_a_text(officer):
    with pytest.raises(ValidationError) as info:
        services.obligation_create(user=officer, project=ProjectFactory(), text="  ")
    assert "text" in info.value.message_dict


def test_obligation_case_must_belong_to_the_project(officer):
    case = register_case()
    with pytest.raises(ValidationError) as info:
        services.obligation_create(user=officer, project=ProjectFactory(), case=case, text="V")
    assert "case" in info.value.message_dict


def test_fulfilling_records_date_and_comment_and_refuses_a_second_time(officer):
    obligation = ObligationFactory()
    services.obligation_fulfil(
        user=officer, obligation=obligation, fulfilled_on=datetime.date(2023, 3, 1), note="Ok"
    )
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.FULFILLED
    assert obligation.fulfilled_on == datetime.date(2023, 3, 1)
    assert obligation.fulfilment_note == "Ok"
    assert not obligation.is_overdue
    with pytest.raises(Conflict):
        services.obligation_fulfil(user=officer, obligation=obligation)


def test_fulfilment_date_cannot_be_in_the_future(officer):
    obligation = ObligationFactory()
    with pytest.raises(ValidationError) as info:
        services.obligation_fulfil(
            user=officer,
            obligation=obligation,
            fulfilled_on=timezone.localdate() + datetime.timedelta(days=5),
        )
    assert "fulfilled_on" in info.value.message_dict
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.OPEN


def test_secretary_cannot_mark_fulfilled(secretary):
    obligation = ObligationFactory()
    with pytest.raises(PermissionDenied):
        services.obligation_fulfil(user=secretary, obligation=obligation)


def test_reopen_undoes_a_fulfilment(officer):
    obligation = ObligationFactory()
    services.obligation_fulfil(user=officer, obligation=obligation)
    services.obligation_reopen(user=officer, obligation=obligation)
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.OPEN
    assert obligation.fulfilled_on is None


def test_open_obligation_past_due_is_overdue():
    assert ObligationFactory(due_date=datetime.date(2020, 1, 1)).is_overdue
    assert not ObligationFactory(due_date=None).is_overdue


def test_only_open_obligations_can_be_deleted(officer):
    obligation = ObligationFactory()
    services.obligation_fulfil(user=officer, obligation=obligation)
    with pytest.raises(PermissionDenied):
        services.obligation_delete(user=officer, obligation=obligation)
    other = ObligationFactory()
    services.obligation_delete(user=officer, obligation=other)
    assert not Obligation.objects.filter(pk=other.pk).exists()


def test_stale_edit_is_refused_with_conflict(officer, secretary):
    from core.concurrency import edit_token

    obligation = ObligationFactory()
    token = edit_token(obligation)
    services.obligation_update(user=secretary, obligation=obligation, text="Ändrad av sekreteraren")
    with pytest.raises(Conflict):
        services.obligation_update(
            user=officer, obligation=obligation, text="Min ändring", expected_token=token
        )
    obligation.refresh_from_db()
    assert obligation.text == "Ändrad av sekreteraren"
