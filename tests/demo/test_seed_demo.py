"""seed_demo on an empty database: what the demo prefecture contains, and that it
can be run again safely. The command runs once for the module (inside a
transaction rolled back at the end), because seeding takes a few seconds."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from demo import content
from demo.seed import counts, demo_present, reset
from participation.accounts.models import Role, RoleGrant, User
from participation.audit.models import AuditEvent
from participation.notifications.models import Delivery, Notification
from participation.spaces.models import Process
from proposals.models import Comment, CommentVote, Proposal, ProposalState, Support
from responses.drafts import rules as draft_rules
from responses.models import AnswerTemplate, DraftStatus, ResponseDraft

MAIN_ACCOUNTS = [
    "resident@example.org",
    "resident2@example.org",
    "facilitator@example.org",
    "official@example.org",
    "admin@example.org",
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_the_five_main_accounts_exist_verified_with_the_demo_password():
    users = User.objects.filter(email__in=MAIN_ACCOUNTS)
    assert users.count() == 5
    for user in users:
        assert user.is_demo
        assert user.check_password(settings.DEMO_PASSWORD)
        assert EmailAddress.objects.filter(
            user=user, email=user.email, verified=True, primary=True
        ).exists()


def test_about_thirty_more_residents_have_real_names():
    residents = User.objects.filter(is_demo=True).exclude(email__in=MAIN_ACCOUNTS)
    assert residents.count() >= 30
    assert all(len(u.real_name.strip()) >= 2 for u in residents)


def test_facilitator_facilitates_the_three_demo_processes():
    grants = RoleGrant.objects.filter(
        user__email="facilitator@example.org", role=Role.FACILITATOR
    )
    assert set(grants.values_list("process__slug", flat=True)) == set(
        content.PROCESS_SLUGS
    )


def test_official_answers_for_two_departments():
    grants = RoleGrant.objects.filter(
        user__email="official@example.org", role=Role.OFFICIAL
    )
    assert grants.values("department").distinct().count() == 2


def test_every_department_has_an_official():
    for department in content.DEPARTMENTS:
        assert RoleGrant.objects.filter(
            role=Role.OFFICIAL, department__code=department.code
        ).exists(), department.code


def test_admin_has_the_admin_role_and_the_admin_site():
    admin = User.objects.get(email="admin@example.org")
    assert RoleGrant.objects.filter(user=admin, role=Role.ADMIN).exists()
    assert admin.is_staff and admin.is_superuser


def test_every_role_grant_is_in_the_audit_log():
    grants = RoleGrant.objects.filter(user__is_demo=True).count()
    assert grants == 9  # with approver@example.org (demo/drafts.py)
    assert AuditEvent.objects.filter(action="role.grant").count() == grants


def test_three_processes_run_in_different_phases():
    kinds = {
        p.slug: p.current_phase.kind
        for p in Process.objects.filter(slug__in=content.PROCESS_SLUGS)
    }
    assert kinds == {
        content.GREEN: "proposals",
        content.CHILDREN: "support",
        content.TRANSPORT: "response",
    }


def test_the_process_in_its_response_phase_has_past_phases():
    process = Process.objects.get(slug=content.TRANSPORT)
    assert sum(phase.is_past for phase in process.phases.all()) >= 2


def test_processes_are_bilingual():
    for process in Process.objects.filter(slug__in=content.PROCESS_SLUGS):
        assert process.title_en and process.summary_en and process.description_en
        assert all(phase.title_en for phase in process.phases.all())


def test_about_forty_proposals_spread_over_categories_and_areas():
    proposals = Proposal.objects.filter(process__slug__in=content.PROCESS_SLUGS)
    assert proposals.count() == 40
    assert proposals.values("category").distinct().count() >= 6
    assert proposals.values("area").distinct().count() >= 6


def test_several_proposals_are_about_parks():
    assert Proposal.objects.filter(title__contains="公園").count() >= 5


def test_some_proposals_are_in_english():
    english = [p for p in Proposal.objects.all() if p.title.isascii()]
    assert 4 <= len(english) <= 10


def test_about_two_hundred_comments_with_replies_three_levels_deep():
    comments = Comment.objects.all()
    assert 180 <= comments.count() <= 260
    assert set(comments.values_list("depth", flat=True)) == {0, 1, 2}
    assert set(comments.values_list("alignment", flat=True)) == {
        "favour",
        "against",
        "neutral",
    }


def test_officials_and_the_facilitator_comment_with_their_badge():
    assert Comment.objects.filter(author_role="official").exists()
    assert Comment.objects.filter(author_role="facilitator").exists()


def test_comment_votes_and_supports_exist():
    assert CommentVote.objects.count() > 200
    assert Support.objects.count() > 300


def test_several_proposals_passed_their_threshold_in_every_process():
    for slug in content.PROCESS_SLUGS:
        passed = Proposal.objects.filter(
            process__slug=slug, threshold_reached_at__isnull=False
        )
        assert passed.count() >= 2, slug


def test_counters_match_the_rows():
    for proposal in Proposal.objects.all():
        assert proposal.support_count == proposal.supports.count()
        assert (
            proposal.comment_count
            == proposal.comments.filter(deleted_at__isnull=True).count()
        )


def test_history_spreads_over_past_months_and_never_into_the_future():
    now = timezone.now()
    created = sorted(Proposal.objects.values_list("created_at", flat=True))
    assert (created[-1] - created[0]).days > 180
    assert created[-1] < now
    assert not Comment.objects.filter(created_at__gt=now).exists()
    assert not Support.objects.filter(created_at__gt=now).exists()


def test_replies_come_after_what_they_answer():
    for reply in Comment.objects.filter(parent__isnull=False).select_related("parent"):
        assert reply.created_at > reply.parent.created_at


def test_threshold_is_stamped_at_the_support_that_reached_it():
    for proposal in Proposal.objects.filter(threshold_reached_at__isnull=False):
        moments = sorted(proposal.supports.values_list("created_at", flat=True))
        threshold = proposal.process.support_threshold
        assert proposal.threshold_reached_at == moments[threshold - 1]


def test_some_proposals_were_withdrawn_or_edited_and_some_comments_deleted():
    assert Proposal.objects.filter(state=ProposalState.WITHDRAWN).count() == 2
    assert Proposal.objects.filter(edited_at__isnull=False).exists()
    assert Comment.objects.filter(deleted_at__isnull=False).exists()
    assert Comment.objects.filter(edited_at__isnull=False).exists()


def test_running_twice_changes_nothing():
    before = counts()
    events = AuditEvent.objects.count()
    call_command("seed_demo", verbosity=0)
    assert counts() == before
    assert AuditEvent.objects.count() == events


def test_home_and_process_pages_render_the_demo(client):
    assert client.get("/").status_code == 200
    response = client.get(f"/processes/{content.TRANSPORT}/")
    assert response.status_code == 200
    assert "Keeping communities moving" in response.content.decode()


def test_reset_removes_the_demo_content_but_keeps_the_accounts():
    resident_id = User.objects.get(email="resident@example.org").pk
    reset(log=lambda line: None)
    assert demo_present() is False
    assert not Proposal.objects.exists()
    assert not RoleGrant.objects.filter(user__is_demo=True).exists()
    assert User.objects.get(email="resident@example.org").pk == resident_id
    assert AuditEvent.objects.filter(action="demo.reset").count() == 1


def test_the_demo_history_is_not_emailed_to_its_people():
    assert Notification.objects.exists()  # the bell has its history
    assert not Delivery.objects.exists()  # the first `make run` prints no mail flood


def test_one_invitation_for_a_facilitator_is_pending():
    from participation.accounts.models import Invitation, InvitationStatus

    [invitation] = Invitation.objects.filter(status=InvitationStatus.PENDING)
    assert invitation.role == Role.FACILITATOR
    assert invitation.process.slug == content.GREEN
    assert invitation.invited_by.email == "admin@example.org"
    assert AuditEvent.objects.filter(
        action="invitation.create", target_id=str(invitation.pk)
    ).exists()


@override_settings(STAFF_MFA_REQUIRED=False)  # the demo's staff act without TOTP
def test_a_draft_waits_for_the_demo_approver(client):
    approver = User.objects.get(email="approver@example.org")
    official = User.objects.get(email="official@example.org")
    draft = ResponseDraft.objects.get(status=DraftStatus.SUBMITTED)
    assert draft.author_id == official.pk
    assert draft.section is not None and draft.section.phone
    assert draft_rules.approve_refusal(approver, draft) is None
    page = client.get(draft.entry.proposal.get_absolute_url())
    assert draft.body[:30] not in page.content.decode()


def test_the_demo_department_has_answer_templates():
    assert AnswerTemplate.objects.filter(department__code="public-works").count() == 3
