"""One-time codes: issue, redeem, and every way a code is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from participation import cache as participation_cache
from participation import settings as project_settings
from participation.accounts.selectors import standing_of
from participation.audit.models import AuditEvent
from participation.errors import Busy, Conflict, Invalid, NotAllowed, RateLimited
from participation.verification import limits, services
from participation.verification.limits import subject_of_address
from participation.verification.methods import code as code_method
from participation.verification.models import (
    Code,
    CodeAttempt,
    CodeBatch,
    Level,
    Outcome,
    Verification,
)
from tests import factories
from tests.faults import REFUSING_REDIS
from tests.verification.conftest import fresh

pytestmark = pytest.mark.django_db


def _forged(data="ABCDEFGHJKM"):
    """A well-formed code (right check character) that was never issued."""
    return data + code_method._check_char(data)


def test_generated_codes_are_well_formed_and_differ():
    codes = {code_method.generate() for _ in range(200)}
    assert len(codes) == 200
    assert all(code_method.well_formed(c) for c in codes)


def test_every_single_character_change_breaks_the_check():
    code = code_method.generate()
    for i in range(len(code)):
        for other in code_method.ALPHABET:
            if other != code[i]:
                assert not code_method.well_formed(code[:i] + other + code[i + 1 :])


def test_entry_accepts_full_width_lower_case_and_hyphens():
    code = code_method.generate()
    typed = code_method.display(code).lower()
    full_width = "".join(chr(ord(c) + 0xFEE0) if c != "-" else "－" for c in typed)
    assert code_method.normalise(full_width) == code


def test_issue_stores_only_keyed_hashes(issue):
    codes = issue(3)
    stored = set(Code.objects.values_list("digest", flat=True))
    assert len(stored) == 3
    for code in codes:
        assert code not in stored
        assert code_method.digest(code) in stored
        assert len(code_method.digest(code)) == 64


def test_hash_depends_on_the_key(settings, issue):
    (code,) = issue()
    before = code_method.digest(code)
    settings.VERIFICATION_HASH_KEY = "another key"
    assert code_method.digest(code) != before


def test_issue_is_audited(issue, admin_user):
    issue(5)
    event = AuditEvent.objects.get(action="verification.codes_issue")
    assert event.actor == admin_user
    assert event.after["count"] == 5
    assert not any(
        c in str(event.after) for c in Code.objects.values_list("digest", flat=True)
    )


@pytest.mark.parametrize("count", [0, 501])
def test_issue_refuses_a_count_out_of_range(admin_user, count):
    with pytest.raises(Invalid):
        services.codes_issue(actor=admin_user, count=count, channel="counter")
    assert not CodeBatch.objects.exists()


def test_issue_refuses_validity_out_of_range(admin_user):
    with pytest.raises(Invalid):
        services.codes_issue(actor=admin_user, count=1, channel="counter", days=181)


def test_issue_refuses_an_unknown_channel(admin_user):
    with pytest.raises(Invalid):
        services.codes_issue(actor=admin_user, count=1, channel="pigeon")


def test_resident_cannot_issue_codes(resident):
    with pytest.raises(NotAllowed):
        services.codes_issue(actor=resident, count=1, channel="counter")
    assert not CodeBatch.objects.exists()


def test_replayed_issue_returns_the_batch_without_codes(admin_user):
    first = services.codes_issue(
        actor=admin_user, count=2, channel="letter", idempotency_key="k-1"
    )
    again = services.codes_issue(
        actor=admin_user, count=2, channel="letter", idempotency_key="k-1"
    )
    assert again.pk == first.pk
    assert not hasattr(again, "clear_codes")
    assert Code.objects.count() == 2


def test_redeem_verifies_at_the_confirmed_level(issue, resident):
    (code,) = issue()
    verification = services.code_redeem(user=resident, code=code)
    assert verification.level == Level.CONFIRMED
    assert verification.identity_hash == code_method.digest(code)
    assert standing_of(fresh(resident)).verification_level == Level.CONFIRMED
    assert Code.objects.get().used_by == resident
    assert AuditEvent.objects.filter(action="verification.verify").count() == 1


def test_redeem_takes_the_batch_area(issue, resident):
    area = factories.AreaFactory()
    (code,) = issue(area=area)
    assert services.code_redeem(user=resident, code=code).area == area


def test_tampered_code_is_refused_as_a_typo_and_not_counted(issue, resident):
    (code,) = issue()
    wrong = ("3" if code[0] != "3" else "4") + code[1:]
    with pytest.raises(Invalid) as refused:
        services.code_redeem(user=resident, code=wrong)
    assert refused.value.code == "code_malformed"
    assert "check each character" in str(refused.value)
    assert not CodeAttempt.objects.exists()
    assert not Verification.objects.exists()


def test_empty_code_is_refused(resident):
    with pytest.raises(Invalid) as refused:
        services.code_redeem(user=resident, code="  - ")
    assert refused.value.code == "code_missing"


def test_unknown_code_is_refused_and_counted(resident):
    with pytest.raises(Invalid) as refused:
        services.code_redeem(user=resident, code=_forged())
    assert refused.value.code == "code_unknown"
    assert CodeAttempt.objects.get().outcome == Outcome.UNKNOWN
    assert not Verification.objects.exists()


def test_reused_code_is_refused_for_a_second_account(issue, resident, resident2):
    (code,) = issue()
    services.code_redeem(user=resident, code=code)
    with pytest.raises(Conflict) as refused:
        services.code_redeem(user=resident2, code=code)
    assert refused.value.code == "code_used"
    assert refused.value.status == 409
    assert "already been used" in str(refused.value)
    assert not Verification.objects.filter(user=resident2).exists()
    assert standing_of(fresh(resident2)).verification_level == 0


def test_expired_code_is_refused_with_where_to_get_another(issue, resident):
    (code,) = issue(days=1)
    CodeBatch.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(Invalid) as refused:
        services.code_redeem(user=resident, code=code)
    assert refused.value.code == "code_expired"
    assert "expired" in str(refused.value)
    assert "counter" in str(refused.value)
    assert Code.objects.get().used_at is None


def test_second_code_for_an_already_verified_account_is_refused(issue, resident):
    first, second = issue(2)
    services.code_redeem(user=resident, code=first)
    with pytest.raises(Conflict) as refused:
        services.code_redeem(user=resident, code=second)
    assert refused.value.code == "already_verified"
    assert Code.objects.filter(used_at__isnull=True).count() == 1


def test_unverified_email_cannot_redeem(issue, unverified):
    (code,) = issue()
    with pytest.raises(NotAllowed):
        services.code_redeem(user=unverified, code=code)
    assert Code.objects.get().used_at is None


def test_account_locks_after_max_failures(settings, issue, resident):
    settings.VERIFICATION_CODE_MAX_FAILURES = 3
    (code,) = issue()
    for n in range(3):
        with pytest.raises(Invalid):
            services.code_redeem(user=resident, code=_forged(f"ABCDEFGHJK{n + 2}"))
    with pytest.raises(RateLimited) as refused:
        services.code_redeem(user=resident, code=code)  # even the right code
    assert refused.value.code == "code_locked"
    assert "locked" in str(refused.value)
    assert refused.value.retry_after > 0
    assert Code.objects.get().used_at is None


def test_lock_lifts_when_failures_leave_the_window(settings, issue, resident):
    settings.VERIFICATION_CODE_MAX_FAILURES = 2
    (code,) = issue()
    for n in range(2):
        with pytest.raises(Invalid):
            services.code_redeem(user=resident, code=_forged(f"ABCDEFGHJK{n + 2}"))
    CodeAttempt.objects.update(
        at=timezone.now()
        - timedelta(seconds=settings.VERIFICATION_CODE_LOCK_SECONDS + 1)
    )
    assert services.code_redeem(user=resident, code=code).level == Level.CONFIRMED


def test_lock_is_per_account(settings, issue, resident, resident2):
    settings.VERIFICATION_CODE_MAX_FAILURES = 1
    (code,) = issue()
    with pytest.raises(Invalid):
        services.code_redeem(user=resident, code=_forged())
    assert services.code_redeem(user=resident2, code=code).user == resident2


def test_entries_are_rate_limited_per_account(settings, resident):
    settings.VERIFICATION_RATE_LIMITS = {"account": "2/3600", "address": "100/3600"}
    settings.VERIFICATION_CODE_MAX_FAILURES = 100
    for n in range(2):
        with pytest.raises(Invalid):
            services.code_redeem(user=resident, code=_forged(f"ABCDEFGHJK{n + 2}"))
    with pytest.raises(RateLimited) as refused:
        services.code_redeem(user=resident, code=_forged("ABCDEFGHJK9"))
    assert refused.value.code == "rate_limited"
    assert CodeAttempt.objects.count() == 2


def test_entries_are_rate_limited_per_address(settings, resident, resident2):
    settings.VERIFICATION_RATE_LIMITS = {"account": "100/3600", "address": "2/3600"}
    for user in (resident, resident2):
        with pytest.raises(Invalid):
            services.code_redeem(user=user, code=_forged(), address="203.0.113.7")
    third = factories.UserFactory()
    with pytest.raises(RateLimited):
        services.code_redeem(user=third, code=_forged(), address="203.0.113.7")
    with pytest.raises(Invalid):  # another address is not held up
        services.code_redeem(user=third, code=_forged(), address="203.0.113.8")


def test_ipv6_addresses_count_by_64(settings, resident):
    assert subject_of_address("2001:db8:1:2:aaaa::1") == subject_of_address(
        "2001:db8:1:2:bbbb::2"
    )
    assert subject_of_address("2001:db8:1:2::1") != subject_of_address(
        "2001:db8:1:3::1"
    )


def test_code_entry_fails_closed_while_the_cache_is_down(settings, issue, resident):
    (code,) = issue()
    settings.CACHES = {
        "default": project_settings.redis_cache(
            REFUSING_REDIS, prefix="test-verify", connect_timeout=0.2
        )
    }
    participation_cache.reset()
    limits.outage.reset()
    try:
        with pytest.raises(Busy) as refused:
            services.code_redeem(user=resident, code=code)
    finally:
        participation_cache.reset()
        limits.outage.reset()
    assert refused.value.status == 503
    assert Code.objects.get().used_at is None


def test_every_swap_of_neighbours_breaks_the_check():
    code = code_method.generate()
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert not code_method.well_formed(swapped)
