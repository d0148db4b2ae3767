"""Keyed hashes of codes and identity keys: the only form in which they are kept.

HMAC-SHA-256 under a key of its own. ``VERIFICATION_HASH_KEY`` sets it; without
it the key is derived from ``SECRET_KEY`` (so a site works out of the box), and
rotating ``SECRET_KEY`` would then make every unused code unusable and let an
already verified identity be verified again on another account. Production sets
``VERIFICATION_HASH_KEY`` and keeps it (deploy/README.md). A plain hash would not
do: codes and identity numbers are short enough to be enumerated from a leaked
table; without the key they cannot be.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def _key() -> bytes:
    configured = getattr(settings, "VERIFICATION_HASH_KEY", "")
    if configured:
        return configured.encode()
    return hmac.new(
        settings.SECRET_KEY.encode(),
        b"participation.verification.hash-key",
        hashlib.sha256,
    ).digest()


def keyed_hash(purpose: str, value: str) -> str:
    """The hex HMAC of ``value`` for one ``purpose`` (a method's key), so the
    same value gives unrelated hashes in two methods."""
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()
