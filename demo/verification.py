"""Demo residency verification: "子育て応援プラン" needs a counter code to support.

- The areas get postal-code prefixes (a fictional prefecture: 990–996), so the
  self-declaration works for every demo municipality.
- The childcare process (in its support phase) requires a code-confirmed
  residence for supporting. Supports given before stay; from now on a resident
  must be verified. Proposing and commenting stay open to everyone, so the other
  demo journeys (the parks process) are unchanged.
- The admin has issued a letter batch of five codes: printed, not yet used. They
  come from a fixed seed, so the demo's codes are the same on every machine
  (``DEMO_CODES``: try one as resident@example.org). Never do this outside the
  demo: real codes come only from ``services.codes_issue``.
- 鈴木 次郎 (resident2@example.org) is already verified with a counter code;
  佐藤 花子 (resident@example.org) is not, and is told how to get verified.
"""

from __future__ import annotations

import contextlib
import random
from datetime import datetime, timedelta

from demo import content
from participation.accounts.models import User
from participation.errors import DomainError
from participation.spaces.models import Area, Process
from participation.verification import services
from participation.verification.methods import code as code_method
from participation.verification.models import (
    Action,
    Channel,
    Code,
    CodeBatch,
    Level,
    Verification,
)

NOTE = "demo"
POSTAL_PREFIXES = {
    "minami-city": "990",
    "asahi-city": "991",
    "umihama-city": "992",
    "kita-minami-city": "993",
    "kawabe-town": "9940",
    "sakuragaoka-town": "9941 9942",
    "yamanaka-village": "995 996",
}


def _demo_codes(n: int) -> list[str]:
    rng = random.Random(f"{content.CHILDREN}-codes")
    codes = []
    for _ in range(n):
        data = "".join(rng.choice(code_method.ALPHABET) for _ in range(11))
        codes.append(data + code_method._check_char(data))
    return codes


#: The printed, unused codes of the demo letter batch (after the counter one).
DEMO_CODES = [code_method.display(c) for c in _demo_codes(6)[1:]]


def _batch(actor: User, channel: str, codes: list[str], now: datetime) -> CodeBatch:
    """A batch with known codes: the demo's stand-in for codes_issue (whose codes
    are random and shown once)."""
    batch = CodeBatch.objects.create(
        issued_by=actor,
        issued_at=now,
        channel=channel,
        size=len(codes),
        expires_at=now + timedelta(days=60),
        note=NOTE,
    )
    Code.objects.bulk_create(
        [Code(batch=batch, digest=code_method.digest(c)) for c in codes]
    )
    return batch


def seed_verification(now: datetime) -> None:
    for slug, prefixes in POSTAL_PREFIXES.items():
        Area.objects.filter(slug=slug).update(postal_prefixes=prefixes)
    admin = User.objects.get(email=content.ADMIN.email)
    resident2 = User.objects.get(email=content.RESIDENT2.email)
    # Rebuilt on every seed (after --reset): the demo's own rows only.
    Verification.objects.filter(user__is_demo=True).delete()
    CodeBatch.objects.filter(note=NOTE).delete()

    process = Process.objects.get(slug=content.CHILDREN)
    services.requirement_set(
        actor=admin, process=process, action=Action.SUPPORT, level=Level.CONFIRMED
    )
    counter_code, *letter_codes = _demo_codes(6)
    _batch(admin, Channel.COUNTER, [counter_code], now - timedelta(days=3))
    _batch(admin, Channel.LETTER, letter_codes, now - timedelta(days=1))
    # If the cache is down, code entry fails closed: the demo goes on without.
    with contextlib.suppress(DomainError):
        services.code_redeem(user=resident2, code=counter_code)
