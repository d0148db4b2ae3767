"""Journey 5: a facilitator runs a live meeting session; two participants post
opinions from their phones or laptops; the projector view in the hall shows them
as they arrive, without reloading."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.helpers import FACILITATOR, GREEN, RESIDENT, RESIDENT2, unique

TOKYO = ZoneInfo("Asia/Tokyo")  # the site's TIME_ZONE: the form takes local times


def local(moment: datetime) -> str:
    return moment.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M")


def post_opinion(page, text: str) -> None:
    form = page.locator("#opinion-form form")
    form.locator("textarea[name=body]").fill(text)
    form.locator("button[type=submit]").click()
    # Posted over fetch: the box empties and the opinion is in the stream.
    expect(form.locator("textarea[name=body]")).to_have_value("")


def test_facilitator_runs_a_session_and_the_projector_shows_opinions_live(
    user_context, new_context
):
    facilitator = user_context(FACILITATOR, "ja", mfa=True).new_page()
    facilitator.goto(f"/live/new/?process={GREEN}")
    title = unique("中央公園の夏の使い方を話し合う会")
    now = datetime.now(TOKYO)
    facilitator.fill("#id_title", title)
    facilitator.fill("#id_starts_at", local(now - timedelta(minutes=5)))
    facilitator.fill("#id_ends_at", local(now + timedelta(hours=2)))
    facilitator.fill("#id_venue", "みなみ市民センター 大会議室")
    with facilitator.expect_navigation():
        facilitator.locator("form.live-session-form button[type=submit]").click()
    match = re.search(r"/live/(\d+)/", facilitator.url)
    assert match, facilitator.url
    session = int(match.group(1))
    facilitator.goto(f"/live/{session}/facilitate/")
    with facilitator.expect_navigation():
        facilitator.locator(
            f"form[action='/live/{session}/status/open/'] button"
        ).click()
    expect(facilitator.locator("[data-session-status=open]").first).to_be_visible()

    # The room display: nobody is logged in on the hall's PC.
    projector = new_context("ja").new_page()
    projector.goto(f"/live/{session}/projector/")
    expect(projector.locator("h1")).to_have_text(title)
    expect(projector.locator("[data-live-connection]")).not_to_be_empty()
    stream = projector.locator("[data-opinion-stream]")

    first = user_context(RESIDENT, "ja").new_page()
    first.goto(f"/live/{session}/")
    second = user_context(RESIDENT2, "en").new_page()
    second.goto(f"/live/{session}/")

    text1 = unique("木陰のベンチを増やし、夕方にも使える照明がほしいです。")
    post_opinion(first, text1)
    expect(stream.locator(".opinion", has_text=text1)).to_be_visible()
    expect(stream.locator(".opinion", has_text=text1)).to_contain_text("佐藤 花子")

    text2 = unique("Please keep the lawn open for picnics on summer evenings.")
    post_opinion(second, text2)
    expect(stream.locator(".opinion", has_text=text2)).to_be_visible()
    expect(stream.locator(".opinion", has_text=text2)).to_contain_text("鈴木 次郎")
    expect(projector.locator("[data-opinion-count]")).to_have_text("2")

    # Each participant sees the other's opinion too, and so does the facilitator.
    expect(first.locator("[data-opinion-stream]")).to_contain_text(text2)
    expect(second.locator("[data-opinion-stream]")).to_contain_text(text1)
    expect(facilitator.locator("[data-opinion-stream]")).to_contain_text(text2)
