"""Journey 4: an official sets up two-factor authentication (the TOTP code computed
here from the secret on allauth's activation page), then publishes a decision with
its reasons, revises it and posts a progress update. The tracker row and the
proposal's timeline follow, and the author's notification bell lights up while the
author is looking at the tracker (no reload)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import MFA_SECRETS, login, set_up_totp
from tests.e2e.helpers import FACILITATOR, OFFICIAL, RESIDENT, post_proposal, unique


def test_official_with_mfa_answers_revises_and_reports_progress(
    new_context, user_context
):
    # A resident's proposal, forwarded to the tracker by the facilitator.
    author = user_context(RESIDENT, "en").new_page()
    title = unique("Benches in the shade at the Asahi bus terminal")
    pk = post_proposal(
        author,
        title=title,
        body="People waiting for the hourly bus stand in the sun for up to an hour. "
        "Benches under the roof would help older passengers most.",
    )
    facilitator = user_context(FACILITATOR, "ja", mfa=True).new_page()
    facilitator.goto(f"/proposals/{pk}/tracker/")
    with facilitator.expect_navigation():
        facilitator.locator(
            f"form[action='/proposals/{pk}/tracker/forward/'] button"
        ).click()
    expect(facilitator.locator(".message-success")).to_be_visible()

    # The author reads every notification, then watches the tracker.
    author.goto("/notifications/")
    mark_all = author.locator("form[action='/notifications/read/'] button").first
    if mark_all.is_visible():
        with author.expect_navigation():
            mark_all.click()
    author.goto("/tracker/?sort=newest")
    row = author.locator(f"#tracker-row-{pk}")
    expect(row).to_contain_text("Not assigned")
    expect(author.locator("[data-bell-count]")).to_be_hidden()

    # The official logs in: staff actions are off until two-factor is set up.
    official = new_context("ja").new_page()
    login(official, OFFICIAL)
    official.goto(f"/proposals/{pk}/")
    if OFFICIAL not in MFA_SECRETS:
        # (When an earlier journey of this run, the drafts one, already set up the
        # official's two-factor, the login above passed its step;
        # tests/accounts/test_mfa.py covers the banner for an account without it.)
        expect(official.locator(".mfa-banner")).to_be_visible()
        set_up_totp(official, OFFICIAL)
    official.goto(f"/proposals/{pk}/tracker/")
    expect(official.locator(".mfa-banner")).to_have_count(0)

    # Claim it for the department, then publish the decision with reasons.
    with official.expect_navigation():
        official.locator(
            f"form[action='/proposals/{pk}/tracker/claim/'] button"
        ).click()
    official.goto(f"/proposals/{pk}/tracker/respond/")
    official.locator("input[name=decision][value=accepted]").check()
    official.fill(
        "#id_body",
        "旭バスターミナルの屋根の下に、ベンチを6基設置します。"
        "今年度の維持管理予算で対応し、秋までに設置を終えます。",
    )
    with official.expect_navigation():
        official.locator("form.tracker-form button[type=submit]").click()
    expect(official.locator("#response")).to_contain_text("ベンチを6基")

    # The author's tracker row and bell change without a reload.
    expect(row.locator(".tracker-badge").first).to_have_text("Accepted")
    expect(author.locator("[data-bell-count]")).to_be_visible()

    # Revise: the earlier version stays public.
    official.goto(f"/proposals/{pk}/tracker/revise/")
    official.fill(
        "#id_body",
        "旭バスターミナルの屋根の下に、ベンチを8基設置します（利用者の声を受けて2基追加）。"
        "今年度の維持管理予算で対応し、秋までに設置を終えます。",
    )
    official.fill("#id_change_note", "設置数を6基から8基に増やしました。")
    with official.expect_navigation():
        official.locator("form.tracker-form button[type=submit]").click()
    expect(official.locator("#response")).to_contain_text("ベンチを8基")

    # Progress.
    official.goto(f"/proposals/{pk}/tracker/progress/")
    official.locator("input[name=status][value=in_progress]").check()
    official.fill("#id_percent", "40")
    official.fill("#id_body", "ベンチ8基を発注しました。設置工事は来月の予定です。")
    with official.expect_navigation():
        official.locator("form.tracker-form button[type=submit]").click()
    expect(official.locator(".tracker-updates")).to_contain_text("ベンチ8基を発注")

    expect(row).to_contain_text("In progress 40%")

    # The proposal page tells the whole story, in order.
    author.goto(f"/proposals/{pk}/")
    panel = author.locator("#tracker")
    expect(panel.locator("#response")).to_contain_text("8基")
    expect(panel.locator(".tracker-history")).to_contain_text("6基")
    steps = panel.locator(".tracker-timeline li[data-step]")
    kinds = [steps.nth(i).get_attribute("data-step") for i in range(steps.count())]
    for kind in ("forwarded", "claimed", "published", "revised", "progress"):
        assert kind in kinds, kinds
    assert kinds.index("published") < kinds.index("revised") < kinds.index("progress")
    expect(author.locator(".notification-bell.has-unread")).to_be_visible()
