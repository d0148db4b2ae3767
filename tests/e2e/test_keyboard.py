"""Keyboard only: the journeys can be done without a mouse. Focus moves with Tab,
links and buttons work with Enter or Space, radio buttons with the arrow keys, and
the focused element is always visibly marked."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD
from tests.e2e.helpers import (
    GREEN,
    RESIDENT,
    RESIDENT2,
    RESIDENTS,
    comment_with_text,
    post_comment,
    post_proposal,
    unique,
)

FOCUSED = "document.activeElement"


def focused_matches(page, selector: str) -> bool:
    return page.evaluate(f"s => !!{FOCUSED} && {FOCUSED}.matches(s)", selector)


def tab_to(page, selector: str, *, limit: int = 120) -> None:
    """Press Tab until the element matching ``selector`` has the focus, and check
    that the focus is visible there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_matches(page, selector):
            outline = page.evaluate(
                f"() => {{ const s = getComputedStyle({FOCUSED});"
                " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
            )
            assert (
                outline[0] != "none" and outline[1] != "0px" or (outline[2] != "none")
            ), f"focus on {selector} is not visible: {outline}"
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def test_resident_logs_in_supports_and_comments_with_the_keyboard_only(
    new_context, user_context
):
    # Someone else's proposal to support (set up with the mouse, not part of the
    # journey).
    other = user_context(RESIDENTS[2], "ja").new_page()
    pk = post_proposal(
        other,
        title=unique("図書館の開館時間を平日夜8時まで延ばしてほしい"),
        body="仕事帰りに図書館を使いたいのですが、平日は夕方6時に閉まってしまいます。"
        "週に2日だけでも夜8時まで開けてください。",
    )
    other.context.close()

    page = new_context("ja").new_page()
    page.goto("/")
    # The first Tab reaches the skip link.
    page.keyboard.press("Tab")
    assert focused_matches(page, "a.skip-link")
    expect(page.locator("a.skip-link")).to_be_in_viewport()

    # Log in.
    tab_to(page, ".site-header a[href^='/accounts/login/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "input[name=login]")
    page.keyboard.type(RESIDENT)
    tab_to(page, "input[name=password]")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".nav-user")).to_have_text("佐藤 花子")

    # Support the proposal.
    page.goto(f"/proposals/{pk}/")
    tab_to(page, "#support button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Space")
    expect(page.locator("#support button[aria-pressed=true]")).to_be_visible()
    expect(page.locator("[data-support-count]")).to_have_text("1")

    # Comment: choose "against" with the arrow keys, type, send.
    tab_to(page, "#comment-form input[name=alignment]")
    while not focused_matches(page, "input[name=alignment][value=against]"):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#comment-form input[value=against]")).to_be_checked()
    tab_to(page, "#comment-form textarea[name=body]")
    text = unique("開館時間の延長には賛成ですが、職員の負担が増えないか心配です。")
    page.keyboard.type(text)
    tab_to(page, "#comment-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    comment = comment_with_text(page, text)
    expect(comment).to_be_visible()
    expect(comment.locator(".alignment-against")).to_be_visible()

    # Reply to one's own comment: Enter on "Reply" puts the form under it, focus
    # moves into its text box.
    tab_to(page, f"#{comment.get_attribute('id')} a[data-inline-form=reply]")
    page.keyboard.press("Enter")
    form = comment.locator("form.comment-reply-form")
    expect(form.locator("textarea")).to_be_focused()
    expect(comment.locator("a[data-inline-form=reply]")).to_have_attribute(
        "aria-expanded", "true"
    )
    reply = unique("土日の開館時間を短くする代わりに、という案もあります。")
    page.keyboard.type(reply)
    tab_to(page, "form.comment-reply-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(comment_with_text(page, reply)).to_be_visible()


def test_new_resident_signs_up_and_posts_a_proposal_with_the_keyboard_only(
    new_context, server
):
    tag = uuid.uuid4().hex[:6]
    email = f"keyboard.{tag}@example.net"
    page = new_context("en").new_page()
    page.goto("/accounts/signup/")
    tab_to(page, "#id_real_name")
    page.keyboard.type(f"Ren Ishida {tag}")
    tab_to(page, "#id_email")
    page.keyboard.type(email)
    tab_to(page, "#id_password1")
    page.keyboard.type("Sakuragaoka-hill-2026!")
    tab_to(page, "#id_password2")
    page.keyboard.type("Sakuragaoka-hill-2026!")
    tab_to(page, "#id_accept_terms")
    page.keyboard.press("Space")
    tab_to(page, "form.account-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    page.goto(server.confirmation_link(email))  # the link in the e-mail
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".nav-user")).to_contain_text("Ren Ishida")

    page.goto(f"/processes/{GREEN}/proposals/new/")
    title = unique("Lockers for bags at the Sakuragaoka sports park")
    tab_to(page, "#id_title")
    page.keyboard.type(title)
    tab_to(page, "#id_body")
    page.keyboard.type(
        "Families coming by bus have nowhere to leave their bags while children "
        "play. A few coin lockers near the gate would help."
    )
    for select in ("#id_category", "#id_area"):
        tab_to(page, select)
        page.keyboard.press("ArrowDown")  # a closed <select> takes the next option
        expect(page.locator(select)).not_to_have_value("")
    tab_to(page, "form.proposal-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(title)


def test_resident_reports_a_comment_and_posts_a_live_opinion_with_the_keyboard_only(
    user_context,
):
    # Set-up with the mouse: a comment to report, and an open live session.
    author = user_context(RESIDENT2, "en").new_page()
    author.goto(f"/processes/{GREEN}/proposals/")
    author.locator(".proposal-card a[href^='/proposals/']").nth(2).click()
    url = author.url
    text = unique("Buy my handmade soap, best prices in town, message me!")
    post_comment(author, text, alignment="neutral")
    author.goto("/live/")
    open_card = author.locator(".live-card").filter(has=author.locator(".badge-phase"))
    session_url = open_card.first.locator("h3 a").get_attribute("href")

    page = user_context(RESIDENTS[0], "en").new_page()
    page.goto(url)
    comment = comment_with_text(page, text)
    tab_to(page, f"#{comment.get_attribute('id')} a[data-inline-form=report]")
    page.keyboard.press("Enter")  # the report form opens under it, focus on a reason
    expect(
        comment.locator("form.moderation-report-form input[name=reason]").first
    ).to_be_focused()
    while not focused_matches(page, "input[name=reason][value=spam]"):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")  # none is chosen yet: Space checks the focused one
    expect(
        comment.locator("form.moderation-report-form input[value=spam]")
    ).to_be_checked()
    tab_to(page, "form.moderation-report-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".message-success")).to_be_visible()
    expect(comment.locator(".moderation-reported")).to_be_visible()

    page.goto(session_url)
    opinion = unique("Water the paths in the morning, before it gets hot.")
    tab_to(page, "#opinion-form textarea[name=body]")
    page.keyboard.type(opinion)
    tab_to(page, "#opinion-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("[data-opinion-stream]")).to_contain_text(opinion)
