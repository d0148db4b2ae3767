"""Setting up departments (部) and their sections (課): public names in Japanese and
English, the office's contact (phone and e-mail of the office, never of a
person), and whether answers need approval (決裁).

Every write checks ``department_rules``, validates, saves and records the audit
event in one transaction. Bad input raises ``Invalid`` naming the field.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from participation.accounts.types import Actor
from participation.audit import services as audit
from participation.checks import check_length, refuse
from participation.errors import Conflict, Invalid
from participation.idempotency import services as idempotency
from participation.spaces.department_rules import department_setup_refusal
from participation.spaces.models import Department, Section

CODE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
# Digits, spaces, hyphens, parentheses and an optional leading + (03-1234-5678,
# +81 3 1234 5678, 0120(123)456): an office number, with its extension if any.
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,30}(?:\s*(?:内線|ext\.?)\s*[0-9]{1,6})?$")
# Department codes that would shadow a page under /staff/departments/.
RESERVED_CODES = frozenset({"new", "routing"})

DEPARTMENT_FIELDS = (
    "code",
    "name",
    "name_en",
    "description",
    "description_en",
    "phone",
    "email",
    "approval_required",
)
SECTION_FIELDS = ("code", "name", "name_en", "phone", "email", "position")


def _check_code(value: Any) -> str:
    code = str(value or "").strip().lower()
    if not CODE.match(code):
        raise Invalid(
            _(
                "Use 1 to 40 lowercase letters, digits and hyphens for the code "
                "(for example “doboku”); it appears in addresses."
            ),
            code="invalid_code",
            field_errors={"code": ["invalid"]},
        )
    return code


def _check_phone(value: Any) -> str:
    phone = " ".join(str(value or "").split())
    if phone and not PHONE.match(phone):
        raise Invalid(
            _(
                "Enter the office's phone number with digits, spaces, hyphens or "
                "parentheses (for example 03-1234-5678)."
            ),
            code="invalid_phone",
            field_errors={"phone": ["invalid"]},
        )
    return phone


def _check_email(value: Any) -> str:
    email = str(value or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise Invalid(
                _(
                    "Enter the office's e-mail address (for example "
                    "doboku@pref.example.jp)."
                ),
                code="invalid_email",
                field_errors={"email": ["invalid"]},
            ) from exc
    return email.lower()


def _name(value: Any, *, field: str, required: bool) -> str:
    return check_length(
        value,
        field=field,
        low=1 if required else 0,
        high=120,
        too_short=_("Enter the public name."),
    )


def _department_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": _check_code(data.get("code")),
        "name": _name(data.get("name"), field="name", required=True),
        "name_en": _name(data.get("name_en"), field="name_en", required=False),
        "description": check_length(
            data.get("description"), field="description", high=2000
        ),
        "description_en": check_length(
            data.get("description_en"), field="description_en", high=2000
        ),
        "phone": _check_phone(data.get("phone")),
        "email": _check_email(data.get("email")),
        "approval_required": bool(data.get("approval_required", True)),
    }


def _section_values(data: dict[str, Any]) -> dict[str, Any]:
    try:
        position = int(data.get("position") or 0)
    except (TypeError, ValueError) as exc:
        raise Invalid(
            _("Enter the position as a whole number."),
            field_errors={"position": ["invalid"]},
        ) from exc
    if not 0 <= position <= 10_000:
        raise Invalid(
            _("Enter a position between 0 and 10000."),
            field_errors={"position": ["invalid"]},
        )
    return {
        "code": _check_code(data.get("code")),
        "name": _name(data.get("name"), field="name", required=True),
        "name_en": _name(data.get("name_en"), field="name_en", required=False),
        "phone": _check_phone(data.get("phone")),
        "email": _check_email(data.get("email")),
        "position": position,
    }


def _snapshot(obj: Department | Section, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _refuse_taken_department_code(code: str, *, exclude: int | None = None) -> None:
    if code in RESERVED_CODES:
        raise Invalid(
            _("“%(code)s” is reserved. Choose another code.") % {"code": code},
            code="reserved_code",
            field_errors={"code": ["reserved"]},
        )
    taken = Department.objects.filter(code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise Invalid(
            _("Another department already uses the code “%(code)s”.") % {"code": code},
            code="code_taken",
            field_errors={"code": ["taken"]},
        )


def _refuse_taken_section_code(
    department: Department, code: str, *, exclude: int | None = None
) -> None:
    taken = Section.objects.filter(department=department, code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise Invalid(
            _("Another section of this department already uses the code “%(code)s”.")
            % {"code": code},
            code="code_taken",
            field_errors={"code": ["taken"]},
        )


@idempotency.idempotent("department", author="actor")
@transaction.atomic
def department_create(
    *, actor: Actor, data: dict[str, Any], idempotency_key: str = ""
) -> Department:
    """A new department with its public name, office contact and approval switch."""
    refuse(department_setup_refusal(actor))
    values = _department_values(data)
    _refuse_taken_department_code(values["code"])
    department = Department.objects.create(**values)
    audit.record(
        actor=actor,
        action="department.create",
        target=department,
        before={},
        after=_snapshot(department, DEPARTMENT_FIELDS),
    )
    return department


@transaction.atomic
def department_update(
    *, actor: Actor, department: Department, data: dict[str, Any]
) -> Department:
    """Change a department's names, contact or approval switch (and its code,
    which moves its scorecard's address)."""
    refuse(department_setup_refusal(actor))
    locked = Department.objects.select_for_update().get(pk=department.pk)
    values = _department_values(data)
    _refuse_taken_department_code(values["code"], exclude=locked.pk)
    before = _snapshot(locked, DEPARTMENT_FIELDS)
    if before == values:
        raise Conflict(_("Nothing was changed."), code="unchanged")
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save()
    audit.record(
        actor=actor,
        action="department.update",
        target=locked,
        before=before,
        after=_snapshot(locked, DEPARTMENT_FIELDS),
    )
    return locked


@idempotency.idempotent("section", author="actor")
@transaction.atomic
def section_create(
    *,
    actor: Actor,
    department: Department,
    data: dict[str, Any],
    idempotency_key: str = "",
) -> Section:
    """A new section (課) of ``department``."""
    refuse(department_setup_refusal(actor))
    values = _section_values(data)
    _refuse_taken_section_code(department, values["code"])
    section = Section.objects.create(department=department, **values)
    audit.record(
        actor=actor,
        action="section.create",
        target=section,
        before={},
        after={"department": department.code} | _snapshot(section, SECTION_FIELDS),
    )
    return section


@transaction.atomic
def section_update(*, actor: Actor, section: Section, data: dict[str, Any]) -> Section:
    """Change a section's names, office contact or position. A section stays in
    its department: its officials, entries and rules belong there."""
    refuse(department_setup_refusal(actor))
    locked = (
        Section.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=section.pk)
    )
    values = _section_values(data)
    _refuse_taken_section_code(locked.department, values["code"], exclude=locked.pk)
    before = _snapshot(locked, SECTION_FIELDS)
    if before == values:
        raise Conflict(_("Nothing was changed."), code="unchanged")
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save()
    audit.record(
        actor=actor,
        action="section.update",
        target=locked,
        before={"department": locked.department.code} | before,
        after={"department": locked.department.code}
        | _snapshot(locked, SECTION_FIELDS),
    )
    return locked
