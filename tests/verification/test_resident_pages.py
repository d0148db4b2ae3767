"""The resident's pages: their state, entering a code, declaring."""

from __future__ import annotations

import pytest
from django.urls import reverse

from participation.verification import services
from participation.verification.methods import code as code_method
from participation.verification.models import Level, Verification
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(admin_user):
    return services.codes_issue(
        actor=admin_user, count=1, channel="counter"
    ).clear_codes[0]


def test_status_page_needs_login(client):
    response = client.get(reverse("verification:status"))
    assert response.status_code == 302


def test_status_page_says_not_verified_and_how(client, resident):
    client.force_login(resident)
    html = client.get(reverse("verification:status")).content.decode()
    assert "not verified yet" in html
    assert reverse("verification:code") in html
    assert reverse("verification:declare") in html


def test_entering_a_code_verifies_and_returns(client, resident, code, proposal):
    client.force_login(resident)
    url = reverse("verification:code")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"code": code.lower(), "next": proposal.get_absolute_url()}
    )
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()
    assert Verification.objects.get(user=resident).level == Level.CONFIRMED
    html = client.get(reverse("verification:status")).content.decode()
    assert "Residence confirmed with a code" in html


def test_next_outside_the_site_is_ignored(client, resident, code):
    client.force_login(resident)
    response = client.post(
        reverse("verification:code"), {"code": code, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("verification:status")


def test_bad_code_keeps_the_form_with_the_reason(client, resident):
    client.force_login(resident)
    response = client.post(reverse("verification:code"), {"code": "ABCD-EFGH-JKLM"})
    assert response.status_code == 400
    assert "check each character" in response.content.decode()


def test_used_code_page_is_409(client, resident, resident2, code):
    services.code_redeem(user=resident2, code=code)
    client.force_login(resident)
    response = client.post(reverse("verification:code"), {"code": code})
    assert response.status_code == 409
    assert "already been used" in response.content.decode()


def test_rate_limited_entry_is_429_with_retry_after(settings, client, resident):
    settings.VERIFICATION_RATE_LIMITS = {"account": "1/3600", "address": "9/3600"}
    client.force_login(resident)
    url = reverse("verification:code")
    forged = "ABCDEFGHJKM" + code_method._check_char("ABCDEFGHJKM")
    assert client.post(url, {"code": forged}).status_code == 400
    response = client.post(url, {"code": forged})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_code_page_in_japanese(client, resident):
    client.force_login(resident)
    client.cookies["django_language"] = "ja"
    html = client.get(reverse("verification:code")).content.decode()
    assert "認証コード" in html


def test_declaring_on_the_page(client, resident):
    area = factories.AreaFactory(postal_prefixes="675")
    client.force_login(resident)
    url = reverse("verification:declare")
    assert client.get(url).status_code == 200
    response = client.post(url, {"area": area.pk, "postal_code": "675-0012"})
    assert response.status_code == 302
    assert Verification.objects.get(user=resident).area == area


def test_declaring_a_wrong_postal_code_is_400(client, resident):
    area = factories.AreaFactory(postal_prefixes="675")
    client.force_login(resident)
    response = client.post(
        reverse("verification:declare"), {"area": area.pk, "postal_code": "100-0001"}
    )
    assert response.status_code == 400
    assert not Verification.objects.exists()


def test_unverified_email_is_told_on_the_code_page(client, unverified):
    client.force_login(unverified)
    response = client.get(reverse("verification:code"))
    assert response.status_code == 403
