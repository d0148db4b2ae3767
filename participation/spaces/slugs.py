"""Slugs made from either title: the English one when it has letters or digits,
else the Japanese one romanised (Hepburn, through pykakasi), else a number.

``/processes/<slug>/`` is printed on flyers, so a slug is short, readable,
lower-case ASCII, and unique: :func:`unique_slug` adds ``-2``, ``-3``… when the
readable one is taken. The staff form and the Django admin both call it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.utils.text import slugify

MAX_LENGTH = 80
# Room kept at the end of a readable slug for "-NN".
_BASE_LENGTH = 60
_FALLBACK = "process"


@lru_cache(maxsize=1)
def _kakasi() -> Any:
    import pykakasi  # loaded once, on the first Japanese-only title (≈ 0.3 s)

    return pykakasi.kakasi()


def romanise(text: str) -> str:
    """Japanese text in Hepburn romaji, words separated by spaces
    (公共交通の未来 → "koukyoukoutsuu no mirai")."""
    text = unicodedata.normalize("NFKC", text or "")
    if text.isascii():
        return text
    parts = [item["hepburn"] for item in _kakasi().convert(text)]
    return " ".join(part.strip() for part in parts if part.strip())


def _shorten(slug: str, length: int) -> str:
    if len(slug) <= length:
        return slug
    cut = slug[:length]
    if "-" in cut and slug[length] != "-":
        cut = cut.rsplit("-", 1)[0]
    return cut.strip("-")


def readable_slug(title: str, title_en: str = "") -> str:
    """The slug the titles suggest, or "" when neither has anything usable."""
    for text in (title_en, romanise(title)):
        slug = slugify(unicodedata.normalize("NFKC", text or ""))
        slug = re.sub(r"-{2,}", "-", slug.replace("_", "-")).strip("-")
        slug = _shorten(slug, _BASE_LENGTH)
        if re.search(r"[a-z0-9]", slug):
            return slug
    return ""


def unique_slug(
    queryset: QuerySet[Any],
    *,
    title: str,
    title_en: str = "",
    exclude_pk: int | None = None,
    fallback: str = _FALLBACK,
) -> str:
    """A slug free in ``queryset`` (one query): readable if the titles allow,
    numbered (``-2``, ``-3``…) when taken, ``<fallback>-<n>`` when nothing usable
    remains of either title."""
    base = readable_slug(title, title_en)
    numbered = not base
    base = base or fallback
    others = queryset.filter(slug__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    if not numbered and base not in taken:
        return base
    n = 1 if numbered else 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
