"""The TOTP helper of the browser tests matches RFC 6238 (appendix B, SHA-1)."""

from __future__ import annotations

import base64

import pytest

from tests.e2e.totp import totp

SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("at", "expected"),
    [(59, "287082"), (1111111109, "081804"), (1234567890, "005924")],
)
def test_totp_matches_the_rfc_6238_test_vectors(at, expected):
    assert totp(SECRET, at=at) == expected
