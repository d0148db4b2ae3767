"""Journey: drafting and approval (決裁). An official of 県土整備部 drafts an answer
(the autosave says when it was saved), submits it; it stays invisible to residents;
a second official of the section, an approver, approves it; the answer appears on
the proposal page signed by the section. The draft pages pass axe-core in both
languages and work on a phone's width."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.e2e.helpers import FACILITATOR, OFFICIAL, RESIDENT, post_proposal, unique

APPROVER = "approver@example.org"  # 山本 恵子, approves for 道路課 (demo/drafts.py)
ANSWER = (
    "ご指摘の交差点に、来年度の予算で押しボタン式の信号機を設置します。"
    "警察と協議のうえ、夏までに工事を終える予定です。"
)


def test_an_official_drafts_and_a_second_official_approves(new_context, user_context):
    author = user_context(RESIDENT, "en").new_page()
    title = unique("A pedestrian signal at the Minami school crossing")
    pk = post_proposal(
        author,
        title=title,
        body="Children cross a busy road without a signal on their way to school. "
        "A push-button signal would make the crossing safe.",
    )
    facilitator = user_context(FACILITATOR, "ja", mfa=True).new_page()
    facilitator.goto(f"/proposals/{pk}/tracker/")
    with facilitator.expect_navigation():
        facilitator.locator(
            f"form[action='/proposals/{pk}/tracker/forward/'] button"
        ).click()

    # The official claims it for 県土整備部, where answers need approval.
    official = user_context(OFFICIAL, "ja", mfa=True).new_page()
    official.goto(f"/proposals/{pk}/tracker/")
    claim = official.locator(f"form[action='/proposals/{pk}/tracker/claim/']")
    claim.locator("select[name=department]").select_option(label="県土整備部")
    with official.expect_navigation():
        claim.locator("button").click()
    official.goto(f"/proposals/{pk}/tracker/")
    with official.expect_navigation():
        official.locator(f"form[action='/staff/drafts/start/{pk}/'] button").click()
    assert "/staff/drafts/" in official.url

    # Writing: the autosave tells, in the live status line, when it saved.
    official.locator("input[name=decision][value=accepted]").check()
    official.fill("#id_body", ANSWER)
    official.fill("#id_cost_estimate", "4500000")
    expect(official.locator("[data-draft-status]")).to_contain_text("保存しました")
    with official.expect_navigation():
        official.get_by_role("button", name="決裁を依頼する").click()
    expect(official.locator(".message-success")).to_be_visible()

    # Residents see nothing of it.
    author.goto(f"/proposals/{pk}/")
    expect(author.locator("body")).not_to_contain_text("押しボタン式")

    # The approver finds it waiting, sees the text, and approves it.
    approver = user_context(APPROVER, "en", mfa=True).new_page()
    approver.goto("/staff/")
    expect(approver.locator("section[aria-labelledby=panel-drafts]")).to_contain_text(
        "awaiting my approval"
    )
    approver.goto("/staff/drafts/approvals/")
    approver.get_by_role("link", name=title).click()
    expect(approver.locator(".draft-text")).to_contain_text("押しボタン式")
    with approver.expect_navigation():
        approver.get_by_role("button", name="Approve and publish").click()
    expect(approver.locator(".message-success")).to_be_visible()

    # The answer is on the proposal page, signed by the section, with its cost.
    author.goto(f"/proposals/{pk}/")
    response = author.locator("#response")
    expect(response).to_contain_text("押しボタン式")
    expect(response).to_contain_text("Roads Section")
    expect(response).to_contain_text("4,500,000")
    expect(response).not_to_contain_text("山本")


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(
    "who,url",
    [
        (OFFICIAL, "/staff/drafts/"),
        (OFFICIAL, "/staff/drafts/templates/"),
        (OFFICIAL, "/staff/drafts/templates/new/"),
        (OFFICIAL, "/staff/drafts/progress/"),
        (APPROVER, "/staff/drafts/approvals/"),
    ],
)
def test_draft_pages_have_no_serious_accessibility_violations(
    who, url, lang, user_context
):
    page = user_context(who, lang, mfa=True).new_page()
    response = page.goto(url)
    assert response.status == 200, f"{url}: HTTP {response.status}"
    violations = axe_violations(page)
    assert not violations, f"{url} ({lang}):\n" + json.dumps(
        violations, ensure_ascii=False, indent=1
    )


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_draft_editor_has_no_serious_accessibility_violations_on_a_phone(
    lang, user_context
):
    page = user_context(
        OFFICIAL, lang, mfa=True, viewport={"width": 375, "height": 740}
    ).new_page()
    page.goto("/staff/drafts/")
    # The demo's draft awaiting approval (demo/drafts.py) is one of the official's.
    link = page.locator("table a[href^='/staff/drafts/']").first
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("h1")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, f"the page scrolls sideways on a phone ({width}px)"
