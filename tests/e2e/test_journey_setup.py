"""8. An administrator sets up a process with three phases from /staff/, previews
the draft as residents will see it, and publishes it; no /admin/ page is opened."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.e2e.helpers import ADMIN, unique

pytestmark = pytest.mark.e2e


def fill_phase(page, index, kind, title, starts, ends):
    row = page.locator("[data-phase-row]").nth(index)
    row.locator("select[data-phase-kind]").select_option(kind)
    row.locator(f"#id_phases-{index}-title").fill(title)
    row.locator(f"#id_phases-{index}-starts_at").fill(starts)
    row.locator(f"#id_phases-{index}-ends_at").fill(ends)
    return row


def test_admin_creates_previews_and_publishes_a_process(user_context, new_context):
    context = user_context(ADMIN, mfa=True)
    page = context.new_page()
    opened: list[str] = []
    page.on("request", lambda request: opened.append(request.url))
    title = unique("地域交通の将来像")

    page.goto("/staff/")
    page.get_by_role("link", name="New process").first.click()
    expect(page.get_by_role("heading", name="New process", level=1)).to_be_visible()
    assert axe_violations(page) == []

    page.locator("#id_title").fill(title)
    page.locator("#id_summary").fill("バスとデマンド交通について提案を集めます。")
    fill_phase(page, 0, "information", "説明", "2030-04-01T09:00", "2030-05-01T09:00")
    proposals = fill_phase(
        page, 1, "proposals", "提案募集", "2030-05-01T09:00", "2030-07-01T09:00"
    )
    # The kind decides: proposing is ticked and locked (still sent with the form:
    # the server requires it for this kind and accepts the form below).
    propose = proposals.get_by_label("Residents may propose")
    expect(propose).to_be_checked()
    expect(propose).to_have_attribute("aria-disabled", "true")
    expect(propose).to_be_disabled()
    support = fill_phase(
        page, 2, "support", "賛同・議論", "2030-07-01T09:00", "2030-08-01T09:00"
    )
    expect(support.get_by_label("Residents may propose")).to_be_disabled()
    # A fourth row comes from the "Add a phase" button, and may stay empty.
    page.get_by_role("button", name="Add a phase").click()
    expect(page.locator("[data-phase-row]")).to_have_count(4)
    page.get_by_role("button", name="Create the draft").click()

    expect(page.get_by_text("The process was created as a draft")).to_be_visible()
    expect(page.locator("[data-phase-row]")).to_have_count(6)  # three + three empty

    page.get_by_role("link", name="Preview").click()
    expect(page).to_have_url(re.compile(r"/processes/[a-z0-9-]+/$"))
    expect(page.get_by_text("Preview — not public yet")).to_be_visible()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.locator(".timeline > li")).to_have_count(3)
    assert axe_violations(page) == []
    address = page.url

    visitor = new_context("en").new_page()
    assert visitor.goto(address).status == 404

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The process is now public.")).to_be_visible()
    expect(page.get_by_text("Preview — not public yet")).to_have_count(0)

    assert visitor.goto(address).status == 200
    expect(visitor.get_by_role("heading", name=title)).to_be_visible()
    assert not [url for url in opened if "/admin/" in url]
