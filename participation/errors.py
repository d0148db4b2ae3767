"""Domain errors raised by services. Doors (views, API, consumers) map them to HTTP.

Each carries a translated, user-facing message and a stable machine code.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self, message: Any, *, code: str | None = None, field_errors: dict | None = None
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.field_errors = field_errors or {}

    def __str__(self) -> str:
        return str(self.message)


class Invalid(DomainError):
    """Input that breaks a rule of the domain (400)."""


class NotAllowed(DomainError):
    """The actor may not do this (403)."""

    status = 403
    code = "permission_denied"


class PhaseClosed(NotAllowed):
    """The process is not in a phase that allows this action (403)."""

    code = "phase_closed"


class VerificationRequired(NotAllowed):
    """The action needs a residency verification the person does not have (403).

    Besides the message (which says how to get verified, with the page's address,
    so that API clients can show it as it is), it carries the page's ``url`` and
    the ``methods`` that would do, for pages that show them as links."""

    code = "verification_required"

    def __init__(
        self,
        message: Any,
        *,
        url: str = "",
        methods: list[Any] | None = None,
        level: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.url = url
        self.methods = methods or []
        self.level = level


class Conflict(DomainError):
    """The action clashes with the current state: double submit, stale edit (409)."""

    status = 409
    code = "conflict"


class RateLimited(DomainError):
    """Too many actions of this kind in a short time (429)."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: Any, *, retry_after: int = 60, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class Busy(DomainError):
    """The server cannot take this request right now: every database connection or
    export slot is busy (503, with ``Retry-After``)."""

    status = 503
    code = "unavailable"

    def __init__(self, message: Any, *, retry_after: int = 5, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
