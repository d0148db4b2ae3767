"""The base of every syndication feed of the site: Atom, safe HTML, links on SITE_URL.

Feed readers render an Atom ``<summary type="html">`` as HTML, and the text in it
(residents' real names, staff notes, titles) is user text. So:

- every HTML field (``item_description``, and a channel ``description``) goes
  through the one sanitizer, ``text.sanitize_html``, whatever a subclass returns.
  Subclasses build it from plain text with ``format_html`` (see
  :func:`paragraphs`), so text is shown as written and markup cannot run;
- every other field is plain text: Atom writes titles, subtitles and author names
  without ``type``, which means ``type="text"``, and only Atom is allowed here
  (RSS readers treat titles as HTML);
- every link (the feed's, its own address, each entry's) is
  ``site_url.absolute_url(path)``, never the Sites record nor the request's Host.
"""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from participation.site_url import absolute_url
from participation.text import sanitize_html

_HTML_FIELDS = frozenset({"description", "item_description"})
_LINK_FIELDS = frozenset(
    {
        "link",
        "feed_url",
        "item_link",
        "author_link",
        "item_author_link",
        "item_comments",
    }
)


def paragraphs(*texts: str) -> SafeString:
    """Plain texts as escaped HTML paragraphs (empty ones left out)."""
    return format_html_join("", "<p>{}</p>", ((t,) for t in texts if t))


def _absolute(value: str) -> str:
    """A path of the site on SITE_URL; an address elsewhere is left as it is."""
    return absolute_url(value) if value.startswith("/") else value


class SiteFeed(Feed):
    feed_type: type[SyndicationFeed] = Atom1Feed

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not issubclass(cls.feed_type, Atom1Feed):
            raise ImproperlyConfigured(f"{cls.__name__}: the site's feeds are Atom.")

    def _get_dynamic_attr(self, attname: str, obj: Any, default: Any = None) -> Any:
        # Every field of the feed and of its entries is read through here.
        value = super()._get_dynamic_attr(attname, obj, default)
        if value is None or value == "":
            return value
        if attname in _HTML_FIELDS:
            return sanitize_html(str(value))
        if attname in _LINK_FIELDS:
            return _absolute(str(value))
        return value

    def get_feed(self, obj: Any, request: HttpRequest) -> SyndicationFeed:
        feed = super().get_feed(obj, request)
        # Without a feed_url, Django builds it from the Sites record and the path.
        if not self._get_dynamic_attr("feed_url", obj):
            feed.feed["feed_url"] = absolute_url(request.path)
        return feed
