"""Tracker rows written directly, in the order responses.services writes them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from responses.models import (
    ProgressUpdate,
    Response,
    ResponseRating,
    ResponseRevision,
    TrackerEntry,
)
from tests import factories


def enter(proposal, department, *, when=None, days_before=0):
    when = when or timezone.now()
    entered = when - timedelta(days=days_before)
    return TrackerEntry.objects.create(
        proposal=proposal,
        process=proposal.process,
        department=department,
        entered_at=entered,
        entered_via="threshold",
        response_due_at=entered + timedelta(days=30),
        last_update_at=entered,
    )


def publish_response(
    process, department, official, *, when=None, entered_days_before=0, body=None
):
    when = when or timezone.now()
    proposal = factories.ProposalFactory(process=process)
    entry = enter(proposal, department, when=when, days_before=entered_days_before)
    response = Response.objects.create(
        department=department, published_at=when, revision_count=1
    )
    revision = ResponseRevision.objects.create(
        response=response,
        number=1,
        decision="accepted",
        body=body or "来年度に遊具を更新します。予算を確保しました。",
        author=official,
        author_name=official.real_name,
        department_name=department.name,
        created_at=when,
    )
    response.current = revision
    response.save(update_fields=["current"])
    entry.response = response
    entry.decision = "accepted"
    entry.decided_at = when
    entry.implementation = "in_progress"
    entry.save()
    return entry, response


def progress(entry, official, *, body="工事を始めました。", percent=30):
    now = timezone.now()
    return ProgressUpdate.objects.create(
        entry=entry,
        status="in_progress",
        percent=percent,
        body=body,
        happened_on=timezone.localdate(now),
        author=official,
        author_name=official.real_name,
        created_at=now,
    )


def rate(response, *, satisfied, when=None):
    when = when or timezone.now()
    return ResponseRating.objects.create(
        response=response,
        user=factories.UserFactory(),
        clear=True,
        satisfied=satisfied,
        created_at=when,
        updated_at=when,
    )
