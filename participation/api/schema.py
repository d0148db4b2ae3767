"""OpenAPI post-processing: every operation documents the error shape it can answer
with, so clients (and schemathesis) know each status code and its body."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter

ERROR_SCHEMA = {
    "type": "object",
    "description": "The body of every error response.",
    "properties": {
        "code": {"type": "string", "description": "Stable machine-readable code."},
        "message": {"type": "string", "description": "Translated message."},
        "field_errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages per request field (empty when general).",
        },
    },
    "required": ["code", "message", "field_errors"],
}

_DESCRIPTIONS = {
    "304": "Not modified (conditional GET with If-None-Match / If-Modified-Since).",
    "400": "Invalid input: see field_errors.",
    "401": "Authentication needed (session or Bearer token).",
    "403": "Not allowed: role, phase, block, missing token scope or CSRF.",
    "404": "No such resource.",
    "405": "Method not allowed.",
    "406": "Only JSON is available.",
    "409": "Conflicts with the current state (e.g. a double support).",
    "413": "Request body too large.",
    "415": "Send JSON.",
    "429": "Too many requests, or too many actions of this kind: wait Retry-After "
    "seconds.",
}

_READ = ("400", "401", "404", "405", "406", "429")
_WRITE = ("400", "401", "403", "404", "405", "406", "409", "413", "415", "429")


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete", "head"):
                continue
            responses = operation.setdefault("responses", {})
            codes = _READ if method in ("get", "head") else _WRITE
            if method == "get":
                responses.setdefault("304", {"description": _DESCRIPTIONS["304"]})
                if operation.get("security") and {} not in operation["security"]:
                    codes = (*codes, "403")
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": _DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return result


def _auto_schema_class() -> type:
    from drf_spectacular.openapi import AutoSchema

    class ApiAutoSchema(AutoSchema):
        """Reads are public unless a view says otherwise: say so in ``security``."""

        def get_auth(self) -> list[dict[str, Any]]:
            auth = list(super().get_auth())
            public_read = self.method.upper() in ("GET", "HEAD", "OPTIONS") and not (
                getattr(self.view, "private_read", False)
            )
            if public_read and {} not in auth:
                auth.append({})
            if not public_read and {} in auth:
                auth.remove({})
            return auth

    return ApiAutoSchema


ApiAutoSchema = _auto_schema_class()


#: The optional header of every create (participation.idempotency).
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any 1 to 100 visible ASCII characters, fresh for each new record. Sending "
        "the same request again with the same key creates nothing: the answer is "
        "the record the first request created, with its status and the header "
        "Idempotent-Replayed: true. The same key with other content is a 409."
    ),
)
