"""Proposal cards and tracker rows (Jinja2: proposals/cards.py, responses/cards.py):
what the Django templates showed, in English and Japanese, escaped, without a
query per card or row."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from proposals import cards as proposal_cards
from proposals import events
from proposals import selectors as proposal_selectors
from responses import cards as tracker_cards
from responses import selectors
from tests.responses import cards_data
from tests.responses.cards_data import SCRIPT

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def data(db):
    return cards_data.build()


def _card(html: str, title: str) -> str:
    """The ``<li>`` of the card whose title starts with ``title``."""
    for card in re.findall(r'<li class="card proposal-card.*?</li>', html, re.S):
        if f">{title}" in card:
            return " ".join(card.split())
    raise AssertionError(f"no card {title!r}")


def _row(html: str, proposal) -> str:
    found = re.search(rf'<tr id="tracker-row-{proposal.pk}".*?</tr>', html, re.S)
    assert found, f"no row for {proposal}"
    return " ".join(found.group(0).split())


def _get(client, url, language="en"):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def _list(data, query=""):
    return reverse("proposals:list", args=[data["process"].slug]) + query


def test_the_cards_show_every_badge_in_english(client, data):
    client.force_login(data["viewer"])
    html = _get(client, _list(data))
    p = data["proposals"]
    supported = _card(html, "Supported and accepted")
    assert f'<a href="/proposals/{p["supported"].pk}/">' in supported
    assert f'<a href="/people/{p["supported"].author_id}/">' in supported
    assert '<span class="badge badge-muted">North ward</span>' in supported
    assert '<span class="badge badge-phase">Reached the support threshold</span>' in (
        supported
    )
    assert (
        '<span class="badge tracker-badge tracker-badge-accepted">Accepted</span>'
        in (supported)
    )
    assert 'tracker-badge-pending">In progress 40%</span>' in supported
    assert "<span>Urban Works Parks</span>" in supported
    assert "<span>19 supports</span> <span>2 comments</span>" in supported
    assert '<span class="badge badge-phase">You support this</span>' in supported
    # The photo without a small rendition: the photo's own size.
    photo = p["supported"].images.get()
    assert (
        f'<img class="proposal-card-photo" src="{photo.get_small_url()}" alt="'
    ) in supported
    assert 'width="1200" height="900" loading="lazy" decoding="async">' in supported
    plain = _card(html, "Plain")
    assert "<span>1 support</span> <span>1 comment</span>" in plain
    assert '<span class="badge badge-muted">Parks and green</span>' in plain
    assert "You support this" not in plain
    assert "tracker-card-status" not in plain
    overdue = _card(html, "Overdue one")
    assert '<span class="badge badge-danger">Overdue by 3 days</span>' in overdue
    waiting = _card(html, "Waiting one")
    assert re.search(
        r"<span>Due <time datetime=\"[^\"]+\">[^<]+</time></span>", waiting
    )
    disputed = _card(html, "Disputed one")
    assert 'tracker-badge-accepted">Completed 100%</span>' in disputed


def test_a_withdrawn_card_has_its_badge_and_small_photo(client, data):
    html = _get(client, _list(data, "?state=withdrawn"))
    card = _card(html, "Withdrawn one")
    assert card.startswith('<li class="card proposal-card is-withdrawn has-photo">')
    assert '<span class="badge badge-warning">Withdrawn</span>' in card
    assert "Reached the support threshold" not in card
    photo = data["proposals"]["withdrawn"].images.first()
    assert f'src="{photo.get_small_url()}"' in card
    assert 'width="320" height="240"' in card
    assert card.count("proposal-card-photo") == 1


def test_the_cards_speak_japanese_with_its_counters(client, settings, data):
    settings.LANGUAGE_CODE = "ja"
    client.force_login(data["viewer"])
    html = _get(client, _list(data), "ja")
    supported = _card(html, "Supported and accepted")
    assert "<span>賛同19件</span> <span>コメント2件</span>" in supported
    assert '<span class="badge badge-phase">賛同済み</span>' in supported
    assert '<span class="badge badge-phase">賛同数の基準に到達</span>' in supported
    assert '<span class="badge badge-muted">北区</span>' in supported
    assert 'tracker-badge-accepted">採用</span>' in supported
    assert 'tracker-badge-pending">実施中 40%</span>' in supported
    assert "<span>都市整備部 公園緑地課</span>" in supported
    assert "<span>賛同1件</span> <span>コメント1件</span>" in _card(html, "Plain")
    assert "期限超過 3日" in _card(html, "Overdue one")
    assert re.search(r"<time datetime=\"[^\"]+\">\d{4}年\d+月\d+日</time>", supported)


def test_the_process_page_shows_the_same_cards(client, data):
    html = _get(client, reverse("process", args=[data["process"].slug]))
    assert "Overdue by 3 days" in _card(html, "Overdue one")
    assert "You support this" not in html


def test_user_text_on_cards_and_rows_stays_escaped(client, data):
    client.force_login(data["viewer"])
    for url in (_list(data), _list(data, "?state=withdrawn"), "/tracker/"):
        html = _get(client, url)
        assert SCRIPT not in html
        assert ESCAPED in html
    plain = _card(_get(client, _list(data)), "Plain")
    assert f"Plain {ESCAPED} &amp; co</a>" in plain
    assert f'<p class="proposal-card-excerpt">{ESCAPED} 長い本文です。' in plain
    assert f">Hanako {ESCAPED} Sato</a>" in plain
    alt = _card(_get(client, _list(data, "?state=withdrawn")), "Withdrawn one")
    assert f'alt="写真 &#34;0&#34; &amp; {ESCAPED}"' in alt
    referred = _row(_get(client, "/tracker/"), data["proposals"]["referred"])
    assert f'<span class="small">→ 国土交通省 {ESCAPED}</span>' in referred


def test_the_tracker_rows_show_every_badge_in_english(client, data):
    client.force_login(data["viewer"])
    html = _get(client, "/tracker/")
    p = data["proposals"]
    overdue = _row(html, p["overdue"])
    assert overdue.startswith(
        f'<tr id="tracker-row-{p["overdue"].pk}" class="tracker-row is-overdue" '
        f'data-proposal-id="{p["overdue"].pk}" '
        f'data-tracker-row="{p["overdue"].pk}">'
    )
    assert f'<a href="/proposals/{p["overdue"].pk}/#tracker">Overdue one</a>' in overdue
    assert '<span class="muted">Not assigned</span>' in overdue
    assert '<strong class="tracker-overdue">3 days overdue</strong>' in overdue
    assert '<td data-label="Due"><time datetime="' in overdue
    assert 'data-label="Latest update">Forwarded to the tracker<br><time' in overdue
    assert "Waiting 2 days" in _row(html, p["waiting"])
    supported = _row(html, p["supported"])
    code = data["department"].code
    assert (
        f'<a href="/tracker/departments/{code}/">Urban Works</a>'
        '<br><span class="small">Parks</span>'
    ) in supported
    assert 'tracker-badge-pending">In progress 40%</span>' in supported
    assert "Answered in 1 day" in supported
    assert '<td class="tracker-num" data-label="Supports">19</td>' in supported
    disputed = _row(html, p["disputed"])
    assert '<br><span class="badge badge-warning">Disputed</span>' in disputed
    assert 'tracker-badge-accepted">Completed 100%</span>' in disputed
    review = _row(html, p["review_due"])
    assert 'badge-warning tracker-review-due">Review due</span>' in review
    assert 'tracker-badge-refused">Not adopted</span>' in review
    referred = _row(html, p["referred"])
    assert re.search(
        r'<span class="small">Review date <time datetime="\d{4}-\d\d-\d\d">', referred
    )
    assert 'tracker-badge-other">Referred to another body</span>' in referred


def test_the_tracker_rows_speak_japanese(client, settings, data):
    settings.LANGUAGE_CODE = "ja"
    html = _get(client, "/tracker/", "ja")
    p = data["proposals"]
    assert "3日の期限超過" in _row(html, p["overdue"])
    assert "回答待ち 2日" in _row(html, p["waiting"])
    assert "1日で回答" in _row(html, p["supported"])
    with translation.override("ja"):
        for word in ("Status", "Department", "Due", "Latest update", "Supports"):
            assert f'data-label="{translation.gettext(word)}"' in html


def test_the_department_page_shows_its_rows(client, data):
    html = _get(client, data["department"].get_absolute_url())
    assert "Answered in 1 day" in _row(html, data["proposals"]["supported"])


def _page_of_cards(data):
    qs = events.for_cards(
        proposal_selectors.proposal_list(
            data["process"], proposal_selectors.ProposalFilters()
        )
    )
    return list(qs)


def test_cards_and_rows_render_without_a_query(data, django_assert_num_queries):
    proposals = _page_of_cards(data)
    entries = list(selectors.tracker_entries(selectors.TrackerFilters()))
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        cards = proposal_cards.render_proposal_cards({"request": request}, proposals)
        rows = tracker_cards.render_rows(entries)
    assert cards.count('<li class="card proposal-card') == len(proposals) == 7
    assert rows.count('<tr id="tracker-row-') == len(entries) == 6


@pytest.mark.parametrize("url", ["list", "tracker"])
def test_the_pages_query_count_does_not_grow_with_cards(
    client, data, django_assert_num_queries, url
):
    """More cards and rows with every badge: the same queries."""
    client.force_login(data["viewer"])
    url = _list(data) if url == "list" else "/tracker/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    more = cards_data.build(process=data["process"])
    assert more["process"] == data["process"]
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)
