"""Writes of the attributes a resident chooses: save (an upsert) and remove.

Both are idempotent by nature (the form states the whole wanted state), so a double
submit stores the same thing twice and needs no idempotency key. Neither writes the
values to the audit log: a removed attribute must leave nothing behind.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.models import User
from participation.attributes.models import HEAR_ABOUT_MAX, AgeBand, ResidentAttributes
from participation.attributes.rules import attributes_edit_refusal
from participation.attributes.selectors import forget_attributes
from participation.errors import Invalid
from participation.spaces.models import Area, Category


def clean_hear_about(value: str) -> str:
    """One line of text: NFC, control characters dropped, spaces collapsed."""
    text = unicodedata.normalize("NFC", value or "")
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = " ".join(text.split())
    if len(text) > HEAR_ABOUT_MAX:
        raise Invalid(
            _("Write at most %(n)d characters.") % {"n": HEAR_ABOUT_MAX},
            code="invalid_attributes",
            field_errors={
                "hear_about": [
                    str(_("Write at most %(n)d characters.") % {"n": HEAR_ABOUT_MAX})
                ]
            },
        )
    return text


@transaction.atomic
def attributes_save(
    *,
    user: User,
    age_band: str = "",
    area: Area | None = None,
    interests: Iterable[Category] = (),
    hear_about: str = "",
) -> ResidentAttributes | None:
    """Store what ``user`` chose to tell, replacing what they told before.

    An attribute left empty is erased; when nothing is left, the row is deleted and
    None is returned."""
    refusal = attributes_edit_refusal(user)
    if refusal is not None:
        raise refusal
    if age_band not in ("", *AgeBand.values):
        raise Invalid(
            _("Choose an age band from the list."),
            code="invalid_attributes",
            field_errors={"age_band": [str(_("Choose an age band from the list."))]},
        )
    if area is not None and not Area.objects.filter(pk=area.pk).exists():
        raise Invalid(
            _("Choose a municipality from the list."),
            code="invalid_attributes",
            field_errors={"area": [str(_("Choose a municipality from the list."))]},
        )
    chosen = {category.pk for category in interests}
    if len(chosen) != Category.objects.filter(pk__in=chosen).count():
        raise Invalid(
            _("Choose interests from the list."),
            code="invalid_attributes",
            field_errors={"interests": [str(_("Choose interests from the list."))]},
        )
    text = clean_hear_about(hear_about)
    forget_attributes(user)
    if not (age_band or area or chosen or text):
        ResidentAttributes.objects.filter(user_id=user.pk).delete()
        return None
    row, _created = ResidentAttributes.objects.update_or_create(
        user_id=user.pk,
        defaults={
            "age_band": age_band,
            "area": area,
            "hear_about": text,
            "updated_at": timezone.now(),
        },
    )
    row.interests.set(sorted(chosen))
    return row


@transaction.atomic
def attributes_remove(*, user: User) -> bool:
    """Delete every attribute ``user`` gave. True when there was something."""
    refusal = attributes_edit_refusal(user)
    if refusal is not None:
        raise refusal
    forget_attributes(user)
    deleted, _per_model = ResidentAttributes.objects.filter(user_id=user.pk).delete()
    return bool(deleted)
