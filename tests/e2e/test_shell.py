"""The UI shell in a real browser: login, navigation, language switch, accessibility."""

from core.roles import Role
from tests.core.factories import user_with_role


def test_login_navigation_and_language_switch(journey):
    user_with_role(Role.OFFICER, username="anna", first_name="Anna", last_name="Lindberg")
    j = journey()
    j.goto("/cases/")
    assert "/accounts/login/" in j.page.url
    assert j.page.locator("h1").inner_text() == "Logga in"
    j.assert_accessible("login")
    j.shot("login")
    j.login("anna")
    j.goto("/")
    assert "Välkommen, Anna" in j.page.locator("h1").inner_text()
    for label in ("Ärenden", "Sammanträden", "Ekonomi", "Rapporter"):
        assert j.page.get_by_role("link", name=label).first.is_visible()
    j.assert_accessible("home")
    j.shot("home")
    with j.page.expect_navigation():
        j.page.get_by_role("button", name="English").click()
    assert j.page.locator("html").get_attribute("lang") == "en"
    j.shot("home-en")
    with j.page.expect_navigation():
        j.page.get_by_role("button", name="Svenska").click()
    assert j.page.locator("html").get_attribute("lang") == "sv"
    j.logout()
    assert "/accounts/login/" in j.page.url


def test_keyboard_user_can_log_in(journey):
    user_with_role(Role.READER, username="rut")
    j = journey()
    j.goto("/accounts/login/")
    j.assert_accessible("login")
    # The username field has focus on arrival; the rest is Tab, typing and Enter.
    assert j.page.evaluate("document.activeElement.name") == "username"
    j.page.keyboard.type("rut")
    j.page.keyboard.press("Tab")
    j.page.keyboard.type("secret-password-123")
    with j.page.expect_navigation():
        j.page.keyboard.press("Enter")
    assert "/accounts/login/" not in j.page.url
    j.assert_accessible("home")
