"""Journey 3: three residents report a comment and it is hidden at once, pending
review; a facilitator (with two-factor authentication) confirms the hide with a
reason from the moderation queue; the public sees the placeholder with the
facilitator's name and reason, and the public moderation log lists the action."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.helpers import (
    FACILITATOR,
    GREEN,
    RESIDENT2,
    RESIDENTS,
    comment_with_text,
    post_comment,
    unique,
)


def report(page, url: str, text: str, reason: str = "offensive") -> None:
    page.goto(url)
    comment = comment_with_text(page, text)
    comment.locator("a[data-inline-form=report]").click()
    box = comment.locator("form.moderation-report-form")
    box.locator(f"input[name=reason][value={reason}]").check()
    with page.expect_navigation():
        box.locator("button[type=submit]").click()


def test_reported_comment_is_hidden_confirmed_and_logged(user_context, new_context):
    # A comment that breaks the rules, on a proposal open for discussion.
    author = user_context(RESIDENT2, "ja").new_page()
    author.goto(f"/processes/{GREEN}/proposals/")
    author.locator(".proposal-card a[href^='/proposals/']").first.click()
    url = author.url
    text = unique("この提案に賛成する人は何も分かっていない。話すだけ無駄だ。")
    post_comment(author, text, alignment="against")
    comment_id = comment_with_text(author, text).get_attribute("data-comment-id")

    # Three residents report it; the third report hides it pending review.
    for email in RESIDENTS[:3]:
        page = user_context(email, "ja").new_page()
        report(page, url, text)
        expect(page.locator(".message-success")).to_be_visible()
        page.context.close()
    public = new_context("en").new_page()
    public.goto(url)
    hidden = public.locator(f"#comment-{comment_id}")
    expect(hidden.locator(".placeholder")).to_contain_text(
        "Hidden automatically after several reports"
    )
    expect(hidden).not_to_contain_text(text)

    # The facilitator confirms from the queue, with a reason.
    facilitator = user_context(FACILITATOR, "en", mfa=True).new_page()
    facilitator.goto(f"/processes/{GREEN}/moderation/?type=comment")
    item = facilitator.locator("li.moderation-item").filter(has_text=text)
    expect(item.locator(".badge-warning").first).to_be_visible()
    confirm = item.locator("details.moderation-action").filter(
        has=facilitator.locator("button.button-danger", has_text="Keep hidden")
    )
    confirm.locator("summary").click()
    confirm.locator("select[name=reason_code]").select_option("offensive")
    reason = "Insults other residents instead of discussing the proposal."
    confirm.locator("input[name=reason]").fill(reason)
    with facilitator.expect_navigation():
        confirm.locator("button[type=submit]").click()
    expect(facilitator.locator(".message-success")).to_be_visible()

    # The public placeholder names the facilitator and the reason.
    public.goto(url)
    placeholder = public.locator(f"#comment-{comment_id} .placeholder")
    expect(placeholder).to_contain_text("田中 文")
    expect(placeholder).to_contain_text(f"Offensive or abusive: {reason}")
    expect(public.locator(f"#comment-{comment_id}")).not_to_contain_text(text)

    # The public moderation log lists it, with the name and the reason.
    public.goto(f"/processes/{GREEN}/moderation-log/")
    row = (
        public.locator("table.moderation-log tbody tr")
        .filter(has=public.locator(f"a[href*='comment-{comment_id}']"))
        .first
    )
    expect(row).to_contain_text("田中 文")
    expect(row).to_contain_text(reason)
    expect(public.locator("table.moderation-log")).not_to_contain_text(text)
