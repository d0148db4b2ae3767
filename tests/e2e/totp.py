"""RFC 6238 time-based one-time passwords, as an authenticator app computes them:
HMAC-SHA1 over the number of 30-second steps since the epoch, dynamic truncation
(RFC 4226), six digits. The browser tests use it to set up and pass two-factor
authentication through allauth's own pages."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

STEP = 30
DIGITS = 6


def hotp(secret: str, counter: int, digits: int = DIGITS) -> str:
    key = base64.b32decode(secret.strip().replace(" ", "").upper(), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def totp(secret: str, at: float | None = None, step: int = STEP) -> str:
    moment = time.time() if at is None else at
    return hotp(secret, int(moment // step))


def fresh_totp(secret: str, margin: float = 6.0, step: int = STEP) -> str:
    """A code that stays valid for at least ``margin`` seconds: the server accepts
    only the current step, so near the end of a step wait for the next one (a wait
    on the clock, at most ``margin`` seconds, not on the page)."""
    left = step - time.time() % step
    if left < margin:
        time.sleep(left + 0.05)
    return totp(secret)
