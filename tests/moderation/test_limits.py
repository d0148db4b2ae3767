"""Per-user rate limits (shared across server processes through the cache) and the
anti-abuse rules on comments and proposals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from participation.errors import Conflict, Invalid, RateLimited
from participation.moderation import limits, services
from participation.moderation.models import Report, ReportReason
from proposals import services as proposal_services
from proposals.models import Comment, Proposal
from tests import factories


@pytest.fixture
def tight(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "comment": "2/600",
        "report": "2/3600",
    }


class _CacheSpy:
    """The cache, recording which of its operations are called."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str):
        def call(*args, **kwargs):
            self.calls.append(name)
            return getattr(cache, name)(*args, **kwargs)

        return call


def test_actions_within_the_limit_pass(tight, resident):
    limits.hit(user=resident, action="comment")
    assert limits.remaining(user=resident, action="comment") == 1
    limits.hit(user=resident, action="comment")
    assert limits.remaining(user=resident, action="comment") == 0


def test_action_over_the_limit_is_refused_with_429(tight, resident):
    limits.hit(user=resident, action="comment")
    limits.hit(user=resident, action="comment")
    with pytest.raises(RateLimited) as error:
        limits.hit(user=resident, action="comment")
    assert error.value.status == 429
    assert "too often" in str(error.value)
    assert 0 < error.value.retry_after <= 600


def test_limits_are_counted_per_user(tight, resident, resident2):
    limits.hit(user=resident, action="comment")
    limits.hit(user=resident, action="comment")
    limits.hit(user=resident2, action="comment")
    assert limits.remaining(user=resident2, action="comment") == 1
    with pytest.raises(RateLimited):
        limits.hit(user=resident, action="comment")


def test_limits_are_counted_per_action(tight, resident):
    limits.hit(user=resident, action="comment")
    limits.hit(user=resident, action="comment")
    limits.hit(user=resident, action="report")
    assert limits.remaining(user=resident, action="report") == 1
    with pytest.raises(RateLimited):
        limits.hit(user=resident, action="comment")


def test_a_new_window_starts_a_new_count(tight, resident, monkeypatch):
    now = 1_700_000_400.0  # the start of a 600-second window
    monkeypatch.setattr(limits.time, "time", lambda: now)
    limits.hit(user=resident, action="comment")
    limits.hit(user=resident, action="comment")
    with pytest.raises(RateLimited):
        limits.hit(user=resident, action="comment")
    monkeypatch.setattr(limits.time, "time", lambda: now + 600)
    limits.hit(user=resident, action="comment")
    assert limits.remaining(user=resident, action="comment") == 1


def test_unconfigured_actions_are_not_limited(resident, monkeypatch):
    spy = _CacheSpy()
    monkeypatch.setattr(limits, "cache", spy)
    for _ in range(50):
        limits.hit(user=resident, action="something-else")
    assert spy.calls == []  # no counter is kept, so none can run out
    assert limits.remaining(user=resident, action="something-else") is None


def test_anonymous_users_are_not_counted(tight, monkeypatch):
    spy = _CacheSpy()
    monkeypatch.setattr(limits, "cache", spy)
    for _ in range(5):  # more than the limit of 2
        limits.hit(user=AnonymousUser(), action="comment")
    assert spy.calls == []
    assert limits.remaining(user=AnonymousUser(), action="comment") is None


def test_count_stays_exact_when_the_hint_is_lost(tight, resident, monkeypatch):
    now = 1_700_000_400.0
    monkeypatch.setattr(limits.time, "time", lambda: now)
    limits.hit(user=resident, action="comment")
    limits.hit(user=resident, action="comment")
    window = int(now // 600)
    cache.delete(f"ratelimit:comment:{resident.pk}:{window}:next")
    with pytest.raises(RateLimited):
        limits.hit(user=resident, action="comment")


def test_remaining_counts_down(tight, resident):
    assert limits.remaining(user=resident, action="comment") == 2
    limits.hit(user=resident, action="comment")
    assert limits.remaining(user=resident, action="comment") == 1


def test_malformed_rate_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured):
        limits.parse_rate("ten per hour")


def test_two_processes_sharing_the_database_cache_share_the_counter(
    tight, resident, monkeypatch, settings
):
    table = "ratelimit_test_cache"
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": table,
        },
    }
    call_command("createcachetable", table, verbosity=0)
    # Two cache clients, as two server processes would each have.
    first, second = DatabaseCache(table, {}), DatabaseCache(table, {})
    monkeypatch.setattr(limits, "cache", first)
    limits.hit(user=resident, action="comment")
    monkeypatch.setattr(limits, "cache", second)
    limits.hit(user=resident, action="comment")
    with pytest.raises(RateLimited):
        limits.hit(user=resident, action="comment")
    monkeypatch.setattr(limits, "cache", first)
    with pytest.raises(RateLimited):
        limits.hit(user=resident, action="comment")


def test_reports_are_rate_limited_and_nothing_is_saved(tight, resident2, proposal):
    comments = factories.CommentFactory.create_batch(3, proposal=proposal)
    for comment in comments[:2]:
        services.report_create(
            reporter=resident2, target=comment, reason=ReportReason.SPAM
        )
    with pytest.raises(RateLimited):
        services.report_create(
            reporter=resident2, target=comments[2], reason=ReportReason.SPAM
        )
    assert Report.objects.count() == 2


def test_comments_are_rate_limited(tight, resident2, proposal):
    for text in ("First thought here.", "Second thought here."):
        proposal_services.comment_create(author=resident2, proposal=proposal, body=text)
    with pytest.raises(RateLimited):
        proposal_services.comment_create(
            author=resident2, proposal=proposal, body="Third thought here."
        )
    assert Comment.objects.count() == 2


# --- duplicate text and links from new accounts -----------------------------------


def test_identical_comment_twice_in_a_short_time_is_refused(resident2, proposal):
    proposal_services.comment_create(
        author=resident2, proposal=proposal, body="Same words again."
    )
    with pytest.raises(Conflict, match="same text"):
        proposal_services.comment_create(
            author=resident2, proposal=proposal, body="Same words again."
        )
    assert Comment.objects.count() == 1


def test_identical_comment_after_the_window_is_accepted(resident2, proposal, settings):
    first = proposal_services.comment_create(
        author=resident2, proposal=proposal, body="Same words again."
    )
    Comment.objects.filter(pk=first.pk).update(
        created_at=timezone.now()
        - timedelta(seconds=settings.DUPLICATE_TEXT_WINDOW_SECONDS + 1)
    )
    proposal_services.comment_create(
        author=resident2, proposal=proposal, body="Same words again."
    )
    assert Comment.objects.count() == 2


def test_identical_proposal_title_twice_in_a_short_time_is_refused(resident2, process):
    data = {
        "author": resident2,
        "process": process,
        "title": "More benches along the river",
        "body": "Older residents need places to rest on their walk by the river.",
    }
    proposal_services.proposal_create(**data)
    with pytest.raises(Conflict, match="with this title"):
        proposal_services.proposal_create(**data)
    assert Proposal.objects.count() == 1


def test_new_account_cannot_post_a_link_in_first_comments(resident2, proposal):
    with pytest.raises(Invalid, match="cannot post links") as error:
        proposal_services.comment_create(
            author=resident2, proposal=proposal, body="See https://spam.example/"
        )
    assert error.value.field_errors == {"body": ["links_not_allowed"]}
    assert not Comment.objects.exists()


def test_account_with_enough_comments_may_post_links(resident2, proposal, settings):
    for i in range(settings.NEW_ACCOUNT_LINK_FREE_COMMENTS):
        factories.CommentFactory(proposal=proposal, author=resident2, body=f"Note {i}")
    comment = proposal_services.comment_create(
        author=resident2, proposal=proposal, body="Details at https://city.example/"
    )
    assert comment.pk


def test_link_rule_can_be_switched_off(resident2, proposal, settings):
    settings.NEW_ACCOUNT_LINK_FREE_COMMENTS = 0
    comment = proposal_services.comment_create(
        author=resident2, proposal=proposal, body="Details at https://city.example/"
    )
    assert comment.pk


def test_hidden_comments_do_not_earn_the_right_to_post_links(
    resident2, proposal, settings, facilitator
):
    for i in range(settings.NEW_ACCOUNT_LINK_FREE_COMMENTS):
        spam = factories.CommentFactory(
            proposal=proposal, author=resident2, body=f"Buy now {i}"
        )
        services.content_hide(actor=facilitator, target=spam, reason_code="spam")
    with pytest.raises(Invalid, match="cannot post links"):
        proposal_services.comment_create(
            author=resident2, proposal=proposal, body="See https://spam.example/"
        )
