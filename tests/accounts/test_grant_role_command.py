"""`manage.py grant_role`: every role, revoke, audit, and clear refusals."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from participation.accounts.models import Role, RoleGrant
from participation.audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("grant_role", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def person():
    return factories.UserFactory(email="kenji@example.org", real_name="Kenji Ito")


def test_grants_facilitator_of_a_process_and_audits_it(person, process):
    run("kenji@example.org", "facilitator", "--process", process.slug)
    grant = RoleGrant.objects.get(user=person)
    assert (grant.role, grant.process_id) == (Role.FACILITATOR, process.pk)
    event = AuditEvent.objects.get(action="role.grant")
    assert event.target_id == str(person.pk)
    assert event.after["process"] == process.slug
    assert event.actor is None


def test_grants_site_wide_facilitator_without_process(person):
    run("kenji@example.org", "facilitator")
    grant = RoleGrant.objects.get(user=person)
    assert grant.process is None and grant.department is None
    assert AuditEvent.objects.filter(action="role.grant").count() == 1


def test_grants_official_of_a_department_and_audits_it(person, department):
    run("kenji@example.org", "official", "--department", department.code)
    assert RoleGrant.objects.get(user=person).department == department
    event = AuditEvent.objects.get(action="role.grant")
    assert event.after["department"] == department.code


def test_grants_admin_and_opens_the_admin_site_flags(person):
    run("kenji@example.org", "admin")
    person.refresh_from_db()
    assert person.is_staff and person.is_superuser
    assert AuditEvent.objects.get(action="role.grant").after["role"] == "admin"


def test_email_lookup_ignores_case(person):
    run("KENJI@Example.org", "admin")
    assert RoleGrant.objects.filter(user=person, role=Role.ADMIN).exists()


def test_warns_when_the_person_has_no_mfa_yet(person):
    output = run("kenji@example.org", "admin")
    assert "two-factor" in output


def test_revoke_removes_the_grant_and_audits_it(person, department):
    run("kenji@example.org", "official", "--department", department.code)
    run("kenji@example.org", "official", "--department", department.code, "--revoke")
    assert not RoleGrant.objects.filter(user=person).exists()
    event = AuditEvent.objects.get(action="role.revoke")
    assert event.before["department"] == department.code


def test_revoking_admin_closes_the_admin_site_flags(person, admin_user):
    run("kenji@example.org", "admin")
    run("kenji@example.org", "admin", "--revoke")
    person.refresh_from_db()
    assert not person.is_staff and not person.is_superuser


def test_the_last_administrator_cannot_be_revoked(person):
    run("kenji@example.org", "admin")
    with pytest.raises(CommandError, match="last administrator"):
        run("kenji@example.org", "admin", "--revoke")
    person.refresh_from_db()
    assert person.is_superuser


def test_official_is_granted_with_section_and_approver(person, department):
    section = factories.SectionFactory(department=department)
    run(
        "kenji@example.org",
        "official",
        "--department",
        department.code,
        "--section",
        section.code,
        "--approver",
    )
    grant = RoleGrant.objects.get(user=person)
    assert (grant.section, grant.approver) == (section, True)


def test_section_of_another_department_is_refused(person, department):
    other = factories.SectionFactory()
    with pytest.raises(CommandError, match="has no section"):
        run(
            "kenji@example.org",
            "official",
            "--department",
            department.code,
            "--section",
            other.code,
        )


def test_unknown_email_is_refused(db):
    with pytest.raises(CommandError, match="No account has the e-mail address"):
        run("nobody@example.org", "admin")
    assert not AuditEvent.objects.exists()


def test_unknown_process_is_refused(person):
    with pytest.raises(CommandError, match="No process has the slug 'nope'"):
        run("kenji@example.org", "facilitator", "--process", "nope")
    assert not RoleGrant.objects.exists()


def test_unknown_department_is_refused(person):
    with pytest.raises(CommandError, match="No department has the code 'nope'"):
        run("kenji@example.org", "official", "--department", "nope")
    assert not RoleGrant.objects.exists()


def test_official_without_department_is_refused(person):
    with pytest.raises(CommandError, match="needs --department"):
        run("kenji@example.org", "official")
    assert not RoleGrant.objects.exists()


def test_process_with_admin_role_is_refused(person, process):
    with pytest.raises(CommandError, match="--process only applies"):
        run("kenji@example.org", "admin", "--process", process.slug)


def test_department_with_facilitator_role_is_refused(person, department):
    with pytest.raises(CommandError, match="--department only applies"):
        run("kenji@example.org", "facilitator", "--department", department.code)


def test_unknown_role_is_refused(person):
    with pytest.raises(CommandError, match="invalid choice"):
        run("kenji@example.org", "mayor")


def test_granting_twice_is_refused_and_audited_once(person):
    run("kenji@example.org", "admin")
    with pytest.raises(CommandError, match="already has that role"):
        run("kenji@example.org", "admin")
    assert AuditEvent.objects.filter(action="role.grant").count() == 1


def test_revoking_a_role_not_held_is_refused(person):
    with pytest.raises(CommandError, match="does not have that role"):
        run("kenji@example.org", "admin", "--revoke")
    assert not AuditEvent.objects.exists()


def test_bad_input_exits_with_non_zero_status(db, capsys):
    from participation.accounts.management.commands.grant_role import Command

    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(
            ["manage.py", "grant_role", "nobody@example.org", "admin", "--skip-checks"]
        )
    assert exit_info.value.code == 1
    assert "No account has the e-mail address" in capsys.readouterr().err
