"""List and detail pages cost the same number of queries for 3 rows as for 20.

The count for the small page is measured, then asserted for the large one: the
includes filled in by other layers (tracker panel, moderation tools, live) may add
queries, but never one per row.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.models import CommentVote, Support
from tests import factories
from tests.proposals.test_photos import with_photos

pytestmark = pytest.mark.django_db

MAX_QUERIES = 30  # a sanity ceiling, far above the expected count


def _add_proposals(process, n, viewer, photos=0):
    """``n`` proposals, the i-th with ``i % (photos + 1)`` photos (so that rows with
    none, one and several photos are on the same page)."""
    for i in range(n):
        category, area = factories.CategoryFactory(), factories.AreaFactory()
        process.categories.add(category)
        process.areas.add(area)
        proposal = factories.ProposalFactory(
            process=process, category=category, area=area
        )
        if photos and i % (photos + 1):
            with_photos(proposal, i % (photos + 1))
        Support.objects.create(proposal=proposal, user=viewer)


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ACCEL_REDIRECT = ""


def _add_comments(proposal, n, viewer, department, facilitator):
    for i in range(n):
        kind = i % 5
        extra = {}
        if kind == 1:
            extra = {"author_role": "official", "author_department": department}
        elif kind == 2:
            extra = {
                "hidden_at": timezone.now(),
                "hidden_by": facilitator,
                "hidden_reason": "r",
            }
        elif kind == 3:
            extra = {"deleted_at": timezone.now()}
        root = factories.CommentFactory(proposal=proposal, **extra)
        CommentVote.objects.create(comment=root, user=viewer, value=1)
        if kind == 4:
            factories.CommentFactory(proposal=proposal, parent=root, depth=1)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("logged_in", [True, False], ids=["resident", "anonymous"])
def test_list_page_query_count_is_constant(
    client, process, resident, logged_in, django_assert_num_queries
):
    if logged_in:
        client.force_login(resident)
    url = reverse("proposals:list", args=[process.slug])
    _add_proposals(process, 3, resident)
    client.get(url)  # warm per-process caches (content types, sites)
    small = _count(client, url)
    assert small <= MAX_QUERIES
    _add_proposals(process, 17, resident)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["proposals"]) == 20


@pytest.mark.parametrize("logged_in", [True, False], ids=["resident", "anonymous"])
def test_detail_page_query_count_is_constant(
    client,
    proposal,
    resident2,
    department,
    facilitator,
    logged_in,
    django_assert_num_queries,
):
    if logged_in:
        client.force_login(resident2)
    url = reverse("proposals:detail", args=[proposal.pk])
    _add_comments(proposal, 3, resident2, department, facilitator)
    client.get(url)
    small = _count(client, url)
    assert small <= MAX_QUERIES
    _add_comments(proposal, 17, resident2, department, facilitator)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["comments"]) == 20


def test_detail_page_query_count_is_constant_for_a_facilitator(
    client, proposal, resident2, department, facilitator, django_assert_num_queries
):
    client.force_login(facilitator)
    url = reverse("proposals:detail", args=[proposal.pk])
    _add_comments(proposal, 3, resident2, department, facilitator)
    client.get(url)
    small = _count(client, url)
    _add_comments(proposal, 17, resident2, department, facilitator)
    with django_assert_num_queries(small):
        client.get(url)


def test_process_page_query_count_is_constant(
    client, process, resident, django_assert_num_queries
):
    url = reverse("process", args=[process.slug])
    _add_proposals(process, 2, resident)
    client.get(url)
    small = _count(client, url)
    _add_proposals(process, 6, resident)
    with django_assert_num_queries(small):
        client.get(url)


@pytest.mark.usefixtures("_media")
def test_list_page_query_count_does_not_grow_with_cards_photos(
    client, process, resident, django_assert_num_queries
):
    url = reverse("proposals:list", args=[process.slug])
    _add_proposals(process, 3, resident, photos=1)
    client.get(url)
    small = _count(client, url)
    _add_proposals(process, 17, resident, photos=3)
    with django_assert_num_queries(small):
        response = client.get(url)
    html = response.content.decode()
    shown = sum(1 for p in response.context["proposals"] if p.card_photos)
    assert shown >= 10
    assert html.count('class="proposal-card-photo"') == shown


@pytest.mark.usefixtures("_media")
def test_process_page_query_count_does_not_grow_with_cards_photos(
    client, process, resident, django_assert_num_queries
):
    url = reverse("process", args=[process.slug])
    _add_proposals(process, 2, resident, photos=1)
    client.get(url)
    small = _count(client, url)
    _add_proposals(process, 6, resident, photos=3)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert 'class="proposal-card-photo"' in response.content.decode()
