"""The live layer in real browsers: a comment typed in one browser appears in two
others within a second; a facilitator hides it and it turns into the placeholder in
both, without reloading; a reply being typed stays when its comment changes. A live
session ends as public minutes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.helpers import (
    FACILITATOR,
    GREEN,
    RESIDENT,
    RESIDENT2,
    comment_with_text,
    post_comment,
    unique,
)

TOKYO = ZoneInfo("Asia/Tokyo")


def _open_proposal(page) -> str:
    page.goto(f"/processes/{GREEN}/proposals/")
    page.locator(".proposal-card a[href^='/proposals/']").first.click()
    expect(page.locator("[data-live-connection]")).not_to_be_empty()
    return page.url


def test_comment_appears_live_and_a_hide_turns_it_into_the_placeholder(
    user_context, new_context
):
    writer = user_context(RESIDENT2, "en").new_page()
    url = _open_proposal(writer)
    reader = user_context(RESIDENT, "en").new_page()
    reader.goto(url)
    visitor = new_context("en").new_page()
    visitor.goto(url)
    for page in (reader, visitor):
        expect(page.locator("[data-live-connection]")).not_to_be_empty()

    text = unique("The footpath lights by the pond are out; please fix them.")
    post_comment(writer, text, alignment="neutral")
    comment_id = comment_with_text(writer, text).get_attribute("data-comment-id")
    # Arrives without a reload. How fast is measured by `make bench-live`, not here.
    for page in (reader, visitor):
        expect(comment_with_text(page, text)).to_be_visible()
    # The signed-in reader gets their own version: a vote button, not just counts.
    expect(
        reader.locator(f"#comment-{comment_id} form.comment-votes button").first
    ).to_be_visible()

    facilitator = user_context(FACILITATOR, "en", mfa=True).new_page()
    facilitator.goto(url)
    tools = facilitator.locator(f"#comment-{comment_id} details.moderation-panel")
    tools.locator("summary").first.click()
    hide = tools.locator("details.moderation-action").filter(
        has=facilitator.locator("button.button-danger", has_text="Hide")
    )
    hide.locator("summary").click()
    hide.locator("select[name=reason_code]").select_option("off_topic")
    hide.locator("input[name=reason]").fill("Please report broken lights to the city.")
    with facilitator.expect_navigation():
        hide.locator("button[type=submit]").click()

    for page in (reader, visitor):
        item = page.locator(f"#comment-{comment_id}")
        expect(item.locator(".placeholder")).to_contain_text("Off-topic")
        expect(item).not_to_contain_text(text)


def test_live_session_ends_as_public_minutes(user_context, new_context):
    facilitator = user_context(FACILITATOR, "en", mfa=True).new_page()
    facilitator.goto(f"/live/new/?process={GREEN}")
    now = datetime.now(TOKYO)
    title = unique("Evening meeting on the park's lighting")
    facilitator.fill("#id_title", title)
    facilitator.fill(
        "#id_starts_at", (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    )
    facilitator.fill(
        "#id_ends_at", (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    with facilitator.expect_navigation():
        facilitator.locator("form.live-session-form button[type=submit]").click()
    session = int(re.search(r"/live/(\d+)/", facilitator.url).group(1))
    with facilitator.expect_navigation():
        facilitator.locator(
            f"form[action='/live/{session}/status/open/'] button"
        ).click()

    projector = new_context("en").new_page()
    projector.goto(f"/live/{session}/projector/")
    expect(projector.locator("[data-live-connection]")).not_to_be_empty()

    texts = []
    for email in (RESIDENT, RESIDENT2, "misaki.watanabe@example.org"):
        page = user_context(email, "en").new_page()
        page.goto(f"/live/{session}/")
        text = unique("More lamps along the east path")
        form = page.locator("#opinion-form form")
        form.locator("textarea[name=body]").fill(text)
        form.locator("button[type=submit]").click()
        expect(form.locator("textarea[name=body]")).to_have_value("")
        texts.append(text)
    stream = projector.locator("[data-opinion-stream]")
    for text in texts:
        expect(stream.locator(".opinion", has_text=text)).to_be_visible()

    # The facilitator pins one; the projector shows it pinned, without a reload.
    facilitator.goto(f"/live/{session}/facilitate/")
    opinion = facilitator.locator("[data-opinion-stream] .opinion", has_text=texts[0])
    opinion.locator("form[data-live-action=pin] button").click()
    expect(projector.locator("[data-opinion-pinned] .opinion")).to_contain_text(
        texts[0]
    )

    facilitator.fill("#id_summary", "Three proposals for lamps; the city will answer.")
    with facilitator.expect_navigation():
        facilitator.locator(
            f"form[action='/live/{session}/status/close/'] button"
        ).click()
    expect(facilitator.locator(".live-minutes")).to_contain_text(texts[1])
    visitor = new_context("en").new_page()
    visitor.goto(f"/live/{session}/")
    minutes = visitor.locator(".live-minutes")
    for text in texts:
        expect(minutes).to_contain_text(text)
    expect(minutes).to_contain_text("Three proposals for lamps")


def test_a_reply_being_typed_stays_when_its_comment_changes_live(user_context):
    writer = user_context(RESIDENT2, "en").new_page()
    url = _open_proposal(writer)
    text = unique("The bench by the library has a broken slat.")
    post_comment(writer, text, alignment="neutral")
    comment_id = comment_with_text(writer, text).get_attribute("data-comment-id")

    reader = user_context(RESIDENT, "en").new_page()
    reader.goto(re.sub(r"\?.*$", "", url) + f"?comment={comment_id}")
    expect(reader.locator("[data-live-connection]")).not_to_be_empty()
    item = reader.locator(f"#comment-{comment_id}")
    item.locator(":scope > article a[data-inline-form=reply]").click()
    draft = "Half a reply, still being written"
    item.locator("form.comment-reply-form textarea").fill(draft)

    writer.goto(f"/comments/{comment_id}/edit/")
    edited = unique("The bench by the library has two broken slats.")
    writer.locator("textarea[name=body]").fill(edited)
    with writer.expect_navigation():
        writer.locator(
            f'form[action="/comments/{comment_id}/edit/"] button[type=submit]'
        ).click()

    # The card is replaced with the edited text; the open form moves with it.
    expect(item.locator(":scope > article .comment-text")).to_contain_text(edited)
    expect(item.locator("form.comment-reply-form textarea")).to_have_value(draft)
    expect(
        item.locator(":scope > article a[data-inline-form=reply]")
    ).to_have_attribute("aria-expanded", "true")
