"""Single sign-on end to end (issue 19, point 1) against a real OpenID Connect provider
(django-oidc-provider, tests/oidc_provider) that the tests start on loopback: the app's
live server and the provider talk real HTTP, the ID token is signed with the provider's
RSA key and checked against its JWKS. Nothing of the client is mocked.
"""

import re
import time
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from core.roles import Role, user_roles
from decisions.meetings.models import Signature
from tests.core.factories import user_with_role
from tests.oidc_provider import server

pytestmark = [pytest.mark.xdist_group("services"), pytest.mark.django_db(transaction=True)]

ROLE_MAP = {
    "RN-Utv-Handläggare": Role.OFFICER.value,
    "RN-Utv-Beslutsfattare": Role.DECISION_MAKER.value,
    "RN-Utv-Läsare": Role.READER.value,
}
PROVIDER_USERS = [
    {
        "username": "anna",
        "first_name": "Anna",
        "last_name": "Lindberg",
        "email": "anna.lindberg@norrbotten.se",
        "groups": ["RN-Utv-Handläggare", "RN-Alla-Anställda"],
    },
    {
        "username": "ordforande_t",
        "first_name": "Kenneth",
        "last_name": "Backgård",
        "email": "kenneth@norrbotten.se",
        "groups": ["RN-Utv-Beslutsfattare"],
    },
    {
        "username": "justerare_t",
        "first_name": "Lage",
        "last_name": "Hortlund",
        "email": "lage@norrbotten.se",
        "groups": ["RN-Utv-Beslutsfattare"],
    },
]


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    started = server.start(
        tmp_path_factory.mktemp("idp"), app_url=live_server.url, users=PROVIDER_USERS
    )
    yield started
    started.stop()


@pytest.fixture
def sso(provider, settings):
    """The app configured for the provider, as OIDC_* environment variables would."""
    for key, value in provider.settings(OIDC_ROLE_MAP=ROLE_MAP).items():
        setattr(settings, key, value)
    settings.LOCAL_LOGIN_ENABLED = False
    # requests (unlike a browser) sends no Secure cookie to http://localhost.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return provider


def _form(html: str, base: str) -> tuple[str, dict]:
    action = re.search(r'<form[^>]*method="post"[^>]*?(?:action="([^"]*)")?[^>]*>', html)
    fields = {
        name: unescape(value)
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)
    }
    return urljoin(base, (action.group(1) if action and action.group(1) else "")), fields


def provider_login(session: requests.Session, response, username: str):
    """Fill in the provider's login page that ``response`` shows; returns the answer after
    every redirect (back to the app)."""
    assert "Regionens inloggning (testleverantör)" in response.text, response.url
    url, fields = _form(response.text, response.url)
    fields.update(username=username, password=server.PASSWORD)
    return session.post(url or response.url, data=fields, headers={"Referer": response.url})


def sso_login(live_server, username: str, next_path: str = "/") -> requests.Session:
    session = requests.Session()
    page = session.get(f"{live_server.url}/oidc/authenticate/", params={"next": next_path})
    final = provider_login(session, page, username)
    assert final.status_code == 200, (final.status_code, final.url)
    assert final.url == live_server.url + next_path, final.url
    return session


def test_login_creates_the_user_with_roles_from_the_groups_claim(sso, live_server):
    session = sso_login(live_server, "anna", "/cases/")
    user = get_user_model().objects.get(username="SE2321000230-anna")  # the `sub` claim
    assert (user.first_name, user.last_name, user.email) == (
        "Anna",
        "Lindberg",
        "anna.lindberg@norrbotten.se",
    )
    assert not user.has_usable_password()
    assert user_roles(user) == {Role.OFFICER}  # RN-Alla-Anställda maps to no role
    page = session.get(f"{live_server.url}/accounts/profile/")
    assert "Du loggade in via regionens inloggning." in page.text
    # A second login finds the same user.
    sso_login(live_server, "anna")
    assert get_user_model().objects.filter(username="SE2321000230-anna").count() == 1


def test_an_existing_user_is_matched_by_the_configured_claim_and_roles_follow_the_groups(
    sso, live_server, settings
):
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    local = user_with_role(Role.READER, username="ordforande_t")
    sso_login(live_server, "ordforande_t")
    local.refresh_from_db()
    assert local.first_name == "Kenneth"
    assert user_roles(get_user_model().objects.get(pk=local.pk)) == {Role.DECISION_MAKER}


def test_local_login_is_off_when_oidc_is_on(sso, live_server):
    user_with_role(Role.OFFICER, username="lokal")
    page = requests.get(f"{live_server.url}/accounts/login/")
    assert "Logga in med regionens inloggning" in page.text
    assert 'name="password"' not in page.text
    session = requests.Session()
    session.get(f"{live_server.url}/accounts/login/")
    refused = session.post(
        f"{live_server.url}/accounts/login/",
        data={
            "username": "lokal",
            "password": "secret-password-123",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{live_server.url}/accounts/login/"},
    )
    assert refused.status_code == 403


def test_local_login_can_be_kept_beside_oidc(sso, live_server, settings):
    settings.LOCAL_LOGIN_ENABLED = True
    page = requests.get(f"{live_server.url}/accounts/login/")
    assert "Logga in med regionens inloggning" in page.text and 'name="password"' in page.text


def test_logout_ends_the_session_at_the_provider_too(sso, live_server):
    session = sso_login(live_server, "anna")
    profile = session.get(f"{live_server.url}/accounts/profile/")
    _url, fields = _form(profile.text, profile.url)
    answer = session.post(
        f"{live_server.url}/accounts/logout/",
        data={"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"]},
        headers={"Referer": profile.url},
        allow_redirects=False,
    )
    target = urlsplit(answer.headers["Location"])
    assert f"{target.scheme}://{target.netloc}" == sso.url
    assert target.path == "/end-session"
    assert parse_qs(target.query)["id_token_hint"]
    back = session.get(answer.headers["Location"])
    assert back.url == f"{live_server.url}/accounts/login/"
    # Logged out at the provider as well: the next login asks for the password again.
    again = session.get(f"{live_server.url}/oidc/authenticate/")
    assert "Regionens inloggning (testleverantör)" in again.text


def test_a_tampered_callback_logs_nobody_in(sso, live_server):
    session = requests.Session()
    first = session.get(f"{live_server.url}/oidc/authenticate/", allow_redirects=False)
    state = parse_qs(urlsplit(first.headers["Location"]).query)["state"][0]
    answer = session.get(
        f"{live_server.url}/oidc/callback/", params={"code": "forged", "state": state}
    )
    assert answer.url.startswith(f"{live_server.url}/accounts/login/")
    assert "Inloggningen via regionen misslyckades" in answer.text


# --- Justering with a new login at the provider ------------------------------------------------


@pytest.fixture
def meeting_out_for_signing(secretary):
    from decisions.meetings import services as meeting_svc
    from tests.decisions.meetings.factories import committee, held_meeting, information_paragraph

    meeting = held_meeting(secretary, committee(secretary))
    paragraph = information_paragraph(secretary, meeting)
    meeting_svc.paragraph_update(
        user=secretary,
        paragraph=paragraph,
        data={"decision_text": "Nämnden beslutar att lägga informationen till handlingarna."},
    )
    meeting_svc.meeting_submit_for_signing(user=secretary, meeting=meeting)
    return meeting


def _sign_page(session, live_server, meeting):
    return session.get(f"{live_server.url}/workflow/sammantraden/{meeting.pk}/justera/")


def _post_sign(session, page):
    url, fields = _form(page.text[page.text.index("signing__form") :], page.url)
    return session.post(
        url,
        data={"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"]},
        headers={"Referer": page.url},
    )


def test_justering_asks_for_a_new_login_at_the_provider(
    sso, live_server, settings, meeting_out_for_signing
):
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    meeting = meeting_out_for_signing
    chair = sso_login(live_server, "ordforande_t")
    page = _sign_page(chair, live_server, meeting)
    assert "Logga in på nytt för att justera" in page.text
    assert 'name="password"' not in page.text
    # Posting without a new login is refused; nothing is signed.
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    refused = chair.post(
        page.url, data={"csrfmiddlewaretoken": csrf}, headers={"Referer": page.url}
    )
    assert refused.status_code == 400
    assert not Signature.objects.filter(meeting=meeting).exists()
    # The button goes to the provider with prompt=login and max_age: it asks for the
    # password although the user is logged in there.
    link = re.search(r'href="(/oidc/authenticate/\?reauth=1[^"]*)"', page.text).group(1)
    first = chair.get(live_server.url + link.replace("&amp;", "&"), allow_redirects=False)
    query = parse_qs(urlsplit(first.headers["Location"]).query)
    assert query["prompt"] == ["login"] and query["max_age"] == [str(settings.OIDC_REAUTH_MAX_AGE)]
    time.sleep(1.1)  # auth_time has a resolution of one second
    login_page = chair.get(first.headers["Location"])
    back = provider_login(chair, login_page, "ordforande_t")
    assert back.url == page.url
    assert "Du loggade in på nytt kl." in back.text
    signed = _post_sign(chair, back)
    assert signed.status_code == 200
    signature = Signature.objects.get(meeting=meeting)
    assert signature.method == Signature.Method.OIDC
    assert signature.role == Signature.Role.CHAIR


def test_a_new_login_by_someone_else_does_not_count(
    sso, live_server, settings, meeting_out_for_signing
):
    """The adjuster's session is sent to the provider and the chair logs in there: the app
    refuses the answer, nothing is signed and nobody is swapped in."""
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    meeting = meeting_out_for_signing
    adjuster = sso_login(live_server, "justerare_t")
    page = _sign_page(adjuster, live_server, meeting)
    link = re.search(r'href="(/oidc/authenticate/\?reauth=1[^"]*)"', page.text).group(1)
    login_page = adjuster.get(live_server.url + link.replace("&amp;", "&"))
    back = provider_login(adjuster, login_page, "ordforande_t")
    assert back.url == page.url
    assert "Den nya inloggningen godtogs inte" in back.text
    assert "Logga in på nytt för att justera" in back.text
    me = adjuster.get(f"{live_server.url}/accounts/profile/")
    assert "Hortlund" in me.text and "Backgård" not in me.text
    page = _sign_page(adjuster, live_server, meeting)
    assert "Du loggade in på nytt" not in page.text
    assert not Signature.objects.filter(meeting=meeting).exists()
