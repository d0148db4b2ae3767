"""Keyset ("cursor") pagination with signed, opaque cursors.

Pages are cut on the view's ordering plus the primary key, so a row added while a
client walks the list is neither repeated nor skipped, and deep pages cost the same
as the first. A cursor is signed: a forged or stale one is a 400, never a 500.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from participation.site_url import absolute_url

_SALT = "participation.api.cursor"


def _encode_value(value: Any) -> list[Any]:
    if isinstance(value, datetime):
        return ["t", value.isoformat()]
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", value]
    return ["s", str(value)]


def _decode_value(item: Any) -> Any:
    kind, value = item
    if kind == "t":
        return datetime.fromisoformat(value)
    if kind == "i":
        return int(value)
    if kind == "b":
        return bool(value)
    return str(value)


class CursorPagination(BasePagination):
    page_size = 20
    max_page_size = 100
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def get_ordering(self, view: Any) -> list[str]:
        ordering = list(getattr(view, "get_cursor_ordering", lambda: ["-id"])())
        if ordering[-1].lstrip("-") not in ("id", "pk"):
            ordering.append("-id" if ordering[-1].startswith("-") else "id")
        return ordering

    def _page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        # An empty value is not a number either: the description says integer,
        # so "page_size=" is refused like "page_size=abc", never read as a default.
        try:
            size = int(raw)
        except (TypeError, ValueError):
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Choose a page size between 1 and %(max)d.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def _decode_cursor(
        self, request: Request, key: str
    ) -> tuple[bool, list[Any]] | None:
        raw = request.query_params.get(self.cursor_query_param)
        if raw in (None, ""):
            return None
        try:
            payload = signing.loads(raw, salt=_SALT)
            if payload.get("k") != key:
                raise ValueError("cursor of another ordering")
            values = [_decode_value(item) for item in payload["v"]]
            backwards = bool(payload.get("b"))
        except (signing.BadSignature, ValueError, TypeError, KeyError, AttributeError):
            raise ValidationError(
                {self.cursor_query_param: [_("This cursor is not valid. Start again.")]}
            ) from None
        return backwards, values

    def _encode_cursor(self, key: str, values: list[Any], backwards: bool) -> str:
        payload = {"k": key, "v": [_encode_value(v) for v in values]}
        if backwards:
            payload["b"] = 1
        return signing.dumps(payload, salt=_SALT, compress=True)

    @staticmethod
    def _keyset(ordering: list[str], values: list[Any], backwards: bool) -> Q:
        condition = Q()
        for index, term in enumerate(ordering):
            field = term.lstrip("-")
            descending = term.startswith("-") != backwards
            step = Q(**{f"{field}__{'lt' if descending else 'gt'}": values[index]})
            for prev_index in range(index):
                prev = ordering[prev_index].lstrip("-")
                step &= Q(**{prev: values[prev_index]})
            condition |= step
        return condition

    @staticmethod
    def _position(item: Any, ordering: list[str]) -> list[Any]:
        return [getattr(item, term.lstrip("-")) for term in ordering]

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any]:
        self.request = request
        self.ordering = self.get_ordering(view)
        self.key = ",".join(self.ordering)
        size = self._page_size(request)
        cursor = self._decode_cursor(request, self.key)
        backwards = bool(cursor and cursor[0])
        order = [
            (term[1:] if term.startswith("-") else f"-{term}") if backwards else term
            for term in self.ordering
        ]
        qs = queryset.order_by(*order)
        if cursor is not None:
            qs = qs.filter(self._keyset(self.ordering, cursor[1], backwards))
        rows = list(qs[: size + 1])
        more = len(rows) > size
        page = rows[:size]
        if backwards:
            page.reverse()
            self.has_previous, self.has_next = more, True
        else:
            self.has_next, self.has_previous = more, cursor is not None
        self.page = page
        return page

    def _link(self, item: Any, backwards: bool) -> str:
        url = absolute_url(self.request.get_full_path())
        cursor = self._encode_cursor(
            self.key, self._position(item, self.ordering), backwards
        )
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        return self._link(self.page[-1], backwards=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.page:
            return remove_query_param(
                absolute_url(self.request.get_full_path()), self.cursor_query_param
            )
        return self._link(self.page[0], backwards=True)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque cursor from a previous page's links.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Items per page (1–{self.max_page_size}, default "
                f"{self.page_size}).",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                },
            },
        ]
