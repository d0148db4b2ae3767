"""Absolute links come from SITE_URL only: not from the request's Host header (the
client writes it), not from the Sites record (example.com out of the box)."""

from __future__ import annotations

import re

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management.sql import emit_post_migrate_signal

from meetings.models import LiveSession, SessionStatus
from participation.site_url import absolute_url, site_domain
from portal.flyers import qr_svg
from responses import services as tracker_services
from tests import factories

SITE = "https://participate.example.jp"
EVIL = "evil.example"
URL_RE = re.compile(r"https?://[^\s\"'<>,()]+")


@pytest.fixture
def site(settings):
    """SITE_URL set, and any Host header accepted, as a careless host list would."""
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["*"]
    return SITE


def _get(client, path: str) -> str:
    response = client.get(path, HTTP_HOST=EVIL)
    assert response.status_code == 200, path
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode()


def _own_links(text: str) -> list[str]:
    """Every absolute link in ``text`` except the licence's and XML namespaces."""
    return [
        url
        for url in URL_RE.findall(text)
        if "creativecommons.org" not in url and "www.w3.org" not in url
    ]


def _on_site(url: str) -> bool:
    return url.rstrip(".") == SITE or url.startswith(SITE + "/")


def assert_links_on_site(text: str) -> None:
    links = _own_links(text)
    assert links, "expected absolute links"
    assert EVIL not in text
    assert "example.com" not in text
    assert all(_on_site(url) for url in links), links


# --- the helper and the Sites record --------------------------------------------------
def test_absolute_url_is_site_url_plus_the_path(site):
    assert absolute_url("/proposals/7/") == f"{SITE}/proposals/7/"


@pytest.mark.parametrize("value", ["proposals/7/", "//evil.example/", "http://x/"])
def test_absolute_url_refuses_what_is_not_a_path_of_the_site(site, value):
    with pytest.raises(ValueError):
        absolute_url(value)


@pytest.mark.parametrize("value", ["participate.example.jp", "ftp://x", ""])
def test_a_site_url_that_is_not_an_absolute_http_address_is_refused(settings, value):
    settings.SITE_URL = value
    with pytest.raises(ImproperlyConfigured):
        absolute_url("/")


def test_the_sites_record_is_not_example_com_after_migrate(db):
    assert Site.objects.get_current().domain == site_domain()


def test_every_migrate_makes_the_sites_record_follow_site_url(db, settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "みなみ県 県民参加"
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    current = Site.objects.get_current()
    assert (current.domain, current.name) == (
        "participate.example.jp",
        "みなみ県 県民参加",
    )


# --- every door that prints an absolute link ------------------------------------------
@pytest.fixture
def tracked(db, proposal, admin_user, department):
    entry = tracker_services.tracker_forward(actor=admin_user, proposal=proposal)
    return tracker_services.tracker_assign(
        actor=admin_user, entry=entry, department=department
    )


@pytest.mark.parametrize(
    "path",
    [
        "/tracker/export.csv",
        "/proposals/{proposal}/tracker.json",
        "/opendata/proposals.csv",
        "/opendata/proposals.jsonl",
        "/opendata/datapackage.json",
        "/api/v1/",
        "/api/v1/proposals/",
        "/api/v1/proposals/{proposal}/",
        "/api/v1/tracker/",
    ],
)
def test_links_are_on_site_url_whatever_the_host_header(client, site, tracked, path):
    text = _get(client, path.format(proposal=tracked.proposal_id))
    assert_links_on_site(text)


def test_api_pages_link_to_the_next_page_on_site_url(client, site, process):
    for _ in range(3):
        factories.ProposalFactory(process=process)
    text = _get(client, "/api/v1/proposals/?page_size=1")
    assert f'"next":"{SITE}/api/v1/proposals/?' in text.replace(" ", "")
    assert_links_on_site(text)


def test_flyer_qr_code_encodes_site_url_whatever_the_host_header(
    client, site, proposal
):
    html = _get(client, f"/proposals/{proposal.pk}/flyer/")
    url = f"{SITE}/proposals/{proposal.pk}/"
    assert str(qr_svg(url, title="x")).split("<path", 1)[1].split('"', 2)[1] in html
    assert EVIL not in html


def test_projector_qr_code_encodes_site_url_whatever_the_host_header(
    client, site, process, facilitator
):
    from django.utils import timezone

    session = LiveSession.objects.create(
        process=process,
        title="駅前再開発について話し合う会",
        starts_at=timezone.now(),
        ends_at=timezone.now(),
        status=SessionStatus.OPEN,
        created_by=facilitator,
    )
    html = _get(client, f"/live/{session.pk}/projector/")
    assert f"{SITE}/live/{session.pk}/" in html
    assert EVIL not in html


# --- e-mails --------------------------------------------------------------------------
PASSWORD = "a-long-and-unusual-passphrase"


def _mail_links() -> list[str]:
    assert mail.outbox
    return [url for message in mail.outbox for url in URL_RE.findall(message.body)]


def test_signup_confirmation_link_is_on_site_url(client, site, db):
    client.post(
        "/accounts/signup/",
        {
            "real_name": "Sato Hanako",
            "email": "hanako@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "accept_terms": "on",
        },
        HTTP_HOST=EVIL,
    )
    links = _mail_links()
    assert any("/accounts/confirm-email/" in url for url in links)
    assert all(_on_site(url) for url in links), links


def test_password_reset_link_is_on_site_url(client, site, resident):
    client.post("/accounts/password/reset/", {"email": resident.email}, HTTP_HOST=EVIL)
    links = _mail_links()
    assert any("/accounts/password/reset/key/" in url for url in links)
    assert all(_on_site(url) for url in links), links


def test_mail_to_an_unknown_address_links_to_site_url(client, site, db):
    client.post(
        "/accounts/password/reset/", {"email": "nobody@example.org"}, HTTP_HOST=EVIL
    )
    links = _mail_links()
    assert links
    assert all(_on_site(url) for url in links), links
