"""Proposals enforce a process's verification requirement: refusals on the page,
in the API and in the services, and one verified resident, one support."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from participation.api import services as api_services
from participation.errors import Conflict, NotAllowed, VerificationRequired
from participation.verification import services as verification_services
from participation.verification.models import Action, Channel, Level
from proposals import rules, services
from proposals.models import Support
from tests import factories
from tests.proposals.test_queries import _add_comments, _count

pytestmark = pytest.mark.django_db


@pytest.fixture
def require(admin_user):
    def make(process, action=Action.SUPPORT, level=Level.CONFIRMED):
        return verification_services.requirement_set(
            actor=admin_user, process=process, action=action, level=level
        )

    return make


@pytest.fixture
def code_for(admin_user):
    def make():
        batch = verification_services.codes_issue(
            actor=admin_user, count=1, channel=Channel.COUNTER
        )
        return batch.clear_codes[0]

    return make


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_support_without_verification_is_refused_with_how_to(
    proposal, resident2, require
):
    require(proposal.process)
    refusal = rules.support_refusal(resident2, proposal)
    assert isinstance(refusal, VerificationRequired)
    assert refusal.status == 403
    assert "/accounts/verification/" in str(refusal)
    assert "counter" in str(refusal)
    with pytest.raises(VerificationRequired):
        services.support_add(user=resident2, proposal=proposal)
    assert not Support.objects.exists()


def test_support_after_code_verification_is_allowed(
    proposal, resident2, require, code_for
):
    require(proposal.process)
    verification_services.code_redeem(user=resident2, code=code_for())
    assert services.support_add(user=_fresh(resident2), proposal=proposal)


def test_lower_level_does_not_meet_the_requirement(proposal, resident2, require):
    require(proposal.process)
    area = factories.AreaFactory(postal_prefixes="675")
    verification_services.declared_verify(
        user=resident2, area=area, postal_code="6750012"
    )
    assert isinstance(
        rules.support_refusal(_fresh(resident2), proposal), VerificationRequired
    )


def test_requirement_for_the_whole_process_covers_every_action(
    proposal, resident2, require
):
    require(proposal.process, action=Action.ALL, level=Level.DECLARED)
    assert rules.support_refusal(resident2, proposal).code == "verification_required"
    assert rules.comment_refusal(resident2, proposal).code == "verification_required"
    assert (
        rules.proposal_create_refusal(resident2, proposal.process).code
        == "verification_required"
    )


def test_support_requirement_leaves_commenting_open(proposal, resident2, require):
    require(proposal.process, action=Action.SUPPORT)
    assert rules.comment_refusal(resident2, proposal) is None
    assert rules.proposal_create_refusal(resident2, proposal.process) is None


def test_comment_requirement_also_covers_comment_votes(proposal, resident2, require):
    require(proposal.process, action=Action.COMMENT)
    comment = factories.CommentFactory(proposal=proposal)
    assert rules.comment_vote_refusal(resident2, comment).code == (
        "verification_required"
    )
    assert not rules.thread_capabilities(resident2, proposal).can_vote


def test_officials_comment_without_verification(proposal, official, require):
    require(proposal.process, action=Action.COMMENT)
    assert rules.comment_refusal(official, proposal) is None


def test_phase_refusal_comes_before_verification(proposal, resident2, require):
    require(proposal.process)
    proposal.process.phases.update(allows_supporting=False)
    proposal.process.__dict__.pop("_current_phase", None)
    fresh = type(proposal).objects.get(pk=proposal.pk)
    assert rules.support_refusal(resident2, fresh).code == "phase_closed"


def test_revoked_verification_no_longer_meets_the_requirement(
    proposal, resident2, require, code_for, admin_user
):
    require(proposal.process)
    verification = verification_services.code_redeem(user=resident2, code=code_for())
    verification_services.verification_revoke(
        actor=admin_user, verification=verification, reason="Moved away"
    )
    assert isinstance(
        rules.support_refusal(_fresh(resident2), proposal), VerificationRequired
    )


def test_one_code_one_support_across_two_accounts(
    proposal, resident2, require, code_for
):
    """The same code cannot verify a second account, so it cannot support twice."""
    require(proposal.process)
    code = code_for()
    other = factories.UserFactory()
    verification_services.code_redeem(user=resident2, code=code)
    services.support_add(user=_fresh(resident2), proposal=proposal)
    with pytest.raises(Conflict):
        verification_services.code_redeem(user=other, code=code)
    with pytest.raises(NotAllowed):
        services.support_add(user=_fresh(other), proposal=proposal)
    assert Support.objects.filter(proposal=proposal).count() == 1


def test_page_shows_how_to_get_verified_instead_of_the_button(
    client, proposal, resident2, require
):
    require(proposal.process)
    client.force_login(resident2)
    response = client.get(proposal.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-verification-required" in html
    assert reverse("verification:code") in html
    assert reverse("proposals:support", args=[proposal.pk]) not in html


def test_page_shows_the_button_once_verified(
    client, proposal, resident2, require, code_for
):
    require(proposal.process)
    verification_services.code_redeem(user=resident2, code=code_for())
    client.force_login(resident2)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "data-verification-required" not in html
    assert reverse("proposals:support", args=[proposal.pk]) in html


def test_posting_a_support_without_verification_is_403(
    client, proposal, resident2, require
):
    require(proposal.process)
    client.force_login(resident2)
    response = client.post(
        reverse("proposals:support", args=[proposal.pk]), {"action": "add"}
    )
    assert response.status_code == 403
    assert not Support.objects.exists()


def test_api_support_without_verification_is_403_with_how_to(
    proposal, resident2, require
):
    require(proposal.process)
    token = api_services.token_create(user=resident2, name="t", scopes=["participate"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token.raw}")
    response = api.post(f"/api/v1/proposals/{proposal.pk}/support/")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "verification_required"
    assert "/accounts/verification/" in body["message"]
    detail = api.get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert detail["viewer"]["can_support"] is False
    assert not Support.objects.exists()


def test_refusal_is_translated(settings, proposal, resident2, require):
    require(proposal.process)
    with translation.override("ja"):
        message = str(rules.support_refusal(resident2, proposal))
    assert "認証" in message


@pytest.mark.parametrize("verified", [False, True], ids=["unverified", "verified"])
def test_detail_page_query_count_is_constant_with_a_requirement(
    client,
    proposal,
    resident2,
    department,
    facilitator,
    require,
    code_for,
    verified,
    django_assert_num_queries,
):
    require(proposal.process)
    if verified:
        verification_services.code_redeem(user=resident2, code=code_for())
    client.force_login(resident2)
    url = reverse("proposals:detail", args=[proposal.pk])
    _add_comments(proposal, 3, resident2, department, facilitator)
    client.get(url)
    small = _count(client, url)
    _add_comments(proposal, 17, resident2, department, facilitator)
    with django_assert_num_queries(small):
        client.get(url)


def test_requirement_adds_no_query_to_the_proposal_page(
    client, proposal, resident2, require, admin_user
):
    client.force_login(resident2)
    url = reverse("proposals:detail", args=[proposal.pk])
    client.get(url)
    without = _count(client, url)
    require(proposal.process)
    client.get(url)
    assert _count(client, url) == without


def test_support_given_before_a_requirement_can_be_withdrawn(
    client, proposal, resident2, require
):
    services.support_add(user=resident2, proposal=proposal)
    require(proposal.process)
    client.force_login(resident2)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert 'name="action" value="remove"' in html
    response = client.post(
        reverse("proposals:support", args=[proposal.pk]), {"action": "remove"}
    )
    assert response.status_code == 302
    assert not Support.objects.filter(proposal=proposal).exists()


def test_support_cannot_be_given_again_after_withdrawing_without_verification(
    proposal, resident2, require
):
    services.support_add(user=resident2, proposal=proposal)
    require(proposal.process)
    services.support_remove(user=_fresh(resident2), proposal=proposal)
    with pytest.raises(VerificationRequired):
        services.support_add(user=_fresh(resident2), proposal=proposal)
