"""Batch work of a department: one progress update posted to several proposals of
the same project (the proposals one grouped answer covers, or any of the
department's open implementations), in one transaction: all or none.

A grouped *answer* needs no batch service: one response already covers several
proposals (``answers._lock_group``); a draft names the others it covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from participation.accounts.types import Actor
from participation.errors import Invalid
from responses.models import ProgressUpdate, TrackerEntry
from responses.services.answers import MAX_GROUP
from responses.services.implementation import progress_post


@transaction.atomic
def progress_post_batch(
    *,
    actor: Actor,
    entry_ids: Iterable[Any],
    status: str,
    percent: Any,
    body: str,
    link: str = "",
    happened_on: date | None = None,
) -> list[ProgressUpdate]:
    """Post the same progress update to each proposal; every one is checked as if
    posted alone (permission, acceptance, dates), and one refusal refuses all."""
    try:
        ids = sorted({int(i) for i in entry_ids})
    except (TypeError, ValueError):
        raise Invalid(
            _("Choose the proposals to update."),
            field_errors={"entries": ["invalid_choice"]},
        ) from None
    if not ids:
        raise Invalid(
            _("Choose at least one proposal to update."),
            field_errors={"entries": ["required"]},
        )
    if len(ids) > MAX_GROUP + 1:
        raise Invalid(
            _("One update can cover at most %(n)d proposals.") % {"n": MAX_GROUP + 1},
            field_errors={"entries": ["too_many"]},
        )
    entries = list(TrackerEntry.objects.filter(pk__in=ids).order_by("pk"))
    if len(entries) != len(ids):
        raise Invalid(
            _("Some of the proposals to update are not in the tracker."),
            field_errors={"entries": ["invalid_choice"]},
        )
    if len({e.department_id for e in entries}) != 1:
        raise Invalid(
            _("One update can only cover proposals of the same department."),
            code="wrong_department",
            field_errors={"entries": ["wrong_department"]},
        )
    return [
        progress_post(
            actor=actor,
            entry=entry,
            status=status,
            percent=percent,
            body=body,
            link=link,
            happened_on=happened_on,
        )
        for entry in entries
    ]
