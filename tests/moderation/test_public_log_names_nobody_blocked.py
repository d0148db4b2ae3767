"""The public moderation log states what was done and why, never whom a block
concerns: not on the page, in the API or in the open data."""

from __future__ import annotations

import pytest

from participation.moderation import services
from participation.moderation.models import ModerationAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocked(facilitator, comment):
    block = services.user_block(
        actor=facilitator,
        user=comment.author,
        reason="Repeated insults",
        days=7,
        target=comment,
    )
    services.block_lift(actor=facilitator, block=block, reason="Apologised")
    return comment.author


def test_page_says_what_and_why_without_the_name(client, blocked, process):
    html = client.get(f"/processes/{process.slug}/moderation-log/").content.decode()
    assert "User blocked" in html and "Block lifted" in html
    assert "Repeated insults" in html and "Apologised" in html
    assert blocked.real_name not in html
    assert blocked.get_absolute_url() not in html


def test_api_says_what_and_why_without_the_name(client, blocked, process):
    body = client.get(f"/api/v1/processes/{process.slug}/moderation-log/").json()
    rows = [r for r in body["results"] if r["kind"] in ("block", "unblock")]
    assert len(rows) == 2
    for row in rows:
        assert row["subject_name"] is None
        assert row["target_url"] is None
    assert blocked.real_name not in str(body)


def test_rows_written_before_the_fix_do_not_link_the_profile(blocked):
    # Rows stored earlier carried the profile link; the public link ignores it.
    action = ModerationAction.objects.filter(kind="block").first()
    action.target_url = blocked.get_absolute_url()
    assert action.public_url == ""


def test_open_data_drops_the_blocked_persons_link(blocked):
    from portal.opendata.datasets import MODERATION

    rows = list(MODERATION.rows())
    assert rows and all(blocked.get_absolute_url() not in str(r) for r in rows)
