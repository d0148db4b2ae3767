from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from participation.text import clean_text, contains_url, has_control_characters

REAL_NAME_MIN, REAL_NAME_MAX = 2, 100


def clean_real_name(value: str) -> str:
    """Validate and normalize a real name: 2–100 characters, no URL, no control
    characters. Returns the stripped value."""
    if has_control_characters(value):
        raise ValidationError(
            _("Your name cannot contain control characters."), code="control"
        )
    value = " ".join(clean_text(value).split())
    if len(value) < REAL_NAME_MIN:
        raise ValidationError(
            _("Please enter your real name (at least 2 characters)."), code="short"
        )
    if len(value) > REAL_NAME_MAX:
        raise ValidationError(
            _("Your name can be at most 100 characters."), code="long"
        )
    if contains_url(value) or "://" in value or "@" in value:
        raise ValidationError(
            _("Your name cannot contain a web address or e-mail address."), code="url"
        )
    return value


def clean_name_reading(value: str) -> str:
    """The optional reading of a name (furigana): up to 100 characters, no URL,
    no control characters. Returns the stripped value ("" when left empty)."""
    if has_control_characters(value):
        raise ValidationError(
            _("The reading cannot contain control characters."), code="control"
        )
    value = " ".join(clean_text(value).split())
    if len(value) > REAL_NAME_MAX:
        raise ValidationError(
            _("The reading can be at most 100 characters."), code="long"
        )
    if contains_url(value) or "://" in value or "@" in value:
        raise ValidationError(
            _("The reading cannot contain a web address or e-mail address."),
            code="url",
        )
    return value


BIO_MAX = 300


def clean_bio(value: str) -> str:
    """A short plain-text bio: control characters removed, stripped, 300 at most."""
    value = clean_text(value)
    if len(value) > BIO_MAX:
        raise ValidationError(
            _("Keep it to %(max)d characters or fewer.") % {"max": BIO_MAX},
            code="long",
        )
    return value
