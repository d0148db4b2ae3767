"""Whether a department's answers go through approval (決裁), and who approves.

A department's switch (``Department.approval_required``, default on) says whether
its officials' answers need an approver's approval before they are published. The
switch is read here only, so that its home may move without touching the rules.

Approval *applies* to a department when its switch is on and it has at least one
approver (an official's grant with ``approver``): a department nobody could
approve for publishes directly, as a department with approval off does.

A draft is approved by an approver of its section (a grant naming that section),
or by an approver of the whole department (an approver grant without a section).
A draft without a section is approved by any approver of its department.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from participation.accounts.models import Role, RoleGrant, User
from participation.accounts.selectors import active_approvers, standing_of
from participation.accounts.types import Viewer


def approval_required(department: Any) -> bool:
    """The department's own switch (on unless the department turned it off)."""
    if department is None:
        return False
    return bool(getattr(department, "approval_required", True))


def _approver_grants(department_id: int) -> QuerySet[RoleGrant]:
    return active_approvers(department_id)


def approval_applies(department: Any) -> bool:
    """Answers of ``department`` are published only through an approved draft."""
    if not approval_required(department):
        return False
    return _approver_grants(department.pk).exists()


def approvers_of(draft: Any) -> QuerySet[User]:
    """Everyone who may approve ``draft`` (its author and submitter excluded)."""
    grants = _approver_grants(draft.department_id)
    if draft.section_id is not None:
        grants = grants.filter(Q(section_id=draft.section_id) | Q(section__isnull=True))
    excluded = {draft.author_id, draft.submitted_by_id} - {None}
    return (
        User.objects.filter(pk__in=grants.values("user_id"), is_active=True)
        .exclude(pk__in=excluded)
        .order_by("pk")
    )


def approves_for(user: Viewer, draft: Any) -> bool:
    """``user`` holds an approver grant covering the draft's section."""
    standing = standing_of(user)
    if draft.department_id in standing.approver_department_ids:
        return True
    if draft.department_id not in standing.department_ids:
        return False
    if draft.section_id is None:
        # Any approver of the department, through one of its sections.
        person = getattr(user, "pk", None)
        if person is None or not standing.approver_section_ids:
            return False
        return RoleGrant.objects.filter(
            user_id=person, department_id=draft.department_id, approver=True
        ).exists()
    return draft.section_id in standing.approver_section_ids


def section_of(user: Viewer, entry: Any) -> int | None:
    """The section a new draft belongs to: the entry's own section where the
    tracker routes to sections, else the author's section in that department."""
    section_id = getattr(entry, "section_id", None)
    if section_id is not None:
        return int(section_id)
    person_id = getattr(user, "pk", None)
    if person_id is None or entry.department_id is None:
        return None
    return (
        RoleGrant.objects.filter(
            user_id=person_id,
            role=Role.OFFICIAL,
            department_id=entry.department_id,
            section__isnull=False,
        )
        .values_list("section_id", flat=True)
        .first()
    )


def show_official_name() -> bool:
    """Whether the approving official's name is public (the organisation's choice)."""
    return bool(getattr(settings, "RESPONSE_SHOW_OFFICIAL_NAME", False))
