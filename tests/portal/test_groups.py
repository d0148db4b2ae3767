"""Participation by age band and municipality: figures against hand-counted data,
suppression, the page, the dataset, the API, query counts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participation.attributes.services import attributes_save
from portal.opendata import datasets
from portal.opendata.groups import participation_by_group
from proposals.models import Proposal
from tests import factories

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 3, 15, 12, 0))


def people(n, *, age_band="", area=None):
    made = [factories.UserFactory() for _ in range(n)]
    for person in made:
        if age_band or area:
            attributes_save(user=person, age_band=age_band, area=area)
    return made


def propose(process, persons, *, when=NOW, comment=True, support=True):
    for person in persons:
        proposal = factories.ProposalFactory(
            process=process, author=person, created_at=when
        )
        if comment:
            factories.CommentFactory(proposal=proposal, author=person, created_at=when)
        if support:
            factories.SupportFactory(proposal=proposal, user=person, created_at=when)


def tables(**kwargs):
    cache.clear()
    by_key = {t.grouping.key: t for t in participation_by_group(now=NOW, **kwargs)}
    return by_key["age_band"], by_key["municipality"]


def row(table, key):
    return next(r for r in table.rows if r.key == key)


def test_figures_by_age_band_match_a_hand_count(process):
    propose(process, people(6, age_band="30s"))
    propose(process, people(7, age_band="60s"), comment=False)
    propose(process, people(8))  # gave nothing
    age, _area = tables()
    thirties, sixties, not_given = row(age, "30s"), row(age, "60s"), row(age, "")
    assert (thirties.participants, thirties.proposals, thirties.comments) == (6, 6, 6)
    assert (sixties.participants, sixties.proposals, sixties.comments) == (7, 7, 0)
    assert (sixties.supports, not_given.participants) == (7, 8)
    assert row(age, "10s").participants == 0
    assert age.total.participants == 21
    assert age.total.proposals == 21
    assert age.total.comments == 14
    assert age.participants == 21
    assert age.given == 13


def test_a_resident_acting_three_ways_counts_once_in_their_group(process):
    (person, *others) = people(5, age_band="40s")
    propose(process, [person, *others])
    # A second comment, on another's proposal (the other author gave nothing).
    propose(process, people(5))
    factories.CommentFactory(
        proposal=factories.ProposalFactory(process=process),
        author=person,
        created_at=NOW,
    )
    age, _ = tables()
    assert row(age, "40s").participants == 5
    assert row(age, "40s").comments == 6


def test_a_group_of_four_is_withheld_with_a_complement(process):
    propose(process, people(4, age_band="20s"))
    propose(process, people(9, age_band="50s"))
    propose(process, people(30))
    age, _ = tables()
    assert row(age, "20s").participants is None
    assert "participants" in row(age, "20s").withheld
    # The smallest other group is withheld too; "not given" is kept.
    assert row(age, "50s").participants is None
    assert row(age, "").participants == 30
    assert age.total.participants == 43
    assert age.given == 13


def test_two_small_groups_both_withheld(process):
    propose(process, people(2, age_band="10s"))
    propose(process, people(3, age_band="80s+"))
    propose(process, people(20, age_band="30s"))
    propose(process, people(10))
    age, _ = tables()
    assert row(age, "10s").participants is None
    assert row(age, "80s+").participants is None
    assert row(age, "30s").participants == 20
    assert row(age, "").participants == 10


def test_a_row_with_one_small_cell_keeps_its_other_cells(process):
    thirties = people(12, age_band="30s")
    propose(process, thirties, comment=False)
    own = Proposal.objects.filter(author__in=thirties[:3])
    for proposal in own:
        factories.CommentFactory(
            proposal=proposal, author=proposal.author, created_at=NOW
        )
    propose(process, people(10, age_band="40s"), comment=False)
    propose(process, people(15))
    age, _ = tables()
    thirties_row = row(age, "30s")
    assert thirties_row.participants == 12
    assert thirties_row.proposals == 12
    assert thirties_row.comments is None
    assert thirties_row.withheld == ["comments"]


def test_new_participants_count_only_first_actions_in_the_window(process):
    veterans = people(6, age_band="70s")
    propose(process, veterans, when=NOW - timedelta(days=500))
    propose(process, veterans)
    propose(process, people(5, age_band="70s"))
    propose(process, people(10))
    age, _ = tables()
    assert row(age, "70s").participants == 11
    assert row(age, "70s").new_participants == 5


def test_municipality_groups_by_area(process):
    minami = factories.AreaFactory(name="みなみ市", name_en="Minami City")
    kawabe = factories.AreaFactory(name="川辺町")
    asahi = factories.AreaFactory(name="朝日市")
    propose(process, people(12, area=minami))
    propose(process, people(2, area=kawabe))
    propose(process, people(6, area=asahi))
    propose(process, people(9))
    _, area = tables()
    assert row(area, minami.slug).participants == 12
    assert row(area, kawabe.slug).participants is None
    assert row(area, asahi.slug).participants is None  # the complement
    assert row(area, "").participants == 9
    assert area.total.participants == 29
    assert area.given == 20


def test_when_too_few_gave_nothing_is_said_of_how_many_gave(process):
    propose(process, people(3, age_band="30s"))
    propose(process, people(20))
    age, _ = tables()
    assert row(age, "30s").participants is None
    assert row(age, "").participants is None  # the only complement left
    assert age.given is None
    assert age.total.participants == 23


def test_satisfaction_by_group_needs_five_raters(process, department, official):
    from tests.portal.helpers import publish_response

    _entry, response = publish_response(process, department, official, when=NOW)
    from responses.models import ResponseRating

    votes = (
        [(p, i < 8) for i, p in enumerate(people(10, age_band="50s"))]
        + [(p, True) for p in people(6, age_band="60s")]
        + [(p, False) for p in people(2, age_band="20s")]
        + [(p, False) for p in people(6)]
    )
    for person, satisfied in votes:
        ResponseRating.objects.create(
            response=response,
            user=person,
            clear=True,
            satisfied=satisfied,
            created_at=NOW,
            updated_at=NOW,
        )
    age, _ = tables()
    assert row(age, "50s").satisfaction == 80
    assert row(age, "20s").satisfaction is None
    assert "satisfaction" in row(age, "20s").withheld
    assert row(age, "60s").satisfaction is None  # the complement
    assert age.total.satisfaction == round(100 * 14 / 24)


def test_only_the_process_asked_for_is_counted(process):
    propose(process, people(5, age_band="30s"))
    propose(factories.ProcessFactory(), people(6, age_band="30s"))
    age, _ = tables(process=process)
    assert row(age, "30s").participants == 5


def test_activity_in_draft_processes_is_not_counted(process):
    draft = factories.ProcessFactory(status="draft")
    propose(draft, people(6, age_band="30s"))
    age, _ = tables()
    assert row(age, "30s").participants == 0


def test_removed_attributes_move_a_person_to_not_given(process):
    from participation.attributes.services import attributes_remove

    group = people(6, age_band="30s")
    propose(process, group)
    propose(process, people(6))
    attributes_remove(user=group[0])
    age, _ = tables()
    assert row(age, "30s").participants == 5
    assert row(age, "").participants == 7


# --- doors ----------------------------------------------------------------------------


def test_stats_page_shows_tables_by_age_band_and_municipality(client, process):
    propose(process, people(6, age_band="30s"))
    propose(process, people(4, age_band="60s"))
    propose(process, people(7))
    html = client.get("/stats/").content.decode()
    assert "By age band" in html
    assert "By municipality" in html
    # 60s withheld, and 30s with it: "not given" is shown, and so how many gave.
    assert "Age band given by 10 of 17 participants." in html
    assert "withheld" in html
    assert '<th scope="row">30s</th>' in html


def test_stats_page_says_how_many_gave_the_age_band(client, process):
    propose(process, people(6, age_band="30s"))
    propose(process, people(7, age_band="60s"))
    propose(process, people(8))
    html = client.get("/stats/").content.decode()
    assert "Age band given by 13 of 21 participants." in html
    assert "Municipality given by 0 of 21 participants." in html


def test_stats_page_in_japanese(client, process, settings):
    propose(process, people(6, age_band="80s+"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    html = client.get("/stats/").content.decode()
    assert "年代別" in html
    assert "80代以上" in html


def test_stats_page_query_count_is_fixed(client, process):
    area = factories.AreaFactory()
    propose(process, people(6, age_band="30s"))
    with CaptureQueriesContext(connection) as small:
        client.get("/stats/")
    cache.clear()
    propose(process, people(9, age_band="40s", area=area))
    propose(process, people(3, age_band="10s"))
    factories.AreaFactory()
    with CaptureQueriesContext(connection) as large:
        client.get("/stats/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_group_dataset_rows_leave_withheld_cells_empty(process):
    propose(process, people(6, age_band="30s"))
    propose(process, people(3, age_band="60s"))
    propose(process, people(8))
    cache.clear()
    dataset = datasets.get("participation_by_group")
    rows = [dict(zip(dataset.field_names, r, strict=True)) for r in dataset.rows()]
    age = {r["group"]: r for r in rows if r["grouping"] == "age_band"}
    assert age["30s"]["participants"] is None  # complement of the 60s
    assert age["60s"]["participants"] is None
    assert "participants" in age["60s"]["withheld"]
    assert age["not_given"]["participants"] == 8
    assert age["all"]["participants"] == 17
    assert age["all"]["given"] == 9
    assert dataset.count() == len(rows)


def test_group_dataset_downloads_as_csv(client, process):
    propose(process, people(6, age_band="30s"))
    response = client.get("/opendata/participation_by_group.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("grouping,group,name")


def test_api_stats_carry_the_group_tables(client, process):
    propose(process, people(6, age_band="30s"))
    data = client.get("/api/v1/stats/").json()
    groups = {t["grouping"]: t for t in data["by_group"]}
    thirties = next(g for g in groups["age_band"]["groups"] if g["group"] == "30s")
    assert thirties["participants"] == 6
    assert data["attributes_given"] == {
        "participants": 6,
        "age_band": 6,
        "area": 0,
        "interests": 0,
        "hear_about": 0,
    }
    json.dumps(data)


def test_how_many_participants_gave_each_attribute(process):
    area = factories.AreaFactory()
    interest = factories.CategoryFactory()
    gave_all = people(6, age_band="30s", area=area)
    for person in gave_all:
        attributes_save(
            user=person,
            age_band="30s",
            area=area,
            interests=[interest],
            hear_about="バス",
        )
    propose(process, gave_all)
    propose(process, people(7, age_band="40s"))
    propose(process, people(2))
    cache.clear()
    from portal.opendata.groups import attributes_given

    given = attributes_given(now=NOW)
    assert given.participants == 15
    assert given.counts["age_band"] is None  # 13 gave it, 2 did not: withheld
    assert given.counts["area"] == 6
    assert given.counts["interests"] == 6
    assert given.counts["hear_about"] == 6


def test_stats_page_lists_what_participants_chose_to_tell(client, process):
    propose(process, people(6, age_band="30s"))
    propose(process, people(9))
    html = client.get("/stats/").content.decode()
    assert "What participants chose to tell" in html
    assert "age band: 6" in html
    assert "interests: 0" in html
