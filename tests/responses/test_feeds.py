"""The tracker's Atom feeds: user text (real names frozen into events, staff notes,
titles) never becomes live markup in a feed reader, and every link is on SITE_URL."""

from __future__ import annotations

from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.conf import settings as django_settings

from participation.feeds import SiteFeed
from responses import services
from tests import factories

ATOM = "{http://www.w3.org/2005/Atom}"
NAME = "<img src=x onerror=alert(1)>"
NOTE = 'See <script>alert("note")</script> <a href="javascript:alert(2)">this</a>'
TITLE = "<svg onload=alert(3)>公園"
SITE = "https://participate.example.jp"


class _Markup(HTMLParser):
    """The tags, attributes and text a feed reader would see in an HTML summary."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text += data


def _markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
def feeds(process, department):
    return [
        "/tracker/feed/",
        f"/tracker/feed/processes/{process.slug}/",
        f"/tracker/feed/departments/{department.code}/",
    ]


@pytest.fixture
def hostile(db, resident, admin_user, official, proposal):
    """Real names and a title with markup, frozen into events before the steps."""
    for user in (resident, admin_user, official):
        user.real_name = NAME
        user.save(update_fields=["real_name"])
    proposal.title = TITLE
    proposal.save(update_fields=["title"])


@pytest.fixture
def steps(hostile, disputed, admin_user, process, department, resident):
    """Forwarded, assigned, published, completed, disputed by ``NAME``; and another
    proposal forwarded and assigned with a staff note full of markup."""
    other = factories.ProposalFactory(process=process, author=resident, title=TITLE)
    entry = services.tracker_forward(actor=admin_user, proposal=other, note=NOTE)
    services.tracker_assign(
        actor=admin_user, entry=entry, department=department, note=NOTE
    )
    return disputed


def _entries(client, path):
    response = client.get(path, HTTP_HOST="localhost")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return root, root.findall(f"{ATOM}entry")


def test_every_feed_has_the_hostile_steps(client, steps, feeds):
    for path in feeds:
        _root, entries = _entries(client, path)
        summaries = " ".join(e.findtext(f"{ATOM}summary") or "" for e in entries)
        assert "disputed that the work is done" in summaries, path
        assert "alert(1)" in summaries  # the name is there, as text


def test_summaries_never_carry_live_markup_from_names_or_notes(client, steps, feeds):
    allowed = set(django_settings.SANITIZER_ALLOWED_TAGS)
    for path in feeds:
        _root, entries = _entries(client, path)
        for entry in entries:
            summary = entry.find(f"{ATOM}summary")
            assert summary is not None and summary.get("type") == "html"
            markup = _markup(summary.text or "")
            assert {tag for tag, _attrs in markup.tags} <= allowed, summary.text
            for _tag, attrs in markup.tags:
                for name, value in attrs:
                    assert not name.startswith("on"), summary.text
                    assert "javascript:" not in (value or "").lower(), summary.text
            for word in ("<img", "<script", "<svg", "onerror", "onload"):
                assert word not in " ".join(str(a) for a in markup.tags), word


def test_a_real_name_is_shown_as_written_not_dropped(client, steps):
    _root, entries = _entries(client, "/tracker/feed/")
    texts = [_markup(e.findtext(f"{ATOM}summary") or "").text for e in entries]
    assert any(f"{NAME} disputed that the work is done." in t for t in texts), texts
    assert any('<script>alert("note")</script>' in t for t in texts), texts


def test_every_other_field_is_plain_text(client, steps, feeds):
    for path in feeds:
        root, entries = _entries(client, path)
        html_fields = [
            e.tag for e in root.iter() if e.get("type") not in (None, "text")
        ]
        assert set(html_fields) <= {f"{ATOM}summary"}, html_fields
        titles = [e.findtext(f"{ATOM}title") for e in entries]
        assert any(t.startswith(TITLE) for t in titles)  # text, shown as written
        names = [e.findtext(f"{ATOM}author/{ATOM}name") for e in entries]
        assert NAME in names


def test_feed_and_entry_links_are_on_site_url_whatever_the_host(
    client, settings, steps, feeds
):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["*"]
    for path in feeds:
        response = client.get(path, HTTP_HOST="evil.example")
        root = ElementTree.fromstring(response.content)
        links = [e.get("href") for e in root.iter(f"{ATOM}link")]
        assert links and all(link.startswith(SITE + "/") for link in links), links
        assert root.find(f"{ATOM}link[@rel='self']").get("href") == SITE + path
        assert b"example.com" not in response.content
        assert b"evil.example" not in response.content


def test_every_feed_of_the_project_is_a_site_feed():
    from django.contrib.syndication.views import Feed
    from django.urls import get_resolver

    def views(resolver):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                yield from views(pattern)
            else:
                yield pattern.callback

    feeds = [view for view in views(get_resolver()) if isinstance(view, Feed)]
    assert len(feeds) >= 3
    assert all(isinstance(view, SiteFeed) for view in feeds)


def test_a_feed_that_is_not_atom_is_refused():
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.feedgenerator import Rss201rev2Feed

    with pytest.raises(ImproperlyConfigured):

        class _RssFeed(SiteFeed):
            feed_type = Rss201rev2Feed


def test_a_subclass_returning_raw_text_is_still_sanitized(rf, db):
    class _Careless(SiteFeed):
        title = "t"
        link = "/tracker/"

        def items(self):
            return [1]

        def item_title(self, item):
            return "x"

        def item_link(self, item):
            return "/proposals/1/"

        def item_description(self, item):
            return NAME + " <b>bold</b>"

    response = _Careless()(rf.get("/f/"))
    root = ElementTree.fromstring(response.content)
    summary = root.find(f"{ATOM}entry/{ATOM}summary").text
    assert "onerror" not in summary and "<img" not in summary
