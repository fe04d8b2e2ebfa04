"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Screenshots of key pages go to test-artifacts/e2e/<test name>/ (kept by CI as evidence).
Accessibility: ``assert_accessible(page)`` runs the vendored axe-core in the page and fails
on serious or critical violations.
"""

import json
import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "secret-password-123"  # noqa: S105 - factory default


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Journey:
    """A browser tab with helpers for logging in, screenshots and accessibility checks."""

    def __init__(self, browser, live_server, name: str, locale: str = "sv-SE"):
        self.base = live_server.url
        self.context = browser.new_context(
            locale=locale,
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
            bypass_csp=True,  # only so the test can inject axe-core; pages keep their CSP
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.dir = ARTIFACTS / re.sub(r"[^\w.-]+", "_", name)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.shots = 0
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def goto(self, path: str):
        response = self.page.goto(self.base + path)
        assert response is not None and response.status < 500, f"{path}: {response.status}"
        return response

    def login(self, username: str, password: str = PASSWORD):
        self.goto("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.click("main button[type=submit]")
        assert "/accounts/login/" not in self.page.url, "login failed"

    def logout(self):
        self.page.click(".user-menu summary")
        with self.page.expect_navigation():
            self.page.click(".user-menu__panel button[type=submit]")

    def shot(self, label: str) -> Path:
        self.shots += 1
        safe = re.sub(r"[^\w.-]+", "_", label)
        path = self.dir / f"{self.shots:02d}-{safe}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_accessible(self, label: str = ""):
        """No serious or critical axe-core violations on the current page."""
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        if bad:
            report = [
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "nodes": [n["target"] for n in v["nodes"][:5]],
                }
                for v in bad
            ]
            (self.dir / f"axe-{label or self.shots}.json").write_text(json.dumps(report, indent=2))
            pytest.fail(f"accessibility violations on {self.page.url}: {json.dumps(report)}")

    def close(self):
        self.context.close()
        assert not self.errors, f"JavaScript errors: {self.errors}"


@pytest.fixture
def journey(browser, live_server, request, transactional_db, settings):
    # The live server serves static files from the finders: use unhashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    journeys = []

    def start(locale: str = "sv-SE", suffix: str = ""):
        j = Journey(browser, live_server, request.node.name + suffix, locale=locale)
        journeys.append(j)
        return j

    yield start
    for j in journeys:
        j.close()
