import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from core.roles import Role
from tests.core.factories import user_with_role


@pytest.mark.django_db
def test_create_api_token_prints_a_token_that_authenticates(client, capsys):
    user = user_with_role(Role.OFFICER, username="anna")
    call_command("create_api_token", "anna")
    key = capsys.readouterr().out.strip()
    assert Token.objects.get(user=user).key == key
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["roles"] == [Role.OFFICER]
    call_command("create_api_token", "anna")
    assert capsys.readouterr().out.strip() == key


@pytest.mark.django_db
def test_api_requires_authentication(client):
    response = client.get("/api/v1/me/")
    assert response.status_code == 401


@pytest.mark.django_db
def test_openapi_schema_is_served_to_authenticated_users(client):
    client.force_login(user_with_role(Role.READER))
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Norrbotten Cases API"
    assert "/api/v1/me/" in schema["paths"]
