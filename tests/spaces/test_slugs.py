"""Slugs made from either title."""

from __future__ import annotations

import pytest

from participation.spaces.models import Process
from participation.spaces.slugs import readable_slug, romanise, unique_slug
from tests.factories import ProcessFactory

pytestmark = pytest.mark.django_db


def test_english_title_is_preferred():
    assert readable_slug("公共交通の未来", "The Future of Public Transport") == (
        "the-future-of-public-transport"
    )


def test_japanese_only_title_is_romanised():
    assert readable_slug("公共交通の未来") == "koukyoukoutsuu-no-mirai"


def test_full_width_digits_and_letters_are_folded():
    assert readable_slug("２０２７年度　ＢＵＳ") == "2027-nendo-bus"


def test_romanise_leaves_ascii_alone():
    assert romanise("Bus 2027") == "Bus 2027"


def test_title_of_symbols_only_gets_a_numbered_slug():
    assert unique_slug(Process.objects.all(), title="！？・…") == "process-1"
    ProcessFactory(slug="process-1")
    assert unique_slug(Process.objects.all(), title="！？") == "process-2"


def test_taken_slug_is_numbered():
    ProcessFactory(slug="koukyoukoutsuu-no-mirai")
    ProcessFactory(slug="koukyoukoutsuu-no-mirai-2")
    assert (
        unique_slug(Process.objects.all(), title="公共交通の未来")
        == "koukyoukoutsuu-no-mirai-3"
    )


def test_own_slug_is_not_taken_by_itself():
    process = ProcessFactory(slug="bus")
    assert (
        unique_slug(
            Process.objects.all(), title="x", title_en="Bus", exclude_pk=process.pk
        )
        == "bus"
    )


def test_long_titles_are_cut_at_a_word():
    slug = readable_slug("", "word " * 40)
    assert len(slug) <= 60 and not slug.endswith("-")
    assert set(slug.split("-")) == {"word"}
