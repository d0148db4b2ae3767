"""Redis down: each limit fails open or closed as documented, nothing waits for ever.

Two faults: a Redis that refuses connections (``REFUSING_REDIS``) and one that
accepts connections and never answers (``SilentServer``). The cache and the channel
layer are built by the same functions the settings use with ``REDIS_URL``
(``redis_cache``, ``redis_channel_layer``), with short timeouts so that the tests
stay quick; the tests check that the timeouts reach the Redis clients, not how
long anything took.
"""

from __future__ import annotations

import logging
import os
import runpy
import secrets

import pytest
from allauth.account.signals import user_logged_in
from channels.layers import channel_layers
from channels_redis.core import RedisChannelLayer
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.urls import reverse
from redis import Redis
from redis.exceptions import RedisError

import participation.cache
from participation import settings as project_settings
from participation.accounts import limits as account_limits
from participation.accounts.models import User
from participation.api import throttling
from participation.moderation import limits as action_limits
from proposals.models import Comment
from tests.factories import PASSWORD
from tests.faults import REFUSING_REDIS, SilentServer

FAST = 0.2  # seconds: the tests' Redis timeouts


def _forget_outages():
    participation.cache.reset()
    for log in (account_limits.outage, action_limits.outage, throttling.outage):
        log.reset()


@pytest.fixture
def redis_refusing(settings):
    """The cache on a Redis that refuses connections."""
    settings.CACHES = {
        "default": project_settings.redis_cache(
            REFUSING_REDIS, prefix="test-faults", connect_timeout=FAST
        )
    }
    _forget_outages()
    yield
    _forget_outages()


@pytest.fixture
def silent_redis(settings):
    """The cache and the channel layer on a Redis that never answers."""
    with SilentServer() as server:
        settings.CACHES = {
            "default": project_settings.redis_cache(
                server.url,
                prefix="test-faults",
                connect_timeout=FAST,
                socket_timeout=FAST,
            )
        }
        settings.CHANNEL_LAYERS = {
            "default": project_settings.redis_channel_layer(
                server.url, connect_timeout=FAST, socket_timeout=FAST
            )
        }
        channel_layers.backends.clear()
        _forget_outages()
        yield server
        channel_layers.backends.clear()
        _forget_outages()


def _cache_pool_options() -> dict:
    """The options redis-py's pool of the cache was made with."""
    return cache._cache._get_connection_pool(write=True).connection_kwargs


def _wrong_password(client, user, **extra):
    return client.post(
        "/accounts/login/",
        {"login": user.email, "password": "not-the-password"},
        **extra,
    )


@pytest.fixture
def password_checks():
    """Every password check Django makes (a failed one sends user_login_failed)."""
    failures = []

    def record(sender, credentials, **kwargs):
        failures.append(credentials)

    user_login_failed.connect(record)
    yield failures
    user_login_failed.disconnect(record)


# --- settings ---------------------------------------------------------------------


def test_redis_url_gives_the_cache_and_the_layer_timeouts(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/9")
    monkeypatch.setenv("REDIS_SOCKET_TIMEOUT", "0.5")
    loaded = runpy.run_path(project_settings.__file__)
    options = loaded["CACHES"]["default"]["OPTIONS"]
    assert options == {"socket_connect_timeout": 1.0, "socket_timeout": 0.5}
    (host,) = loaded["CHANNEL_LAYERS"]["default"]["CONFIG"]["hosts"]
    assert host["address"] == "redis://127.0.0.1:6379/9"
    assert host["socket_connect_timeout"] == 1.0
    # An idle websocket waits brpop_timeout for a message: the socket must wait longer.
    assert RedisChannelLayer.brpop_timeout < host["socket_timeout"] <= 10


# --- login and sign-up: closed ------------------------------------------------------


@pytest.mark.django_db
def test_wrong_passwords_are_refused_while_the_limit_store_refuses_connections(
    client, resident, redis_refusing, password_checks
):
    responses = [_wrong_password(client, resident) for _ in range(12)]
    assert [r.status_code for r in responses] == [503] * 12
    assert password_checks == []  # no password was tried at all
    assert "password guessing" in responses[0].content.decode()
    assert int(responses[0]["Retry-After"]) > 0


@pytest.fixture
def sign_ins():
    users = []

    def record(sender, user, **kwargs):
        users.append(user)

    user_logged_in.connect(record)
    yield users
    user_logged_in.disconnect(record)


@pytest.mark.django_db
def test_the_right_password_does_not_sign_in_either_while_the_store_is_down(
    client, resident, redis_refusing, sign_ins
):
    response = client.post(
        "/accounts/login/", {"login": resident.email, "password": PASSWORD}
    )
    assert response.status_code == 503
    assert sign_ins == []
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_refusal_is_translated(client, resident, redis_refusing):
    response = _wrong_password(client, resident, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 503
    assert "パスワード" in response.content.decode()


@pytest.mark.django_db
def test_sign_up_is_refused_while_the_limit_store_is_down(client, redis_refusing):
    response = client.post(
        "/accounts/signup/",
        {
            "real_name": "Sato Hanako",
            "email": "hanako@example.org",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
            "accept_terms": "on",
        },
    )
    assert response.status_code == 503
    assert not User.objects.filter(email="hanako@example.org").exists()


@pytest.mark.django_db
def test_the_login_page_itself_still_renders(client, redis_refusing):
    assert client.get("/accounts/login/").status_code == 200


@pytest.mark.django_db
def test_refused_logins_are_logged_once(client, resident, redis_refusing, caplog):
    caplog.set_level(logging.INFO, logger="participation.accounts.limits")
    for _ in range(5):
        _wrong_password(client, resident)
    refusals = [r for r in caplog.records if r.name == "participation.accounts.limits"]
    assert len(refusals) == 1
    assert refusals[0].levelno == logging.WARNING


@pytest.mark.django_db
def test_a_login_against_a_silent_redis_waits_for_one_timeout_not_one_per_call(
    client, resident, silent_redis, password_checks
):
    response = _wrong_password(client, resident)
    assert response.status_code == 503
    assert password_checks == []
    options = _cache_pool_options()
    assert options["socket_timeout"] == FAST
    assert options["socket_connect_timeout"] == FAST
    # After the first call timed out, the others answered at once: one connection.
    assert silent_redis.accepted == 1


# --- posting: open, logged once ---------------------------------------------------


def _post_comment(client, proposal, body):
    return client.post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {"body": body, "alignment": "neutral"},
    )


@pytest.mark.django_db
def test_posting_works_while_redis_refuses_and_the_open_limit_is_logged_once(
    login, proposal, resident2, redis_refusing, caplog
):
    caplog.set_level(logging.INFO, logger="participation.moderation.limits")
    client = login(resident2)
    first = _post_comment(client, proposal, "一つ目のコメントです。")
    second = _post_comment(client, proposal, "二つ目のコメントです。")
    assert (first.status_code, second.status_code) == (302, 302)
    assert Comment.objects.filter(proposal=proposal).count() == 2
    logged = [r for r in caplog.records if r.name == "participation.moderation.limits"]
    assert len(logged) == 1
    assert logged[0].levelno == logging.WARNING


@pytest.mark.django_db
def test_the_action_limit_counts_again_once_the_cache_answers(
    login, proposal, resident2, settings, redis_refusing, caplog
):
    caplog.set_level(logging.INFO, logger="participation.moderation.limits")
    client = login(resident2)
    _post_comment(client, proposal, "Redisが止まっている間のコメント。")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": "1/600"}
    assert _post_comment(client, proposal, "戻った後の一つ目。").status_code == 302
    assert _post_comment(client, proposal, "戻った後の二つ目。").status_code == 429
    messages = [r.message for r in caplog.records]
    assert any("counted again" in m for m in messages)


@pytest.mark.django_db
def test_a_comment_against_a_silent_redis_is_stored_once_and_the_clients_time_out(
    login, proposal, resident2, silent_redis, django_capture_on_commit_callbacks
):
    client = login(resident2)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_comment(client, proposal, "黙ったRedisでも投稿できる。")
    assert response.status_code == 302
    assert Comment.objects.filter(body="黙ったRedisでも投稿できる。").count() == 1
    assert _cache_pool_options()["socket_timeout"] == FAST
    layer = channel_layers["default"]
    pool = layer.create_pool(0)
    assert pool.connection_kwargs["socket_timeout"] == FAST
    assert pool.connection_kwargs["socket_connect_timeout"] == FAST


# --- the API request limit: open, logged once -------------------------------------


@pytest.mark.django_db
def test_the_api_answers_without_its_limit_while_redis_is_down_and_logs_once(
    client, settings, redis_refusing, caplog
):
    settings.API_RATE_ANON = "2/60"
    caplog.set_level(logging.INFO, logger="participation.api.throttling")
    statuses = [client.get("/api/v1/processes/").status_code for _ in range(5)]
    assert statuses == [200] * 5
    logged = [r for r in caplog.records if r.name == "participation.api.throttling"]
    assert len(logged) == 1
    assert logged[0].levelno == logging.WARNING


# --- Redis up: strict mode changes nothing ----------------------------------------


@pytest.fixture
def redis_up(settings):
    """The cache on a real Redis (REDIS_URL, else the local one, db 9), under a key
    prefix of its own; skipped where none answers."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/9"
    try:
        Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
    except RedisError:
        pytest.skip("no Redis to talk to")
    settings.CACHES = {
        "default": project_settings.redis_cache(
            url, prefix=f"test-faults-{secrets.token_hex(4)}"
        )
    }
    _forget_outages()
    yield
    _forget_outages()


@pytest.mark.django_db
def test_with_redis_up_failed_logins_are_still_limited(client, resident, redis_up):
    responses = [_wrong_password(client, resident) for _ in range(6)]
    assert {r.status_code for r in responses} == {200}
    assert "Too many failed login attempts" in responses[-1].content.decode()
    assert "Too many failed login attempts" not in responses[0].content.decode()


@pytest.mark.django_db
def test_with_redis_up_the_action_limit_still_counts(
    login, proposal, resident2, settings, redis_up
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": "1/600"}
    client = login(resident2)
    assert _post_comment(client, proposal, "一つ目のコメントです。").status_code == 302
    assert _post_comment(client, proposal, "二つ目のコメントです。").status_code == 429


# --- the cache itself -------------------------------------------------------------


def test_outside_strict_mode_the_cache_falls_back(redis_refusing):
    assert cache.get("anything", "fallback") == "fallback"
    assert cache.add("anything", 1) is True  # pages: a dropped write is no error


def test_in_strict_mode_an_unreachable_cache_raises(redis_refusing):
    with (
        pytest.raises(participation.cache.Unavailable),
        participation.cache.strict(),
    ):
        cache.add("anything", 1)
    # Also while the breaker skips Redis (no new connection attempt).
    with (
        pytest.raises(participation.cache.Unavailable),
        participation.cache.strict(),
    ):
        cache.get("anything")
