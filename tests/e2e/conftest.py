"""Browser tests: the app under uvicorn (``participation.server``) on a free loopback
port, a fresh SQLite database seeded by ``seed_demo``, and Debian's Chromium driven
by Playwright.

Every test here is marked ``e2e``. Without Chromium they are skipped, and the skip
reason says so in the summary.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.totp import fresh_totp

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "e2e-demo-password-2026"
AXE = HERE / "vendor" / "axe.min.js"
# Auto-waiting assertions wait this long: the suite shares two cores with the server.
expect.set_options(timeout=15_000)
SCREENSHOTS = ROOT / "screenshots"


# Runs after pytest-django's ordering (tryfirst) and before ``-m`` deselects items.
def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    """Mark (and, without Chromium, skip) the browser tests, and run them last:
    Playwright's synchronous API keeps an event loop running in the main thread
    until the session ends, where no asyncio test could run after it."""
    browser_tests = [i for i in items if HERE in Path(str(i.fspath)).parents]
    items[:] = [i for i in items if HERE not in Path(str(i.fspath)).parents]
    items.extend(browser_tests)
    skip = pytest.mark.skip(
        reason=f"browser tests skipped: Chromium not found at {CHROMIUM} "
        "(apt-get install chromium)"
    )
    for item in browser_tests:
        item.add_marker(pytest.mark.e2e)
        if not Path(CHROMIUM).exists():
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    log_path: Path
    process: subprocess.Popen | None
    # The environment the server runs with (None for an E2E_SERVER_URL server), for
    # running other commands (the task worker) against the same database.
    env: dict[str, str] | None = None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def confirmation_link(self, email: str) -> str:
        """The newest e-mail confirmation link sent to ``email`` (console backend)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            text = self.log()
            # Messages are printed whole; take the part after the last "To: <email>".
            index = text.rfind(f"To: {email}")
            if index >= 0:
                match = re.search(
                    r"https?://\S+/accounts/confirm-email/\S+/", text[index:]
                )
                if match:
                    return match.group(0)
            time.sleep(0.1)  # waiting on another process's output, not on our own code
        raise AssertionError(f"no confirmation e-mail for {email} in the server log")


def _manage(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


# migrate, createcachetable and seed_demo in one interpreter: three Django start-ups
# cost more than the work itself on a busy machine.
_PREPARE_DATABASE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("createcachetable", verbosity=0)
call_command("seed_demo", verbosity=0)
"""


def _wait(process: subprocess.Popen, what: str) -> None:
    if process.wait() != 0:
        raise RuntimeError(f"{what} failed (exit status {process.returncode})")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # For working on the tests: E2E_SERVER_URL and E2E_SERVER_LOG point at a server
    # already running with the same settings (DEBUG off, console e-mail into that log,
    # DEMO_PASSWORD as below) on a freshly seeded database.
    if os.environ.get("E2E_SERVER_URL"):
        yield Server(
            url=os.environ["E2E_SERVER_URL"].rstrip("/"),
            log_path=Path(os.environ["E2E_SERVER_LOG"]),
            process=None,
        )
        return
    workdir = tmp_path_factory.mktemp("e2e")
    # E2E_PORT: a port of one's own on a shared machine (else any free one).
    port = int(os.environ.get("E2E_PORT") or 0) or _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "participation.settings",
            "SQLITE_PATH": str(workdir / "db.sqlite3"),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "e2e-only-secret-key-" + secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "SITE_URL": url,
            "DEMO_PASSWORD": DEMO_PASSWORD,
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "PYTHONUNBUFFERED": "1",
        }
    )
    # collectstatic (compressing every file) runs while the database is built.
    static = _manage(env, "collectstatic", "--noinput")
    database = subprocess.Popen(
        [sys.executable, "-c", _PREPARE_DATABASE], cwd=ROOT, env=env
    )
    _wait(database, "migrate + seed_demo")
    _wait(static, "collectstatic")
    log_path = workdir / "server.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "participation.server",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start:\n" + log_path.read_text())
            time.sleep(0.2)  # waiting for another process to listen
    yield Server(url=url, log_path=log_path, process=process, env=env)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


# Content-Security-Policy violations seen by any browser context of the run (each a
# short dict); the autouse ``_no_csp_violations`` fixture fails the test that
# caused one. The server runs with its strict policy enforced (participation/csp.py).
CSP_VIOLATIONS: list[dict] = []
# Runs in every page before its own scripts: Playwright's init scripts are not
# subject to the page's policy. The binding reports across navigations.
_CSP_LISTENER = """
window.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    page: location.href,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
    disposition: event.disposition,
  });
}, true);
"""


def _record_csp_console(message) -> None:
    if "Content Security Policy" in message.text:
        page = message.page.url if message.page else ""
        CSP_VIOLATIONS.append({"console": message.text, "page": page})


def _context(browser, server: Server, lang: str, **kwargs):
    locale = {"ja": "ja-JP", "en": "en-US"}[lang]
    context = browser.new_context(
        base_url=server.url,
        locale=locale,
        extra_http_headers={"Accept-Language": f"{lang},{lang[:2]};q=0.9"},
        **kwargs,
    )
    context.set_default_timeout(10_000)
    context.expose_binding(
        "__cspViolation", lambda _source, violation: CSP_VIOLATIONS.append(violation)
    )
    context.add_init_script(_CSP_LISTENER)
    context.on("console", _record_csp_console)
    return context


def _csp_reports(server: Server, start: int) -> tuple[list[str], int]:
    """Lines the report endpoint logged (``CSP violation: ...``) after offset
    ``start`` of the server log, and the log's new length."""
    text = server.log()
    lines = [line for line in text[start:].splitlines() if "CSP violation:" in line]
    return lines, len(text)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "csp_violations_expected: the test breaks the policy on purpose (and checks "
        "that the violation is seen)",
    )


@pytest.fixture(autouse=True)
def _no_csp_violations(
    server: Server, request: pytest.FixtureRequest
) -> Iterator[None]:
    """Fail any browser test during which a page broke the Content-Security-Policy:
    events in the page, Chromium's console, and reports logged by the server."""
    if request.node.get_closest_marker("csp_violations_expected"):
        yield
        return
    seen = len(CSP_VIOLATIONS)
    _lines, offset = _csp_reports(server, 0)
    yield
    reports, _end = _csp_reports(server, offset)
    found = CSP_VIOLATIONS[seen:] + [{"report": line} for line in reports]
    assert not found, f"Content-Security-Policy violations: {found}"


@pytest.fixture
def new_context(browser, server):
    """Factory: ``new_context(lang="en", **playwright_options)``; closed after the
    test."""
    contexts = []

    def make(lang: str = "en", **kwargs):
        context = _context(browser, server, lang, **kwargs)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context("en").new_page()


# TOTP secrets of the accounts that set up two-factor authentication in this run.
MFA_SECRETS: dict[str, str] = {}


def submit(page, form_selector: str = "form.account-form") -> None:
    """Submit an allauth form with its primary button and wait for the next page."""
    with page.expect_navigation():
        page.locator(form_selector).locator("button[type=submit]").first.click()


def login(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page; with two-factor authentication set up (in this
    run), pass the code step with a TOTP code computed from the account's secret."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form").filter(has=page.locator("input[name=password]")).locator(
            "button[type=submit]"
        ).click()
    if "/2fa/authenticate" in page.url:
        page.fill("input[name=code]", fresh_totp(MFA_SECRETS[email]))
        submit(page)
    assert "/accounts/login" not in page.url, f"login failed for {email}"


def set_up_totp(page, email: str, password: str = DEMO_PASSWORD) -> str:
    """Activate an authenticator app through allauth's MFA pages, as a person would:
    read the secret shown on the activation page, type the current code. Returns
    the secret (also kept in MFA_SECRETS for later logins)."""
    page.goto("/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:  # allauth asks for the password again
        page.fill("input[name=password]", password)
        submit(page)
    secret = page.locator("#authenticator_secret").input_value()
    assert secret, "no authenticator secret on the activation page"
    for _attempt in range(2):  # a code typed across a 30 s boundary is refused once
        page.fill("input[name=code]", fresh_totp(secret))
        submit(page)
        if "/2fa/totp/activate" not in page.url:
            break
    assert "/2fa/totp/activate" not in page.url, "TOTP activation refused"
    MFA_SECRETS[email] = secret
    return secret


class Accounts:
    """Signed-in browser states, one real login per account per run; staff accounts
    set up TOTP first (with DEBUG off, staff actions need it). Tests never log
    these shared sessions out."""

    def __init__(self, browser, server: Server, directory: Path) -> None:
        self.browser = browser
        self.server = server
        self.directory = directory
        self.states: dict[str, Path] = {}

    def state(self, email: str, *, mfa: bool = False) -> Path:
        key = f"{email}+mfa" if mfa else email
        if key not in self.states:
            context = _context(self.browser, self.server, "en")
            try:
                page = context.new_page()
                login(page, email)
                if mfa and email not in MFA_SECRETS:
                    set_up_totp(page, email)
                path = self.directory / f"{key}.json"
                context.storage_state(path=str(path))
            finally:
                context.close()
            self.states[key] = path
        return self.states[key]


@pytest.fixture(scope="session")
def accounts(browser, server, tmp_path_factory) -> Accounts:
    return Accounts(browser, server, tmp_path_factory.mktemp("e2e-states"))


@pytest.fixture
def user_context(new_context, accounts):
    """Factory: ``user_context(email, lang="en", mfa=False, **playwright_options)``,
    a browser context already logged in as ``email``."""

    def make(email: str, lang: str = "en", *, mfa: bool = False, **kwargs):
        return new_context(
            lang, storage_state=str(accounts.state(email, mfa=mfa)), **kwargs
        )

    return make


# The rules axe-core runs: WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def axe_run(page) -> dict:
    """Run axe-core (``AXE_TAGS``) on the current page; axe's whole result."""
    # Evaluated by the driver, not added as an inline <script> (the page's policy
    # would block that, as it should).
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: 'tag', values: tags}
        })""",
        list(AXE_TAGS),
    )


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list:
    """Run axe-core (WCAG 2.1 A/AA rules) on the current page; return the violations of
    the given impacts, each as a short readable dict."""
    result = axe_run(page)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
