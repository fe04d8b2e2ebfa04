"""Registering cases: the next Dnr of the year, unique, consecutive, never reused."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from core.roles import Role
from projects import services
from projects.models import Case, CaseKind, DiaryCounter, format_dnr
from tests.core.factories import user_with_role
from tests.projects.factories import ProjectFactory, register_case

pytestmark = pytest.mark.django_db


def test_dnr_is_five_digits_dash_year():  # the default format (tests/projects/test_dnr.py)
    assert format_dnr(52, 2020) == "00052-2020"
    assert format_dnr(12345, 2024) == "12345-2024"


def test_registering_gives_the_next_number_of_the_registration_year(officer):
    first = register_case(officer=officer, registered_on=datetime.date(2020, 3, 1))
    second = register_case(officer=officer, registered_on=datetime.date(2020, 3, 2))
    next_year = register_case(officer=officer, registered_on=datetime.date(2021, 1, 4))
    assert (first.dnr, second.dnr, next_year.dnr) == ("00001-2020", "00002-2020", "00001-2021")
    assert DiaryCounter.objects.get(year=2020).last_number == 2


def test_a_refused_registration_does_not_use_up_a_number(officer):
    register_case(officer=officer, nyps_id="20204867")
    with pytest.raises(ValidationError) as info:
        register_case(officer=officer, nyps_id="20204867")
    assert "nyps_id" in info.value.message_dict
    year = datetime.date.today().year  # noqa: DTZ011 - registration uses the local date
    assert DiaryCounter.objects.get(year=year).last_number == 1
    assert register_case(officer=officer).number == 2


@pytest.mark.parametrize("nyps", ["2020-4867", "abc", "123", "2020486700000"])
def test_nyps_id_is_digits(officer, nyps):
    with pytest.raises(ValidationError) as info:
        register_case(officer=officer, nyps_id=nyps)
    assert "nyps_id" in info.value.message_dict
    assert not Case.objects.exists()


def test_received_date_cannot_be_after_registration(officer):
    with pytest.raises(ValidationError) as info:
        register_case(
            officer=officer,
            received_on=datetime.date(2020, 3, 5),
            registered_on=datetime.date(2020, 3, 1),
        )
    assert "received_on" in info.value.message_dict


def test_responsible_officer_must_have_the_officer_role(officer, controller):
    with pytest.raises(ValidationError) as info:
        services.case_register(
            user=officer,
            kind=CaseKind.CO_FINANCING,
            title="X",
            project=ProjectFactory(),
            officer=controller,
        )
    assert "officer" in info.value.message_dict


@pytest.mark.parametrize(
    "role", [Role.SECRETARY, Role.CONTROLLER, Role.DECISION_MAKER, Role.READER]
)
def test_only_officers_register(role):
    with pytest.raises(PermissionDenied):
        services.case_register(
            user=user_with_role(role),
            kind=CaseKind.CO_FINANCING,
            title="X",
            project=ProjectFactory(),
        )
    assert not Case.objects.exists()


def test_unknown_kind_is_refused(officer):
    with pytest.raises(ValidationError) as info:
        register_case(officer=officer, kind="okänd")
    assert "kind" in info.value.message_dict


def test_import_keeps_old_numbers_and_the_counter_continues_after_them(officer):
    day = datetime.date(2020, 1, 15)
    imported = [
        register_case(officer=officer, registered_on=day, import_number=n) for n in (35, 52, 40)
    ]
    assert [c.dnr for c in imported] == ["00035-2020", "00052-2020", "00040-2020"]
    assert DiaryCounter.objects.get(year=2020).last_number == 52
    assert register_case(officer=officer, registered_on=day).dnr == "00053-2020"
    # an old number below the counter is kept but the counter does not go back
    assert register_case(officer=officer, registered_on=day, import_number=7).dnr == "00007-2020"
    assert DiaryCounter.objects.get(year=2020).last_number == 53
    assert register_case(officer=officer, registered_on=day).dnr == "00054-2020"


def test_importing_a_taken_number_is_refused_and_changes_nothing(officer):
    day = datetime.date(2020, 1, 15)
    register_case(officer=officer, registered_on=day, import_number=35)
    with pytest.raises(ValidationError):
        register_case(officer=officer, registered_on=day, import_number=35)
    assert Case.objects.count() == 1
    assert DiaryCounter.objects.get(year=2020).last_number == 35


def test_updating_a_case_changes_facts_but_never_the_dnr(officer):
    case = register_case(officer=officer, registered_on=datetime.date(2020, 3, 1))
    other = ProjectFactory(title="Annat projekt")
    services.case_update(
        user=officer,
        case=case,
        data={"title": "Ny mening", "nyps_id": "20201111", "project": other},
    )
    case = Case.objects.get(pk=case.pk)
    assert (case.title, case.nyps_id, case.project, case.dnr) == (
        "Ny mening",
        "20201111",
        other,
        "00001-2020",
    )
    with pytest.raises(ValidationError):
        services.case_update(user=officer, case=case, data={"number": 9})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.xdist_group("connections")
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_registrations_get_fifty_consecutive_numbers():
    """50 threads, each on its own database connection, register at the same moment."""
    officer = user_with_role(Role.OFFICER, username="parallel")
    project = ProjectFactory()
    day = datetime.date(2024, 5, 2)
    barrier = threading.Barrier(50)
    numbers, errors = [], []
    lock = threading.Lock()

    def register(i):
        try:
            barrier.wait(timeout=30)
            case = services.case_register(
                user=officer,
                kind=CaseKind.CO_FINANCING,
                title=f"Ärende {i}",
                project=project,
                registered_on=day,
            )
            with lock:
                numbers.append(case.number)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(numbers) == list(range(1, 51))
    assert sorted(Case.objects.filter(year=2024).values_list("number", flat=True)) == list(
        range(1, 51)
    )
    assert DiaryCounter.objects.get(year=2024).last_number == 50
