"""What a resident's record (``/staff/residents/<id>/``) shows, in sections.

The core sections are below; an app adds its own with :func:`register` from its
``AppConfig.ready()`` (verification details, the attributes a resident gave).
Opening the record logs one access-log entry (``DataKind.RECORD``) for the
purpose the administrator chose; a section showing a further kind of data names
it in ``what`` so that the entry lists it too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from participation.accounts.selectors import roles_of
from participation.privacy.models import AccountDeletion, PolicyAcceptance


@dataclass(frozen=True)
class RecordSection:
    key: str
    label: Promise | str
    # (label, value) pairs to show; a fixed number of queries.
    rows: Callable[[Any], Sequence[tuple[Any, Any]]]
    # The kind of data it shows (privacy.models.DataKind), for the access log.
    what: str = ""
    order: int = 500


_SECTIONS: dict[str, RecordSection] = {}


def register(section: RecordSection) -> None:
    _SECTIONS[section.key] = section


def sections() -> list[RecordSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def _account_rows(user: Any) -> list[tuple[Any, Any]]:
    return [
        (_("Real name"), user.real_name),
        (_("Reading"), user.name_reading or "—"),
        (_("E-mail address"), user.email),
        (_("Active"), _("yes") if user.is_active else _("no")),
        (_("Language"), user.get_language_display()),
        (_("Joined"), user.date_joined),
        (_("Last login"), user.last_login or "—"),
    ]


def _email_rows(user: Any) -> list[tuple[Any, Any]]:
    return [
        (
            address.email,
            _("verified") if address.verified else _("not verified"),
        )
        for address in EmailAddress.objects.filter(user=user).order_by("id")
    ] or [(_("E-mail addresses"), "—")]


def _roles_rows(user: Any) -> list[tuple[Any, Any]]:
    return [
        (grant.get_role_display(), grant.department or grant.process or _("whole site"))
        for grant in roles_of(user)
    ] or [(_("Roles"), _("Resident"))]


def _status_rows(user: Any) -> list[tuple[Any, Any]]:
    rows: list[tuple[Any, Any]] = []
    deletion = AccountDeletion.objects.filter(user=user).first()
    if deletion is not None:
        rows.append((_("Account deletion"), f"{deletion.get_status_display()}"))
        rows.append((_("Erased after"), deletion.erase_after))
    for acceptance in PolicyAcceptance.objects.filter(user=user).select_related(
        "document"
    )[:10]:
        rows.append((acceptance.document, acceptance.accepted_at))
    return rows or [(_("Terms accepted"), "—")]


register(RecordSection("account", _("Account"), _account_rows, order=100))
register(RecordSection("emails", _("E-mail addresses"), _email_rows, order=110))
register(RecordSection("roles", _("Roles"), _roles_rows, order=120))
register(RecordSection("status", _("Terms and deletion"), _status_rows, order=130))
