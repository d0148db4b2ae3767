"""Printable flyers with a QR code for proposals and processes."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from participation.spaces.models import ProcessStatus
from portal.flyers import qr_svg

pytestmark = pytest.mark.django_db


def test_proposal_flyer_has_title_short_url_and_svg_qr(client, proposal, settings):
    settings.SITE_URL = "https://participate.example.jp"
    html = client.get(f"/proposals/{proposal.pk}/flyer/").content.decode()
    assert proposal.title in html
    assert f"https://participate.example.jp/proposals/{proposal.pk}/" in html
    assert re.search(r'<svg[^>]*class="flyer-qr-code"', html)
    assert "<path" in html


def test_process_flyer_has_title_summary_and_svg_qr(client, process, settings):
    settings.SITE_URL = "https://participate.example.jp"
    html = client.get(f"/processes/{process.slug}/flyer/").content.decode()
    assert process.title_en in html or process.title in html
    assert f"https://participate.example.jp/processes/{process.slug}/" in html
    assert re.search(r'<svg[^>]*class="flyer-qr-code"', html)


def test_flyer_escapes_the_proposal_text(client, proposal):
    proposal.title = "<script>alert(1)</script>公園"
    proposal.save(update_fields=["title"])
    html = client.get(f"/proposals/{proposal.pk}/flyer/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_qr_code_encodes_the_url():
    svg = qr_svg("https://participate.example.jp/proposals/1/", title="QR")
    assert svg.startswith("<svg") and 'viewBox="0 0' in svg
    longer = qr_svg(
        "https://participate.example.jp/proposals/1/" + "x" * 60, title="QR"
    )
    assert longer != svg


def test_flyer_of_a_hidden_proposal_is_404(client, proposal):
    proposal.hidden_at = timezone.now()
    proposal.save(update_fields=["hidden_at"])
    assert client.get(f"/proposals/{proposal.pk}/flyer/").status_code == 404


def test_flyer_of_a_draft_process_is_404(client, process, proposal):
    process.status = ProcessStatus.DRAFT
    process.save(update_fields=["status"])
    assert client.get(f"/processes/{process.slug}/flyer/").status_code == 404
    assert client.get(f"/proposals/{proposal.pk}/flyer/").status_code == 404


def test_flyer_of_unknown_things_is_404(client):
    assert client.get("/proposals/999999/flyer/").status_code == 404
    assert client.get("/processes/no-such-thing/flyer/").status_code == 404


def test_flyer_is_an_a4_print_page(client, proposal):
    html = client.get(f"/proposals/{proposal.pk}/flyer/").content.decode()
    assert 'class="flyer"' in html
    assert "flyer-page" in html
    assert 'media="print"' in html
