"""Staff pages: the role × action matrix, printing, records, revocation, the
requirements page, and the dashboard panel."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participation.accounts.models import Role
from participation.audit.models import AuditEvent
from participation.errors import Conflict, Invalid, NotAllowed
from participation.staff.registry import panels, panels_for
from participation.verification import rules, services
from participation.verification.models import (
    Action,
    Code,
    CodeBatch,
    Level,
    Requirement,
    Verification,
)
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "resident",
    "facilitator",
    "official",
    "counter",
    "admin",
    "admin_no_mfa",
]
# What each role may do: issue codes, view records, revoke, set requirements.
MATRIX = {
    "anonymous": (False, False, False, False),
    "resident": (False, False, False, False),
    "facilitator": (False, False, False, False),
    "official": (False, False, False, False),
    "counter": (True, True, False, False),
    "admin": (True, True, True, True),
    "admin_no_mfa": (False, False, False, False),
}


@pytest.fixture
def person(request, db, counter_department, process):
    role = request.param
    if role == "anonymous":
        return AnonymousUser()
    user = factories.UserFactory()
    if role == "facilitator":
        factories.grant(user, Role.FACILITATOR, process=process)
    elif role == "official":
        factories.grant(user, Role.OFFICIAL, department=factories.DepartmentFactory())
    elif role == "counter":
        factories.grant(user, Role.OFFICIAL, department=counter_department)
    elif role == "admin":
        factories.grant(user, Role.ADMIN)
    elif role == "admin_no_mfa":
        factories.grant(user, Role.ADMIN, mfa=False)
    return user


@pytest.mark.parametrize("person", ROLES, indirect=True)
def test_role_action_matrix_of_the_rules(person, request):
    role = request.node.callspec.params["person"]
    got = (
        rules.codes_issue_refusal(person) is None,
        rules.records_view_refusal(person) is None,
        rules.revoke_refusal(person) is None,
        rules.requirements_refusal(person) is None,
    )
    assert got == MATRIX[role]


@pytest.mark.parametrize("person", ROLES, indirect=True)
def test_role_action_matrix_of_the_pages(person, request, client, admin_user):
    role = request.node.callspec.params["person"]
    target = services.code_redeem(
        user=factories.UserFactory(),
        code=services.codes_issue(
            actor=admin_user, count=1, channel="counter"
        ).clear_codes[0],
    )
    if role != "anonymous":
        client.force_login(person)
    issue, view, revoke, requirements = MATRIX[role]
    pages = [
        ("get", reverse("verification:staff_home"), {}, issue),
        ("post", reverse("verification:staff_issue"), _issue_form(), issue),
        ("get", reverse("verification:staff_records"), {}, view),
        ("get", reverse("verification:staff_record", args=[target.pk]), {}, view),
        (
            "post",
            reverse("verification:staff_revoke", args=[target.pk]),
            {"reason": "test"},
            revoke,
        ),
        ("get", reverse("verification:staff_requirements"), {}, requirements),
    ]
    for method, url, data, allowed in pages:
        response = getattr(client, method)(url, data)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert reverse("account_login") in response["Location"]
        elif allowed:
            assert response.status_code in (200, 302), url
        else:
            assert response.status_code == 403, url
    assert Verification.objects.get(pk=target.pk).is_active is not revoke


def _issue_form(**extra):
    return {
        "count": 2,
        "channel": "letter",
        "days": 30,
        "area": "",
        "note": "",
        **extra,
    }


def test_issue_page_prints_the_codes_once(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("verification:staff_issue"), _issue_form())
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert html.count('class="verification-slip verification-slip-letter"') == 2
    assert reverse("verification:code") in html
    assert "data-print" in html
    assert CodeBatch.objects.get().size == 2
    # Codes are not on any other page.
    listing = client.get(reverse("verification:staff_home")).content.decode()
    assert "verification-code" not in listing


def test_issue_with_bad_input_is_400(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("verification:staff_issue"), _issue_form(count=0))
    assert response.status_code == 400
    assert not Code.objects.exists()


def test_counter_staff_issue_codes(counter_official):
    batch = services.codes_issue(actor=counter_official, count=1, channel="counter")
    assert batch.issued_by == counter_official


def test_records_never_show_the_identity_hash(client, admin_user, resident):
    code = services.codes_issue(actor=admin_user, count=1, channel="counter")
    verification = services.code_redeem(user=resident, code=code.clear_codes[0])
    client.force_login(admin_user)
    html = client.get(reverse("verification:staff_records")).content.decode()
    assert resident.real_name in html
    assert verification.identity_hash not in html
    html = client.post(
        reverse("verification:staff_record", args=[verification.pk]),
        {"purpose": "verification"},
    ).content.decode()
    assert resident.real_name in html
    assert verification.identity_hash not in html


def test_record_names_who_issued_the_code(client, counter_official, resident):
    code = services.codes_issue(actor=counter_official, count=1, channel="counter")
    verification = services.code_redeem(user=resident, code=code.clear_codes[0])
    client.force_login(counter_official)
    html = client.post(
        reverse("verification:staff_record", args=[verification.pk]),
        {"purpose": "verification"},
    ).content.decode()
    assert counter_official.real_name in html
    assert "Revoke this verification" not in html  # counter staff cannot revoke


def test_record_of_an_unknown_verification_is_404(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("verification:staff_record", args=[999999]))
    assert response.status_code == 404


def test_revocation_needs_a_reason(admin_user, resident):
    code = services.codes_issue(actor=admin_user, count=1, channel="counter")
    verification = services.code_redeem(user=resident, code=code.clear_codes[0])
    with pytest.raises(Invalid):
        services.verification_revoke(
            actor=admin_user, verification=verification, reason="  "
        )
    assert Verification.objects.get().is_active


def test_revocation_is_audited_and_shown_to_the_resident(client, admin_user, resident):
    code = services.codes_issue(actor=admin_user, count=1, channel="counter")
    verification = services.code_redeem(user=resident, code=code.clear_codes[0])
    services.verification_revoke(
        actor=admin_user, verification=verification, reason="Moved away"
    )
    event = AuditEvent.objects.get(action="verification.revoke")
    assert event.actor == admin_user
    assert event.after["reason"] == "Moved away"
    assert verification.identity_hash not in str(event.after)
    client.force_login(resident)
    html = client.get(reverse("verification:status")).content.decode()
    assert "Moved away" in html


def test_revoking_twice_is_409(admin_user, resident):
    code = services.codes_issue(actor=admin_user, count=1, channel="counter")
    verification = services.code_redeem(user=resident, code=code.clear_codes[0])
    services.verification_revoke(
        actor=admin_user, verification=verification, reason="r"
    )
    with pytest.raises(Conflict):
        services.verification_revoke(
            actor=admin_user, verification=verification, reason="r"
        )


def test_counter_staff_cannot_revoke(admin_user, counter_official, resident):
    code = services.codes_issue(actor=admin_user, count=1, channel="counter")
    verification = services.code_redeem(user=resident, code=code.clear_codes[0])
    with pytest.raises(NotAllowed):
        services.verification_revoke(
            actor=counter_official, verification=verification, reason="r"
        )


def test_requirement_is_set_changed_removed_and_audited(admin_user, process):
    services.requirement_set(
        actor=admin_user, process=process, action=Action.SUPPORT, level=Level.DECLARED
    )
    services.requirement_set(
        actor=admin_user,
        process=process,
        action=Action.SUPPORT,
        level=Level.CONFIRMED,
    )
    assert Requirement.objects.get().level == Level.CONFIRMED
    services.requirement_set(
        actor=admin_user, process=process, action=Action.SUPPORT, level=Level.NONE
    )
    assert not Requirement.objects.exists()
    events = AuditEvent.objects.filter(action="verification.requirement_set")
    assert events.count() == 3


def test_requirement_with_an_unknown_action_is_refused(admin_user, process):
    with pytest.raises(Invalid):
        services.requirement_set(
            actor=admin_user, process=process, action="dance", level=2
        )


def test_requirements_page_saves_through_the_form(client, admin_user, process):
    client.force_login(admin_user)
    url = reverse("verification:staff_requirements")
    response = client.post(
        url, {"process": process.pk, "action": "support", "level": 2}
    )
    assert response.status_code == 302
    assert Requirement.objects.get(process=process).level == 2
    assert process.title in client.get(url).content.decode()


def test_requirements_page_refuses_bad_input_with_400(client, admin_user, process):
    client.force_login(admin_user)
    response = client.post(
        reverse("verification:staff_requirements"),
        {"process": process.pk, "action": "support", "level": 9},
    )
    assert response.status_code == 400
    assert not Requirement.objects.exists()


def test_panel_is_shown_to_admins_and_counter_staff_only(
    admin_user, counter_official, official, facilitator, resident
):
    def shown(user):
        return "verification" in [p.key for p in panels_for(user)]

    assert shown(admin_user)
    assert shown(counter_official)
    assert not shown(official)
    assert not shown(facilitator)
    assert not shown(resident)


def test_panel_counts_run_a_fixed_number_of_queries(
    admin_user, resident, django_assert_num_queries
):
    panel = next(p for p in panels() if p.key == "verification")
    batch = services.codes_issue(actor=admin_user, count=3, channel="letter")
    services.code_redeem(user=resident, code=batch.clear_codes[0])
    with django_assert_num_queries(2):
        counts = list(panel.counts(admin_user))
    assert [c.value for c in counts] == [3, 2, 1]
    services.codes_issue(actor=admin_user, count=20, channel="letter")
    with django_assert_num_queries(2):
        list(panel.counts(admin_user))


def test_dashboard_shows_the_panel(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("staff:dashboard")).content.decode()
    assert reverse("verification:staff_home") in html


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name", ["verification:staff_records", "verification:staff_home"]
)
def test_staff_lists_cost_the_same_for_more_rows(
    client, admin_user, url_name, django_assert_num_queries
):
    def add(n):
        for _ in range(n):
            batch = services.codes_issue(actor=admin_user, count=1, channel="counter")
            services.code_redeem(
                user=factories.UserFactory(), code=batch.clear_codes[0]
            )

    client.force_login(admin_user)
    url = reverse(url_name)
    add(2)
    client.get(url)
    small = _count_queries(client, url)
    add(8)
    with django_assert_num_queries(small):
        client.get(url)


def test_record_asks_the_purpose_before_it_opens(client, admin_user, resident):
    from participation.privacy.models import AccessLogEntry

    code = services.codes_issue(actor=admin_user, count=1, channel="counter")
    verification = services.code_redeem(user=resident, code=code.clear_codes[0])
    client.force_login(admin_user)
    url = reverse("verification:staff_record", args=[verification.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Code issued by" not in page.content.decode()
    assert not AccessLogEntry.objects.filter(subject=resident).exists()
    assert client.post(url, {"purpose": "made-up"}).status_code == 400
    assert not AccessLogEntry.objects.filter(subject=resident).exists()


def test_opening_a_record_is_in_the_residents_access_log(client, admin_user, resident):
    code = services.codes_issue(actor=admin_user, count=1, channel="counter")
    verification = services.code_redeem(user=resident, code=code.clear_codes[0])
    client.force_login(admin_user)
    url = reverse("verification:staff_record", args=[verification.pk])
    assert client.post(url, {"purpose": "verification"}).status_code == 200
    client.force_login(resident)
    data_page = client.get(reverse("accounts:personal_data")).content.decode()
    assert "Your residency verification" in data_page
    assert "Checking or issuing a residency verification" in data_page


def test_refused_staff_opening_a_record_is_not_logged(
    client, official, resident, admin_user
):
    from participation.privacy.models import AccessLogEntry

    code = services.codes_issue(actor=admin_user, count=1, channel="counter")
    verification = services.code_redeem(user=resident, code=code.clear_codes[0])
    client.force_login(official)
    url = reverse("verification:staff_record", args=[verification.pk])
    assert client.post(url, {"purpose": "verification"}).status_code == 403
    assert not AccessLogEntry.objects.filter(subject=resident).exists()
