"""Grant or revoke a staff role from the command line (audited like the admin).

python manage.py grant_role EMAIL facilitator [--process SLUG]
python manage.py grant_role EMAIL official --department CODE
python manage.py grant_role EMAIL official --department CODE --section CODE --approver
python manage.py grant_role EMAIL admin
python manage.py grant_role EMAIL official --department CODE --revoke
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from participation.accounts import services
from participation.accounts.models import Role, User
from participation.accounts.selectors import standing_of
from participation.errors import DomainError
from participation.spaces.models import Department, Process, Section


class Command(BaseCommand):
    help = (
        "Grant (or with --revoke, remove) a role: facilitator of a process or of "
        "the whole site, official of a department, or administrator. Every change "
        "is written to the audit log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="E-mail address of the person.")
        parser.add_argument("role", choices=Role.values, help="The role.")
        parser.add_argument(
            "--process",
            metavar="SLUG",
            help="Facilitator of this process only (default: the whole site).",
        )
        parser.add_argument(
            "--department",
            metavar="CODE",
            help="Department of an official (required for official).",
        )
        parser.add_argument(
            "--section",
            metavar="CODE",
            help="Section (課) of the official's department (optional).",
        )
        parser.add_argument(
            "--approver",
            action="store_true",
            help="The official approves the section's draft answers (決裁).",
        )
        parser.add_argument(
            "--revoke", action="store_true", help="Remove the role instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        role = options["role"]
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account has the e-mail address {email!r}.")
        process = None
        if options["process"]:
            process = Process.objects.filter(slug=options["process"]).first()
            if process is None:
                raise CommandError(f"No process has the slug {options['process']!r}.")
        department = None
        if options["department"]:
            department = Department.objects.filter(code=options["department"]).first()
            if department is None:
                raise CommandError(
                    f"No department has the code {options['department']!r}."
                )
        section = None
        if options["section"]:
            if department is None:
                raise CommandError("--section needs --department CODE.")
            section = Section.objects.filter(
                department=department, code=options["section"]
            ).first()
            if section is None:
                raise CommandError(
                    f"The department {department.code!r} has no section "
                    f"{options['section']!r}."
                )
        if role == Role.OFFICIAL and department is None:
            raise CommandError("An official needs --department CODE.")
        if role != Role.FACILITATOR and process is not None:
            raise CommandError("--process only applies to the facilitator role.")
        if role != Role.OFFICIAL and department is not None:
            raise CommandError("--department only applies to the official role.")

        try:
            if options["revoke"]:
                services.role_revoke(
                    actor=None,
                    user=user,
                    role=role,
                    process=process,
                    department=department,
                )
            else:
                services.role_grant(
                    actor=None,
                    user=user,
                    role=role,
                    process=process,
                    department=department,
                    section=section,
                    approver=options["approver"],
                )
        except DomainError as error:
            raise CommandError(str(error)) from error

        scope = (
            f"process {process.slug}"
            if process
            else f"department {department.code}"
            if department
            else "the whole site"
        )
        verb = "Revoked" if options["revoke"] else "Granted"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {role} ({scope}) for {user.email}.")
        )
        needs_mfa = not options["revoke"] and role in Role.values
        if needs_mfa and not standing_of(user).has_mfa:
            self.stdout.write(
                self.style.WARNING(
                    "This person has no two-factor authentication yet: staff "
                    "actions stay off until they set it up at /accounts/2fa/."
                )
            )
