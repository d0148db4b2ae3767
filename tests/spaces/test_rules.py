"""Who may set up processes and preview drafts: the role × action matrix."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from participation.accounts.models import Role
from participation.spaces import rules
from participation.spaces.models import Process
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = (
    "admin",
    "admin_without_mfa",
    "facilitator",
    "other_facilitator",
    "site_facilitator",
    "official",
    "resident",
    "anonymous",
)


@pytest.fixture
def draft(db):
    process = factories.ProcessFactory(status="draft")
    return process


@pytest.fixture
def people(draft, department):
    other = factories.ProcessFactory()
    return {
        "admin": factories.grant(factories.UserFactory(), Role.ADMIN),
        "admin_without_mfa": factories.grant(
            factories.UserFactory(), Role.ADMIN, mfa=False
        ),
        "facilitator": factories.grant(
            factories.UserFactory(), Role.FACILITATOR, process=draft
        ),
        "other_facilitator": factories.grant(
            factories.UserFactory(), Role.FACILITATOR, process=other
        ),
        "site_facilitator": factories.grant(factories.UserFactory(), Role.FACILITATOR),
        "official": factories.grant(
            factories.UserFactory(), Role.OFFICIAL, department=department
        ),
        "resident": factories.UserFactory(),
        "anonymous": AnonymousUser(),
    }


MANAGE = {"admin"}
PREVIEW = {"admin", "facilitator", "site_facilitator"}


@pytest.mark.parametrize("role", ROLES)
def test_manage_create_and_copy(role, people, draft, settings):
    settings.DEBUG = False
    user = people[role]
    allowed = role in MANAGE
    assert (rules.process_manage_refusal(user) is None) is allowed
    assert (rules.process_manage_refusal(user, draft) is None) is allowed
    assert (rules.process_copy_refusal(user, draft) is None) is allowed
    assert user.has_perm("spaces.manage_process", draft) is allowed


@pytest.mark.parametrize("role", ROLES)
def test_publish(role, people, draft):
    factories.PhaseFactory(process=draft)
    allowed = role in MANAGE
    assert (rules.process_publish_refusal(people[role], draft) is None) is allowed


@pytest.mark.parametrize("role", ROLES)
def test_preview_of_a_draft(role, people, draft):
    allowed = role in PREVIEW
    assert (rules.process_preview_refusal(people[role], draft) is None) is allowed
    visible = Process.objects.visible_to(people[role]).filter(pk=draft.pk).exists()
    assert visible is allowed


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_a_published_process(role, people):
    published = factories.ProcessFactory(status="published")
    assert rules.process_preview_refusal(people[role], published) is None


def test_admin_without_mfa_is_told_to_set_it_up(people):
    refusal = rules.process_manage_refusal(people["admin_without_mfa"])
    assert refusal is not None and refusal.code == "mfa_required"


def test_transitions_table_never_leads_back_to_draft():
    assert all("draft" not in targets for targets in rules.TRANSITIONS.values())
