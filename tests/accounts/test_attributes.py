"""Attributes a resident chooses: the page, the services, the rules, "Your data",
and privacy through every door (profile, API, open data, search)."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from participation.accounts import personal_data
from participation.attributes.models import PURPOSES, ResidentAttributes
from participation.attributes.rules import attributes_edit_refusal
from participation.attributes.selectors import attributes_of
from participation.attributes.services import attributes_remove, attributes_save
from participation.errors import Invalid, NotAllowed
from participation.moderation.models import Block
from portal.opendata import datasets
from tests import factories

pytestmark = pytest.mark.django_db

SECRET_WISH = "ひみつの話題ぽんぽこ"


@pytest.fixture
def area(db):
    return factories.AreaFactory(name="みなみ市", name_en="Minami City")


@pytest.fixture
def category(db):
    return factories.CategoryFactory(name="子育て・教育", name_en="Childcare")


def give(user, area=None, category=None, **kwargs):
    return attributes_save(
        user=user,
        age_band=kwargs.get("age_band", "30s"),
        area=area,
        interests=[category] if category else [],
        hear_about=kwargs.get("hear_about", SECRET_WISH),
    )


# --- the page -------------------------------------------------------------------------


def test_page_asks_for_nothing_and_says_what_each_attribute_is_for(login, resident):
    html = login(resident).get("/accounts/attributes/").content.decode()
    for purpose in PURPOSES.values():
        assert (
            str(purpose).replace("“", "&ldquo;")[:40] in html
            or str(purpose)[:40] in html
        )
    assert "required" not in html.split("<form", 1)[1].split("</form>", 1)[0]


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/accounts/attributes/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_resident_saves_attributes_through_the_page(login, resident, area, category):
    response = login(resident).post(
        "/accounts/attributes/",
        {
            "age_band": "40s",
            "area": area.pk,
            "interests": [category.pk],
            "hear_about": "  バス　路線  ",
        },
    )
    assert response.status_code == 302
    row = ResidentAttributes.objects.get(user=resident)
    assert row.age_band == "40s"
    assert row.area == area
    assert list(row.interests.all()) == [category]
    assert row.hear_about == "バス 路線"


def test_page_in_japanese(login, resident, settings):
    client = login(resident)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    html = client.get("/accounts/attributes/").content.decode()
    assert "年代" in html
    assert "回答しない" in html


def test_unknown_age_band_is_refused_with_400_and_nothing_changes(login, resident):
    give(resident)
    response = login(resident).post("/accounts/attributes/", {"age_band": "90s"})
    assert response.status_code == 400
    assert ResidentAttributes.objects.get(user=resident).age_band == "30s"


def test_unknown_municipality_is_refused_with_400(login, resident):
    response = login(resident).post("/accounts/attributes/", {"area": "99999"})
    assert response.status_code == 400
    assert not ResidentAttributes.objects.filter(user=resident).exists()


def test_too_long_wish_is_refused_with_400(login, resident):
    response = login(resident).post("/accounts/attributes/", {"hear_about": "あ" * 101})
    assert response.status_code == 400
    assert not ResidentAttributes.objects.filter(user=resident).exists()


def test_emptying_every_field_deletes_the_row(login, resident, area, category):
    give(resident, area, category)
    response = login(resident).post("/accounts/attributes/", {"age_band": ""})
    assert response.status_code == 302
    assert not ResidentAttributes.objects.filter(user=resident).exists()
    through = ResidentAttributes.interests.through
    assert not through.objects.filter(residentattributes_id=resident.pk).exists()


def test_delete_button_erases_everything(login, resident, area, category):
    give(resident, area, category)
    response = login(resident).post("/accounts/attributes/remove/")
    assert response.status_code == 302
    assert not ResidentAttributes.objects.filter(user=resident).exists()


def test_delete_needs_post(login, resident):
    give(resident)
    assert login(resident).get("/accounts/attributes/remove/").status_code == 405
    assert ResidentAttributes.objects.filter(user=resident).exists()


# --- services -------------------------------------------------------------------------


def test_clearing_one_attribute_erases_only_that_one(resident, area):
    give(resident, area)
    attributes_save(user=resident, age_band="", area=area, hear_about="")
    row = ResidentAttributes.objects.get(user=resident)
    assert (row.age_band, row.area, row.hear_about) == ("", area, "")


def test_saving_nothing_stores_nothing(resident):
    assert attributes_save(user=resident) is None
    assert not ResidentAttributes.objects.exists()


def test_remove_says_whether_there_was_anything(resident):
    assert attributes_remove(user=resident) is False
    give(resident)
    assert attributes_remove(user=resident) is True


def test_service_refuses_unknown_age_band(resident):
    with pytest.raises(Invalid) as error:
        attributes_save(user=resident, age_band="teen")
    assert "age_band" in error.value.field_errors


def test_values_never_reach_the_audit_log(resident, area):
    from participation.audit.models import AuditEvent

    give(resident, area)
    attributes_remove(user=resident)
    dumped = json.dumps(list(AuditEvent.objects.values("before", "after")))
    assert SECRET_WISH not in dumped


def test_selector_reads_attributes_in_two_queries_then_caches(
    resident, area, category, django_assert_num_queries
):
    give(resident, area, category)
    with django_assert_num_queries(2):
        found = attributes_of(resident)
        assert [c.name for c in found.interests.all()] == [category.name]
        assert found.area.name == "みなみ市"
    with django_assert_num_queries(0):
        attributes_of(resident)


# --- rules: role × action -------------------------------------------------------------


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("anonymous", False),
        ("resident", True),
        ("unverified", True),
        ("blocked", True),
        ("inactive", False),
        ("official", True),
        ("facilitator", True),
        ("admin", True),
    ],
)
def test_who_may_change_their_own_attributes(request, who, allowed):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import timezone

    if who == "anonymous":
        user = AnonymousUser()
    elif who == "blocked":
        user = factories.UserFactory()
        Block.objects.create(user=user, reason="spam", starts_at=timezone.now())
    elif who == "inactive":
        user = factories.UserFactory(is_active=False)
    elif who == "admin":
        user = request.getfixturevalue("admin_user")
    else:
        user = request.getfixturevalue(who)
    assert (attributes_edit_refusal(user) is None) is allowed
    assert user.has_perm("attributes.edit_own") is allowed
    if not allowed and user.is_authenticated:
        with pytest.raises(NotAllowed):
            attributes_save(user=user, age_band="20s")


# --- "Your data" ----------------------------------------------------------------------


def test_your_data_counts_the_attributes(login, resident):
    give(resident)
    counts = {s.key: n for s, n in personal_data.overview(resident)}
    assert counts["attributes"] == 1
    html = login(resident).get("/accounts/data/").content.decode()
    assert "Attributes you chose to give" in html


def test_download_holds_the_attributes_with_their_purposes(
    login, resident, area, category
):
    give(resident, area, category)
    response = login(resident).get("/accounts/data/download/")
    data = json.loads(b"".join(response.streaming_content))
    (row,) = data["sections"]["attributes"]
    assert row["age_band"] == "30s"
    assert row["municipality"] == area.slug
    assert row["interests"] == [category.slug]
    assert row["hear_about"] == SECRET_WISH
    assert set(row["purposes"]) == {"age_band", "area", "interests", "hear_about"}


def test_download_after_removal_holds_nothing(login, resident):
    give(resident)
    attributes_remove(user=resident)
    response = login(resident).get("/accounts/data/download/")
    data = json.loads(b"".join(response.streaming_content))
    assert data["sections"]["attributes"] == []


# --- never public ---------------------------------------------------------------------


def test_profile_never_shows_attributes(client, login, resident, resident2, area):
    give(resident, area, hear_about=SECRET_WISH)
    factories.ProposalFactory(author=resident)
    for viewer in (client, login(resident2), login(resident)):
        html = viewer.get(f"/people/{resident.pk}/").content.decode()
        assert SECRET_WISH not in html
        assert "30s" not in html
        assert "みなみ市" not in html


def test_api_never_shows_attributes(client, resident, area, process):
    give(resident, area)
    proposal = factories.ProposalFactory(author=resident, process=process)
    for url in (
        f"/api/v1/proposals/{proposal.pk}/",
        "/api/v1/proposals/",
        f"/api/v1/proposals/{proposal.pk}/comments/",
    ):
        body = client.get(url).content.decode()
        assert SECRET_WISH not in body
        assert "age_band" not in body
        assert "hear_about" not in body


def test_own_api_me_never_shows_attributes_either(resident):
    from rest_framework.test import APIClient

    give(resident)
    api = APIClient()
    api.force_authenticate(resident)
    body = api.get("/api/v1/me/").content.decode()
    assert SECRET_WISH not in body
    assert "age_band" not in body


def test_open_data_rows_never_hold_attributes(resident, area, process):
    give(resident, area)
    proposal = factories.ProposalFactory(author=resident, process=process)
    factories.CommentFactory(proposal=proposal, author=resident)
    cache.clear()
    for dataset in datasets.all_datasets():
        assert "age_band" not in dataset.field_names or dataset.slug == (
            "participation_by_group"
        )
        for row in dataset.rows():
            assert SECRET_WISH not in json.dumps(row, default=str, ensure_ascii=False)


def test_search_never_finds_attributes(client, resident, process):
    give(resident, hear_about=SECRET_WISH)
    factories.ProposalFactory(author=resident, process=process)
    response = client.get("/search/", {"q": SECRET_WISH})
    assert response.status_code == 200
    assert response.context["total"] == 0
    assert response.context["results"] == []
    api = client.get("/api/v1/search/", {"q": SECRET_WISH}).json()
    assert api["results"] == []


def test_admin_site_does_not_list_attributes():
    from django.contrib import admin

    assert ResidentAttributes not in admin.site._registry
