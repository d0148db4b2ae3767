"""What the platform holds about one person, for the "Your data" page and its
JSON download (the right of access of GDPR art. 15 / APPI art. 33).

The data is organised in sections. The core sections are defined here; an app
above the core adds its own with :func:`register` from its ``AppConfig.ready()``
(``proposals/personal_data.py`` does so for proposals, comments, supports and votes).

A section has a key, a translated label, ``count(user)`` (one query) and
``rows(user)`` (an iterator of JSON-ready dicts, streamed, never a full list).
Secrets (password hashes, TOTP secrets, recovery codes, tokens) never appear.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from participation.accounts.selectors import roles_of
from participation.accounts.types import Viewer
from participation.moderation.models import Block
from participation.notifications.models import Follow, Notification
from participation.site_url import absolute_url, site_url

FORMAT_VERSION = 1
_CHUNK = 500


@dataclass(frozen=True)
class Section:
    key: str
    label: Promise | str
    count: Callable[[Any], int]
    rows: Callable[[Any], Iterable[dict[str, Any]]]


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    """Add (or replace) a section of personal data, keyed by ``section.key``."""
    _SECTIONS[section.key] = section


def sections() -> list[Section]:
    return list(_SECTIONS.values())


def _values(qs: QuerySet[Any], *fields: str) -> Iterator[dict[str, Any]]:
    return qs.values(*fields).iterator(chunk_size=_CHUNK)


def account_summary(user: Viewer) -> dict[str, Any]:
    """The account itself: what is public (name, reading, bio) and what is not."""
    return {
        "id": user.pk,
        "email": user.email,
        "real_name": user.real_name,
        "name_reading": user.name_reading,
        "bio": user.bio,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
        "profile_url": absolute_url(user.get_absolute_url()),
    }


def role_rows(user: Viewer) -> list[dict[str, Any]]:
    return [
        {
            "role": grant.role,
            "role_label": str(grant.get_role_display()),
            "process": grant.process.slug if grant.process_id else None,
            "department": grant.department.code if grant.department_id else None,
            "granted_at": grant.granted_at,
        }
        for grant in roles_of(user)
    ]


# --- core sections ---------------------------------------------------------------


def _email_qs(user: Viewer) -> QuerySet[Any]:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user).order_by("id")


def _mfa_qs(user: Viewer) -> QuerySet[Any]:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).order_by("id")


def _follow_qs(user: Viewer) -> QuerySet[Any]:
    return Follow.objects.filter(user=user).order_by("id")


def _notification_qs(user: Viewer) -> QuerySet[Any]:
    return Notification.objects.filter(recipient=user).order_by("id")


def _block_qs(user: Viewer) -> QuerySet[Any]:
    return Block.objects.filter(user=user).order_by("id")


def _follow_rows(user: Viewer) -> Iterator[dict[str, Any]]:
    for row in _values(
        _follow_qs(user),
        "content_type__app_label",
        "content_type__model",
        "object_id",
        "created_at",
    ):
        yield {
            "type": f"{row['content_type__app_label']}.{row['content_type__model']}",
            "object_id": row["object_id"],
            "created_at": row["created_at"],
        }


register(
    Section(
        "email_addresses",
        _("E-mail addresses"),
        lambda user: _email_qs(user).count(),
        lambda user: _values(_email_qs(user), "email", "verified", "primary"),
    )
)
register(
    Section(
        "roles",
        _("Roles"),
        lambda user: len(roles_of(user)),
        role_rows,
    )
)
register(
    Section(
        "two_factor",
        _("Two-factor authentication"),
        lambda user: _mfa_qs(user).count(),
        # Only the kind and dates: never the secret or the recovery codes.
        lambda user: _values(_mfa_qs(user), "type", "created_at", "last_used_at"),
    )
)
register(
    Section(
        "follows",
        _("Things you follow"),
        lambda user: _follow_qs(user).count(),
        _follow_rows,
    )
)
register(
    Section(
        "notifications",
        _("Notifications"),
        lambda user: _notification_qs(user).count(),
        lambda user: _values(
            _notification_qs(user), "kind", "url", "data", "created_at", "read_at"
        ),
    )
)
register(
    Section(
        "blocks",
        _("Blocks from taking part"),
        lambda user: _block_qs(user).count(),
        lambda user: _values(
            _block_qs(user), "reason", "starts_at", "ends_at", "lifted_at"
        ),
    )
)


# --- the page and the download ------------------------------------------------------


def overview(user: Viewer) -> list[tuple[Section, int]]:
    """Each section with its count: one query per section."""
    return [(section, section.count(user)) for section in sections()]


def _dump(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def export_chunks(user: Viewer) -> Iterator[str]:
    """The whole export as JSON text, produced piece by piece for streaming."""
    head = {
        "format": "participation-personal-data",
        "version": FORMAT_VERSION,
        "generated_at": timezone.now(),
        "site": site_url(),
    }
    yield _dump(head)[:-1]
    yield ', "account": ' + _dump(account_summary(user))
    yield ', "sections": {'
    for index, section in enumerate(sections()):
        yield (", " if index else "") + _dump(section.key) + ": ["
        for row_index, row in enumerate(section.rows(user)):
            yield ("," if row_index else "") + "\n" + _dump(row)
        yield "]"
    yield "}}\n"
