"""The accessibility policy page (/accessibility/) in both languages: linked from the
footer, axe-core clean, and its test-results table rendered from the committed report
(``make a11y-report``)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, axe_violations

REPORT = ROOT / "participation" / "privacy" / "a11y_report.json"
HEADINGS = {"ja": "ウェブアクセシビリティ方針", "en": "Web accessibility policy"}
RESULTS = {"ja": "試験結果", "en": "Test results"}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_accessibility_policy_from_the_footer_with_its_results(lang, new_context):
    report = json.loads(REPORT.read_text(encoding="utf-8"))
    page = new_context(lang).new_page()
    page.goto("/")
    with page.expect_navigation():
        page.locator("footer a[href='/accessibility/']").click()
    expect(page.locator("h1")).to_have_text(HEADINGS[lang])
    expect(page.get_by_role("heading", name=RESULTS[lang], exact=True)).to_be_visible()
    rows = page.locator("table.a11y-report-pages tbody tr")
    expect(rows).to_have_count(len(report["pages"]))
    expect(page.locator("table.a11y-report-criteria tbody tr")).to_have_count(38)
    assert report["tool"]["version"] in page.locator(".a11y-report-facts").inner_text()
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)
