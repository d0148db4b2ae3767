"""participation.paging.KeysFirstPaginator: the same pages as Django's paginator,
found by sorting keys first and then reading the page's rows by key."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, IntegerField, Value, When
from django.test.utils import CaptureQueriesContext

from participation.paging import KeysFirstPaginator
from proposals.models import Proposal
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals(process):
    return [
        factories.ProposalFactory(process=process, support_count=n % 4)
        for n in range(11)
    ]


def listed():
    # An order on an expression, with ties broken by key, like the tracker's.
    bucket = Case(
        When(support_count=0, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        Proposal.objects.select_related("author", "process")
        .annotate(_bucket=bucket)
        .order_by("_bucket", "-support_count", "pk")
    )


def pks(page):
    return [p.pk for p in page.object_list]


@pytest.mark.parametrize("orphans", [0, 2])
def test_every_page_holds_what_djangos_paginator_gives(proposals, orphans):
    plain = Paginator(listed(), 4, orphans=orphans)
    keys_first = KeysFirstPaginator(listed(), 4, orphans=orphans)
    assert keys_first.num_pages == plain.num_pages
    for number in plain.page_range:
        assert pks(keys_first.page(number)) == pks(plain.page(number))


def test_rows_carry_what_the_queryset_selects_without_more_queries(proposals):
    page = KeysFirstPaginator(listed(), 5).get_page(2)
    with CaptureQueriesContext(connection) as queries:
        names = [(p.author.real_name, p.process.slug, p._bucket) for p in page]
    assert len(names) == 5 and len(queries) == 0


def test_the_sort_reads_keys_only(proposals):
    paginator = KeysFirstPaginator(listed(), 5)
    paginator.count  # noqa: B018 - the count is its own query
    with CaptureQueriesContext(connection) as queries:
        paginator.page(1)
    sort, rows = (q["sql"] for q in queries.captured_queries)
    assert "ORDER BY" in sort and "accounts_user" not in sort
    assert "accounts_user" in rows


def test_an_out_of_range_page_is_the_last_one(proposals):
    page = KeysFirstPaginator(listed(), 4).get_page(99)
    assert page.number == 3 and len(page) == 3
