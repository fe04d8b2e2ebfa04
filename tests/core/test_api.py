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


@pytest.fixture
def fresh_schemas():
    from core.api_views import SchemaView

    SchemaView._generated.clear()
    yield SchemaView._generated
    SchemaView._generated.clear()


JSON = {"HTTP_ACCEPT": "application/vnd.oai.openapi+json"}


@pytest.mark.django_db
def test_the_schema_is_generated_once_per_language_and_the_same_for_every_role(
    client, fresh_schemas, monkeypatch
):
    from drf_spectacular.generators import SchemaGenerator

    generated: list[int] = []
    get_schema = SchemaGenerator.get_schema
    monkeypatch.setattr(
        SchemaGenerator,
        "get_schema",
        lambda self, *args, **kwargs: generated.append(1) or get_schema(self, *args, **kwargs),
    )
    schemas = {}
    for role in (Role.READER, Role.OFFICER, Role.CONTROLLER, Role.SECRETARY):
        fresh_schemas.clear()  # generated afresh for this role
        client.force_login(user_with_role(role))
        response = client.get("/api/schema/", **JSON)
        assert response.status_code == 200
        schemas[role] = response.json()
    assert all(schema == schemas[Role.READER] for schema in schemas.values())
    assert len(generated) == 4
    # kept: the same schema again, as YAML too, without generating it
    assert client.get("/api/schema/", **JSON).json() == schemas[Role.READER]
    yaml = client.get("/api/schema/")
    assert yaml.status_code == 200 and b"/api/v1/me/" in yaml.content
    assert len(generated) == 4
    # each language its own; a version or language the settings do not list: not kept
    assert client.get("/api/schema/", {"lang": "en"}, **JSON).status_code == 200
    assert len(generated) == 5 and set(fresh_schemas) == {"sv", "en"}
    assert client.get("/api/schema/", {"version": "x"}, **JSON).status_code == 200
    assert client.get("/api/schema/", {"lang": "fi"}, **JSON).status_code == 200
    assert len(generated) == 7 and set(fresh_schemas) == {"sv", "en"}
    # still only for a logged-in user
    client.logout()
    assert client.get("/api/schema/", **JSON).status_code in (401, 403)
