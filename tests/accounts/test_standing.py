"""A person's standing (participation.accounts.selectors.standing_of): what every
permission check reads, in one query."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from participation.accounts import selectors
from participation.accounts.models import Role, User
from participation.moderation.models import Block
from participation.verification.models import Level, Verification
from tests import factories

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_the_standing_is_read_in_one_query(resident, django_assert_num_queries):
    user = fresh(resident)
    with django_assert_num_queries(1):
        standing = selectors.standing_of(user)
    assert standing.is_authenticated and standing.is_verified
    assert not standing.is_blocked and not standing.has_mfa
    with django_assert_num_queries(0):
        assert selectors.standing_of(user) is standing


def test_the_query_names_the_models_tables():
    for model in selectors.STANDING_TABLES:
        assert f'"{model._meta.db_table}"' in selectors._STANDING_SQL


def test_every_grant_counts(process, department):
    section = factories.SectionFactory(department=factories.DepartmentFactory())
    user = factories.UserFactory()
    factories.grant(user, Role.FACILITATOR, process=process)
    factories.grant(user, Role.OFFICIAL, department=department, mfa=False)
    factories.grant(user, Role.OFFICIAL, section=section, approver=True, mfa=False)
    standing = selectors.standing_of(fresh(user))
    assert standing.facilitator_process_ids == {process.pk}
    assert standing.department_ids == {department.pk, section.department_id}
    assert standing.section_ids == {section.pk}
    assert standing.approver_section_ids == {section.pk}
    assert not standing.approver_department_ids
    assert standing.has_mfa and standing.is_staff_role
    assert not standing.is_admin_role and not standing.is_site_facilitator_role


def test_an_unverified_address_is_not_verified(unverified):
    assert not selectors.standing_of(fresh(unverified)).is_verified


def test_the_highest_active_verification_level_counts(resident):
    Verification.objects.create(user=resident, method="declared", level=Level.DECLARED)
    Verification.objects.create(
        user=resident,
        method="code",
        level=Level.CONFIRMED,
        revoked_at=timezone.now(),
    )
    assert selectors.standing_of(fresh(resident)).verification_level == Level.DECLARED


def test_a_permanent_block_wins_over_a_dated_one(resident):
    now = timezone.now()
    Block.objects.create(user=resident, reason="dated", ends_at=now + timedelta(days=1))
    Block.objects.create(user=resident, reason="for good")
    standing = selectors.standing_of(fresh(resident))
    assert standing.is_blocked and standing.blocked_permanently
    assert standing.blocked_until is None
    assert standing.block_reason == "for good"


def test_ended_and_lifted_blocks_do_not_count(resident):
    now = timezone.now()
    Block.objects.create(user=resident, reason="over", ends_at=now - timedelta(hours=1))
    Block.objects.create(user=resident, reason="lifted", lifted_at=now)
    assert not selectors.standing_of(fresh(resident)).is_blocked


def test_a_dated_block_says_until_when(resident):
    until = timezone.now() + timedelta(days=2)
    Block.objects.create(user=resident, reason="cool down", ends_at=until)
    standing = selectors.standing_of(fresh(resident))
    assert standing.is_blocked and not standing.blocked_permanently
    assert standing.blocked_until == until
    assert standing.block_reason == "cool down"


def test_a_deleted_account_has_no_standing(resident):
    user = fresh(resident)
    User.objects.filter(pk=user.pk).delete()
    assert selectors.standing_of(user) is selectors.ANONYMOUS
