"""Self-declaration, the identity-provider interface, and one person, one
account across methods."""

from __future__ import annotations

import pytest
from django.urls import reverse

from participation.errors import Conflict, Invalid
from participation.verification import methods, services
from participation.verification.hashing import keyed_hash
from participation.verification.methods.provider import Assertion
from participation.verification.models import Level, Verification
from tests import factories

pytestmark = pytest.mark.django_db

FAKE = "tests.verification.fake_provider.FakeCardProvider"


@pytest.fixture
def kakogawa(db):
    return factories.AreaFactory(
        slug="kakogawa", name="加古川市", postal_prefixes="675-00 675-01, 6752"
    )


@pytest.fixture
def fake_provider(settings):
    settings.VERIFICATION_PROVIDERS = [FAKE]


@pytest.mark.parametrize(
    "postal", ["675-0012", "６７５００１２", "〒675 0123", "6752999"]
)
def test_declaration_accepts_a_postal_code_of_the_area(resident, kakogawa, postal):
    verification = services.declared_verify(
        user=resident, area=kakogawa, postal_code=postal
    )
    assert verification.level == Level.DECLARED
    assert verification.area == kakogawa
    assert verification.identity_hash is None


def test_declaration_refuses_a_postal_code_of_another_area(resident, kakogawa):
    with pytest.raises(Invalid) as refused:
        services.declared_verify(user=resident, area=kakogawa, postal_code="650-0001")
    assert refused.value.code == "postal_code_outside_area"
    assert not Verification.objects.exists()


@pytest.mark.parametrize("postal", ["", "675", "675-00123", "abc-defg"])
def test_declaration_refuses_a_malformed_postal_code(resident, kakogawa, postal):
    with pytest.raises(Invalid) as refused:
        services.declared_verify(user=resident, area=kakogawa, postal_code=postal)
    assert refused.value.code == "postal_code_malformed"


def test_declaration_refuses_an_area_without_postal_codes(resident):
    with pytest.raises(Invalid):
        services.declared_verify(
            user=resident, area=factories.AreaFactory(), postal_code="6750012"
        )


def test_a_new_declaration_replaces_the_old(resident, kakogawa):
    other = factories.AreaFactory(postal_prefixes="650")
    services.declared_verify(user=resident, area=kakogawa, postal_code="6750012")
    services.declared_verify(user=resident, area=other, postal_code="6500001")
    active = Verification.objects.get(user=resident, revoked_at__isnull=True)
    assert active.area == other
    assert Verification.objects.filter(user=resident).count() == 2


def test_two_accounts_may_declare_the_same_postal_code(resident, resident2, kakogawa):
    """Low assurance: a household shares a postal code; nothing is unique."""
    for user in (resident, resident2):
        services.declared_verify(user=user, area=kakogawa, postal_code="6750012")
    assert Verification.objects.filter(revoked_at__isnull=True).count() == 2


def test_no_provider_is_offered_without_configuration():
    assert [m.key for m in methods.methods()] == ["declared", "code"]


def test_configured_provider_is_a_method(fake_provider):
    method = methods.get("provider:fakecard")
    assert method is not None
    assert method.level == Level.IDENTITY
    assert method.url == reverse("verification:provider_start", args=["fakecard"])


def test_provider_subject_is_stored_only_as_a_keyed_hash(fake_provider, resident):
    verification = services.provider_verify(
        user=resident, provider_key="fakecard", assertion=Assertion(subject="S-123")
    )
    assert verification.level == Level.IDENTITY
    assert verification.identity_hash == keyed_hash("provider:fakecard", "S-123")
    assert "S-123" not in str(Verification.objects.values().get())


def test_same_identity_cannot_verify_a_second_account(
    fake_provider, resident, resident2
):
    services.provider_verify(
        user=resident, provider_key="fakecard", assertion=Assertion(subject="S-1")
    )
    with pytest.raises(Conflict) as refused:
        services.provider_verify(
            user=resident2, provider_key="fakecard", assertion=Assertion(subject="S-1")
        )
    assert refused.value.code == "identity_taken"
    assert not Verification.objects.filter(user=resident2).exists()


def test_identity_is_free_again_after_revocation(
    fake_provider, resident, resident2, admin_user
):
    first = services.provider_verify(
        user=resident, provider_key="fakecard", assertion=Assertion(subject="S-1")
    )
    services.verification_revoke(
        actor=admin_user, verification=first, reason="Duplicate account"
    )
    moved = services.provider_verify(
        user=resident2, provider_key="fakecard", assertion=Assertion(subject="S-1")
    )
    assert moved.user == resident2


def test_provider_without_subject_is_refused(fake_provider, resident):
    with pytest.raises(Invalid):
        services.provider_verify(
            user=resident, provider_key="fakecard", assertion=Assertion(subject=" ")
        )


def test_unknown_provider_is_refused(resident):
    with pytest.raises(Invalid):
        services.provider_verify(
            user=resident, provider_key="nope", assertion=Assertion(subject="S")
        )


def test_provider_round_trip_through_the_pages(fake_provider, client, resident):
    client.force_login(resident)
    start = reverse("verification:provider_start", args=["fakecard"])
    assert client.get(start).status_code == 200
    away = client.post(start, {"fake_subject": "S-9"})
    assert away.status_code == 302
    back = client.get(away["Location"])
    assert back.status_code == 302
    assert Verification.objects.get(user=resident).level == Level.IDENTITY


def test_provider_answer_with_a_wrong_state_is_refused(fake_provider, client, resident):
    client.force_login(resident)
    client.post(
        reverse("verification:provider_start", args=["fakecard"]),
        {"fake_subject": "S-9"},
    )
    url = reverse("verification:provider_return", args=["fakecard"])
    response = client.get(url, {"state": "forged", "fake_subject": "S-9"})
    assert response.status_code == 400
    assert not Verification.objects.exists()


def test_provider_answer_cannot_be_replayed(fake_provider, client, resident):
    client.force_login(resident)
    away = client.post(
        reverse("verification:provider_start", args=["fakecard"]),
        {"fake_subject": "S-9"},
    )
    client.get(away["Location"])
    Verification.objects.all().delete()
    assert client.get(away["Location"]).status_code == 400
    assert not Verification.objects.exists()


def test_provider_refusal_is_shown(fake_provider, client, resident):
    client.force_login(resident)
    away = client.post(
        reverse("verification:provider_start", args=["fakecard"]),
        {"fake_subject": "refuse"},
    )
    response = client.get(away["Location"])
    assert response.status_code == 400
    assert "not accepted" in response.content.decode()
