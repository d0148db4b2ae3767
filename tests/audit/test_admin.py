"""Administrators browse and filter the audit log in the Django admin, read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from participation.audit.models import AuditEvent
from participation.audit.services import record


@pytest.fixture
def events(admin_user, resident):
    record(actor=admin_user, action="role.grant", target=resident, after={"r": 1})
    record(actor=admin_user, action="moderation.hide", target=resident)
    return AuditEvent.objects.all()


def test_admin_lists_audit_events(login, admin_user, events):
    response = login(admin_user).get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "role.grant" in html
    assert "moderation.hide" in html


def test_admin_filters_by_area(login, admin_user, events):
    response = login(admin_user).get(
        reverse("admin:audit_auditevent_changelist") + "?area=role"
    )
    assert list(response.context["cl"].queryset.values_list("action", flat=True)) == [
        "role.grant"
    ]


def test_admin_searches_by_actor_name(login, admin_user, events):
    response = login(admin_user).get(
        reverse("admin:audit_auditevent_changelist") + "?q=Aki"
    )
    assert response.context["cl"].result_count == 2


def test_admin_detail_is_read_only(login, admin_user, events):
    event = events.first()
    client = login(admin_user)
    url = reverse("admin:audit_auditevent_change", args=[event.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="action"' not in page.content
    response = client.post(url, {"action": "changed"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


def test_admin_cannot_add_or_delete(login, admin_user, events):
    client = login(admin_user)
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    event = events.first()
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.count() == 2


def test_non_admins_cannot_browse_the_audit_log(login, facilitator, events):
    response = login(facilitator).get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code in (302, 403)
