"""Invitations to a staff role: the service, the e-mail, the invited person's pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from participation.accounts import invitations
from participation.accounts.models import (
    Invitation,
    InvitationSend,
    InvitationStatus,
    Role,
    RoleGrant,
    User,
)
from participation.accounts.tasks import send_invitation
from participation.audit.models import AuditEvent
from participation.errors import Conflict, Invalid, NotAllowed
from tests import factories

pytestmark = pytest.mark.django_db

INVITED = "new.facilitator@example.org"


def invite(actor, **kwargs):
    kwargs.setdefault("email", INVITED)
    kwargs.setdefault("role", Role.FACILITATOR)
    return invitations.invitation_create(actor=actor, **kwargs)


def token_of(invitation):
    invitation.refresh_from_db()
    return invitations.token_for(invitation)


def page(token):
    return reverse("accounts:invitation", args=[token])


# --- creating ---


def test_admin_invites_a_facilitator_and_it_is_audited(admin_user, process):
    invitation = invite(admin_user, process=process)
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    event = AuditEvent.objects.get(action="invitation.create")
    assert event.actor == admin_user
    assert event.after["process"] == process.slug


@pytest.mark.parametrize("who", ["resident", "facilitator", "official"])
def test_only_administrators_invite(request, who):
    with pytest.raises(NotAllowed):
        invite(request.getfixturevalue(who))
    assert not Invitation.objects.exists()


def test_admin_without_mfa_cannot_invite():
    admin = factories.grant(factories.UserFactory(), Role.ADMIN, mfa=False)
    with pytest.raises(NotAllowed):
        invite(admin)


def test_the_admin_role_is_not_invited(admin_user):
    with pytest.raises(Invalid):
        invite(admin_user, role=Role.ADMIN)


def test_section_of_another_department_is_refused(admin_user, department):
    with pytest.raises(Invalid) as error:
        invite(
            admin_user,
            role=Role.OFFICIAL,
            department=department,
            section=factories.SectionFactory(),
        )
    assert error.value.code == "section"


def test_a_second_pending_invitation_to_the_same_role_is_a_conflict(admin_user):
    invite(admin_user)
    with pytest.raises(Conflict):
        invite(admin_user, email=INVITED.upper())
    assert Invitation.objects.count() == 1


def test_inviting_someone_who_has_the_role_is_a_conflict(admin_user, facilitator):
    process = RoleGrant.objects.get(user=facilitator).process
    with pytest.raises(Conflict):
        invite(admin_user, email=facilitator.email, process=process)


def test_invalid_address_is_refused(admin_user):
    with pytest.raises(Invalid):
        invite(admin_user, email="not an address")


# --- the e-mail ---


@pytest.mark.django_db(transaction=True)
def test_the_invitation_email_leaves_through_the_worker_with_a_working_link(
    admin_user, process, smtp, run_worker, client
):
    invitation = invite(admin_user, process=process, language="en")
    assert not smtp.received  # nothing is sent inside the request
    run_worker()
    [received] = smtp.received
    assert received.recipients == [INVITED]
    body = received.message.get_body(("plain",)).get_content()
    assert "Aki Admin invites you" in body
    link = next(line for line in body.split() if "/accounts/invitations/" in line)
    assert link.startswith("https://participation.example.jp/")
    invitation.refresh_from_db()
    assert invitation.send_status == InvitationSend.SENT
    path = link.removeprefix("https://participation.example.jp")
    assert client.get(path).status_code == 200


def test_the_task_queue_holds_no_usable_link(
    admin_user, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(admin_user)
    stored = str(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))
    assert invitations.token_for(invitation) not in stored


def test_a_resent_invitation_is_not_sent_under_its_old_version(admin_user, smtp):
    invitation = invite(admin_user)
    invitations.invitation_resend(actor=admin_user, invitation=invitation)
    assert send_invitation.call(invitation.pk, 1) == "skipped"
    assert send_invitation.call(invitation.pk, 2) == InvitationSend.SENT
    assert send_invitation.call(invitation.pk, 2) == "skipped"  # sent once
    assert len(smtp.received) == 1


def test_a_refused_address_is_recorded(admin_user, smtp):
    smtp.refuse[INVITED] = "550 No such user"
    invitation = invite(admin_user)
    assert send_invitation.call(invitation.pk, 1) == InvitationSend.BOUNCED


def test_the_email_is_written_in_the_chosen_language(admin_user, smtp):
    invitation = invite(admin_user, language="ja")
    send_invitation.call(invitation.pk, 1)
    body = smtp.received[0].message.get_body(("plain",)).get_content()
    assert "ファシリテーター" in body


# --- bad links ---


def test_tampered_link_is_a_clear_404(client, admin_user):
    token = token_of(invite(admin_user))
    response = client.get(page(token[:-2] + "xx"))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_link_to_an_unknown_invitation_is_a_404(client):
    token = signing.dumps({"i": 999999, "v": 1}, salt=invitations.SALT)
    assert client.get(page(token)).status_code == 404


def test_expired_link_is_refused_and_grants_nothing(client, admin_user, resident):
    invitation = invite(admin_user, email=resident.email)
    token = token_of(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(resident)
    response = client.post(page(token))
    assert response.status_code == 403
    assert "expired" in response.content.decode()
    assert not RoleGrant.objects.filter(user=resident).exists()


def test_revoked_link_is_refused(client, admin_user, resident):
    invitation = invite(admin_user, email=resident.email)
    token = token_of(invitation)
    invitations.invitation_revoke(actor=admin_user, invitation=invitation)
    client.force_login(resident)
    response = client.post(page(token))
    assert response.status_code == 403
    assert "withdrawn" in response.content.decode()
    assert not RoleGrant.objects.filter(user=resident).exists()


def test_link_of_before_a_resend_is_superseded(client, admin_user, resident):
    invitation = invite(admin_user, email=resident.email)
    old = token_of(invitation)
    invitations.invitation_resend(actor=admin_user, invitation=invitation)
    client.force_login(resident)
    response = client.post(page(old))
    assert response.status_code == 409
    assert not RoleGrant.objects.filter(user=resident).exists()
    assert client.post(page(token_of(invitation))).status_code == 302


def test_a_used_link_works_once(client, admin_user, resident):
    token = token_of(invite(admin_user, email=resident.email))
    client.force_login(resident)
    assert client.post(page(token)).status_code == 302
    again = client.post(page(token))
    assert again.status_code == 409
    assert RoleGrant.objects.filter(user=resident).count() == 1


# --- accepting with an existing account ---


def test_signed_in_owner_of_the_address_accepts_and_is_led_to_mfa(
    client, admin_user, resident, process
):
    token = token_of(invite(admin_user, email=resident.email, process=process))
    client.force_login(resident)
    assert "Accept the invitation" in client.get(page(token)).content.decode()
    response = client.post(page(token))
    assert response["Location"] == reverse("mfa_activate_totp")
    grant = RoleGrant.objects.get(user=resident)
    assert (grant.role, grant.process, grant.granted_by) == (
        Role.FACILITATOR,
        process,
        admin_user,
    )
    assert AuditEvent.objects.filter(action="invitation.accept", actor=resident)
    assert AuditEvent.objects.get(action="role.grant").after["invitation"]


def test_an_official_invitation_carries_section_and_approver(
    client, admin_user, resident, department
):
    section = factories.SectionFactory(department=department)
    token = token_of(
        invite(
            admin_user,
            email=resident.email,
            role=Role.OFFICIAL,
            section=section,
            approver=True,
        )
    )
    client.force_login(resident)
    client.post(page(token))
    grant = RoleGrant.objects.get(user=resident)
    assert (grant.department, grant.section, grant.approver) == (
        department,
        section,
        True,
    )


def test_another_account_cannot_take_someone_elses_invitation(
    client, admin_user, resident, resident2
):
    token = token_of(invite(admin_user, email=resident.email))
    client.force_login(resident2)
    response = client.post(page(token))
    assert response.status_code == 403
    assert "another e-mail address" in response.content.decode()
    assert not RoleGrant.objects.filter(user=resident2).exists()
    assert Invitation.objects.get().status == InvitationStatus.PENDING


def test_anonymous_visitor_with_an_account_is_asked_to_log_in(
    client, admin_user, resident
):
    token = token_of(invite(admin_user, email=resident.email))
    html = client.get(page(token)).content.decode()
    assert "Log in to accept" in html
    assert "Create your account" not in html
    # The sign-up page sends an existing account back to log in.
    signup = client.get(reverse("accounts:invitation_signup", args=[token]))
    assert signup.status_code == 302


def test_the_inviters_lost_admin_role_voids_the_invitation(
    client, admin_user, resident
):
    token = token_of(invite(admin_user, email=resident.email))
    RoleGrant.objects.filter(user=admin_user).delete()
    User.objects.filter(pk=admin_user.pk).update(is_superuser=False)
    client.force_login(resident)
    assert client.post(page(token)).status_code == 403
    assert not RoleGrant.objects.filter(user=resident).exists()


# --- signing up from the link ---


def _signup(client, token, **extra):
    data = {
        "real_name": "Nao Newcomer",
        "name_reading": "",
        "email": "attacker@example.org",  # ignored: the field is the invited address
        "password1": "a-long-and-unusual-passphrase",
        "password2": "a-long-and-unusual-passphrase",
        "accept_terms": "on",
        **extra,
    }
    return client.post(reverse("accounts:invitation_signup", args=[token]), data)


def test_signing_up_from_the_link_creates_a_verified_account_with_the_role(
    client, admin_user, process, mailoutbox
):
    token = token_of(invite(admin_user, process=process))
    form = client.get(reverse("accounts:invitation_signup", args=[token]))
    assert INVITED in form.content.decode()
    response = _signup(client, token)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    user = User.objects.get(email=INVITED)
    assert EmailAddress.objects.get(user=user).verified
    assert not mailoutbox  # no confirmation e-mail: the link proved the address
    assert RoleGrant.objects.get(user=user).process == process
    assert not User.objects.filter(email="attacker@example.org").exists()
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signing_up_with_an_expired_link_creates_nothing(client, admin_user):
    invitation = invite(admin_user)
    token = token_of(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = _signup(client, token)
    assert response.status_code == 403
    assert not User.objects.filter(email=INVITED).exists()


def test_signup_form_errors_keep_the_invitation_pending(client, admin_user):
    token = token_of(invite(admin_user))
    response = _signup(client, token, password2="something else entirely")
    assert response.status_code == 200
    assert not User.objects.filter(email=INVITED).exists()
    assert Invitation.objects.get().status == InvitationStatus.PENDING


# --- the staff pages ---


def test_pending_list_shows_pending_and_hides_expired(client, admin_user):
    invite(admin_user)
    old = invite(admin_user, email="old@example.org")
    Invitation.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(admin_user)
    pending = client.get(reverse("accounts:invitation_list")).content.decode()
    assert INVITED in pending and "old@example.org" not in pending
    expired = client.get(reverse("accounts:invitation_list") + "?state=expired")
    assert "old@example.org" in expired.content.decode()


def test_invitation_list_query_count_is_fixed(
    client, admin_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin_user)
    url = reverse("accounts:invitation_list")
    invite(admin_user, email="a@example.org")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(6):
        invite(admin_user, email=f"more{n}@example.org")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_admin_invites_through_the_form(client, admin_user, department):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:invitation_create"),
        {
            "email": "kacho@example.org",
            "role": "official",
            "department": department.pk,
            "language": "ja",
        },
    )
    assert response.status_code == 302
    assert Invitation.objects.get().department == department


def test_resend_and_withdraw_from_the_list(client, admin_user):
    invitation = invite(admin_user)
    client.force_login(admin_user)
    client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.version == 2
    client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    again = client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    assert again.status_code == 409


@pytest.mark.parametrize("who", ["resident", "facilitator", "official"])
def test_only_administrators_resend_or_withdraw(client, request, admin_user, who):
    invitation = invite(admin_user)
    client.force_login(request.getfixturevalue(who))
    assert (
        client.post(
            reverse("accounts:invitation_resend", args=[invitation.pk])
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("accounts:invitation_revoke", args=[invitation.pk])
        ).status_code
        == 403
    )
    invitation.refresh_from_db()
    assert (invitation.version, invitation.status) == (1, InvitationStatus.PENDING)
