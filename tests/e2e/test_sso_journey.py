"""Single sign-on in a real browser (issue 19, point 1): Chromium logs in through the
OpenID Connect provider the tests start on loopback (tests/oidc_provider), lands in the app
with the roles of its groups, makes an API token on the profile page, and logs out at the
provider too."""

from playwright.sync_api import expect

from core.roles import Role, user_roles
from tests.core.test_oidc import provider, sso  # noqa: F401 - the provider's fixtures
from tests.oidc_provider import server


def test_login_through_the_identity_provider(journey, sso, live_server):  # noqa: F811
    from django.contrib.auth import get_user_model

    j = journey()
    j.goto("/cases/")
    assert "/accounts/login/" in j.page.url
    expect(j.page.locator("input[name=password]")).to_have_count(0)  # local login is off
    j.check("login")
    with j.page.expect_navigation():
        j.page.get_by_role("link", name="Logga in med regionens inloggning").click()
    assert j.page.url.startswith(sso.url)
    j.page.get_by_label("Användarnamn").fill("anna")
    j.page.get_by_label("Lösenord").fill(server.PASSWORD)
    j.shot("provider-login")
    with j.page.expect_navigation(url=f"{live_server.url}/cases/"):
        j.page.get_by_role("button", name="Logga in hos regionen").click()
    assert j.page.locator("h1").first.is_visible()
    j.check("case-list")
    user = get_user_model().objects.get(username="SE2321000230-anna")
    assert user_roles(user) == {Role.OFFICER}
    expect(j.page.locator(".user-menu__name")).to_have_text("Anna Lindberg")

    # The profile page: how the session began, and an API token made and shown once.
    j.goto("/accounts/profile/")
    expect(j.page.get_by_text("Du loggade in via regionens inloggning.")).to_be_visible()
    expect(j.page.get_by_role("link", name="Byt lösenord")).to_have_count(0)
    j.check("profile")
    j.page.get_by_label("Namn").fill("Ekonomisystemets import")
    j.page.get_by_label("Giltig i antal dagar").fill("30")
    j.click_through(j.page.get_by_role("button", name="Skapa nyckel"))
    token = j.page.locator("#new-token").input_value()
    assert len(token) >= 40
    expect(j.page.get_by_role("cell", name="Ekonomisystemets import", exact=True)).to_be_visible()
    j.check("profile-token")

    # Logging out ends the session at the provider too: the next login asks again.
    j.logout()
    assert j.page.url == f"{live_server.url}/accounts/login/"
    j.goto("/oidc/authenticate/")
    assert j.page.url.startswith(sso.url)
    expect(j.page.get_by_label("Användarnamn")).to_be_visible()
