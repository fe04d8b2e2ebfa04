"""The user's own account (issue 19, points 2 and 3): session limits, password rules and
change, log out everywhere, API tokens on the profile page."""

import datetime
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from core import accounts
from core.models import ApiToken, UserSession
from core.roles import Role
from tests.core.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db


# --- Passwords -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "Sommar2024",  # the one security testing found (10 characters)
        "Kort123!",  # shorter than 12
        "Sommar2024!!",  # 12, but a season and a year
        "Norrbotten2025",
        "Lösenord123456",
        "password1234",  # Django's common-password list
        "123456789012345",  # only digits
        "aaaaaaaa1111",
    ],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, get_user_model()(username="anna"))


def test_a_long_unusual_passphrase_is_accepted():
    validate_password("tjäle-Vattenfall-kaffekopp-7", get_user_model()(username="anna"))


def test_the_password_change_page(client):
    user = user_with_role(Role.OFFICER, username="anna")
    other = Client()
    other.force_login(user)
    client.force_login(user)
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and 'name="new_password1"' in page.content.decode()
    wrong = client.post(
        "/accounts/password/",
        {"old_password": "fel", "new_password1": "x", "new_password2": "x"},
    )
    assert wrong.status_code == 400
    weak = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Sommar2024", "new_password2": "Sommar2024"},
    )
    assert weak.status_code == 400
    assert "minst 12 tecken" in weak.content.decode()
    new = "tjäle-Vattenfall-kaffekopp-7"
    done = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    # This session stays, the other one ends.
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_users_without_a_local_password_have_no_password_page(client):
    user = user_with_role(Role.OFFICER, username="sso")
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    assert client.get("/accounts/password/").status_code == 403
    assert "/accounts/password/" not in client.get("/accounts/profile/").content.decode()


# --- Sessions --------------------------------------------------------------------------------


def _age(client, **seconds):
    session = client.session
    for key, value in seconds.items():
        session[key] = time.time() - value
    session.save()


def test_a_session_ends_after_the_idle_timeout(client, settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    client.force_login(user_with_role(Role.READER))
    _age(client, nc_last_seen=29 * 60)
    assert client.get("/").status_code == 200  # and the request counts as activity
    assert time.time() - client.session[accounts.LAST_SEEN] < 5
    _age(client, nc_last_seen=31 * 60)
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    page = client.get(response["Location"])
    assert "efter en tid utan aktivitet" in page.content.decode()


def test_a_session_ends_after_its_absolute_lifetime_however_active(client, settings):
    assert settings.SESSION_ABSOLUTE_LIFETIME == 10 * 60 * 60
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_LIFETIME
    client.force_login(user_with_role(Role.READER))
    _age(client, nc_login_at=9 * 3600, nc_last_seen=10)
    assert client.get("/").status_code == 200
    _age(client, nc_login_at=10 * 3600 + 60, nc_last_seen=10)
    response = client.get("/")
    assert response.status_code == 302
    assert "Din inloggning har gått ut" in client.get(response["Location"]).content.decode()


def test_the_idle_time_is_written_at_most_once_a_minute(client):
    client.force_login(user_with_role(Role.READER))
    client.get("/")
    seen = client.session[accounts.LAST_SEEN]
    client.get("/")
    assert client.session[accounts.LAST_SEEN] == seen


def test_log_out_everywhere_ends_every_session_of_the_user(client):
    user = user_with_role(Role.OFFICER, username="anna")
    others = [Client(), Client()]
    for other in others:
        other.force_login(user)
    bystander = Client()
    bystander.force_login(user_with_role(Role.OFFICER, username="bo"))
    client.force_login(user)
    assert UserSession.objects.filter(user=user).count() == 3
    profile = client.get("/accounts/profile/").content.decode()
    assert "Du har 3 aktiva inloggningar." in profile
    response = client.post("/accounts/logout-everywhere/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    for c in [client, *others]:
        assert c.get("/").status_code == 302
    assert bystander.get("/").status_code == 200
    assert not UserSession.objects.filter(user=user).exists()


# --- API tokens --------------------------------------------------------------------------------


def test_tokens_are_made_shown_once_used_and_revoked_on_the_profile_page(client):
    user = user_with_role(Role.OFFICER, username="anna")
    client.force_login(user)
    made = client.post("/accounts/api-tokens/", {"name": "Ekonomisystemet", "days": "30"})
    assert made.status_code == 200
    assert made["Cache-Control"].startswith("max-age=0") or "no-cache" in made["Cache-Control"]
    plain = re.search(r'id="new-token"[^>]*value="([^"]+)"', made.content.decode()).group(1)
    token = ApiToken.objects.get(user=user)
    assert plain not in (token.digest, token.token_key)  # only a digest is kept
    assert token.name == "Ekonomisystemet"
    assert (token.expiry - timezone.now()).days in (29, 30)
    # The profile page never shows the token again.
    profile = client.get("/accounts/profile/").content.decode()
    assert plain not in profile and "Ekonomisystemet" in profile and "Aldrig" in profile
    api = Client()
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {plain}").status_code == 200
    assert "Aldrig" not in client.get("/accounts/profile/").content.decode()
    # A second token beside it, then the first revoked.
    client.post("/accounts/api-tokens/", {"name": "Rapportskript", "days": "7"})
    assert ApiToken.objects.filter(user=user).count() == 2
    assert client.post(f"/accounts/api-tokens/{token.digest}/revoke/").status_code == 302
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {plain}").status_code == 401
    assert ApiToken.objects.filter(user=user).count() == 1


def test_a_token_expires(client):
    user = user_with_role(Role.OFFICER, username="anna")
    token, plain = accounts.api_token_create(user=user, name="x", days=1)
    ApiToken.objects.filter(pk=token.pk).update(
        expiry=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {plain}").status_code == 401


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "", "days": "30"}, "name"),
        ({"name": "x", "days": "0"}, "days"),
        ({"name": "x", "days": "366"}, "days"),
        ({"name": "x" * 101, "days": "30"}, "name"),
    ],
)
def test_token_form_refusals(client, data, field):
    client.force_login(user_with_role(Role.OFFICER))
    response = client.post("/accounts/api-tokens/", data)
    assert response.status_code == 400
    assert field in response.context["token_form"].errors
    assert not ApiToken.objects.exists()


def test_nobody_revokes_another_users_token(client):
    token, plain = accounts.api_token_create(user=user_with_role(Role.OFFICER), name="x")
    client.force_login(user_with_role(Role.OFFICER, username="mallory"))
    assert client.post(f"/accounts/api-tokens/{token.digest}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_profile_page_takes_few_queries_however_many_tokens(
    client, django_assert_max_num_queries
):
    user = user_with_role(Role.OFFICER, username="anna")
    for number in range(15):
        accounts.api_token_create(user=user, name=f"Nyckel {number}")
    client.force_login(user)
    client.get("/accounts/profile/")
    with django_assert_max_num_queries(12):
        page = client.get("/accounts/profile/")
    assert page.content.decode().count("/revoke/") == 15
