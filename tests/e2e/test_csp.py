"""The strict Content-Security-Policy in the browser: pages whose behaviour moved
out of inline handlers still work, the API documentation renders, and a violation
is seen both in the page and in the report endpoint's log (so the autouse check
of conftest.py, which fails any test that breaks the policy, can be trusted)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CSP_VIOLATIONS, Server
from tests.e2e.helpers import ADMIN, GREEN, RESIDENT, unique


def test_pages_are_served_with_the_enforced_policy(page):
    response = page.goto("/")
    headers = response.headers
    assert "content-security-policy" in headers
    assert "content-security-policy-report-only" not in headers
    assert "'nonce-" in headers["content-security-policy"]


def test_api_documentation_renders_under_the_policy(page):
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "Participation API"
    )


def test_flyer_print_button_works_from_the_static_script(page):
    page.goto(f"/processes/{GREEN}/flyer/")
    button = page.locator("button[data-print]")
    expect(button).to_be_visible()
    page.evaluate("window.print = () => { window.printed = true; }")
    button.click()
    assert page.evaluate("window.printed") is True


def test_flyer_print_button_is_hidden_without_javascript(new_context):
    page = new_context("en", java_script_enabled=False).new_page()
    page.goto(f"/processes/{GREEN}/flyer/")
    expect(page.locator(".flyer")).to_be_visible()
    expect(page.locator("button[data-print]")).to_be_hidden()


def test_new_token_is_selected_on_focus(user_context):
    page = user_context(RESIDENT, "en").new_page()
    page.goto("/accounts/tokens/")
    page.fill("input[name=name]", unique("Bot"))
    page.locator("input[name=scopes]").first.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Create token").click()
    value = page.locator("#new-token-value")
    value.focus()
    selected = page.evaluate(
        "() => { const i = document.getElementById('new-token-value');"
        " return i.value.substring(i.selectionStart, i.selectionEnd); }"
    )
    assert selected and selected == value.input_value()


def test_pending_email_change_page_works_under_the_policy(user_context):
    # A demo resident no other browser test signs in as.
    page = user_context("kaori.ogawa@example.org", "en").new_page()
    page.goto("/accounts/email/")
    page.fill("input[name=email]", f"{unique('kaori').replace(' ', '.')}@example.net")
    with page.expect_navigation():
        page.locator("button[name=action_add]").click()
    page.goto("/accounts/email/")
    expect(page.locator("#new_email")).to_be_visible()
    expect(page.locator("form#pending-email")).to_be_hidden()
    with page.expect_navigation():
        page.locator("button[name=action_remove]").click()
    expect(page.locator("#new_email")).to_have_count(0)


def test_admin_pages_work_under_the_policy(user_context):
    page = user_context(ADMIN, "en", mfa=True).new_page()
    for url in ("/admin/", "/admin/spaces/process/", "/admin/spaces/process/add/"):
        response = page.goto(url)
        assert response.status == 200, url
        expect(page.locator("#content h1")).to_be_visible()


def _report_logged(server: Server, start: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if "CSP violation:" in server.log()[start:]:
            return True
        time.sleep(0.1)  # waiting on the server's output, not on our own code
    return False


@pytest.mark.csp_violations_expected
def test_a_violation_is_seen_in_the_page_and_in_the_report_log(page, server):
    page.goto("/")
    seen, start = len(CSP_VIOLATIONS), len(server.log())
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }"""
    )
    assert page.evaluate("window.injected") is None  # blocked
    expect(page.locator("body")).to_be_visible()  # lets the binding's call arrive
    found = CSP_VIOLATIONS[seen:]
    assert any(v.get("directive") == "script-src-elem" for v in found), found
    assert _report_logged(server, start)
    del CSP_VIOLATIONS[seen:]
