"""Production settings (issue #8, point 5.3): HTTPS only, HSTS, secure cookies.

``tests/core/test_settings.py`` runs ``check --deploy`` and reads the two secure
cookie flags. Here the production settings are read in a subprocess (DEBUG off, the
variables a deployment sets, nothing else from the test environment), and then applied
to this process to see what a browser gets: the redirect to HTTPS, the HSTS header and the
cookie attributes of a real login.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.roles import Role
from tests.core.factories import user_with_role
from tests.environment import clean_environ

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "norrbotten_cases.settings",
    "DEBUG": "false",
    "SECRET_KEY": "p" * 20 + "-production-like-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "cases.norrbotten.se",
    "DATABASE_URL": "sqlite:////tmp/nc-security-settings.sqlite3",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://mail.norrbotten.se:25",
}
NAMES = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "X_FRAME_OPTIONS",
    "ALLOWED_HOSTS",
]


@pytest.fixture(scope="module")
def production():
    """The security settings as production loads them."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {NAMES!r}}}))"
    )
    env = clean_environ()
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_is_https_only_with_hsts_and_secure_cookies(production):
    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert production["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    # No script reads the CSRF cookie (htmx sends the token from hx-headers).
    assert production["CSRF_COOKIE_HTTPONLY"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    # Only the load balancer's health probe may be answered over plain HTTP.
    assert production["SECURE_REDIRECT_EXEMPT"] == [r"^healthz$"]


@pytest.fixture
def as_in_production(settings, production):
    for name, value in production.items():
        if name not in ("DEBUG", "ALLOWED_HOSTS"):
            setattr(settings, name, value)
    settings.ALLOWED_HOSTS = ["testserver", *production["ALLOWED_HOSTS"]]
    return production


def _cookies(response) -> dict:
    return {name: morsel for name, morsel in response.cookies.items()}


def _set_cookie_headers(response) -> list[str]:
    return [morsel.OutputString() for morsel in response.cookies.values()]


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_except_the_health_probe(client, as_in_production):
    for path in ("/accounts/login/", "/", "/cases/", "/api/v1/me/"):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response["Location"] == f"https://testserver{path}"
    assert client.get("/healthz").status_code in (200, 503)


@pytest.mark.django_db
def test_behind_the_proxy_forwarded_https_is_trusted(client, as_in_production):
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert "max-age=" in response["Strict-Transport-Security"]


@pytest.mark.django_db
def test_https_answers_carry_hsts(client, as_in_production):
    response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    hsts = response["Strict-Transport-Security"]
    assert f"max-age={as_in_production['SECURE_HSTS_SECONDS']}" in hsts
    assert "includeSubDomains" in hsts and "preload" in hsts


@pytest.mark.django_db
def test_a_login_sets_secure_http_only_same_site_cookies(client, as_in_production):
    user_with_role(Role.OFFICER, username="anna")
    page = client.get("/accounts/login/", secure=True)
    csrf = _cookies(page)["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == as_in_production["CSRF_COOKIE_SAMESITE"]
    assert csrf["httponly"] is True
    assert "HttpOnly" in csrf.OutputString()

    client_with_csrf = type(client)(enforce_csrf_checks=True)
    client_with_csrf.cookies = client.cookies
    response = client_with_csrf.post(
        "/accounts/login/",
        {
            "username": "anna",
            "password": "secret-password-123",
            "csrfmiddlewaretoken": csrf.value,
        },
        secure=True,
        HTTP_REFERER="https://testserver/accounts/login/",
    )
    assert response.status_code == 302, response.content[:500]
    cookies = _cookies(response)
    session = cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == as_in_production["SESSION_COOKIE_SAMESITE"]
    headers = _set_cookie_headers(response)
    session_header = next(h for h in headers if h.startswith("sessionid="))
    assert "Secure" in session_header and "HttpOnly" in session_header
    assert f"SameSite={as_in_production['SESSION_COOKIE_SAMESITE']}" in session_header
    # The CSRF token is rotated at login, and the new cookie is just as strict.
    assert cookies["csrftoken"]["secure"] is True
    assert cookies["csrftoken"]["httponly"] is True
    assert cookies["csrftoken"].value != csrf.value
    # Logged in over HTTPS: the session works.
    assert client_with_csrf.get("/", secure=True).status_code == 200


@pytest.mark.django_db
def test_a_login_over_plain_http_never_reaches_the_form(client, as_in_production):
    user_with_role(Role.OFFICER, username="anna")
    response = client.post(
        "/accounts/login/", {"username": "anna", "password": "secret-password-123"}
    )
    assert response.status_code == 301
    assert "sessionid" not in response.cookies
