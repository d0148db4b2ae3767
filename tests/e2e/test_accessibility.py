"""axe-core (WCAG 2.1 A and AA rules) on every main page, in Japanese and in English,
as a visitor, a resident and a facilitator see them. Any violation of impact
"serious" or "critical" fails the page."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.e2e.helpers import ADMIN, FACILITATOR, GREEN, RESIDENT, STAFF


def once(finder):
    """Find a page's address once per run (it does not change), saving a visit."""
    found: dict[str, str] = {}

    def find(page) -> str:
        if "url" not in found:
            found["url"] = finder(page)
        return found["url"]

    return find


@once
def first_proposal(page) -> str:
    page.goto(f"/processes/{GREEN}/proposals/")
    return page.locator(".proposal-card a[href^='/proposals/']").first.get_attribute(
        "href"
    )


@once
def answered_proposal(page) -> str:
    """A proposal with a published response and progress: the fullest tracker panel."""
    page.goto("/tracker/?implementation=in_progress")
    return page.locator("tr.tracker-row th a").first.get_attribute("href")


@once
def open_session(page) -> str:
    page.goto("/live/")
    card = page.locator(".live-card").filter(has=page.locator(".badge-phase")).first
    return card.locator("h3 a").get_attribute("href")


@once
def past_session(page) -> str:
    """A closed session: its minutes, and a projector stream longer than the screen."""
    page.goto("/live/")
    return page.locator(".live-card h3 a").last.get_attribute("href")


@once
def commented_proposal(page) -> str:
    """The most commented proposal: comments by others, each with Reply and Report."""
    page.goto(f"/processes/{GREEN}/proposals/?sort=most_commented")
    return page.locator(".proposal-card a[href^='/proposals/']").first.get_attribute(
        "href"
    )


def reply_page(page) -> str:
    """The proposal page's comment form as a reply (the "Reply" link without
    JavaScript)."""
    page.goto(commented_proposal(page))
    return page.locator("a[data-inline-form=reply]").first.get_attribute("href")


# name: (who, url or a function finding it)
def first_resident_record(page) -> str:
    page.goto("/staff/residents/?q=%E4%BD%90%E8%97%A4")
    return page.locator(
        ".staff-main .card a[href^='/staff/residents/']"
    ).first.get_attribute("href")


PAGES = {
    "home": (None, "/"),
    "process": (None, f"/processes/{GREEN}/"),
    "proposal-list": (None, f"/processes/{GREEN}/proposals/"),
    "proposal-detail": (None, first_proposal),
    "proposal-with-response": (None, answered_proposal),
    "tracker": (None, "/tracker/"),
    "department-scorecards": (None, "/tracker/departments/"),
    "department-scorecard": (None, "/tracker/departments/public-works/"),
    "search": (None, "/search/?q=%E5%85%AC%E5%9C%92"),
    "search-empty": (None, "/search/"),
    "sign-up": (None, "/accounts/signup/"),
    "login": (None, "/accounts/login/"),
    "moderation-log": (None, f"/processes/{GREEN}/moderation-log/"),
    "live-sessions": (None, "/live/"),
    "live-session": (None, open_session),
    "live-projector": (None, lambda page: open_session(page) + "projector/"),
    "live-minutes": (None, past_session),
    "live-projector-full": (None, lambda page: past_session(page) + "projector/"),
    "not-found": (None, "/processes/no-such-process/"),
    "resident-proposal-detail": (RESIDENT, first_proposal),
    "resident-proposal-form": (RESIDENT, f"/processes/{GREEN}/proposals/new/"),
    "resident-reply-page": (RESIDENT, reply_page),
    "resident-notifications": (RESIDENT, "/notifications/"),
    "resident-profile-edit": (RESIDENT, "/accounts/profile/"),
    "resident-attributes": (RESIDENT, "/accounts/attributes/"),
    "resident-home-for-you": (RESIDENT, "/"),
    "stats-by-group": (None, "/stats/"),
    "moderation-queue-site": (ADMIN, "/moderation/"),
    "moderation-queue-process": (FACILITATOR, f"/processes/{GREEN}/moderation/"),
    "facilitator-proposal-detail": (FACILITATOR, first_proposal),
    "live-facilitate": (FACILITATOR, lambda page: open_session(page) + "facilitate/"),
    "terms": (None, "/terms/"),
    "privacy-policy": (None, "/privacy/"),
    "accessibility-policy": (None, "/accessibility/"),
    "resident-your-data": (RESIDENT, "/accounts/data/"),
    "resident-leave": (RESIDENT, "/accounts/leave/"),
    "resident-accept-terms": (RESIDENT, "/accounts/policies/accept/"),
    "admin-residents": (ADMIN, "/staff/residents/?q=%E4%BD%90%E8%97%A4"),
    "admin-resident-purpose": (ADMIN, first_resident_record),
    "admin-policies": (ADMIN, "/staff/policies/"),
    "admin-policy-form": (ADMIN, "/staff/policies/terms/new/"),
    "admin-accessibility-policy-form": (ADMIN, "/staff/policies/accessibility/new/"),
    "staff-people": (ADMIN, "/staff/people/"),
    "staff-grant": (ADMIN, "/staff/people/grant/"),
    "staff-invitations": (ADMIN, "/staff/people/invitations/"),
    "staff-invite": (ADMIN, "/staff/people/invitations/new/"),
    "staff-activity": (ADMIN, "/staff/activity/"),
    "facilitator-desk": (FACILITATOR, "/staff/facilitation/"),
}


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violations(
    name, lang, new_context, user_context
):
    who, target = PAGES[name]
    if who is None:
        context = new_context(lang)
    else:
        context = user_context(who, lang, mfa=who in STAFF)
    page = context.new_page()
    url = target(page) if callable(target) else target
    response = page.goto(url)
    expected = 404 if name == "not-found" else 200
    assert response.status == expected, f"{url}: HTTP {response.status}"
    assert page.locator("html").get_attribute("lang") == lang
    violations = axe_violations(page)
    assert not violations, f"{url} ({lang}):\n" + json.dumps(
        violations, ensure_ascii=False, indent=1
    )


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_reply_and_report_forms_put_under_a_comment_have_no_serious_violations(
    lang, user_context
):
    page = user_context(RESIDENT, lang).new_page()
    page.goto(commented_proposal(page))
    comment = (
        page.locator("li.comment")
        .filter(has=page.locator(":scope > article a[data-inline-form=report]"))
        .first
    )
    comment.locator(":scope > article a[data-inline-form=reply]").click()
    comment.locator(":scope > article a[data-inline-form=report]").click()
    expect(comment.locator(":scope > article form.comment-reply-form")).to_be_visible()
    expect(
        comment.locator(":scope > article form.moderation-report-form")
    ).to_be_visible()
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)
