"""Whole pages cached for anonymous readers (participation/pagecache.py): who gets a
stored page, what its key holds, what is filled in afresh, what invalidates it, and
that a cache that is down only makes pages uncached."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory
from django.urls import reverse

from participation import pagecache
from participation import settings as project_settings
from participation.moderation import services as moderation
from participation.moderation.models import ReportReason
from participation.privacy import services as privacy
from participation.privacy.models import ContributionChoice
from participation.spaces import department_services
from proposals import services as proposal_services
from responses import services as tracker
from responses.transitions import Decision
from tests import factories
from tests.faults import REFUSING_REDIS

SUPPORT_COUNT = re.compile(r"<strong data-support-count>(\d+)</strong>")
NONCE = re.compile(r'nonce="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def detail(proposal):
    return reverse("proposals:detail", args=[proposal.pk])


def listing(process):
    return reverse("proposals:list", args=[process.slug])


def support_count(response):
    return int(SUPPORT_COUNT.search(response.content.decode()).group(1))


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Writes inside run their on-commit callbacks (the version bumps) at once."""

    def _committing():
        return django_capture_on_commit_callbacks(execute=True)

    return _committing


# --- Who gets a stored page -----------------------------------------------------------
def test_second_anonymous_read_of_a_proposal_is_served_from_the_cache(client, proposal):
    first = client.get(detail(proposal))
    second = client.get(detail(proposal))
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")


def test_stored_page_shows_the_same_content(client, proposal):
    first = client.get(detail(proposal)).content.decode()
    second = client.get(detail(proposal)).content.decode()

    def strip(text):
        return CSRF.sub("", NONCE.sub("", text))

    assert strip(first) == strip(second)


def test_signed_in_reader_is_never_served_a_stored_page(
    client, login, proposal, resident
):
    Client().get(detail(proposal))
    Client().get(detail(proposal))
    response = login(resident).get(detail(proposal))
    assert response["X-Cache"] == "BYPASS"


def test_signed_in_page_forbids_shared_caches(login, proposal, resident):
    response = login(resident).get(detail(proposal))
    assert "private" in response["Cache-Control"]


def test_anonymous_page_forbids_shared_caches(client, proposal):
    client.get(detail(proposal))
    response = client.get(detail(proposal))
    assert "private" in response["Cache-Control"]


def test_reader_with_a_pending_message_is_not_served_a_stored_page(client, proposal):
    client.get(detail(proposal))
    client.cookies["messages"] = "anything"
    assert client.get(detail(proposal))["X-Cache"] == "BYPASS"


def test_reader_with_a_session_cookie_is_not_served_a_stored_page(
    client, settings, proposal
):
    client.get(detail(proposal))
    client.cookies[settings.SESSION_COOKIE_NAME] = "abc"
    assert client.get(detail(proposal))["X-Cache"] == "BYPASS"


def test_no_page_is_stored_when_the_cache_is_switched_off(client, settings, proposal):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(detail(proposal))
    assert client.get(detail(proposal))["X-Cache"] == "BYPASS"


def _anonymous_get():
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    return request


def test_answer_that_sets_a_cookie_is_not_stored(db):
    @pagecache.cached(lambda: [])
    def view(request):
        response = HttpResponse("<p>hello</p>")
        response.set_cookie("seen", "1")
        return response

    view(_anonymous_get())
    assert view(_anonymous_get())["X-Cache"] == "MISS"


def test_answer_that_writes_the_session_is_not_stored(db):
    @pagecache.cached(lambda: [])
    def view(request):
        request.session["seen"] = True
        return HttpResponse("<p>hello</p>")

    view(_anonymous_get())
    assert view(_anonymous_get())["X-Cache"] == "MISS"


def test_answer_that_is_not_ok_is_not_stored(db):
    @pagecache.cached(lambda: [])
    def view(request):
        return HttpResponse("<p>no</p>", status=400)

    view(_anonymous_get())
    assert view(_anonymous_get())["X-Cache"] == "MISS"


# --- What is filled in afresh ---------------------------------------------------------
def test_stored_page_carries_a_fresh_nonce_matching_its_header(client, proposal):
    first = client.get(detail(proposal))
    second = client.get(detail(proposal))
    nonces = set(NONCE.findall(second.content.decode()))
    assert len(nonces) == 1
    (nonce,) = nonces
    assert nonce not in first.content.decode()
    assert f"'nonce-{nonce}'" in second["Content-Security-Policy"]


def test_stored_page_carries_a_token_for_this_readers_csrf_cookie(proposal):
    Client().get(detail(proposal))  # stored by another reader
    reader = Client(enforce_csrf_checks=True)
    response = reader.get(detail(proposal))
    assert response["X-Cache"] == "HIT"
    token = CSRF.search(response.content.decode()).group(1)
    assert _unmask_cipher_token(token) == reader.cookies["csrftoken"].value


def test_form_on_a_stored_page_can_be_sent(proposal):
    Client().get(detail(proposal))
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(detail(proposal))
    token = CSRF.search(page.content.decode()).group(1)
    sent = reader.post(
        reverse("set_language"),
        {"language": "ja", "next": "/", "csrfmiddlewaretoken": token},
    )
    assert sent.status_code == 302


# --- The key --------------------------------------------------------------------------
def test_language_is_part_of_the_key(settings, proposal):
    english = Client()
    english.get(detail(proposal))
    japanese = Client()
    japanese.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    response = japanese.get(detail(proposal))
    assert response["X-Cache"] == "MISS"
    assert '<html lang="ja"' in response.content.decode()


def test_query_in_another_order_is_the_same_page(client, process):
    client.get(listing(process) + "?sort=newest&page=1")
    assert client.get(listing(process) + "?page=1&sort=newest")["X-Cache"] == "HIT"


def test_tracking_parameters_are_not_part_of_the_key(client, proposal):
    client.get(detail(proposal))
    response = client.get(detail(proposal) + "?utm_source=news&fbclid=x")
    assert response["X-Cache"] == "HIT"


def test_another_query_is_another_page(client, process):
    client.get(listing(process) + "?sort=newest")
    assert client.get(listing(process) + "?sort=most_supported")["X-Cache"] == "MISS"


# --- What invalidates a stored page ---------------------------------------------------
def test_support_shows_on_the_next_anonymous_read_of_the_proposal(
    client, committing, proposal, resident2
):
    assert support_count(client.get(detail(proposal))) == 0
    with committing():
        proposal_services.support_add(user=resident2, proposal=proposal)
    response = client.get(detail(proposal))
    assert (response["X-Cache"], support_count(response)) == ("MISS", 1)


def test_support_shows_on_the_next_anonymous_read_of_the_list(
    client, committing, process, proposal, resident2
):
    client.get(listing(process))
    with committing():
        proposal_services.support_add(user=resident2, proposal=proposal)
    assert "1 support" in client.get(listing(process)).content.decode()


def test_supporter_sees_their_own_support_at_once(
    committing, login, proposal, resident2
):
    Client().get(detail(proposal))
    Client().get(detail(proposal))
    supporter = login(resident2)
    with committing():
        supporter.post(reverse("proposals:support", args=[proposal.pk]))
    assert support_count(supporter.get(detail(proposal))) == 1


def test_comment_shows_on_the_next_anonymous_read(
    client, committing, proposal, resident2
):
    client.get(detail(proposal))
    with committing():
        proposal_services.comment_create(
            author=resident2, proposal=proposal, body="日陰があれば夏も遊べます。"
        )
    assert "日陰があれば夏も遊べます。" in client.get(detail(proposal)).content.decode()


def test_hidden_proposal_leaves_the_cached_list_and_page(
    client, committing, process, proposal, facilitator
):
    client.get(listing(process))
    client.get(detail(proposal))
    with committing():
        moderation.content_hide(
            actor=facilitator, target=proposal, reason_code=ReportReason.SPAM
        )
    assert proposal.title not in client.get(listing(process)).content.decode()
    assert client.get(detail(proposal))["X-Cache"] == "MISS"


def test_published_response_shows_on_the_next_anonymous_read(
    client, committing, proposal, admin_user, department, official
):
    entry = tracker.tracker_forward(actor=admin_user, proposal=proposal)
    entry = tracker.tracker_assign(actor=admin_user, entry=entry, department=department)
    client.get(detail(proposal))
    client.get(reverse("responses:tracker"))
    with committing():
        tracker.response_publish(
            actor=official,
            entry=entry,
            decision=Decision.ACCEPTED,
            body="ご提案ありがとうございます。来年度の予算で日よけを設置します。",
        )
    assert (
        "来年度の予算で日よけを設置します。"
        in client.get(detail(proposal)).content.decode()
    )
    assert client.get(reverse("responses:tracker"))["X-Cache"] == "MISS"


def test_departments_scorecards_are_stored_for_anonymous_readers(client, department):
    for url in (
        reverse("responses:departments"),
        reverse("responses:department", args=[department.code]),
    ):
        assert [client.get(url)["X-Cache"] for _ in range(2)] == ["MISS", "HIT"]


def test_a_rating_shows_on_the_next_anonymous_read_of_the_scorecards(
    client, committing, proposal, admin_user, department, official, resident
):
    entry = tracker.tracker_forward(actor=admin_user, proposal=proposal)
    entry = tracker.tracker_assign(actor=admin_user, entry=entry, department=department)
    response = tracker.response_publish(
        actor=official,
        entry=entry,
        decision=Decision.ACCEPTED,
        body="ご提案ありがとうございます。来年度の予算で日よけを設置します。",
    )
    pages = [
        reverse("responses:departments"),
        reverse("responses:department", args=[department.code]),
    ]
    for url in pages:
        client.get(url)
    with committing():
        tracker.response_rate(
            user=resident, response=response, clear=True, satisfied=True
        )
    assert [client.get(url)["X-Cache"] for url in pages] == ["MISS", "MISS"]


def test_a_tracker_change_shows_on_the_next_anonymous_read_of_a_scorecard(
    client, committing, proposal, admin_user, department
):
    url = reverse("responses:department", args=[department.code])
    client.get(url)
    with committing():
        entry = tracker.tracker_forward(actor=admin_user, proposal=proposal)
        tracker.tracker_assign(actor=admin_user, entry=entry, department=department)
    assert client.get(url)["X-Cache"] == "MISS"
    assert proposal.title in client.get(url).content.decode()


def test_edited_proposal_shows_on_the_next_anonymous_read(
    client, committing, proposal, resident
):
    client.get(detail(proposal))
    with committing():
        proposal_services.proposal_edit(
            actor=resident,
            proposal=proposal,
            title="駅前に屋根付きの駐輪場をつくる",
            body=proposal.body,
        )
    assert (
        "駅前に屋根付きの駐輪場をつくる"
        in client.get(detail(proposal)).content.decode()
    )


def test_new_proposal_shows_on_the_next_anonymous_read_of_the_list(
    client, committing, process, resident2
):
    client.get(listing(process))
    with committing():
        proposal_services.proposal_create(
            author=resident2,
            process=process,
            title="図書館の開館時間を延ばす",
            body="仕事帰りに寄れるよう、平日の閉館を夜八時にしてください。お願いします。",
        )
    assert "図書館の開館時間を延ばす" in client.get(listing(process)).content.decode()


def test_site_wide_change_invalidates_every_page(
    client, committing, proposal, admin_user
):
    client.get(detail(proposal))
    with committing():
        department_services.department_create(
            actor=admin_user, data={"code": "roads", "name": "道路課"}
        )
    assert client.get(detail(proposal))["X-Cache"] == "MISS"


def test_erased_account_leaves_the_cached_pages(client, committing, process):
    leaver = factories.UserFactory(real_name="Taro Leaving")
    proposal = factories.ProposalFactory(process=process, author=leaver)
    assert "Taro Leaving" in client.get(detail(proposal)).content.decode()
    deletion = privacy.deletion_request(
        user=leaver, contributions=ContributionChoice.ANONYMISE
    )
    with committing():
        privacy.erase_due_accounts(deletion.erase_after + timedelta(minutes=1))
    assert "Taro Leaving" not in client.get(detail(proposal)).content.decode()


def test_change_to_one_proposal_leaves_another_proposals_page_stored(
    client, committing, process, proposal, resident2
):
    other = factories.ProposalFactory(process=process)
    client.get(detail(other))
    with committing():
        proposal_services.support_add(user=resident2, proposal=proposal)
    assert client.get(detail(other))["X-Cache"] == "HIT"


def test_page_stored_before_a_bump_is_not_served_after_it(client, proposal):
    client.get(detail(proposal))
    pagecache._bump((pagecache.scope("proposal", proposal.pk),))
    assert client.get(detail(proposal))["X-Cache"] == "MISS"


# --- A cache that is down -------------------------------------------------------------
class BrokenCache:
    """A cache backend whose every call fails."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("the cache is broken")

        return fail


def test_broken_cache_renders_the_page_uncached(client, monkeypatch, proposal):
    monkeypatch.setattr(pagecache, "_cache", BrokenCache)
    response = client.get(detail(proposal))
    assert (response.status_code, response["X-Cache"]) == (200, "BYPASS")


def test_broken_cache_does_not_fail_a_write(
    committing, monkeypatch, proposal, resident2
):
    monkeypatch.setattr(pagecache, "_cache", BrokenCache)
    with committing():
        assert proposal_services.support_add(user=resident2, proposal=proposal)


def test_unreachable_redis_renders_pages(client, settings, process, proposal):
    settings.CACHES = {
        "default": project_settings.redis_cache(
            REFUSING_REDIS, prefix="test-pagecache", connect_timeout=0.2
        )
    }
    statuses = [
        client.get(listing(process)).status_code,
        client.get(detail(proposal)).status_code,
        client.get(detail(proposal)).status_code,
    ]
    assert statuses == [200, 200, 200]


# --- Version keys in Redis: every key of a write in one round trip ------------------
@pytest.fixture
def redis_pages(settings):
    import os
    import secrets

    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("needs REDIS_URL (a Redis server), as in CI")
    settings.CACHES = {
        "default": project_settings.redis_cache(
            url, prefix=f"test-pagecache-{secrets.token_hex(4)}"
        )
    }
    from django.core.cache import caches

    import participation.cache

    participation.cache.reset()  # an outage left by a test before (refusing Redis)
    yield caches["default"]
    caches["default"].clear()


def test_version_keys_in_redis_are_bumped_together_and_start_from_the_clock(
    redis_pages, monkeypatch
):
    from participation import cache as resilient

    redis_pages.set(pagecache._version_key("proposal:1"), 41, None)
    round_trips = []
    real = resilient._bump_counters

    def counted(self, keys, start):
        round_trips.append(keys)
        return real(self, keys, start)

    monkeypatch.setattr(resilient.ResilientRedisCacheClient, "bump_counters", counted)
    before = pagecache._fresh_version()
    pagecache._bump(("proposal:1", "tracker"))
    assert len(round_trips) == 1
    assert redis_pages.get(pagecache._version_key("proposal:1")) == 42
    started = redis_pages.get(pagecache._version_key("tracker"))
    assert started > before  # a missing key starts from the clock, not from 1


def test_support_through_redis_invalidates_the_stored_page(
    client, committing, redis_pages, proposal, resident2
):
    assert client.get(detail(proposal))["X-Cache"] == "MISS"
    assert client.get(detail(proposal))["X-Cache"] == "HIT"
    with committing():
        proposal_services.support_add(user=resident2, proposal=proposal)
    response = client.get(detail(proposal))
    assert (response["X-Cache"], support_count(response)) == ("MISS", 1)


def test_support_still_counts_when_redis_refuses(
    committing, settings, proposal, resident2
):
    import participation.cache

    settings.CACHES = {
        "default": project_settings.redis_cache(
            REFUSING_REDIS, prefix="test-pagecache", connect_timeout=0.2
        )
    }
    participation.cache.reset()
    try:
        with committing():
            assert proposal_services.support_add(user=resident2, proposal=proposal)
    finally:
        participation.cache.reset()
    proposal.refresh_from_db()
    assert proposal.support_count == 1
