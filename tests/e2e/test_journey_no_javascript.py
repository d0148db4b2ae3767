"""Journey 6: with JavaScript switched off (an old PC in a community centre, a strict
browser setting), the core pages render and every form still posts: language,
login, proposal, comment, support, report, filters and search."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.helpers import (
    GREEN,
    RESIDENTS,
    comment_with_text,
    post_comment,
    post_proposal,
    unique,
)

EMAIL = RESIDENTS[3]


def test_core_pages_and_forms_work_without_javascript(new_context):
    page = new_context("ja", java_script_enabled=False).new_page()

    # Pages render; the script never ran.
    for url in (
        "/",
        f"/processes/{GREEN}/",
        f"/processes/{GREEN}/proposals/",
        "/tracker/",
    ):
        response = page.goto(url)
        assert response.status == 200, url
        expect(page.locator("html")).to_have_class("no-js")
        expect(page.locator("main h1").first).to_be_visible()

    # The language switcher has a visible button instead of submit-on-change.
    page.goto("/")
    page.locator("#lang-select").select_option("en")
    with page.expect_navigation():
        page.locator(".lang-switch button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    login(page, EMAIL)
    expect(page.locator(".nav-user")).to_be_visible()

    # A proposal and a comment post as plain forms.
    title = unique("Bicycle racks at the Kita-Minami library")
    pk = post_proposal(
        page,
        title=title,
        body="The library has no bicycle racks, so bicycles block the entrance "
        "and the wheelchair ramp on busy Saturdays.",
    )
    text = unique("Ten racks next to the ramp would be enough for most days.")
    post_comment(page, text, alignment="neutral")
    expect(comment_with_text(page, text)).to_be_visible()

    # Supporting someone else's proposal, and reporting a comment (its report page).
    page.goto(f"/processes/{GREEN}/proposals/?sort=most_commented")
    page.locator(".proposal-card a[href^='/proposals/']").first.click()
    button = page.locator("#support form button[type=submit]")
    pressed = button.get_attribute("aria-pressed")
    with page.expect_navigation():
        button.click()
    expect(page.locator("#support form button[type=submit]")).to_have_attribute(
        "aria-pressed", "false" if pressed == "true" else "true"
    )
    with page.expect_navigation():
        page.locator("li.comment a[data-inline-form=report]").first.click()
    report = page.locator(".moderation-form-page form")
    report.locator("input[name=reason][value=off_topic]").check()
    with page.expect_navigation():
        report.locator("button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()

    # Filters (GET forms) and search.
    page.goto("/tracker/")
    page.locator("#id_status").select_option("decided")
    with page.expect_navigation():
        page.locator("form.tracker-filters button[type=submit]").click()
    assert "status=decided" in page.url
    expect(page.locator("tr.tracker-row").first).to_be_visible()

    page.goto("/search/")
    page.fill("input[name=q]", title.split()[-1])
    with page.expect_navigation():
        page.locator("form.search-form button[type=submit]").first.click()
    expect(page.locator(".search-results")).to_contain_text(title)
    expect(page.locator(f".search-results a[href='/proposals/{pk}/']")).to_be_visible()
