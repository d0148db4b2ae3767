"""Journey 2: a resident supports a proposal and comments on it; the author, with the
same proposal open in another browser, sees the support and the comment arrive live
(over the websocket, without reloading)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.e2e.helpers import (
    RESIDENT,
    RESIDENT2,
    comment_with_text,
    post_comment,
    post_proposal,
    unique,
)


def test_support_and_comment_appear_live_for_another_reader(user_context):
    author = user_context(RESIDENT2, "en").new_page()
    pk = post_proposal(
        author,
        title=unique("Drinking fountains along the riverside path"),
        body="The riverside path has no drinking water for its whole 4 km length. "
        "Two fountains would help runners, children and older walkers in summer.",
    )
    # The author keeps the page open, connected to the live layer.
    expect(author.locator("[data-live-connection]")).not_to_be_empty()
    expect(author.locator("[data-support-count]")).to_have_text("0")

    reader = user_context(RESIDENT, "ja").new_page()
    reader.goto(f"/proposals/{pk}/")
    with reader.expect_navigation():
        reader.locator("#support button[aria-pressed=false]").click()
    expect(reader.locator("#support button[aria-pressed=true]")).to_be_visible()
    expect(reader.locator("[data-support-count]")).to_have_text("1")

    text = unique("川沿いの道は日陰も少ないので、水飲み場があると本当に助かります。")
    post_comment(reader, text, alignment="favour")
    expect(comment_with_text(reader, text)).to_be_visible()
    # The page in this state (supported, following, one's own comment) is accessible.
    assert not axe_violations(reader)

    # The other browser was never reloaded.
    expect(author.locator("[data-support-count]")).to_have_text("1")
    live_comment = comment_with_text(author, text)
    expect(live_comment).to_be_visible()
    expect(live_comment.locator(".comment-author")).to_have_text("佐藤 花子")
    expect(author.locator("[data-no-comments]")).to_be_hidden()
