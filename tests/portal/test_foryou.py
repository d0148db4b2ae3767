"""The "For you": what matches the attributes a resident chose, on the home page and
in the digest, each with why; nothing inferred from reading; fixed queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participation.attributes.services import attributes_save
from participation.notifications import digests, services
from portal.foryou import for_you, hear_about_terms
from tests import factories
from tests.portal.helpers import publish_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def childcare(db):
    return factories.CategoryFactory(name="子育て・教育", name_en="Childcare")


@pytest.fixture
def minami(db):
    return factories.AreaFactory(name="みなみ市", name_en="Minami City")


def choose(user, *, interests=(), area=None, hear_about=""):
    attributes_save(
        user=user, interests=list(interests), area=area, hear_about=hear_about
    )


def test_home_shows_a_proposal_in_a_chosen_category_and_says_why(
    login, resident, process, childcare
):
    choose(resident, interests=[childcare])
    proposal = factories.ProposalFactory(process=process, category=childcare)
    html = login(resident).get("/").content.decode()
    assert "For you" in html
    assert proposal.title in html
    assert "Why am I seeing this? Because you chose: Childcare" in html


def test_the_why_names_every_chosen_attribute_that_matched(
    resident, process, childcare, minami
):
    choose(resident, interests=[childcare], area=minami)
    factories.ProposalFactory(process=process, category=childcare, area=minami)
    (item,) = for_you(resident).proposals
    assert item.reasons == ("Childcare", "Minami City")
    assert item.why == "Childcare, Minami City"


def test_the_why_is_in_japanese_for_a_japanese_page(
    client, login, resident, process, childcare, settings
):
    choose(resident, interests=[childcare])
    factories.ProposalFactory(process=process, category=childcare)
    client = login(resident)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    html = client.get("/").content.decode()
    assert "あなた向け" in html
    assert "子育て・教育" in html


def test_words_to_hear_about_match_titles(resident, process):
    choose(resident, hear_about="バス路線、ベンチ")
    factories.ProposalFactory(process=process, title="駅前にベンチを置いてほしい")
    factories.ProposalFactory(process=process, title="図書館の開館時間")
    (item,) = for_you(resident).proposals
    assert item.reasons == ("“ベンチ”",)


def test_hear_about_words_are_split_on_japanese_separators():
    assert hear_about_terms("バス　路線、ベンチ,a 公園 公園") == [
        "バス",
        "路線",
        "ベンチ",
    ]


def test_processes_in_the_chosen_municipality(resident, minami):
    choose(resident, area=minami)
    process = factories.ProcessFactory()
    process.areas.add(minami)
    factories.ProcessFactory()  # elsewhere
    (item,) = for_you(resident).processes
    assert item.obj == process
    assert item.reasons == ("Minami City",)


def test_answers_to_matching_proposals(resident, process, department, official, minami):
    choose(resident, area=minami)
    entry, _response = publish_response(process, department, official)
    entry.proposal.area = minami
    entry.proposal.save()
    (item,) = for_you(resident).answers
    assert item.obj == entry
    assert item.reasons == ("Minami City",)


def test_nothing_for_a_resident_who_chose_nothing(login, resident, process, childcare):
    factories.ProposalFactory(process=process, category=childcare)
    assert for_you(resident) is None
    assert "For you" not in login(resident).get("/").content.decode()


def test_nothing_for_an_anonymous_visitor(client, process, childcare):
    factories.ProposalFactory(process=process, category=childcare)
    assert "For you" not in client.get("/").content.decode()


def test_age_band_alone_recommends_nothing(resident, process):
    attributes_save(user=resident, age_band="30s")
    factories.ProposalFactory(process=process)
    assert for_you(resident) is None


def test_nothing_is_inferred_from_what_the_resident_read_or_supported(
    login, resident, process, childcare, minami
):
    choose(resident, area=minami)
    read = factories.ProposalFactory(process=process, category=childcare)
    client = login(resident)
    client.get(f"/proposals/{read.pk}/")
    factories.SupportFactory(proposal=read, user=resident)
    found = for_you(resident)
    assert read not in [item.obj for item in found.proposals]


def test_hidden_own_and_draft_proposals_are_left_out(resident, process, childcare):
    choose(resident, interests=[childcare])
    factories.ProposalFactory(
        process=process, category=childcare, hidden_at=timezone.now()
    )
    factories.ProposalFactory(process=process, category=childcare, author=resident)
    factories.ProposalFactory(
        process=factories.ProcessFactory(status="draft"), category=childcare
    )
    assert for_you(resident).proposals == []


def test_change_link_leads_to_the_attributes_page(login, resident, childcare):
    choose(resident, interests=[childcare])
    html = login(resident).get("/").content.decode()
    assert 'href="/accounts/attributes/"' in html
    assert "Nothing matches what you chose right now." in html


def test_home_page_query_count_does_not_grow_with_matches(
    login, resident, process, childcare, minami
):
    choose(resident, interests=[childcare], area=minami)
    factories.ProposalFactory(process=process, category=childcare)
    process.categories.add(childcare)  # one of each kind, so every query runs
    client = login(resident)
    client.get("/")  # warm the headline cache
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for _ in range(6):
        factories.ProposalFactory(process=process, category=childcare, area=minami)
        other = factories.ProcessFactory()
        other.areas.add(minami)
        other.categories.add(childcare)
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(few.captured_queries) == len(many.captured_queries)


def test_for_you_runs_six_queries(
    resident, process, childcare, django_assert_num_queries
):
    choose(resident, interests=[childcare])
    for _ in range(3):
        factories.ProposalFactory(process=process, category=childcare)
    process.categories.add(childcare)
    fresh = type(resident).objects.get(pk=resident.pk)
    with django_assert_num_queries(6):
        found = for_you(fresh)
        [item.why for item in found.proposals + found.processes + found.answers]


# --- the digest -----------------------------------------------------------------------


def _daily_digest(user):
    now = timezone.now()
    start, end = now - timedelta(hours=1), now + timedelta(minutes=1)
    services.notify(
        recipient_ids={user.pk: "follower"},
        kind="comment.created",
        url="/proposals/1/",
        data={"title": "提案1", "actor": "Person"},
    )
    ids = digests.create_digests("daily", start, end)
    digests.send_digests(ids)
    return mail.outbox[-1]


@pytest.fixture
def daily(db, settings):
    from participation.notifications.models import EmailPreference

    def make(user, language="en"):
        user.language = language
        user.save(update_fields=["language"])
        EmailPreference.objects.update_or_create(
            user=user, group="discussion", defaults={"mode": "daily"}
        )
        return user

    return make


def test_digest_carries_a_for_you_block_with_why(resident, process, childcare, daily):
    choose(resident, interests=[childcare])
    proposal = factories.ProposalFactory(process=process, category=childcare)
    message = _daily_digest(daily(resident))
    text = message.body
    assert "For you" in text
    assert proposal.title in text
    assert "Because you chose: Childcare" in text
    html = message.alternatives[0][0]
    assert "Because you chose: Childcare" in html


def test_digest_block_lists_only_what_is_new_in_the_period(
    resident, process, childcare, daily
):
    choose(resident, interests=[childcare])
    old = factories.ProposalFactory(
        process=process,
        category=childcare,
        created_at=timezone.now() - timedelta(days=3),
    )
    text = _daily_digest(daily(resident)).body
    assert old.title not in text
    assert "For you" not in text


def test_digest_of_a_resident_without_attributes_has_no_block(
    resident, process, childcare, daily
):
    factories.ProposalFactory(process=process, category=childcare)
    text = _daily_digest(daily(resident)).body
    assert "For you" not in text


def test_digest_block_is_in_the_recipients_language(
    resident, process, childcare, daily
):
    choose(resident, interests=[childcare])
    factories.ProposalFactory(process=process, category=childcare)
    text = _daily_digest(daily(resident, language="ja")).body
    assert "あなた向け" in text
    assert "子育て・教育" in text
