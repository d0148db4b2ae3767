"""Who must be verified for what, and who of the staff may do what here.

``verification_refusal(user, process, action)`` is what the apps' refusal rules
call (``proposals.rules``: proposing, supporting, commenting): None when the
person's level (from their standing, no extra query) meets the process's
requirement for that action (one query per process object, then cached on it),
else a ``VerificationRequired`` whose message says how to get verified.

Staff: administrators do everything here. Counter staff are the officials of the
departments in ``VERIFICATION_COUNTER_DEPARTMENTS`` (the resident services
section that checks a resident's address at the window): they issue and print
codes and look up who is verified (to answer "am I verified?" at the counter),
but they neither set requirements nor revoke — a revocation takes away a
person's say, which is an administrator's decision, with a reason. Facilitators
and other officials see nothing of it: moderating a discussion or answering a
proposal never needs to know how a person showed their residence.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from participation.accounts.rules import is_admin
from participation.accounts.selectors import standing_of
from participation.accounts.types import Viewer, signed_in
from participation.errors import DomainError, NotAllowed, VerificationRequired
from participation.site_url import absolute_url
from participation.spaces.models import Department
from participation.verification import methods, selectors
from participation.verification.models import Action, Level

Refusal = DomainError | None

_DOING: dict[str, Any] = {
    Action.PROPOSE: _("Proposing in this process"),
    Action.SUPPORT: _("Supporting proposals in this process"),
    Action.COMMENT: _("Commenting in this process"),
    Action.ALL: _("Taking part in this process"),
}


def required_level(process: Any, action: str) -> int:
    return selectors.required_level(process, action)


def verification_refusal(user: Viewer, process: Any, action: str) -> Refusal:
    level = required_level(process, action)
    if not level or standing_of(user).verification_level >= level:
        return None
    url = absolute_url(reverse("verification:status"))
    ways = methods.reaching(level)
    how = " ".join(str(m.how_to()) for m in ways)
    message = _(
        "%(doing)s is open to residents with this verification: %(level)s. "
        "%(how)s Get verified at %(url)s"
    ) % {
        "doing": _DOING.get(action, _DOING[Action.ALL]),
        "level": Level(level).label,
        "how": how,
        "url": url,
    }
    return VerificationRequired(message, url=url, methods=ways, level=level)


def counter_department_ids() -> frozenset[int]:
    codes = settings.VERIFICATION_COUNTER_DEPARTMENTS
    if not codes:
        return frozenset()
    return frozenset(
        Department.objects.filter(code__in=codes).values_list("pk", flat=True)
    )


def is_counter_staff(user: Viewer) -> bool:
    person = signed_in(user)
    if person is None:
        return False
    standing = standing_of(person)
    if not standing.department_ids or not standing.mfa_satisfied:
        return False
    cached = getattr(person, "_verification_counter", None)
    if cached is None:
        cached = bool(standing.department_ids & counter_department_ids())
        setattr(person, "_verification_counter", cached)  # noqa: B010
    return cached


def _staff_refusal(user: Viewer, allowed: bool) -> Refusal:
    standing = standing_of(user)
    if not standing.is_authenticated:
        return NotAllowed(_("Please log in."), code="not_authenticated")
    if standing.is_staff_role and not standing.mfa_satisfied:
        return NotAllowed(
            _("Set up two-factor authentication before using staff pages."),
            code="mfa_required",
        )
    if not allowed:
        return NotAllowed(
            _("This page is for administrators and counter staff of verification."),
            code="not_verification_staff",
        )
    return None


def codes_issue_refusal(user: Viewer) -> Refusal:
    return _staff_refusal(user, bool(is_admin(user) or is_counter_staff(user)))


def records_view_refusal(user: Viewer) -> Refusal:
    return _staff_refusal(user, bool(is_admin(user) or is_counter_staff(user)))


def revoke_refusal(user: Viewer) -> Refusal:
    refusal = _staff_refusal(user, bool(is_admin(user) or is_counter_staff(user)))
    if refusal or is_admin(user):
        return refusal
    return NotAllowed(
        _("Only administrators can revoke a verification."), code="admins_only"
    )


def requirements_refusal(user: Viewer) -> Refusal:
    refusal = _staff_refusal(user, bool(is_admin(user) or is_counter_staff(user)))
    if refusal or is_admin(user):
        return refusal
    return NotAllowed(
        _("Only administrators can set what a process requires."),
        code="admins_only",
    )


def verify_refusal(user: Viewer) -> Refusal:
    """May this person verify themselves (any method)?"""
    standing = standing_of(user)
    if not standing.is_authenticated:
        return NotAllowed(_("Please log in to get verified."), code="not_authenticated")
    if not standing.is_verified:
        return NotAllowed(
            _("Please verify your e-mail address before getting verified."),
            code="not_verified",
        )
    return None
