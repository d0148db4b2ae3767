"""Journey 7: on a phone (390×844), the navigation opens from its menu button, and the
proposal form and the tracker are usable without scrolling sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import GREEN, RESIDENTS, unique

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def assert_no_sideways_scroll(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide on a 390px phone"
    # Nor does any box scroll sideways inside the page (a table in its wrapper);
    # a box that clips (a map's tiles) cannot be scrolled.
    wide = page.evaluate(
        """() => [...document.querySelectorAll('.table-wrap, .card, main *')]
            .filter(e => e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1
                      && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
            .map(e => e.className || e.tagName)"""
    )
    assert not wide, f"{page.url}: boxes scrolling sideways: {wide}"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_phone_navigation_proposal_form_and_tracker_fit_the_screen(user_context, lang):
    page = user_context(RESIDENTS[1], lang, **PHONE).new_page()
    page.goto("/")
    assert_no_sideways_scroll(page)

    # The menu is folded behind its button.
    toggle = page.locator("[data-nav-toggle]")
    tracker_link = page.locator("#site-nav a[href='/tracker/']")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(tracker_link).to_be_hidden()
    toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(tracker_link).to_be_visible()
    assert_no_sideways_scroll(page)
    tracker_link.tap()
    expect(page.locator("table.tracker-table")).to_be_visible()
    assert_no_sideways_scroll(page)
    # The wide table scrolls inside its own box; the filters still work.
    page.locator("#id_status").select_option("decided")
    page.locator(".tracker-filters button[type=submit]").tap()
    page.wait_for_url("**status=decided**")
    assert_no_sideways_scroll(page)

    # The proposal form: every field reachable and the page no wider than the phone.
    page.goto(f"/processes/{GREEN}/proposals/new/")
    assert_no_sideways_scroll(page)
    title = unique(
        "駅の駐輪場に屋根を" if lang == "ja" else "A roof over the station bike park"
    )
    page.locator("#id_title").fill(title)
    page.locator("#id_body").fill(
        unique(
            "雨の日は自転車のサドルが濡れてしまい、通勤・通学の人が困っています。"
            "駐輪場の半分だけでも屋根をつけてください。"
        )
    )
    page.locator("#id_category").select_option(index=1)
    page.locator("#id_area").select_option(index=1)
    submit = page.locator("form.proposal-form button[type=submit]")
    submit.scroll_into_view_if_needed()
    expect(submit).to_be_in_viewport()
    assert_no_sideways_scroll(page)
    with page.expect_navigation():
        submit.tap()
    expect(page.locator("h1")).to_have_text(title)
    assert_no_sideways_scroll(page)
