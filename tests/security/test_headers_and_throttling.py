"""Security headers on every response, login throttling, no public media."""

import pytest

from core.roles import Role
from tests.core.factories import user_with_role


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/"])
def test_security_headers_are_set(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_with_a_clear_message(client, settings):
    user_with_role(Role.OFFICER, username="anna")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/login/", {"username": "anna", "password": "wrong"})
        assert response.status_code == 200
        assert "Ange ett korrekt användarnamn och lösenord" in response.content.decode()
    response = client.post("/accounts/login/", {"username": "anna", "password": "wrong"})
    assert response.status_code == 429
    assert "För många misslyckade inloggningsförsök" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(
        "/accounts/login/", {"username": "anna", "password": "secret-password-123"}
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_a_correct_login_after_a_few_mistakes_works(client):
    user_with_role(Role.OFFICER, username="anna")
    client.post("/accounts/login/", {"username": "anna", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "anna", "password": "secret-password-123"}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_media_files_are_not_served_by_url(client, officer):
    client.force_login(officer)
    assert client.get("/media/cases/2020/00052-2020/x.pdf").status_code == 404
