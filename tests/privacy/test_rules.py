"""Role × action matrix of participation/privacy/rules.py."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from participation.privacy import rules as r

ACTIONS = {
    "open_resident_record": r.resident_record_refusal,
    "edit_policies": r.policy_edit_refusal,
    "request_deletion": r.deletion_request_refusal,
}

# role -> the actions it may take.
ALLOWED = {
    "anonymous": set(),
    "resident": {"request_deletion"},
    "unverified": {"request_deletion"},
    "facilitator": set(),
    "facilitator_site": set(),
    "official": set(),
    "admin_user": {"open_resident_record", "edit_policies"},
    "admin_no_mfa": set(),
}


def who(request, role):
    if role == "anonymous":
        return AnonymousUser()
    return request.getfixturevalue(role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALLOWED))
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_matrix(request, role, action):
    refusal = ACTIONS[action](who(request, role))
    assert (refusal is None) == (action in ALLOWED[role]), (role, action, refusal)
    if refusal is not None:
        assert refusal.status == 403
        assert str(refusal.message)


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_rules_match_the_refusals(request, role):
    """The named rules (templates' {% test_rule %}) say what the refusals say;
    ``has_perm`` would let a superuser with MFA do anything."""
    import rules

    user = who(request, role)
    for action, refusal in ACTIONS.items():
        assert rules.test_rule(f"privacy.{action}", user) == (refusal(user) is None)


@pytest.mark.django_db
def test_admin_without_mfa_is_told_to_set_it_up(admin_no_mfa):
    assert r.resident_record_refusal(admin_no_mfa).code == "mfa_required"
