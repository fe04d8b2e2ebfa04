"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Screenshots of key pages go to test-artifacts/e2e/<test name>/ (kept by CI as evidence).
Accessibility: ``Journey.assert_accessible()`` runs the vendored axe-core in the page and
fails on serious or critical violations; a journey fails at the end if it visited a page
it never checked. Pages keep their Content-Security-Policy (axe is added to every page as
an init script through the DevTools protocol, which CSP does not govern), and every console
error, CSP violation or uncaught exception in the browser fails the journey.
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

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
TIMEOUT_MS = 15000

# Records CSP violations in the page (also those Chromium does not print to the console).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  const target = event.target && event.target.outerHTML ? event.target.outerHTML : "";
  console.error("CSP violation: " + event.violatedDirective + " blocked " +
                (event.blockedURI || "inline") + " in " + event.sourceFile + ":" +
                event.lineNumber + " on " + target.slice(0, 160) + " sample " + event.sample);
});
"""


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Every journey is ``e2e`` and runs in the ``services`` xdist group (a live server
    and a Chromium of its own; see tests/conftest.py)."""
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group("services"))


@pytest.fixture(scope="module")
def browser():
    """Chromium, for the journeys of one module. Not kept for the session: while Playwright
    runs, its event loop counts as running in this thread, and Django's connections of the
    tests after the journeys would be looked up per context (one was left open, and the test
    database could not be dropped at the end of the run)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


OVERFLOW_VIEWPORTS = ((1366, 900), (390, 844))
# The document's width against the window's, and the outermost elements sticking out.
OVERFLOW_PROBE = """() => {
  const doc = document.documentElement;
  const width = doc.clientWidth;
  const culprits = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    const parent = el.parentElement.getBoundingClientRect();
    if (box.right > width + 1 && parent.right <= width + 1 && culprits.length < 5) {
      culprits.push(el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
    }
  }
  return {scroll: doc.scrollWidth, client: width, culprits: culprits};
}"""


def _page_key(url: str) -> str:
    """A visited page, without query string and fragment: /cases/12/."""
    return urlsplit(url).path


class Journey:
    """A browser tab with helpers for logging in, htmx dialogs, screenshots and axe checks."""

    def __init__(self, browser, live_server, axe_source: str, name: str, locale: str = "sv-SE"):
        from playwright.sync_api import expect

        self.base = live_server.url
        self.axe_source = axe_source
        self.context = browser.new_context(
            locale=locale,
            viewport={"width": 1366, "height": 900},
            accept_downloads=True,
        )
        self.context.add_init_script(CSP_LISTENER)
        # axe-core in every page from its start, as an init script (outside the page's CSP
        # as evaluate is): sending and compiling it for each check took about 70 ms.
        self.context.add_init_script(axe_source)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        self.dir = ARTIFACTS / re.sub(r"[^\w.-]+", "_", name)
        self.dir.mkdir(parents=True, exist_ok=True)
        for old in self.dir.glob("*"):
            old.unlink()
        self.shots = 0
        self.errors: list[str] = []
        self.visited: dict[str, str] = {}  # path -> full url, in visiting order
        self.checked: set[str] = set()
        # False: the accessibility checks only look for overflow (a run in another language
        # of a journey whose pages axe-core has checked: the same markup, other texts)
        self.axe = True
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        self.allowed_errors: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("framenavigated", self._on_navigated)

    # --- bookkeeping ------------------------------------------------------------------

    def allow_error(self, text: str) -> None:
        """The next console error containing ``text`` is expected (e.g. a form refused
        with 400 on purpose): it is not counted as a browser error."""
        self.allowed_errors.append(text)

    def _on_console(self, message):
        if message.type == "error":
            for allowed in self.allowed_errors:
                if allowed in message.text:
                    self.allowed_errors.remove(allowed)
                    return
            location = message.location or {}
            self.errors.append(
                f"console on {self.page.url}: {message.text} ({location.get('url', '')})"
            )

    def _on_navigated(self, frame):
        if frame == self.page.main_frame and frame.url.startswith(self.base):
            self.visited.setdefault(_page_key(frame.url), frame.url)

    @property
    def path(self) -> str:
        return _page_key(self.page.url)

    def url(self, path: str) -> str:
        return self.base + path

    # --- navigation ---------------------------------------------------------------------

    def goto(self, path: str):
        """Open a page by path (/cases/) or by a full URL taken from an earlier page."""
        response = self.page.goto(path if path.startswith("http") else self.base + path)
        assert response is not None and response.status < 500, f"{path}: {response.status}"
        return response

    def click_through(self, locator):
        """Click something that loads a new page (link, form button, htmx redirect).

        Waits for the new document's load event: an htmx redirect to a fragment of the
        same page first scrolls (a same-document navigation) and then reloads.
        """
        with self.page.expect_event("load"):
            locator.click()

    def login(self, username: str, password: str = PASSWORD):
        """Log in through the form; the login page and the landing page get their axe check
        the first time a journey sees them."""
        self.goto("/accounts/login/")
        self.check_once("login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.click("main button[type=submit]")
        assert "/accounts/login/" not in self.page.url, "login failed"
        self.check_once("start")

    def set_language(self, button: str, code: str):
        """Choose the UI language with the switch in the header (kept in a cookie, so it
        survives logging out and in as another user)."""
        with self.page.expect_navigation():
            self.page.locator(".lang-switch").get_by_role("button", name=button).click()
        assert self.page.locator("html").get_attribute("lang") == code

    def logout(self):
        self.page.click(".user-menu summary")
        with self.page.expect_navigation():
            self.page.click(".user-menu__panel button[type=submit]")

    def switch_user(self, username: str, password: str = PASSWORD):
        if self.page.locator(".user-menu").count():
            self.logout()
        self.login(username, password)

    # --- htmx dialogs -----------------------------------------------------------------

    def open_dialog(self, trigger):
        """Click a button or link that opens an htmx dialog; returns the dialog, focused."""
        trigger.click()
        return self.wait_for_dialog()

    def wait_for_dialog(self):
        from playwright.sync_api import expect

        dialog = self.page.locator("#modal [role=dialog]")
        expect(dialog).to_be_visible()
        # app.js moves the focus into the dialog once htmx has swapped it in.
        self.page.wait_for_function(
            "() => document.querySelector('#modal').contains(document.activeElement)"
        )
        return dialog

    def submit_dialog(self, dialog, button_name: str):
        """Submit the dialog's form; on success the server answers with HX-Redirect."""
        self.click_through(dialog.get_by_role("button", name=button_name, exact=True))

    # --- keyboard ---------------------------------------------------------------------

    def tab_to(self, locator, *, limit: int = 120, reverse: bool = False):
        """Press Tab (Shift+Tab) until ``locator`` has the focus, as a keyboard user would."""
        handle = locator.element_handle()
        key = "Shift+Tab" if reverse else "Tab"
        for _ in range(limit):
            if self.page.evaluate("(el) => document.activeElement === el", handle):
                return
            self.page.keyboard.press(key)
        pytest.fail(f"{locator} not reachable with {key} within {limit} presses")

    def focused(self, prop: str = "name") -> str:
        return self.page.evaluate(f"() => document.activeElement && document.activeElement.{prop}")

    # --- evidence -----------------------------------------------------------------------

    def shot(self, label: str) -> Path:
        """A screenshot: the whole page, or only the viewport while a dialog is open (its
        fixed backdrop covers the viewport only, which a full-page shot shows half-dimmed)."""
        self.shots += 1
        safe = re.sub(r"[^\w.-]+", "_", label)
        path = self.dir / f"{self.shots:02d}-{safe}.png"
        dialog_open = self.page.locator("#modal [role=dialog]").count() > 0
        # caret="initial": hiding the caret leaves style="" on every input, which htmx's
        # settling then copies onto swapped-in elements, a CSP violation the app never causes.
        self.page.screenshot(path=str(path), full_page=not dialog_open, caret="initial")
        return path

    def assert_accessible(self, label: str = ""):
        """No serious or critical axe-core violations on the current page (or open dialog)."""
        self.page.wait_for_load_state("load")
        self.checked.add(self.path)
        self.assert_no_overflow()
        if not self.axe:
            return
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(self.axe_source)
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
                    "nodes": [
                        {"target": n["target"], "summary": n.get("failureSummary", "")}
                        for n in v["nodes"][:5]
                    ],
                }
                for v in bad
            ]
            name = re.sub(r"[^\w.-]+", "_", label or str(self.shots))
            (self.dir / f"axe-{name}.json").write_text(json.dumps(report, indent=2))
            pytest.fail(f"accessibility violations on {self.page.url}: {json.dumps(report)}")

    def assert_no_overflow(self):
        """Nothing makes the page wider than the window, on a laptop and on a phone
        (tables scroll inside their frame). Checked with every accessibility check."""
        size = self.page.viewport_size
        problems = []
        for width, height in OVERFLOW_VIEWPORTS:
            self.page.set_viewport_size({"width": width, "height": height})
            found = self.page.evaluate(OVERFLOW_PROBE)
            if found["scroll"] > found["client"] + 1:
                problems.append(f"{width}x{height}: {found['scroll']} px wide {found['culprits']}")
        self.page.set_viewport_size(size)
        if problems:
            pytest.fail(f"horizontal overflow on {self.page.url}: " + "; ".join(problems))

    def check_once(self, label: str):
        """An axe check of the current page unless the journey has checked it already."""
        if self.path not in self.checked:
            self.assert_accessible(label)

    def check(self, label: str) -> Path:
        """The usual step at a settled page: axe check, then a screenshot."""
        self.assert_accessible(label)
        return self.shot(label)

    def close(self):
        try:
            self.context.close()
        finally:
            assert not self.errors, "browser errors:\n" + "\n".join(self.errors)
            unchecked = [url for path, url in self.visited.items() if path not in self.checked]
            assert not unchecked, f"pages visited without an accessibility check: {unchecked}"


@pytest.fixture
def journey(browser, live_server, axe_source, request, transactional_db, settings):
    """``journey(locale=..., suffix=...)`` opens a browser tab for the test.

    Celery tasks run in-process (tests/conftest.py), on commit; e-mail goes to the locmem
    outbox, which the test sees since the live server runs in a thread of this process.
    """
    # The live server serves static files from the finders: use unhashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    journeys = []

    def start(locale: str = "sv-SE", suffix: str = ""):
        j = Journey(browser, live_server, axe_source, request.node.name + suffix, locale=locale)
        journeys.append(j)
        return j

    yield start
    failed = getattr(request.node, "_e2e_failed", False)
    failures = []
    for j in journeys:
        if failed:
            try:
                j.shot("failure")
            except Exception:  # noqa: BLE001 - evidence only, the test failed already
                pass
            if j.errors:
                print("browser errors:\n" + "\n".join(j.errors))  # noqa: T201
            j.errors.clear()
            j.visited.clear()
        try:
            j.close()
        except AssertionError as exc:
            failures.append(str(exc))
    if failures:
        pytest.fail("\n".join(failures))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        item._e2e_failed = True
