"""/staff/activity/: the audit log for administrators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participation.accounts import services
from participation.accounts.models import Role
from participation.audit import actions
from participation.audit.models import AuditEvent
from participation.audit.services import record
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/staff/activity/"


def rows(response) -> str:
    """The table's rows (the filters' options name every action)."""
    html = response.content.decode()
    start = html.find("<tbody>")
    return html[start : html.find("</tbody>")] if start >= 0 else ""


@pytest.mark.parametrize(
    "who,status",
    [("resident", 403), ("facilitator", 403), ("official", 403), ("admin_user", 200)],
)
def test_activity_log_is_for_administrators(client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == status


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_admin_without_mfa_is_refused(client):
    admin = factories.grant(factories.UserFactory(), Role.ADMIN, mfa=False)
    client.force_login(admin)
    response = client.get(URL)
    assert response.status_code == 403
    assert "two-factor" in response.content.decode()


def test_actions_are_shown_by_their_names(client, admin_user, resident):
    services.role_grant(actor=admin_user, user=resident, role=Role.FACILITATOR)
    client.force_login(admin_user)
    html = client.get(URL).content.decode()
    assert "Role granted" in html
    assert resident.real_name in html


def test_names_are_translated(client, admin_user, resident):
    services.role_grant(actor=admin_user, user=resident, role=Role.FACILITATOR)
    client.force_login(admin_user)
    html = rows(client.get(URL, HTTP_ACCEPT_LANGUAGE="ja"))
    assert resident.real_name in html
    assert "Role granted" not in html
    assert "役割を付与" in html


def test_an_unnamed_action_is_shown_as_stored(client, admin_user):
    record(actor=admin_user, action="budget.approve")
    client.force_login(admin_user)
    assert "budget.approve" in client.get(URL).content.decode()


def test_domain_apps_name_their_actions():
    assert str(actions.label("response.publish")) == "Answer published"
    assert str(actions.label("live_session.create")) == "Live session created"


def test_filter_by_actor(client, admin_user, resident, resident2):
    other = factories.grant(factories.UserFactory(real_name="Ono Other"), Role.ADMIN)
    services.role_grant(actor=admin_user, user=resident, role=Role.FACILITATOR)
    services.role_grant(actor=other, user=resident2, role=Role.FACILITATOR)
    client.force_login(admin_user)
    html = client.get(f"{URL}?actor={other.pk}").content.decode()
    assert resident2.real_name in html and resident.real_name not in html
    by_name = client.get(f"{URL}?actor=ono").content.decode()
    assert resident2.real_name in by_name and resident.real_name not in by_name


def test_filter_by_action_and_by_system(client, admin_user, resident):
    services.role_grant(actor=None, user=resident, role=Role.FACILITATOR)
    record(actor=admin_user, action="user.rename", target=admin_user)
    client.force_login(admin_user)
    html = rows(client.get(f"{URL}?actor=system"))
    assert "Role granted" in html and "Real name changed" not in html
    html = rows(client.get(f"{URL}?action=user.rename"))
    assert "Real name changed" in html and "Role granted" not in html


def test_filter_by_object(client, admin_user, resident, resident2):
    services.role_grant(actor=admin_user, user=resident, role=Role.FACILITATOR)
    services.role_grant(actor=admin_user, user=resident2, role=Role.FACILITATOR)
    client.force_login(admin_user)
    html = client.get(f"{URL}?target=accounts.user:{resident.pk}").content.decode()
    assert f"event-{AuditEvent.objects.get(target_id=str(resident.pk)).pk}" in html
    assert f"event-{AuditEvent.objects.get(target_id=str(resident2.pk)).pk}" not in html


def test_filter_by_local_dates(client, admin_user, resident):
    services.role_grant(actor=admin_user, user=resident, role=Role.FACILITATOR)
    today = timezone.localdate()
    client.force_login(admin_user)
    html = rows(client.get(f"{URL}?since={today}&until={today}"))
    assert "Role granted" in html
    tomorrow = today + timedelta(days=1)
    assert "Role granted" not in rows(client.get(f"{URL}?since={tomorrow}"))
    yesterday = today - timedelta(days=1)
    assert "Role granted" not in rows(client.get(f"{URL}?until={yesterday}"))


def test_bad_filter_values_are_ignored(client, admin_user):
    client.force_login(admin_user)
    assert client.get(f"{URL}?since=not-a-date&page=zz").status_code == 200


def test_query_count_does_not_grow_with_events(client, admin_user):
    client.force_login(admin_user)
    record(actor=admin_user, action="role.grant", after={"role": "admin"})
    client.get(URL)
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    for n in range(30):
        record(actor=admin_user, action="user.rename", after={"n": n})
    with CaptureQueriesContext(connection) as more:
        client.get(URL)
    assert len(more.captured_queries) == len(first.captured_queries)
