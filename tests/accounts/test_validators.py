"""Real-name, reading and bio validation (shared by sign-up, profile and admin)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from participation.accounts.validators import (
    clean_bio,
    clean_name_reading,
    clean_real_name,
)


def test_real_name_is_stripped_and_inner_spaces_collapsed():
    assert clean_real_name("  山田   太郎 ") == "山田 太郎"


def test_real_name_of_two_characters_is_accepted():
    assert clean_real_name("林檎") == "林檎"


def test_real_name_of_one_character_is_too_short():
    with pytest.raises(ValidationError) as error:
        clean_real_name(" 林 ")
    assert error.value.code == "short"


def test_real_name_of_100_characters_is_accepted():
    assert len(clean_real_name("あ" * 100)) == 100


def test_real_name_of_101_characters_is_too_long():
    with pytest.raises(ValidationError) as error:
        clean_real_name("あ" * 101)
    assert error.value.code == "long"


@pytest.mark.parametrize(
    "value", ["http://spam.example", "see www.spam.example", "me@example.org"]
)
def test_real_name_with_url_or_e_mail_is_refused(value):
    with pytest.raises(ValidationError) as error:
        clean_real_name(value)
    assert error.value.code == "url"


@pytest.mark.parametrize("value", ["Hanako\x00Sato", "Hanako\x1bSato", "Ha\x85nako"])
def test_real_name_with_control_character_is_refused(value):
    with pytest.raises(ValidationError) as error:
        clean_real_name(value)
    assert error.value.code == "control"


def test_empty_name_reading_is_allowed():
    assert clean_name_reading("   ") == ""


def test_name_reading_with_url_is_refused():
    with pytest.raises(ValidationError):
        clean_name_reading("https://example.org")


def test_bio_longer_than_300_characters_is_refused():
    with pytest.raises(ValidationError):
        clean_bio("x" * 301)


def test_bio_drops_control_characters():
    assert clean_bio(" hello\x07 world ") == "hello world"
