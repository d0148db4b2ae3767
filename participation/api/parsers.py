"""A JSON parser that refuses oversized bodies (413) and text a database cannot
store (lone surrogates), and never lets odd input become a server error."""

from __future__ import annotations

import codecs
import json
from typing import Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from participation.api.errors import RequestTooLarge


def max_body_bytes() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440)


def _has_surrogates(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_surrogates(k) or _has_surrogates(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogates(item) for item in value)
    return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> Any:
        limit = max_body_bytes()
        request = (parser_context or {}).get("request")
        if request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise RequestTooLarge()
        if stream is None:
            return {}
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise RequestTooLarge()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            codecs.lookup(encoding)
            text = raw.decode(encoding)
            data = json.loads(text, parse_constant=_reject_constant)
        except (ValueError, LookupError, RecursionError) as exc:
            raise ParseError() from exc
        try:
            if _has_surrogates(data):
                raise ParseError()
        except RecursionError as exc:
            raise ParseError() from exc
        return data


def max_upload_bytes() -> int:
    """The largest multipart body accepted: one photo at its byte limit, and room
    for the form's other fields and the multipart boundaries."""
    return int(settings.IMAGE_MAX_BYTES) + 64 * 1024


class MultiPartParser(parsers.MultiPartParser):
    """``multipart/form-data`` for the doors that take a file (a proposal's photo):
    a body declared larger than one photo may be is refused (413) before any of
    it is read, and a malformed one is a 400, never a server error."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> Any:
        request = (parser_context or {}).get("request")
        if request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > max_upload_bytes():
                raise RequestTooLarge()
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError:
            raise
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError() from exc
