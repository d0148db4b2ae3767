"""Human-readable names of audit actions (``role.grant`` → "Role granted").

The audit log stores stable codes; people read these names, translated. The core
names its own actions here; a domain app names its own in its ``ready()`` with
:func:`register` (the core never imports it). A code nobody named is shown as
it is stored, so a new action is never hidden, only less readable.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Label = Promise | str

# The area of an action is the part of its code before the first dot.
AREAS: dict[str, Label] = {
    "role": _("Roles"),
    "invitation": _("Invitations"),
    "user": _("People"),
    "api_token": _("API tokens"),
    "moderation": _("Moderation"),
    "demo": _("Demo data"),
    "department": _("Setup"),
    "section": _("Setup"),
    "category": _("Setup"),
    "area": _("Setup"),
    "process": _("Setup"),
    "phase": _("Setup"),
}

_LABELS: dict[str, Label] = {
    "role.grant": _("Role granted"),
    "role.revoke": _("Role revoked"),
    "invitation.create": _("Invitation sent"),
    "invitation.resend": _("Invitation sent again"),
    "invitation.revoke": _("Invitation withdrawn"),
    "invitation.accept": _("Invitation accepted"),
    "user.rename": _("Real name changed"),
    "user.admin_change": _("Account changed in the admin"),
    "api_token.create": _("API token created"),
    "api_token.revoke": _("API token revoked"),
    "moderation.report": _("Content reported"),
    "moderation.hide": _("Content hidden"),
    "moderation.auto_hide": _("Content hidden after reports"),
    "moderation.unhide": _("Content restored"),
    "moderation.dismiss": _("Reports dismissed"),
    "moderation.block": _("Person blocked"),
    "moderation.unblock": _("Block lifted"),
    "moderation.note_pin": _("Facilitator note pinned"),
    "moderation.note_remove": _("Facilitator note removed"),
    "moderation.close_comments": _("Comments closed"),
    "moderation.reopen_comments": _("Comments reopened"),
    "demo.reset": _("Demo data removed"),
    "department.create": _("Department created (admin)"),
    "department.change": _("Department changed (admin)"),
    "department.delete": _("Department deleted (admin)"),
    "category.create": _("Category created (admin)"),
    "category.change": _("Category changed (admin)"),
    "category.delete": _("Category deleted (admin)"),
    "area.create": _("Area created (admin)"),
    "area.change": _("Area changed (admin)"),
    "area.delete": _("Area deleted (admin)"),
    "process.create": _("Process created (admin)"),
    "process.change": _("Process changed (admin)"),
    "process.delete": _("Process deleted (admin)"),
}


def register(labels: dict[str, Label], areas: dict[str, Label] | None = None) -> None:
    """Name the actions (and areas) of an app; call it in the app's ``ready()``."""
    _LABELS.update(labels)
    AREAS.update(areas or {})


def label(code: str) -> Label:
    return _LABELS.get(code, code)


def area_of(code: str) -> str:
    return code.split(".", 1)[0]


def choices(codes: list[str] | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Named actions grouped by area, for a select's optgroups: every registered
    action, plus ``codes`` (those stored) nobody named."""
    known = set(_LABELS) | set(codes or ())
    groups: dict[str, list[tuple[str, str]]] = {}
    for code in known:
        area = str(AREAS.get(area_of(code), area_of(code)))
        groups.setdefault(area, []).append((code, str(label(code))))
    return [
        (area, sorted(items, key=lambda item: item[1]))
        for area, items in sorted(groups.items())
    ]
