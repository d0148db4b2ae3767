"""The data-access log: ``record_view`` is the one way to write it.

Call it whenever a staff member is *shown* a resident's non-public data (the
e-mail address, the attributes they gave, verification details, a download of
their personal data), in the request that shows it, with what was shown and why.
The resident reads these entries on "Your data" (accounts/data/).

    from participation.privacy.access import record_view
    from participation.privacy.models import DataKind, Purpose

    record_view(viewer=request.user, subjects=[resident], what=DataKind.VERIFICATION,
                purpose=Purpose.VERIFICATION, path=request.path)

- One row per resident shown: a list page or a bulk export of 500 accounts writes
  500 rows (one ``bulk_create``, a fixed number of queries).
- A person viewing their own data is not logged; neither is a refusal (check the
  permission first: a staff member refused the page saw nothing).
- The viewer's role and department are captured now, so the entry reads the same
  after their role changes.
- Append-only: nothing updates or deletes a row (``AccessLogEntry``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from participation.accounts.models import Role, RoleGrant
from participation.accounts.types import Actor
from participation.privacy.models import AccessLogEntry, DataKind, Purpose

_BATCH = 1000


def _ids(subjects: Any) -> list[int]:
    if subjects is None:
        return []
    if hasattr(subjects, "pk") or isinstance(subjects, int):
        subjects = [subjects]
    ids = {int(getattr(s, "pk", s)) for s in subjects if getattr(s, "pk", s)}
    return sorted(ids)


def viewer_capacity(viewer: Actor) -> tuple[str, str, str]:
    """(role, department name, department name in English) the viewer acts in:
    an administrator first, then an official's first department, then a
    facilitator. One query."""
    grants = list(
        RoleGrant.objects.filter(user_id=viewer.pk)
        .select_related("department")
        .order_by("id")
    )
    roles = {grant.role for grant in grants}
    if Role.ADMIN in roles or viewer.is_superuser:
        role = Role.ADMIN
    elif Role.OFFICIAL in roles:
        role = Role.OFFICIAL
    elif Role.FACILITATOR in roles:
        role = Role.FACILITATOR
    else:
        role = ""
    department = next(
        (g.department for g in grants if g.role == Role.OFFICIAL and g.department),
        None,
    )
    if department is None:
        return str(role), "", ""
    return str(role), department.name, getattr(department, "name_en", "") or ""


def record_view(
    *,
    viewer: Actor,
    subjects: Any,
    what: str,
    purpose: str,
    path: str = "",
    at: Any = None,
) -> int:
    """Append one entry per resident in ``subjects`` (a user, an id, or an
    iterable of them) that ``viewer`` was shown ``what`` (a
    :class:`~participation.privacy.models.DataKind`) of, for ``purpose`` (a
    :class:`~participation.privacy.models.Purpose`). Returns the entries written."""
    if what not in DataKind.values:
        raise ValueError(f"unknown kind of data: {what!r}")
    if purpose not in Purpose.values:
        raise ValueError(f"unknown purpose: {purpose!r}")
    ids = [pk for pk in _ids(subjects) if pk != viewer.pk]
    if not ids:
        return 0
    role, department, department_en = viewer_capacity(viewer)
    now = at or timezone.now()
    rows = [
        AccessLogEntry(
            viewer_id=viewer.pk,
            viewer_name=(viewer.real_name or f"#{viewer.pk}")[:100],
            viewer_role=role,
            department_name=department[:120],
            department_name_en=department_en[:120],
            subject_id=pk,
            what=what,
            purpose=purpose,
            path=path[:300],
            created_at=now,
        )
        for pk in ids
    ]
    AccessLogEntry.objects.bulk_create(rows, batch_size=_BATCH)
    return len(rows)


def entries_for(user: Actor, *, limit: int | None = None) -> Iterable[AccessLogEntry]:
    """The entries about ``user``, newest first (one query)."""
    qs = AccessLogEntry.objects.for_subject(user)
    return qs[:limit] if limit else qs
