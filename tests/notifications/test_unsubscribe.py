"""One-click unsubscribe links: signed, expiring, working without signing in; GET
asks, POST (the button or a mail client's RFC 8058 one-click) unsubscribes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participation.notifications import email as emails
from participation.notifications import services
from participation.notifications.models import Delivery, EmailPreference
from tests import factories

pytestmark = pytest.mark.django_db


def _url(user, group="own_proposals"):
    return reverse(
        "notifications:unsubscribe", args=[emails.unsubscribe_token(user.pk, group)]
    )


def _mode(user, group="own_proposals"):
    return services.email_modes(user)[group]


def test_get_asks_and_changes_nothing(client, resident):
    response = client.get(_url(resident))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Stop e-mails about “My proposals”?" in page
    assert "<button" in page
    assert not EmailPreference.objects.exists()


def test_post_unsubscribes_that_group_only(client, resident):
    response = client.post(_url(resident))
    assert response.status_code == 200
    assert "You will no longer receive e-mails about “My proposals”." in (
        response.content.decode()
    )
    assert _mode(resident) == "never"
    assert _mode(resident, "discussion") == "daily"


def test_one_click_post_from_a_mail_client_needs_no_csrf_token(resident):
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        _url(resident),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert _mode(resident) == "never"


def test_same_link_twice_says_already_done(client, resident):
    client.post(_url(resident))
    response = client.post(_url(resident))
    assert response.status_code == 200
    assert "You already receive no e-mails about “My proposals”." in (
        response.content.decode()
    )
    assert client.get(_url(resident)).status_code == 200
    assert EmailPreference.objects.count() == 1


def test_tampered_link_is_refused_and_changes_nothing(client, resident, resident2):
    token = emails.unsubscribe_token(resident.pk, "own_proposals")
    payload, rest = token.split(":", 1)
    forged = emails.unsubscribe_token(resident2.pk, "own_proposals").split(":")[0]
    for bad in (forged + ":" + rest, token[:-2] + "xx", "nonsense"):
        url = reverse("notifications:unsubscribe", args=[bad])
        response = client.post(url)
        assert response.status_code == 400
        assert "This unsubscribe link is not valid." in response.content.decode()
    assert not EmailPreference.objects.exists()


def test_expired_link_is_gone_and_changes_nothing(client, resident, settings):
    settings.NOTIFY_UNSUBSCRIBE_DAYS = 90
    url = _url(resident)
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        response = client.post(url)
    assert response.status_code == 410
    assert "This unsubscribe link has expired." in response.content.decode()
    assert not EmailPreference.objects.exists()


def test_link_of_a_deleted_account_says_so(client, resident):
    url = _url(resident)
    resident.delete()
    response = client.post(url)
    assert response.status_code == 410
    assert "This account no longer exists" in response.content.decode()
    assert not EmailPreference.objects.exists()


def test_page_is_translated(client, resident):
    client.cookies["django_language"] = "ja"
    response = client.post(_url(resident))
    assert "「自分の提案」のメールの配信を停止しました。" in response.content.decode()


def test_after_unsubscribing_no_email_is_scheduled(client, resident):
    client.post(_url(resident))
    services.notify(
        recipient_ids={resident.pk: "author"},
        kind="response.published",
        url="/proposals/1/",
        data={"title": "t", "department": "d"},
    )
    assert resident.notifications.count() == 1  # in-app stays
    assert not Delivery.objects.exists()


def test_get_and_post_only(client, resident):
    assert client.put(_url(resident)).status_code == 405


def test_an_unknown_group_in_a_signed_token_is_invalid(client, resident):
    from django.core import signing

    token = signing.dumps(
        {"u": resident.pk, "g": "everything"}, salt=emails.UNSUBSCRIBE_SALT
    )
    url = reverse("notifications:unsubscribe", args=[token])
    assert client.post(url).status_code == 400


def test_link_in_a_real_email_unsubscribes(client, db):
    user = factories.UserFactory()
    url = emails.unsubscribe_url(user.pk, "supported")
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client.post("/" + path).status_code == 200
    assert _mode(user, "supported") == "never"


def test_digest_link_stops_every_group_in_a_digest(client, resident):
    url = reverse(
        "notifications:unsubscribe",
        args=[emails.unsubscribe_token(resident.pk, emails.DIGESTS)],
    )
    assert "Stop e-mails about “Digests”?" in client.get(url).content.decode()
    assert client.post(url).status_code == 200
    modes = services.email_modes(resident)
    assert modes["discussion"] == modes["supported"] == modes["other"] == "never"
    assert modes["own_proposals"] == "immediate"  # not a digest group
    page = client.post(url).content.decode()
    assert "You already receive no e-mails about “Digests”." in page
