"""One client cannot exhaust the server's descriptors: websockets are limited per
client address (IPv6 by /64), per account and per process, refused politely (a
close code and a JSON error the browser understands), and logged once a minute."""

from __future__ import annotations

import logging

import pytest

from participation.live import consumers
from tests.live.sockets import TIMEOUT, cookie_for, open_from, refused_from

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _joined(address: str, **kwargs):
    socket = await open_from(address, **kwargs)
    hello = await socket.receive_json_from(timeout=TIMEOUT)
    assert hello["type"] == "hello", hello
    return socket


async def _close_all(sockets):
    for socket in sockets:
        await socket.disconnect(timeout=TIMEOUT)


@pytest.fixture
def limits(settings):
    settings.LIVE_MAX_SOCKETS_PER_ADDRESS = 3
    settings.LIVE_MAX_SOCKETS_PER_USER = 2
    return settings


# --- per address, per account -----------------------------------------------------


async def test_the_socket_over_the_limit_from_one_address_is_refused(limits):
    open_ = [await _joined("203.0.113.5") for _ in range(3)]
    error, code = await refused_from("203.0.113.5")
    assert code == consumers.CLOSE_TOO_MANY
    assert error["type"] == "error"
    assert error["code"] == "too_many_connections"
    assert error["reconnect_after"] > 0
    assert "Too many live connections" in error["message"]
    await _close_all(open_)


async def test_sockets_from_another_address_still_connect(limits):
    open_ = [await _joined("203.0.113.6") for _ in range(3)]
    other = await _joined("198.51.100.7")
    await _close_all([*open_, other])


async def test_closing_a_socket_frees_its_slot(limits):
    open_ = [await _joined("203.0.113.8") for _ in range(3)]
    _error, code = await refused_from("203.0.113.8")
    assert code == consumers.CLOSE_TOO_MANY
    await open_.pop().disconnect(timeout=TIMEOUT)
    open_.append(await _joined("203.0.113.8"))
    await _close_all(open_)


async def test_one_account_is_limited_from_any_address(limits, resident):
    cookie = await cookie_for(resident)
    open_ = [
        await _joined("203.0.113.21", cookie=cookie),
        await _joined("198.51.100.22", cookie=cookie),
    ]
    error, code = await refused_from("192.0.2.23", cookie=cookie)
    assert (error["code"], code) == ("too_many_connections", consumers.CLOSE_TOO_MANY)
    # Another visitor from that address is not held back by the account's limit.
    anonymous = await _joined("192.0.2.23")
    await _close_all([*open_, anonymous])


async def test_the_addresses_of_one_ipv6_network_count_together(limits):
    open_ = [await _joined(f"2001:db8:1:2::{n}") for n in range(1, 4)]
    _error, code = await refused_from("2001:db8:1:2::ffff")
    assert code == consumers.CLOSE_TOO_MANY
    other_network = await _joined("2001:db8:1:3::1")
    await _close_all([*open_, other_network])


async def test_refusals_are_logged_once_per_address_per_minute(limits, caplog):
    caplog.set_level(logging.INFO, logger="participation.live.consumers")
    open_ = [await _joined("203.0.113.31") for _ in range(3)]
    for _ in range(4):
        await refused_from("203.0.113.31")
    logged = [r for r in caplog.records if "Refusing websockets" in r.getMessage()]
    assert len(logged) == 1
    assert "203.0.113.31" in logged[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)  # no tracebacks
    await _close_all(open_)


async def test_the_process_refuses_sockets_past_its_total(settings):
    settings.LIVE_MAX_SOCKETS = 2
    open_ = [await _joined("203.0.113.41"), await _joined("198.51.100.42")]
    error, code = await refused_from("192.0.2.43")
    assert code == consumers.CLOSE_TRY_AGAIN
    assert error["code"] == "busy"
    assert error["reconnect_after"] > 0
    await _close_all(open_)


async def test_the_process_total_is_at_most_half_the_descriptors(settings):
    settings.LIVE_MAX_SOCKETS = 10**9
    assert 0 < consumers.max_sockets() <= consumers._half_the_descriptors()
