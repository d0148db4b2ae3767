"""The demo: the childcare process needs a counter code to support; codes are
printed and unused; one resident is already verified."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from demo import content
from demo.verification import DEMO_CODES
from participation.accounts.models import User
from participation.verification import services
from participation.verification.models import Action, Code, Level, Requirement
from proposals import rules
from proposals import services as proposal_services
from proposals.models import Proposal, Support


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def _person(email):
    return User.objects.get(email=email)


def _childcare_proposal(supporter):
    return (
        Proposal.objects.public()
        .filter(process__slug=content.CHILDREN, withdrawn_at__isnull=True)
        .exclude(author=supporter)
        .exclude(supports__user=supporter)
        .exclude(hidden_at__isnull=False)
        .first()
    )


def test_childcare_requires_a_code_for_supporting():
    requirement = Requirement.objects.get(process__slug=content.CHILDREN)
    assert (requirement.action, requirement.level) == (
        Action.SUPPORT,
        Level.CONFIRMED,
    )
    assert not Requirement.objects.filter(process__slug=content.GREEN).exists()


def test_printed_codes_are_unused():
    assert Code.objects.filter(used_at__isnull=True).count() == len(DEMO_CODES)


def test_resident_is_told_then_verifies_with_a_printed_code_and_supports(client):
    resident = _person(content.RESIDENT.email)
    proposal = _childcare_proposal(resident)
    assert rules.support_refusal(resident, proposal).code == "verification_required"
    client.force_login(resident)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert reverse("verification:code") in html
    services.code_redeem(user=resident, code=DEMO_CODES[0])
    resident = _person(content.RESIDENT.email)
    assert proposal_services.support_add(user=resident, proposal=proposal)
    assert Support.objects.filter(proposal=proposal, user=resident).exists()


def test_resident2_is_already_verified_and_may_support():
    resident2 = _person(content.RESIDENT2.email)
    proposal = _childcare_proposal(resident2)
    assert rules.support_refusal(resident2, proposal) is None


def test_parks_process_is_unchanged_for_unverified_residents():
    resident = _person(content.RESIDENT.email)
    proposal = _childcare_proposal(resident)
    green = (
        Proposal.objects.public()
        .filter(process__slug=content.GREEN)
        .exclude(author=resident)
        .exclude(supports__user=resident)
        .first()
    )
    assert proposal is not None
    assert rules.support_refusal(resident, green) is None
