import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import ApiToken
from core.roles import Role
from tests.core.factories import user_with_role


@pytest.mark.django_db
def test_create_api_token_prints_an_expiring_hashed_token_that_authenticates(client, capsys):
    user = user_with_role(Role.OFFICER, username="anna")
    call_command("create_api_token", "anna", "--days", "30")
    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=user)
    assert key not in {token.digest, token.token_key} and key.startswith(token.token_key)
    assert token.name == "automation"
    assert 29 <= (token.expiry - timezone.now()).days <= 30
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["roles"] == [Role.OFFICER]
    token.refresh_from_db()
    assert token.last_used_at is not None
    call_command("create_api_token", "anna", "--reset")
    second = capsys.readouterr().out.strip()
    assert second != key
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {second}").status_code == 200


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
