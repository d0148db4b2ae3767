"""Which tracked proposals are "mine": the sections an official belongs to, and
the departments where they belong to no section (they answer for the whole
department). Loaded once per request (one query, cached on the user object)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from participation.accounts.selectors import standing_of
from participation.accounts.types import Viewer, signed_in
from participation.spaces.models import Section

_CACHE_ATTR = "_responses_scope"


@dataclass(frozen=True)
class Scope:
    is_admin: bool = False
    department_ids: frozenset[int] = field(default_factory=frozenset)
    section_ids: frozenset[int] = field(default_factory=frozenset)
    # Departments where the person belongs to a section (the rest: whole department).
    sectioned_department_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def whole_department_ids(self) -> frozenset[int]:
        return self.department_ids - self.sectioned_department_ids

    @property
    def is_empty(self) -> bool:
        return not (self.is_admin or self.department_ids)

    def q(self, prefix: str = "") -> Q:
        """Entries of my sections, of my departments not yet given to a section,
        and of the departments I answer for as a whole (everything for admins
        without a department)."""
        if self.is_admin and not self.department_ids:
            return Q()
        if not self.department_ids:
            return Q(pk__in=[])
        return (
            Q(**{f"{prefix}section_id__in": sorted(self.section_ids)})
            | Q(
                **{
                    f"{prefix}department_id__in": sorted(self.department_ids),
                    f"{prefix}section__isnull": True,
                }
            )
            | Q(**{f"{prefix}department_id__in": sorted(self.whole_department_ids)})
        )

    def covers(self, department_id: int | None, section_id: int | None) -> bool:
        """An entry at (department, section) is within this scope."""
        if department_id is None or department_id not in self.department_ids:
            return False
        return (
            section_id is None
            or section_id in self.section_ids
            or department_id in self.whole_department_ids
        )


def scope_of(viewer: Viewer | None) -> Scope:
    user = signed_in(viewer)
    if user is None:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    standing = standing_of(user)
    sectioned: frozenset[int] = frozenset()
    if standing.section_ids:
        sectioned = frozenset(
            Section.objects.filter(pk__in=standing.section_ids)
            .filter(department_id__in=standing.department_ids)
            .values_list("department_id", flat=True)
        )
    scope = Scope(
        is_admin=standing.is_admin_role and standing.mfa_satisfied,
        department_ids=standing.department_ids
        if standing.mfa_satisfied
        else frozenset(),
        section_ids=standing.section_ids if standing.mfa_satisfied else frozenset(),
        sectioned_department_ids=sectioned,
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(viewer: Viewer | None) -> None:
    if viewer is not None and hasattr(viewer, _CACHE_ATTR):
        delattr(viewer, _CACHE_ATTR)
