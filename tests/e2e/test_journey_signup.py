"""Journey 1: a new resident signs up under a real name, confirms the e-mail address
with the link from the (console) outbox, and posts a first proposal, seeing the
similar-proposals hint while typing the title."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import submit
from tests.e2e.helpers import GREEN, proposal_id

PASSWORD = "Kawabe-river-walk-2026!"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_new_resident_signs_up_confirms_email_and_posts_a_proposal(
    new_context, server, lang
):
    tag = uuid.uuid4().hex[:6]
    email = f"new.resident.{tag}@example.net"
    real_name = f"山田 葵 {tag}" if lang == "ja" else f"Aoi Yamada {tag}"
    page = new_context(lang).new_page()

    # Sign up: real name first, e-mail, password twice.
    page.goto("/")
    page.locator(".site-header a[href='/accounts/signup/']").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.fill("#id_real_name", real_name)
    page.fill("#id_email", email)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.check("#id_accept_terms")
    submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    # Until the address is confirmed, logging in only resends the link.
    link = server.confirmation_link(email)
    page.goto(link)
    submit(page)
    # Confirming logs the new resident in.
    expect(page.locator(".nav-user")).to_have_text(real_name)

    # Post a proposal; the title already resembles an existing one.
    page.goto(f"/processes/{GREEN}/")
    page.locator(f"a[href='/processes/{GREEN}/proposals/new/']").first.click()
    title = page.locator("#id_title")
    title.press_sequentially("中央公園の日陰を増やして")
    hint = page.locator("#similar-proposals")
    expect(hint.locator("a").first).to_be_visible()
    expect(hint).to_contain_text("中央公園に日陰とミストシャワーを増やしてください")
    # Still a new request: finish it anyway.
    title.press_sequentially(f"遊具を冷やしてほしい {tag}")
    page.fill(
        "#id_body",
        "夏の午後は滑り台が熱くなり、子どもが触るとやけどしそうです。"
        "遊具の上に日よけを付けてください。",
    )
    page.locator("#id_category").select_option(index=1)
    page.locator("#id_area").select_option(index=1)
    with page.expect_navigation():
        page.locator("form.proposal-form button[type=submit]").click()

    expect(page.locator("h1")).to_have_text(
        f"中央公園の日陰を増やして遊具を冷やしてほしい {tag}"
    )
    expect(page.locator(".proposal-header .meta a").first).to_have_text(real_name)
    # The author follows the proposal and cannot support it.
    expect(page.locator("#follow button[aria-pressed=true]")).to_be_visible()
    assert proposal_id(page) > 0
