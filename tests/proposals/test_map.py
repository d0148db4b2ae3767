"""The optional point of a proposal: set through the form's hidden fields (the map
fills them), checked by the service, shown on the page and on the process's map."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from participation.errors import Invalid
from proposals import services
from proposals.models import Proposal
from tests import factories
from tests.proposals.conftest import valid_proposal_data

pytestmark = pytest.mark.django_db


def test_form_stores_the_point_the_map_chose(login, resident, process):
    data = valid_proposal_data(latitude="35.681236", longitude="139.767125")
    response = login(resident).post(
        reverse("proposals:create", args=[process.slug]), data
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.latitude, proposal.longitude) == (
        Decimal("35.681236"),
        Decimal("139.767125"),
    )


def test_form_without_a_point_stores_none(login, resident, process):
    login(resident).post(
        reverse("proposals:create", args=[process.slug]), valid_proposal_data()
    )
    assert not Proposal.objects.get().has_point


def test_service_refuses_half_a_point(resident, process):
    with pytest.raises(Invalid) as error:
        services.proposal_create(
            author=resident,
            process=process,
            title="地図の点が半分だけの提案です",
            body="緯度だけを送って経度を送らない提案の本文です。" * 2,
            latitude=Decimal("35.6"),
        )
    assert error.value.code == "invalid_point"


def test_page_links_the_point_to_the_gsi_map(client, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(
        latitude=Decimal("35.681236"), longitude=Decimal("139.767125")
    )
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "https://maps.gsi.go.jp/#17/35.681236/139.767125/" in html
    assert 'data-map="point"' in html


def test_map_points_leave_out_hidden_proposals_and_those_without_a_point(
    client, process, facilitator
):
    shown = factories.ProposalFactory(
        process=process, latitude=Decimal("35.1"), longitude=Decimal("139.1")
    )
    factories.ProposalFactory(
        process=process,
        latitude=Decimal("35.2"),
        longitude=Decimal("139.2"),
        hidden_at=timezone.now(),
        hidden_by=facilitator,
    )
    factories.ProposalFactory(process=process)
    data = client.get(reverse("proposals:map_points", args=[process.slug])).json()
    assert [f["properties"]["id"] for f in data["features"]] == [shown.pk]
    assert data["features"][0]["geometry"]["coordinates"] == [139.1, 35.1]


def test_map_points_of_a_draft_process_answer_404(client):
    draft = factories.ProcessFactory(status="draft")
    url = reverse("proposals:map_points", args=[draft.slug])
    assert client.get(url).status_code == 404


def test_policy_lets_the_tile_server_serve_images(client, process):
    policy = client.get(reverse("proposals:list", args=[process.slug]))[
        "Content-Security-Policy"
    ]
    img_src = next(p for p in policy.split(";") if p.strip().startswith("img-src"))
    assert "https://cyberjapandata.gsi.go.jp" in img_src
