"""Shared steps of the browser journeys. Each one is what a person does on the page
(fill the visible form, press its button); none reaches into the database."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

# The demo prefecture (demo/content.py).
GREEN = "parks-and-green-2026"  # proposing, supporting and commenting are open
RESIDENT = "resident@example.org"  # 佐藤 花子
RESIDENT2 = "resident2@example.org"  # 鈴木 次郎
FACILITATOR = "facilitator@example.org"  # 田中 文, facilitator of every process
OFFICIAL = "official@example.org"  # 高橋 健二: public works, children and welfare
ADMIN = "admin@example.org"  # 伊藤 明
STAFF = (FACILITATOR, OFFICIAL, ADMIN)  # need two-factor authentication
# More demo residents, for journeys that need several people.
RESIDENTS = (
    "misaki.watanabe@example.org",
    "daisuke.yamamoto@example.org",
    "keiko.kato@example.org",
    "shota.yoshida@example.org",
)


def unique(text: str) -> str:
    """``text`` with a short random tag, so that reruns against the same database
    and the duplicate-text guard never collide."""
    return f"{text} {uuid.uuid4().hex[:6]}"


def proposal_id(page: Page) -> int:
    match = re.search(r"/proposals/(\d+)/", page.url)
    assert match, f"not on a proposal page: {page.url}"
    return int(match.group(1))


UNROUTED_CATEGORIES = {
    "防災・安全",
    "Disaster preparedness and safety",
    "観光・地域活性化",
    "Tourism and local economy",
    "福祉・高齢者",
    "Welfare and older people",
}


def post_proposal(
    page: Page,
    *,
    title: str,
    body: str,
    slug: str = GREEN,
    location: str = "",
) -> int:
    """Post a proposal through the form and return its id (the page ends on it)."""
    page.goto(f"/processes/{slug}/proposals/new/")
    page.fill("#id_title", title)
    page.fill("#id_body", body)
    # A category the demo's routing table (demo/routing.py) leaves alone, so the
    # proposal enters the tracker unassigned, as these journeys expect.
    select = page.locator("#id_category")
    labels = select.locator("option").all_inner_texts()
    unrouted = [i for i, t in enumerate(labels) if t.strip() in UNROUTED_CATEGORIES]
    select.select_option(index=unrouted[0] if unrouted else 1)
    page.locator("#id_area").select_option(index=1)
    if location:
        page.fill("#id_location_text", location)
    with page.expect_navigation():
        page.locator("form.proposal-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(title)
    return proposal_id(page)


def post_comment(page: Page, body: str, alignment: str = "favour") -> None:
    """Post a top-level comment on the proposal page that is open."""
    form = page.locator("#comment-form form")
    form.locator(f"input[name=alignment][value={alignment}]").check()
    form.locator("textarea[name=body]").fill(body)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def comment_with_text(page: Page, text: str):
    """The comment ``li`` whose own text (not a reply's) contains ``text``."""
    card = page.locator("article.comment-card").filter(
        has=page.locator(".comment-text", has_text=text)
    )
    return card.locator("xpath=..")
