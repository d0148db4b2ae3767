"""User text → safe HTML. The only module that imports bleach.

User text is stored exactly as written. On display it goes through a small
Markdown subset (paragraphs, line breaks, emphasis, lists, quotes, code, links),
then through an allow-list sanitizer from settings. Raw HTML typed by a user is
escaped before Markdown sees it, so it shows as text and can never run.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import MutableMapping

import bleach
import markdown
from bleach.linkifier import Linker
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

_REL = "nofollow ugc noopener"
_URL_RE = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
# C0/C1 control characters except tab, newline and carriage return.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _set_rel(
    attrs: MutableMapping[tuple[str | None, str], str], new: bool = False
) -> MutableMapping[tuple[str | None, str], str]:
    href_key = (None, "href")
    href = attrs.get(href_key, "")
    if not href or href.startswith("#"):
        return attrs
    attrs[(None, "rel")] = _REL
    return attrs


def _linker() -> Linker:
    return Linker(callbacks=[_set_rel], skip_tags={"pre", "code"})


def sanitize_html(raw_html: str) -> SafeString:
    """Clean HTML against the allow-list in settings and mark links as user content."""
    cleaned = bleach.clean(
        raw_html,
        tags=set(settings.SANITIZER_ALLOWED_TAGS),
        attributes=settings.SANITIZER_ALLOWED_ATTRIBUTES,
        protocols=set(settings.SANITIZER_ALLOWED_PROTOCOLS),
        strip=True,
        strip_comments=True,
    )
    return mark_safe(_linker().linkify(cleaned))  # noqa: S308 - cleaned above


def render_markdown(text: str) -> SafeString:
    """Render the Markdown subset of a user's text into sanitized HTML."""
    escaped = html.escape(text or "", quote=False)
    rendered = markdown.markdown(
        escaped, extensions=["nl2br", "sane_lists"], output_format="html"
    )
    return sanitize_html(rendered)


def clean_text(value: str) -> str:
    """Normalize user input: NFC, no control characters, stripped."""
    value = unicodedata.normalize("NFC", value or "")
    value = _CONTROL_RE.sub("", value)
    return value.strip()


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL_RE.search(value or ""))


def contains_url(value: str) -> bool:
    return bool(_URL_RE.search(value or ""))


def excerpt(text: str, length: int = 160) -> str:
    """Plain one-line excerpt of a user's text (Markdown marks left as typed)."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"
