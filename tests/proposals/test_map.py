"""The optional point of a proposal: set through the form's hidden fields (the map
fills them), checked by the service, shown on the page and on the process's map."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


def _point(process, **extra):
    return factories.ProposalFactory(
        process=process, latitude=Decimal("35.1"), longitude=Decimal("139.1"), **extra
    )


def test_list_page_does_not_embed_the_map_points(client, process):
    proposal = _point(process, title="地図の点だけが知っている題名")
    html = client.get(reverse("proposals:list", args=[process.slug])).content
    assert reverse("proposals:map_points", args=[process.slug]).encode() in html
    assert b'"FeatureCollection"' not in html
    assert html.count(proposal.title.encode()) == 1  # the card, not a payload


def test_map_points_are_rendered_once_then_read_from_the_cache(client, process):
    _point(process)
    url = reverse("proposals:map_points", args=[process.slug])
    first = client.get(url)
    _point(process)  # not on the map until the cached rendering expires
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.content == first.content
    assert not any("latitude" in q["sql"] for q in queries.captured_queries)


def test_map_points_query_count_does_not_grow_with_points(
    settings, client, process, django_assert_num_queries
):
    settings.MAP_POINTS_CACHE_SECONDS = 0  # render on every request
    url = reverse("proposals:map_points", args=[process.slug])
    _point(process)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    for _ in range(30):
        _point(process)
    with django_assert_num_queries(len(queries.captured_queries)):
        data = client.get(url).json()
    assert len(data["features"]) == 31


def test_map_points_are_cached_per_language(settings, client, process):
    proposal = _point(process)
    Proposal.objects.filter(pk=proposal.pk).update(support_count=3)
    url = reverse("proposals:map_points", args=[process.slug])
    english = client.get(url).json()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    japanese = client.get(url).json()
    assert english["features"][0]["properties"]["supports_label"] == "3 supports"
    assert japanese["features"][0]["properties"]["supports_label"] != "3 supports"


def test_map_points_send_japanese_titles_as_utf8(client, process):
    _point(process, title="駅前の駐輪場を増やしてください")
    response = client.get(reverse("proposals:map_points", args=[process.slug]))
    assert response["Content-Type"] == "application/json"
    assert "駅前の駐輪場を増やしてください".encode() in response.content


def test_hidden_proposal_leaves_the_cached_map_at_once(
    settings, client, process, facilitator, django_capture_on_commit_callbacks
):
    from participation.moderation import services as moderation
    from participation.moderation.models import ReportReason

    settings.PAGE_CACHE_SECONDS = 60
    proposal = _point(process)
    url = reverse("proposals:map_points", args=[process.slug])
    assert len(client.get(url).json()["features"]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        moderation.content_hide(
            actor=facilitator, target=proposal, reason_code=ReportReason.SPAM
        )
    assert client.get(url).json()["features"] == []
