"""Creates that hold under double submits: the one mechanism every create uses.

A resident who clicks twice, a phone that resends on a flaky network, a proxy that
retries after its timeout: the same create arrives twice, often at the same moment.
A duplicate check that reads and then inserts lets both through. Every service that
creates a record for a person is decorated with :func:`idempotent`, which, inside
one transaction and before the service runs:

1. **locks the author**: on PostgreSQL ``SELECT … FOR NO KEY UPDATE`` of the
   author's user row (rows that merely reference the user are not held up); on
   SQLite the transaction's first statement takes the database's write lock
   (``transaction_mode = IMMEDIATE`` in settings, else a no-op write here). Creates
   by the same person are therefore serialised, so the service's own duplicate
   check (:func:`refuse_duplicate`) sees the row a concurrent twin just committed;
2. **looks up the idempotency key** the door passed (``idempotency_key=``: the
   hidden field ``{% idempotency_key %}`` puts in every create form, the
   ``Idempotency-Key`` header of the API, the ``idempotency_key`` of a websocket
   message). A key seen before returns the record the first submission created,
   marked so that :func:`replayed` is true, and nothing is written or notified
   again; the same key with different content is a 409. After the service has
   created its record, the key is stored with it under a unique constraint
   (owner, key), in the same transaction: a refused or failed create leaves no key.

A create without a key (a form rendered by an older page, an API client without
the header) still gets the lock and the duplicate-content check. Keys are kept for
:data:`KEEP` and pruned per owner as they post.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.errors import Conflict, Invalid
from participation.idempotency.models import Submission

P = ParamSpec("P")
R = TypeVar("R", bound=models.Model)

#: How long a key is remembered.
KEEP = timedelta(hours=24)
#: The form field and the API header that carry the key.
FIELD = "idempotency_key"
HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,100}$")
_REPLAYED = "_idempotency_replayed"


def key_from(request: HttpRequest | Any) -> str:
    """The key a page's form field or an API client's header carries ("" if none)."""
    posted = getattr(request, "POST", None)
    value = posted.get(FIELD, "") if posted is not None else ""
    return str(value or request.headers.get(HEADER, "") or "").strip()


def replayed(obj: models.Model) -> bool:
    """True when a service returned the record an earlier submission created."""
    return bool(getattr(obj, _REPLAYED, False))


def replay_headers(obj: models.Model) -> dict[str, str]:
    """The API's answer to a replay carries ``Idempotent-Replayed: true``."""
    return {"Idempotent-Replayed": "true"} if replayed(obj) else {}


def recent() -> datetime:
    """The start of the window in which the same text counts as a double submit."""
    return timezone.now() - timedelta(seconds=settings.DUPLICATE_TEXT_WINDOW_SECONDS)


def refuse_duplicate(same: models.QuerySet[Any], message: Any, **extra: Any) -> None:
    """Raise a 409 when ``same`` (the author's rows with this content) is not empty.
    Call it inside an :func:`idempotent` service, where the author is locked."""
    if same.exists():
        raise Conflict(message, code="duplicate", **extra)


def lock_author(user: Any) -> None:
    """Serialise the creates of one person until the transaction ends."""
    if connection.vendor == "sqlite":
        if getattr(connection, "transaction_mode", None) not in {
            "IMMEDIATE",
            "EXCLUSIVE",
        }:
            # A write as the transaction's first statement takes the write lock.
            Submission.objects.filter(pk=-1).update(kind="")
        return
    list(
        get_user_model()
        .objects.select_for_update(no_key=True)
        .filter(pk=user.pk)
        .values_list("pk", flat=True)
    )


def _value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return f"{value._meta.label_lower}:{value.pk}"
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def fingerprint(kind: str, content: Mapping[str, Any]) -> str:
    data = {name: _value(value) for name, value in sorted(content.items())}
    text = json.dumps([kind, data], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _owner(person: Any, guest: Any) -> str:
    if getattr(person, "is_authenticated", False):
        return f"user:{person.pk}"
    key = getattr(guest, "key", "")
    return f"guest:{key}"[:80] if key else ""


def _clean_key(key: str) -> str:
    key = str(key or "").strip()
    if key and not _KEY.match(key):
        raise Invalid(
            _("The idempotency key must be 1 to 100 visible ASCII characters."),
            code="invalid_idempotency_key",
        )
    return key


def _earlier(owner: str, key: str, mark: str) -> models.Model | None:
    """The record an earlier submission with this key created, if any."""
    row = Submission.objects.filter(owner=owner, key=key).first()
    if row is None:
        return None
    if row.created_at < timezone.now() - KEEP:
        row.delete()
        return None
    if row.fingerprint != mark:
        raise Conflict(
            _(
                "This form was already sent once with different content. Check "
                "your text and send it again."
            ),
            code="idempotency_key_reused",
        )
    model = row.content_type.model_class()
    found = model._default_manager.filter(pk=row.object_id).first() if model else None
    if found is None:
        raise Conflict(
            _("This was already sent, and what it created is no longer there."),
            code="duplicate",
        )
    setattr(found, _REPLAYED, True)
    return found


def _remember(owner: str, key: str, kind: str, mark: str, obj: models.Model) -> None:
    Submission.objects.filter(
        owner=owner, created_at__lt=timezone.now() - KEEP
    ).delete()
    try:
        with transaction.atomic():
            Submission.objects.create(
                owner=owner,
                key=key,
                kind=kind,
                fingerprint=mark,
                content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk),
            )
    except IntegrityError as exc:  # only if the author lock was bypassed
        raise Conflict(_("This was already sent."), code="duplicate") from exc


def idempotent(
    kind: str, *, author: str = "author", guest: str = ""
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Make a create service safe against double submits (see the module docstring).

    ``author`` names the keyword argument holding the person who creates, ``guest``
    the one holding a guest (with a ``key``) where guests may create. The service
    declares ``idempotency_key: str = ""`` and runs its duplicate check with
    :func:`refuse_duplicate`; this wrapper does the rest.
    """

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with transaction.atomic():
                person = kwargs.get(author)
                owner = _owner(person, kwargs.get(guest) if guest else None)
                if not owner:  # nobody to hold to it; the service refuses
                    return service(*args, **kwargs)
                if owner.startswith("user:"):
                    lock_author(person)
                key = _clean_key(str(kwargs.get(FIELD) or ""))
                content = {k: v for k, v in kwargs.items() if k != FIELD}
                mark = fingerprint(kind, content)
                if key:
                    earlier = _earlier(owner, key, mark)
                    if earlier is not None:
                        return earlier  # type: ignore[return-value]
                created = service(*args, **kwargs)
                if key:
                    _remember(owner, key, kind, mark, created)
                return created

        return wrapper

    return decorate
