"""Limits on code entry: per account and per client address, failing CLOSED.

Two layers. The cache counts entries (``VERIFICATION_RATE_LIMITS``: per account
and per address, through ``moderation.limits.claim``), which slows any guessing
and spreads it thin. The database counts failures (``CodeAttempt``): after
``VERIFICATION_CODE_MAX_FAILURES`` failed codes in
``VERIFICATION_CODE_LOCK_SECONDS``, code entry is locked for the account until
the oldest of those failures leaves the window, whatever the cache does.

Unlike posting (which fails open), code entry **fails closed** while the cache is
unreachable: the refusal is a 503 with ``Retry-After`` (a ``Busy`` error). Code
entry is rare, a resident can come back in a minute, and an outage must not be the
moment when codes can be tried without a limit (deploy/README.md, "When Redis is
down"). The address is the one the server resolved through trusted proxies only
(``REMOTE_ADDR``); IPv6 addresses count by /64.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from participation.cache import OutageLog, Unavailable
from participation.errors import Busy, RateLimited
from participation.moderation.limits import claim

logger = logging.getLogger(__name__)
outage = OutageLog(
    logger,
    "Verification code entry is refused (503) while the cache that holds its "
    "rate limits is unreachable.",
    "Verification code entry is allowed again: the cache is reachable.",
)


def subject_of_address(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def hit(*, user: Any, address: str) -> None:
    """Count one code entry; raise RateLimited over a limit, Busy (503) when the
    limits cannot be checked."""
    rates = settings.VERIFICATION_RATE_LIMITS
    try:
        left = claim(key=f"verify-code:user:{user.pk}", rate=rates["account"])
        if not left:
            left = claim(
                key=f"verify-code:addr:{subject_of_address(address)}",
                rate=rates["address"],
            )
    except Unavailable:
        outage.failed()
        raise Busy(
            _(
                "Code entry is paused for a moment, because the protection against "
                "guessing codes cannot be checked right now. Please try again in a "
                "few minutes."
            ),
            retry_after=30,
        ) from None
    outage.recovered()
    if left:
        raise RateLimited(
            _("You have entered codes too often. Please wait a little and try again."),
            retry_after=left,
        )
