"""Who handles a tracked proposal: the routing table (category → section), the
automatic assignment when a proposal enters the tracker, assignment and
reassignment (to a department, one of its sections, or an official of it), and
claiming (a department takes an unassigned proposal; an official takes one of
their department's for themselves).

Where a proposal is handled (department and section) is public: every change is
a dated event on the tracker's timeline and an audit event. Who *in* the section
handles it (``TrackerEntry.assignee``) is internal: audit only.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.models import Role, RoleGrant, User
from participation.accounts.types import Actor
from participation.audit import services as audit
from participation.checks import check_length, refuse
from participation.errors import Conflict, Invalid
from participation.idempotency import services as idempotency
from participation.notifications.reasons import Audience
from participation.spaces.models import Category, Department, Process, Section
from responses import clock, rules
from responses.models import AssignmentRule, EventKind, TrackerEntry
from responses.services._shared import (
    Notice,
    _audience,
    _coordinators,
    _department_officials,
    _event,
    _lock,
    _notify,
    _record_change,
    _snapshot,
)
from responses.staff import rules as staff_rules

NOTE_MAX = 500


def _where(entry: TrackerEntry) -> dict[str, Any]:
    """Department, section and official in charge, for the audit."""
    return {
        "department": entry.department.code if entry.department else None,
        "section": entry.section.code if entry.section else None,
        "assignee": entry.assignee_id,
    }


# --- The routing table ------------------------------------------------------------
def rule_for(proposal: Any) -> AssignmentRule | None:
    """The routing rule for a proposal: its category in its process first, then
    its category in any process (one query; None without a category)."""
    if proposal.category_id is None:
        return None
    return (
        AssignmentRule.objects.filter(category_id=proposal.category_id)
        .filter(Q(process_id=proposal.process_id) | Q(process__isnull=True))
        .select_related("category", "section", "section__department")
        .order_by(F("process_id").asc(nulls_last=True), "pk")
        .first()
    )


def route(entry: TrackerEntry) -> TrackerEntry:
    """Called as a proposal enters the tracker (``tracking._enter``): where a
    rule matches its category (and process), assign it to the rule's section and
    department at once, as an automatic assignment in the public timeline and
    the audit log, and tell the department's officials. Still reassignable."""
    rule = rule_for(entry.proposal)
    if rule is None:
        return entry
    section = rule.section
    before = _snapshot(entry)
    entry.department = section.department
    entry.section = section
    entry.assigned_at = entry.entered_at
    _event(
        entry,
        EventKind.AUTO_ASSIGNED,
        at=entry.entered_at,
        department=section.department,
        data={
            "rule": rule.pk,
            "section": section.pk,
            "category": rule.category.slug,
            "category_name": rule.category.name,
            "category_name_en": rule.category.name_en,
        },
    )
    entry.save()
    audit.record(
        actor=None,
        action="tracker.auto_assign",
        target=entry,
        before=before,
        after=_snapshot(entry)
        | {"section": section.code, "rule": rule.pk, "category": rule.category.slug},
    )
    _notify(
        entry,
        _department_officials(section.department_id),
        "proposal.assigned",
        department=entry.place_label,
    )
    return entry


def _check_rule_input(
    category: Category | None, section: Section | None, process: Process | None
) -> tuple[Category, Section]:
    if category is None:
        raise Invalid(
            _("Choose the category the rule routes."),
            field_errors={"category": ["required"]},
        )
    if section is None:
        raise Invalid(
            _("Choose the section that will answer."),
            field_errors={"section": ["required"]},
        )
    if process is not None and not process.categories.filter(pk=category.pk).exists():
        raise Invalid(
            _("The process “%(process)s” does not use the category “%(category)s”.")
            % {"process": process.title, "category": category.name},
            code="category_not_in_process",
            field_errors={"category": ["not_in_process"]},
        )
    return category, section


def _duplicate_rule(category: Category, process: Process | None) -> Conflict:
    where = process.title if process is not None else _("every process")
    return Conflict(
        _(
            "A rule already routes “%(category)s” in %(where)s. Change that rule "
            "instead."
        )
        % {"category": category.name, "where": where},
        code="duplicate_rule",
        field_errors={"category": ["duplicate"]},
    )


def _rule_snapshot(rule: AssignmentRule) -> dict[str, Any]:
    return {
        "category": rule.category.slug,
        "process": rule.process.slug if rule.process else None,
        "section": rule.section.code,
        "department": rule.section.department.code,
    }


@idempotency.idempotent("assignment_rule", author="actor")
@transaction.atomic
def assignment_rule_create(
    *,
    actor: Actor,
    category: Category | None,
    section: Section | None,
    process: Process | None = None,
    idempotency_key: str = "",
) -> AssignmentRule:
    """A line of the routing table: proposals of ``category`` (in ``process``,
    or in any process) go to ``section`` on entering the tracker."""
    refuse(staff_rules.routing_setup_refusal(actor))
    category, section = _check_rule_input(category, section, process)
    same = AssignmentRule.objects.filter(category=category, process=process)
    if same.exists():
        raise _duplicate_rule(category, process)
    try:
        with transaction.atomic():
            rule = AssignmentRule.objects.create(
                category=category, process=process, section=section
            )
    except IntegrityError as exc:  # a concurrent twin
        raise _duplicate_rule(category, process) from exc
    audit.record(
        actor=actor,
        action="routing.create",
        target=rule,
        before={},
        after=_rule_snapshot(rule),
    )
    return rule


@transaction.atomic
def assignment_rule_update(
    *,
    actor: Actor,
    rule: AssignmentRule,
    category: Category | None,
    section: Section | None,
    process: Process | None = None,
) -> AssignmentRule:
    """Change a routing rule. Entries already routed stay where they are."""
    refuse(staff_rules.routing_setup_refusal(actor))
    locked = (
        AssignmentRule.objects.select_for_update(of=("self",))
        .select_related("category", "process", "section", "section__department")
        .get(pk=rule.pk)
    )
    category, section = _check_rule_input(category, section, process)
    if (
        AssignmentRule.objects.filter(category=category, process=process)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise _duplicate_rule(category, process)
    before = _rule_snapshot(locked)
    locked.category, locked.section, locked.process = category, section, process
    locked.updated_at = timezone.now()
    after = _rule_snapshot(locked)
    if before == after:
        raise Conflict(_("Nothing was changed."), code="unchanged")
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as exc:
        raise _duplicate_rule(category, process) from exc
    audit.record(
        actor=actor, action="routing.update", target=locked, before=before, after=after
    )
    return locked


@transaction.atomic
def assignment_rule_delete(*, actor: Actor, rule: AssignmentRule) -> None:
    """Remove a routing rule. Entries already routed stay where they are."""
    refuse(staff_rules.routing_setup_refusal(actor))
    locked = (
        AssignmentRule.objects.select_for_update(of=("self",))
        .select_related("category", "process", "section", "section__department")
        .filter(pk=rule.pk)
        .first()
    )
    if locked is None:
        raise Conflict(_("This rule was already removed."), code="gone")
    before = _rule_snapshot(locked)
    audit.record(
        actor=actor, action="routing.delete", target=locked, before=before, after={}
    )
    locked.delete()


# --- Assignment by a person --------------------------------------------------------
def _check_section(department: Department, section: Section | None) -> None:
    if section is not None and section.department_id != department.pk:
        raise Invalid(
            _("The section “%(section)s” is not part of %(department)s.")
            % {"section": section.name, "department": department.name},
            code="section_of_other_department",
            field_errors={"section": ["other_department"]},
        )


def _check_assignee(department: Department, assignee: User | None) -> None:
    if assignee is None:
        return
    is_official = RoleGrant.objects.filter(
        user=assignee,
        role=Role.OFFICIAL,
        department=department,
        user__is_active=True,
    ).exists()
    if not is_official:
        raise Invalid(
            _("%(name)s is not an official of %(department)s.")
            % {"name": assignee.real_name, "department": department.name},
            code="not_official_of_department",
            field_errors={"assignee": ["not_official"]},
        )


def _assignee_notice(entry: TrackerEntry, assignee: User | None) -> Audience:
    if assignee is None:
        return Audience()
    return Audience().add([assignee.pk], "department")


@transaction.atomic
def tracker_assign(
    *,
    actor: Actor,
    entry: TrackerEntry,
    department: Department | None,
    section: Section | None = None,
    assignee: User | None = None,
    note: str = "",
) -> TrackerEntry:
    """Assign (or reassign) a tracked proposal to a department, optionally one of
    its sections and an official of it. Facilitators and admins route anything;
    officials of the section handling it hand it on. A change of department or
    section is public (timeline, with the note); a change of the official in
    charge alone is recorded in the audit log."""
    locked = _lock(entry)
    refuse(rules.assign_refusal(actor, locked))
    if department is None and section is not None:
        department = section.department
    if department is None:
        raise Invalid(
            _("Choose the department that will answer."),
            field_errors={"department": ["required"]},
        )
    _check_section(department, section)
    _check_assignee(department, assignee)
    if assignee is not None and section is None:
        section = _section_of(assignee, department)
    note = check_length(note, field="note", low=0, high=NOTE_MAX)
    same_place = locked.department_id == department.pk and locked.section_id == (
        section.pk if section else None
    )
    same_person = locked.assignee_id == (assignee.pk if assignee else None)
    if same_place and (same_person or assignee is None):
        raise Conflict(
            _("This proposal is already assigned to %(department)s.")
            % {"department": locked.place_label},
            code="already_assigned",
        )
    before = _snapshot(locked) | _where(locked)
    previous, previous_section = locked.department, locked.section
    now = clock.now()
    locked.assignee = assignee
    if same_place:
        # Only the official in charge changes: internal, in the audit log.
        name = assignee.real_name if assignee else ""
        locked.save(update_fields=["assignee", "updated_at"])
        audit.record(
            actor=actor,
            action="tracker.assign_official",
            target=locked,
            before=before,
            after=_snapshot(locked) | _where(locked) | {"note": note},
        )
        _notify(
            locked,
            _assignee_notice(locked, assignee),
            "proposal.assigned",
            actor=actor,
            department=f"{locked.place_label} · {name}",
        )
        return locked
    locked.department = department
    locked.section = section
    locked.assigned_at = now
    # A new department hears about an overdue proposal afresh.
    locked.overdue_notified_at = None
    reassigned = previous is not None
    _record_change(
        entry=locked,
        kind=EventKind.REASSIGNED if reassigned else EventKind.ASSIGNED,
        actor=actor,
        at=now,
        previous_department=previous,
        event_data={"note": note} if note else {},
        action="tracker.reassign" if reassigned else "tracker.assign",
        before=before,
        audit_extra=_where(locked) | {"note": note},
        notice=Notice(
            "proposal.assigned",
            _audience(locked)
            | _department_officials(department.pk)
            | _assignee_notice(locked, assignee),
            {"department": locked.place_label},
        ),
        change="assigned",
        previous_section=previous_section,
    )
    return locked


def _section_of(user: User, department: Department) -> Section | None:
    """The section ``user`` belongs to in ``department`` (one query)."""
    grant = (
        RoleGrant.objects.filter(user=user, role=Role.OFFICIAL, department=department)
        .select_related("section")
        .first()
    )
    return grant.section if grant is not None else None


@transaction.atomic
def tracker_claim(
    *, actor: Actor, entry: TrackerEntry, department: Department | None
) -> TrackerEntry:
    """An official takes a proposal: an unassigned one for their department (and
    section), publicly; or one of their section's, for themselves (internal)."""
    locked = _lock(entry)
    refuse(rules.claim_refusal(actor, locked, department.pk if department else None))
    assert department is not None  # the refusal covers a missing department
    before = _snapshot(locked) | _where(locked)
    now = clock.now()
    if locked.department_id == department.pk:
        # Taking one of the section's proposals for oneself: internal.
        locked.assignee = actor
        if locked.section_id is None:
            locked.section = _section_of(actor, department)
        locked.save(update_fields=["assignee", "section", "updated_at"])
        audit.record(
            actor=actor,
            action="tracker.take",
            target=locked,
            before=before,
            after=_snapshot(locked) | _where(locked),
        )
        return locked
    section = _section_of(actor, department)
    locked.department = department
    locked.section = section
    locked.assignee = actor
    locked.assigned_at = now
    locked.overdue_notified_at = None
    _record_change(
        entry=locked,
        kind=EventKind.CLAIMED,
        actor=actor,
        at=now,
        action="tracker.claim",
        before=before,
        audit_extra=_where(locked),
        notice=Notice(
            "proposal.assigned",
            _audience(locked)
            | _department_officials(department.pk)
            | _coordinators(locked),
            {"department": locked.place_label},
        ),
        change="assigned",
    )
    return locked
