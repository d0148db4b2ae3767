"""Who may set up processes, and who may preview a draft.

Setting up (create, edit, publish, archive, copy, attachments) is the
administrators' today. Every check goes through :func:`_manages`, the one place
that says *whose* processes a person manages, so that organisation admins
(scoped to their own municipality's processes) are one change there.

Previewing a draft is for those who manage it and for its own facilitators: it
is what ``Process.objects.visible_to`` lets through, for one process.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext_lazy as _

from participation.accounts.rules import is_admin
from participation.accounts.selectors import standing_of
from participation.accounts.types import Viewer
from participation.errors import DomainError, Invalid, NotAllowed
from participation.spaces.models import Process, ProcessStatus

Refusal = DomainError | None

# The one table of a process's life: draft → published → archived, and an
# archived process may be published again (a consultation reopened).
TRANSITIONS: dict[str, frozenset[str]] = {
    ProcessStatus.DRAFT: frozenset({ProcessStatus.PUBLISHED}),
    ProcessStatus.PUBLISHED: frozenset({ProcessStatus.ARCHIVED}),
    ProcessStatus.ARCHIVED: frozenset({ProcessStatus.PUBLISHED}),
}


def _manages(user: Viewer, process: Process | None) -> bool:
    """Does ``user`` manage ``process`` (or, with None, may they create one)?
    Administrators manage every process. (Organisation admins: scope it here.)"""
    return bool(is_admin(user))


def _staff_refusal(user: Viewer) -> Refusal:
    standing = standing_of(user)
    if not standing.is_authenticated:
        return NotAllowed(_("Please log in."), code="not_authenticated")
    if standing.is_admin_role and not standing.mfa_satisfied:
        return NotAllowed(
            _("Set up two-factor authentication before setting up processes."),
            code="mfa_required",
        )
    return None


def process_manage_refusal(user: Viewer, process: Process | None = None) -> Refusal:
    """May ``user`` create a process (``process`` None) or edit this one, its
    phases and its files?"""
    refusal = _staff_refusal(user)
    if refusal:
        return refusal
    if not _manages(user, process):
        return NotAllowed(
            _("Only administrators can set up participatory processes."),
            code="not_admin",
        )
    return None


def process_transition_refusal(user: Viewer, process: Process, status: str) -> Refusal:
    """May ``user`` move ``process`` to ``status`` (publish, archive)?"""
    refusal = process_manage_refusal(user, process)
    if refusal:
        return refusal
    if status not in TRANSITIONS.get(process.status, frozenset()):
        if status == ProcessStatus.PUBLISHED:
            message = _("This process is already published.")
        elif status == ProcessStatus.ARCHIVED:
            message = _("Only a published process can be archived.")
        else:
            message = _("A process cannot go back to being a draft.")
        return Invalid(message, code="invalid_transition")
    if status == ProcessStatus.PUBLISHED and not process.phases.exists():
        return Invalid(
            _("Add at least one phase before publishing the process."),
            code="no_phases",
        )
    return None


def process_publish_refusal(user: Viewer, process: Process) -> Refusal:
    return process_transition_refusal(user, process, ProcessStatus.PUBLISHED)


def process_archive_refusal(user: Viewer, process: Process) -> Refusal:
    return process_transition_refusal(user, process, ProcessStatus.ARCHIVED)


def process_copy_refusal(user: Viewer, process: Process) -> Refusal:
    return process_manage_refusal(user, process)


def process_preview_refusal(user: Viewer, process: Process) -> Refusal:
    """May ``user`` open this process's pages while it is a draft?"""
    if process.is_public:
        return None
    if Process.objects.visible_to(user).filter(pk=process.pk).exists():
        return None
    return NotAllowed(_("This process is not public yet."), code="not_public")


@rules.predicate
def can_manage_process(user: Viewer, process: Any = None) -> bool:
    return process_manage_refusal(user, process) is None


@rules.predicate
def can_publish_process(user: Viewer, process: Process) -> bool:
    return process_publish_refusal(user, process) is None


@rules.predicate
def can_archive_process(user: Viewer, process: Process) -> bool:
    return process_archive_refusal(user, process) is None


for _name, _pred in (
    ("spaces.manage_process", can_manage_process),
    ("spaces.publish_process", can_publish_process),
    ("spaces.archive_process", can_archive_process),
):
    rules.add_perm(_name, _pred)
    rules.add_rule(_name, _pred)
