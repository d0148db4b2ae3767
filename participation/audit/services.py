"""Write an audit event. Call it inside the service's transaction."""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from participation import pagecache
from participation.accounts.types import Actor
from participation.audit.models import AuditEvent
from participation.middleware import current_request_id


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    import json

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def record(
    *,
    actor: Actor | None,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event: who (``actor``; None for the system), did what
    (``action``, e.g. ``role.grant``), to what (``target``). A change to a
    site-wide model (a process, a department, a category, a policy) also
    invalidates every cached page (``pagecache.audited``)."""
    if target is not None:
        pagecache.audited(target._meta.label_lower)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_name=str(getattr(actor_obj, "real_name", "") or ""),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        before=_jsonable(before),
        after=_jsonable(after),
        request_id=current_request_id(),
    )
