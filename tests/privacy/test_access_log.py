"""The data-access log: who, when, what and why; refused roles leave no entry."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from participation.privacy.access import record_view
from participation.privacy.models import (
    AccessLogEntry,
    AppendOnlyError,
    DataKind,
    Purpose,
)
from tests import factories


def open_record(client, person, purpose=Purpose.INQUIRY):
    return client.post(
        reverse("privacy:staff_resident", args=[person.pk]), {"purpose": purpose}
    )


def test_purpose_is_asked_before_the_record_is_shown(login, admin_user, resident):
    response = login(admin_user).get(
        reverse("privacy:staff_resident", args=[resident.pk])
    )
    assert response.status_code == 200
    assert resident.email not in response.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_opening_a_record_logs_who_when_and_why(login, admin_user, resident):
    response = open_record(login(admin_user), resident, Purpose.DATA_REQUEST)
    assert response.status_code == 200
    assert resident.email in response.content.decode()
    entry = AccessLogEntry.objects.get()
    assert entry.viewer == admin_user
    assert entry.subject == resident
    assert entry.viewer_role == "admin"
    assert entry.what == DataKind.RECORD
    assert entry.purpose == Purpose.DATA_REQUEST
    assert entry.created_at is not None


def test_record_without_purpose_is_bad_input_and_not_logged(
    login, admin_user, resident
):
    client = login(admin_user)
    url = reverse("privacy:staff_resident", args=[resident.pk])
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"purpose": "curiosity"}).status_code == 400
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    "who", ["official", "facilitator", "resident2", "admin_no_mfa"]
)
def test_other_roles_are_refused_and_not_logged(request, login, resident, who):
    viewer = request.getfixturevalue(who)
    client = login(viewer)
    response = open_record(client, resident)
    assert response.status_code == 403
    assert resident.email not in response.content.decode()
    assert client.get(reverse("privacy:staff_residents")).status_code == 403
    export = client.post(
        reverse("privacy:staff_resident_export", args=[resident.pk]),
        {"purpose": Purpose.INQUIRY},
    )
    assert export.status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_anonymous_is_sent_to_log_in(client, resident):
    response = open_record(client, resident)
    assert response.status_code == 302
    assert not AccessLogEntry.objects.exists()


def test_unknown_resident_is_404(login, admin_user):
    response = login(admin_user).post(
        reverse("privacy:staff_resident", args=[999999]), {"purpose": Purpose.INQUIRY}
    )
    assert response.status_code == 404


def test_export_for_a_disclosure_request_is_logged_as_an_export(
    login, admin_user, resident
):
    response = login(admin_user).post(
        reverse("privacy:staff_resident_export", args=[resident.pk]),
        {"purpose": Purpose.DATA_REQUEST},
    )
    assert response.status_code == 200
    data = json.loads(b"".join(response.streaming_content))
    assert data["account"]["email"] == resident.email
    assert AccessLogEntry.objects.get().what == DataKind.EXPORT


def test_resident_sees_role_department_time_and_purpose(
    login, official, department, resident
):
    record_view(
        viewer=official,
        subjects=[resident],
        what=DataKind.VERIFICATION,
        purpose=Purpose.VERIFICATION,
    )
    page = login(resident).get(reverse("accounts:personal_data")).content.decode()
    assert "Staff who viewed your data" in page
    assert "Official" in page
    assert (department.name_en or department.name) in page
    assert "Checking or issuing a residency verification" in page
    assert official.real_name not in page


def test_staff_are_named_where_the_policy_says_so(settings, login, official, resident):
    settings.PRIVACY_ACCESS_LOG_NAMES_STAFF = True
    record_view(
        viewer=official, subjects=resident, what=DataKind.EMAIL, purpose=Purpose.SUPPORT
    )
    page = login(resident).get(reverse("accounts:personal_data")).content.decode()
    assert official.real_name in page


def test_entries_are_in_the_json_download(login, admin_user, resident):
    record_view(
        viewer=admin_user,
        subjects=[resident],
        what=DataKind.RECORD,
        purpose=Purpose.INQUIRY,
    )
    response = login(resident).get(reverse("accounts:personal_data_download"))
    data = json.loads(b"".join(response.streaming_content))
    rows = data["sections"]["data_access_log"]
    assert len(rows) == 1
    assert rows[0]["purpose"] == "inquiry"
    assert rows[0]["staff_role"] == "admin"
    assert rows[0]["staff_name"] is None


def test_another_residents_entries_are_not_shown(
    login, admin_user, resident, resident2
):
    record_view(
        viewer=admin_user,
        subjects=[resident2],
        what=DataKind.RECORD,
        purpose=Purpose.INQUIRY,
    )
    page = login(resident).get(reverse("accounts:personal_data")).content.decode()
    assert "No staff member has viewed your non-public data." in page


def test_viewing_ones_own_data_is_not_logged(admin_user):
    assert (
        record_view(
            viewer=admin_user,
            subjects=[admin_user],
            what=DataKind.RECORD,
            purpose=Purpose.INQUIRY,
        )
        == 0
    )


def test_unknown_kind_or_purpose_is_refused(admin_user, resident):
    with pytest.raises(ValueError):
        record_view(viewer=admin_user, subjects=[resident], what="x", purpose="inquiry")
    with pytest.raises(ValueError):
        record_view(viewer=admin_user, subjects=[resident], what="email", purpose="x")


def test_the_log_is_append_only(admin_user, resident):
    record_view(
        viewer=admin_user,
        subjects=[resident],
        what=DataKind.EMAIL,
        purpose=Purpose.SUPPORT,
    )
    entry = AccessLogEntry.objects.get()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.update(purpose=Purpose.LEGAL)
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()


def test_bulk_log_writes_one_entry_per_resident_in_fixed_queries(
    django_assert_num_queries, admin_user
):
    people = [factories.UserFactory(verified=False) for _ in range(30)]
    with django_assert_num_queries(2):  # the viewer's grants, one insert
        written = record_view(
            viewer=admin_user,
            subjects=people,
            what=DataKind.BULK_EXPORT,
            purpose=Purpose.ADMINISTRATION,
        )
    assert written == 30


def test_admin_user_list_logs_each_account_shown(
    login, admin_user, resident, resident2
):
    response = login(admin_user).get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    logged = set(
        AccessLogEntry.objects.filter(what=DataKind.ADMIN_LIST).values_list(
            "subject_id", flat=True
        )
    )
    assert {resident.pk, resident2.pk} <= logged
    assert admin_user.pk not in logged


def test_admin_user_page_logs_the_account(login, admin_user, resident):
    response = login(admin_user).get(
        reverse("admin:accounts_user_change", args=[resident.pk])
    )
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.subject, entry.what) == (resident, DataKind.RECORD)


def test_admin_email_address_list_logs_the_owners(login, admin_user, resident):
    response = login(admin_user).get(reverse("admin:account_emailaddress_changelist"))
    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(subject=resident, what=DataKind.EMAIL).exists()


def test_admin_bulk_export_logs_one_entry_per_resident(
    login, admin_user, resident, resident2
):
    response = login(admin_user).post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "export_accounts",
            "_selected_action": [resident.pk, resident2.pk],
        },
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert resident.email in body and resident2.email in body
    exported = AccessLogEntry.objects.filter(what=DataKind.BULK_EXPORT)
    assert sorted(exported.values_list("subject_id", flat=True)) == sorted(
        [resident.pk, resident2.pk]
    )


def test_admin_refused_without_mfa_is_not_logged(login, admin_no_mfa, resident):
    response = login(admin_no_mfa).get(
        reverse("admin:accounts_user_change", args=[resident.pk])
    )
    assert response.status_code in (302, 403)
    assert not AccessLogEntry.objects.exists()


def test_resident_search_shows_names_and_logs_nothing(login, admin_user, resident):
    response = login(admin_user).get(
        reverse("privacy:staff_residents"), {"q": resident.real_name[:3]}
    )
    page = response.content.decode()
    assert resident.real_name in page
    assert resident.email not in page
    assert not AccessLogEntry.objects.exists()


def test_resident_search_by_exact_email(login, admin_user, resident):
    response = login(admin_user).get(
        reverse("privacy:staff_residents"), {"q": resident.email.upper()}
    )
    assert reverse("privacy:staff_resident", args=[resident.pk]) in (
        response.content.decode()
    )
