"""Residency verification in the browser: the demo's journey (a resident told how
to get verified, staff print a code, the resident enters it and supports) and
axe-core on every verification page, in Japanese and English."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.e2e.helpers import ADMIN, RESIDENT, RESIDENTS

CHILDCARE = "childcare-plan-2026"  # supporting needs a counter code (demo)

PAGES = {
    "verification-status": (RESIDENT, "/accounts/verification/"),
    "verification-code": (RESIDENT, "/accounts/verification/code/"),
    "verification-declare": (RESIDENT, "/accounts/verification/declare/"),
    "staff-verification": (ADMIN, "/staff/verification/"),
    "staff-verification-records": (ADMIN, "/staff/verification/residents/"),
    "staff-verification-requirements": (ADMIN, "/staff/verification/requirements/"),
}


def _proposal_asking_for_verification(page) -> str:
    """A childcare proposal whose support box asks this resident to get verified
    (not their own, not one they supported before the requirement)."""
    page.goto(f"/processes/{CHILDCARE}/proposals/")
    links = page.locator(".proposal-card a[href^='/proposals/']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for href in hrefs:
        page.goto(href)
        if page.locator("#support [data-verification-required]").count():
            return href
    raise AssertionError("no childcare proposal asks for verification")


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_verification_page_has_no_serious_accessibility_violations(
    name, lang, user_context
):
    who, url = PAGES[name]
    page = user_context(who, lang, mfa=who == ADMIN).new_page()
    assert page.goto(url).status == 200
    violations = axe_violations(page)
    assert not violations, f"{url} ({lang}):\n" + json.dumps(
        violations, ensure_ascii=False, indent=1
    )


def test_staff_print_a_code_and_a_resident_enters_it_then_supports(user_context):
    staff = user_context(ADMIN, "ja", mfa=True).new_page()
    staff.goto("/staff/verification/")
    staff.get_by_role("button", name="発行して印刷").click()
    code = staff.locator(".verification-code code").first.inner_text()
    assert not axe_violations(staff)

    resident = user_context(RESIDENTS[0], "ja").new_page()
    proposal = _proposal_asking_for_verification(resident)
    box = resident.locator("#support")
    expect(box.locator("[data-verification-required]")).to_be_visible()
    assert not axe_violations(resident)
    box.get_by_role("link", name="認証コード（窓口または郵送）").click()
    resident.get_by_label("認証コード").fill(code.lower())
    resident.get_by_role("button", name="確認する").click()
    expect(resident).to_have_url(re.compile(re.escape(proposal) + "$"))
    resident.locator("#support button[aria-pressed=false]").click()
    expect(resident.locator("#support button[aria-pressed=true]")).to_be_visible()
