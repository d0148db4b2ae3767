"""Proposal pages (being built out)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def proposal_list(request: HttpRequest, slug: str) -> HttpResponse:
    raise NotImplementedError


def proposal_create(request: HttpRequest, slug: str) -> HttpResponse:
    raise NotImplementedError


def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
