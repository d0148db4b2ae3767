"""Replies in pages in a real browser: a comment shows its first replies and "Show
N more replies", which loads the rest in place (focus on the first new one, a
polite announcement) and, without JavaScript, opens a page of those replies."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.helpers import (
    GREEN,
    RESIDENTS,
    comment_with_text,
    post_comment,
    unique,
)

FIRST_SHOWN = 3  # proposals.selectors.REPLIES_SHOWN


def _thread_of_four_replies(page) -> tuple[str, str, list[str]]:
    """A comment and four replies to it; its permalink, its id and the replies.
    ``page`` runs without JavaScript: the writer's own live updates would swap the
    cards being typed in."""
    page.goto(f"/processes/{GREEN}/proposals/")
    page.locator(".proposal-card a[href^='/proposals/']").first.click()
    text = unique("Could the benches by the pond face the morning sun?")
    post_comment(page, text, alignment="neutral")
    root_id = comment_with_text(page, text).get_attribute("data-comment-id")
    replies = []
    for n in range(FIRST_SHOWN + 1):
        reply = unique(f"Reply number {n + 1} about the benches by the pond.")
        root = page.locator(f"#comment-{root_id}")
        with page.expect_navigation():  # the page's comment form, as a reply
            root.locator(":scope > article a[data-inline-form=reply]").click()
        form = page.locator("#comment-form form")
        expect(form.locator("input[name=parent]")).to_have_value(root_id)
        form.locator("textarea[name=body]").fill(reply)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        replies.append(reply)
    url = re.sub(r"\?.*$", "", page.url) + f"?comment={root_id}#comment-{root_id}"
    return url, root_id, replies


def test_more_replies_load_in_place_with_focus_and_an_announcement(
    user_context, new_context
):
    url, root_id, replies = _thread_of_four_replies(
        user_context(RESIDENTS[1], "en", java_script_enabled=False).new_page()
    )
    page = new_context("en").new_page()
    page.goto(url)
    root = page.locator(f"#comment-{root_id}")
    more = root.locator(":scope > [data-replies-more] a")
    expect(more).to_have_text("Show 1 more reply")
    expect(root.locator("li.comment")).to_have_count(FIRST_SHOWN)
    more.click()
    expect(root.locator("li.comment")).to_have_count(FIRST_SHOWN + 1)
    last = comment_with_text(page, replies[-1])
    expect(last.locator(".comment-author")).to_be_focused()
    expect(page.locator("[data-thread-status]")).to_have_text("1 more reply shown")
    expect(root.locator(":scope > [data-replies-more]")).to_have_count(0)


def test_more_replies_open_a_page_of_their_own_without_javascript(
    user_context, new_context
):
    url, root_id, replies = _thread_of_four_replies(
        user_context(RESIDENTS[2], "en", java_script_enabled=False).new_page()
    )
    page = new_context("en", java_script_enabled=False).new_page()
    page.goto(url)
    with page.expect_navigation():
        page.locator(f"#comment-{root_id} > [data-replies-more] a").click()
    assert f"/comments/{root_id}/replies/" in page.url
    expect(page.locator("h1")).to_have_text("Replies to a comment")
    expect(comment_with_text(page, replies[-1])).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(replies[0])
