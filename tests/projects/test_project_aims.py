"""Main aims of projects: a managed list the annual report counts (seed 004 2.2)."""

import pytest
from django.urls import reverse

from projects.models import Project, ProjectAim
from tests.projects.factories import ProjectFactory, project_aim
from tests.projects.test_views import _project_data

pytestmark = pytest.mark.django_db


def test_officers_keep_the_list_of_main_aims_with_how_the_report_counts_them(
    client_for, officer, reader
):
    client = client_for(officer)
    response = client.post(
        reverse("projects:area_create", args=["aims"]),
        {"name": "Klimatanpassning", "reported_as": "environment", "position": 5, "active": "on"},
    )
    assert response.status_code == 302
    aim = ProjectAim.objects.get(name="Klimatanpassning")
    assert aim.reported_as == "environment"
    page = client.get(reverse("projects:area_list")).content.decode()
    assert "Klimatanpassning" in page and "Miljö och klimat" in page
    # The region's own aim, not counted by the report.
    response = client.post(
        reverse("projects:area_edit", args=["aims", aim.pk]),
        {"name": "Klimatanpassning", "reported_as": "", "position": 5, "active": "on"},
    )
    assert response.status_code == 302
    assert ProjectAim.objects.get(pk=aim.pk).reported_as == ""
    page = client_for(reader).get(reverse("projects:area_list")).content.decode()
    assert "Klimatanpassning" in page


def test_the_project_form_sets_main_aims_and_refuses_a_retired_one(client_for, officer):
    equality, environment = project_aim("equality"), project_aim("environment")
    retired = ProjectAim.objects.create(name="Gammalt syfte", active=False)
    client = client_for(officer)
    form = client.get(reverse("projects:project_create")).content.decode()
    assert 'name="main_aims"' in form and "Gammalt syfte" not in form
    response = client.post(
        reverse("projects:project_create"),
        _project_data(main_aims=[equality.pk, environment.pk]),
    )
    assert response.status_code == 302
    project = Project.objects.get(title="Arctic Solar 2.0")
    assert {a.reported_as for a in project.main_aims.all()} == {"equality", "environment"}
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Jämställdhet" in page

    response = client.post(
        reverse("projects:project_create"),
        _project_data(title="Annat projekt", main_aims=[retired.pk]),
    )
    assert response.status_code != 302
    assert not Project.objects.filter(title="Annat projekt").exists()


def test_the_api_reads_and_writes_main_aims(api, officer, reader):
    project = ProjectFactory(aims=["diversity"])
    diversity, environment = project_aim("diversity"), project_aim("environment")
    body = api(reader).get(f"/api/v1/projects/{project.pk}/").json()
    assert body["main_aims"] == [diversity.pk]
    response = api(officer).patch(
        f"/api/v1/projects/{project.pk}/",
        {"main_aims": [diversity.pk, environment.pk], "edit_token": body["edit_token"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert set(project.main_aims.values_list("reported_as", flat=True)) == {
        "diversity",
        "environment",
    }
