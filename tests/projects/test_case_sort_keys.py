"""The case list's sort keys (``Case.sort_applicant``, ``sort_officer``, ``sort_requested``)
are kept by triggers (``projects.triggers``) on every path that changes what a row shows,
and the list sorted by them is the list sorted by what it shows."""

import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from core.roles import Role
from projects.models import Case, Project
from tests.core.factories import user_with_role
from tests.projects.factories import OrganisationFactory, ProjectFactory, register_case

pytestmark = pytest.mark.django_db
URL = reverse("projects:case_list")


def _keys(case) -> tuple:
    case = Case.objects.only(*Case.SORT_KEY_FIELDS).get(pk=case.pk)
    return case.sort_applicant, case.sort_officer, case.sort_requested


def _shown(case) -> tuple:
    """What a case-list row shows for the case (applicant, officer, requested amount)."""
    case = Case.objects.select_related("project__applicant", "officer").get(pk=case.pk)
    applicant = case.project.applicant
    return (
        applicant.name if applicant else None,
        case.officer.get_full_name() or case.officer.get_username(),
        case.project.requested_amount,
    )


def test_a_registered_case_takes_the_keys_of_what_its_row_shows(officer):
    case = register_case(
        officer=officer, project=ProjectFactory(requested_amount=Decimal("950000"))
    )
    assert _keys(case) == _shown(case)
    assert _keys(case)[1] == officer.get_full_name() and _keys(case)[2] == Decimal("950000")


def test_every_change_to_what_a_row_shows_reaches_the_keys(officer):
    ltu = OrganisationFactory(name="Luleå tekniska universitet")
    project = ProjectFactory(applicant=ltu, requested_amount=Decimal("1245497"))
    cases = [register_case(officer=officer, project=project) for _ in range(2)]
    other = register_case(officer=officer)

    ltu.name = "Luleå universitet"  # an organisation renamed (its edit form saves it)
    ltu.save()
    assert all(_keys(case)[0] == "Luleå universitet" for case in cases)

    project.refresh_from_db()
    project.applicant = OrganisationFactory(name="IUC Norrbotten")
    project.requested_amount = None  # a project's applicant and amount edited
    project.save()
    assert [_keys(case) for case in cases] == [_shown(case) for case in cases]
    assert _keys(cases[0])[0] == "IUC Norrbotten" and _keys(cases[0])[2] is None
    Project.objects.filter(pk=project.pk).update(applicant=None)  # a bulk update
    assert _keys(cases[0])[0] is None

    # an officer renamed, and one with no name (shown by the username)
    officer.first_name, officer.last_name = "Anna", "Lindqvist"
    officer.save()
    assert {_keys(case)[1] for case in (*cases, other)} == {"Anna Lindqvist"}
    officer.first_name = officer.last_name = ""
    officer.save(update_fields=["first_name", "last_name"])
    assert _keys(other)[1] == officer.username

    # a case handed to another officer, or moved to another project, in bulk or raw SQL
    colleague = user_with_role(Role.OFFICER, username="kristina", first_name="Kristina")
    Case.objects.filter(pk=cases[0].pk).update(officer=colleague)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE projects_case SET project_id = %s WHERE id = %s",
            [other.project_id, cases[1].pk],
        )
    for case in (*cases, other):
        assert _keys(case) == _shown(case)
    assert _keys(cases[0])[1] == colleague.get_full_name()


def test_a_change_that_shows_nothing_new_writes_no_case(officer):
    """A project's other fields, an organisation's or a user's other fields: the cases are
    left alone (no row versions written for nothing; an UPDATE moves the row's ctid)."""
    project = ProjectFactory()
    case = register_case(officer=officer, project=project)

    def version():
        with connection.cursor() as cursor:
            cursor.execute("SELECT ctid::text FROM projects_case WHERE id = %s", [case.pk])
            return cursor.fetchone()[0]

    before = version()
    project.title = "Nytt projektnamn"
    project.save()
    project.applicant.city = "Luleå"
    project.applicant.save()
    officer.email = "anna.lindberg@norrbotten.se"
    officer.save()
    assert version() == before
    project.requested_amount += 1
    project.save()
    assert version() != before


def test_the_migration_fills_the_keys_of_the_cases_there_are(officer):
    cases = [register_case(officer=officer) for _ in range(2)]
    shown = [_shown(case) for case in cases]
    with connection.cursor() as cursor:  # as before the migration (triggers not firing)
        cursor.execute(
            "UPDATE projects_case SET sort_applicant = NULL, sort_requested = NULL, "
            "sort_officer = ''"
        )
    migration = importlib.import_module("projects.migrations.0027_case_sort_keys")
    with connection.schema_editor() as schema_editor:
        migration.backfill(None, schema_editor)
    assert [_keys(case) for case in cases] == shown


@pytest.mark.parametrize("keys", [True, False], ids=["sort keys", "joined columns (SQLite)"])
def test_the_list_sorted_by_what_it_shows_empty_ones_last_both_ways(
    keys, officer, client_for, settings
):
    """Sorted by applicant, officer or amount: by what the row shows, newest Dnr first
    within, the other way exactly reversed, but a row without the value last both ways;
    the same by the joined columns, as on SQLite (no triggers)."""
    settings.USING_POSTGRES = keys
    colleague = user_with_role(Role.OFFICER, username="bo", first_name="Bo", last_name="Ek")
    cases = {
        "ltu": register_case(
            officer=officer,
            project=ProjectFactory(
                applicant=OrganisationFactory(name="Luleå tekniska universitet"),
                requested_amount=Decimal("500000"),
            ),
        ),
        "alm": register_case(
            officer=colleague,
            project=ProjectFactory(
                applicant=OrganisationFactory(name="Almi Nord"), requested_amount=Decimal("90000")
            ),
        ),
        "none": register_case(
            officer=officer, project=ProjectFactory(applicant=None, requested_amount=None)
        ),
        "ltu2": register_case(
            officer=colleague,
            project=ProjectFactory(
                applicant=OrganisationFactory(name="Luleå tekniska universitet AB"),
                requested_amount=Decimal("500000"),
            ),
        ),
    }
    dnr = {key: case.dnr for key, case in cases.items()}
    client = client_for(officer)

    def rows(sort):
        return [case.dnr for case in client.get(URL, {"sort": sort}).context["page"]]

    assert rows("applicant") == [dnr["alm"], dnr["ltu"], dnr["ltu2"], dnr["none"]]
    assert rows("-applicant") == [dnr["ltu2"], dnr["ltu"], dnr["alm"], dnr["none"]]
    # the same amount: newest Dnr first, and reversed the other way
    assert rows("requested") == [dnr["alm"], dnr["ltu2"], dnr["ltu"], dnr["none"]]
    assert rows("-requested") == [dnr["ltu"], dnr["ltu2"], dnr["alm"], dnr["none"]]
    # "Anna Lindberg" before "Bo Ek"
    assert rows("officer") == [dnr["none"], dnr["ltu"], dnr["ltu2"], dnr["alm"]]
    assert rows("-officer") == [dnr["alm"], dnr["ltu2"], dnr["ltu"], dnr["none"]]
    # an officer renamed: the list follows at once
    colleague.first_name = "Aaron"
    colleague.save()
    assert rows("officer") == [dnr["ltu2"], dnr["alm"], dnr["none"], dnr["ltu"]]
