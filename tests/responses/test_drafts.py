"""Draft answers and their approval (決裁): the services, through the real cast."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings

from participation.audit.models import AuditEvent
from participation.errors import Conflict, Invalid, NotAllowed
from participation.notifications.models import Delivery, Notification
from responses import approval, services
from responses.models import DraftStatus, ResponseDraft, ResponseRevision
from responses.services.drafting import StaleDraft
from responses.transitions import Decision, Implementation
from tests import factories
from tests.responses.conftest import DRAFT_ANSWER

pytestmark = pytest.mark.django_db


def start(entry, actor, **kwargs):
    return services.draft_start(actor=actor, entry=entry, **kwargs)


def save(draft, actor, version=None, **fields):
    values = {"decision": Decision.ACCEPTED, "body": DRAFT_ANSWER} | fields
    return services.draft_save(
        actor=actor,
        draft=draft,
        version=draft.version if version is None else version,
        **values,
    )


def submitted(entry, actor, **fields):
    draft = save(start(entry, actor), actor, **fields)
    return services.draft_submit(actor=actor, draft=draft, version=draft.version)


@pytest.fixture
def draft(assigned, author, approver):
    """A saved, complete draft of section A, not yet submitted (approval applies)."""
    return save(start(assigned, author), author)


@pytest.fixture
def waiting(draft, author):
    return services.draft_submit(actor=author, draft=draft, version=draft.version)


# --- Approval applies ----------------------------------------------------------------
def test_direct_publishing_is_refused_where_the_department_approves(
    assigned, author, approver
):
    with pytest.raises(NotAllowed) as refused:
        services.response_publish(
            actor=author, entry=assigned, decision=Decision.ACCEPTED, body=DRAFT_ANSWER
        )
    assert refused.value.code == "approval_required"
    assigned.refresh_from_db()
    assert assigned.response_id is None


def test_a_department_without_approvers_publishes_directly(assigned, author):
    services.response_publish(
        actor=author, entry=assigned, decision=Decision.ACCEPTED, body=DRAFT_ANSWER
    )
    assigned.refresh_from_db()
    assert assigned.response_id is not None


def test_the_department_switch_turns_approval_off(assigned, department, approver):
    assert approval.approval_applies(department)
    department.approval_required = False  # the switch (Department field on main)
    assert not approval.approval_applies(department)


# --- Starting and saving --------------------------------------------------------------
def test_a_draft_belongs_to_the_author_section(draft, section, author):
    assert draft.section_id == section.pk
    assert draft.author_id == author.pk
    assert draft.status == DraftStatus.DRAFT


def test_starting_again_opens_the_same_draft(draft, assigned, colleague):
    assert start(assigned, colleague).pk == draft.pk


def test_saving_bumps_the_version(draft, colleague):
    before = draft.version
    saved = save(draft, colleague, body=DRAFT_ANSWER + "追記")
    assert saved.version == before + 1
    assert saved.last_edited_by_id == colleague.pk


def test_a_stale_save_is_refused_and_keeps_the_saved_text(draft, author, colleague):
    stale_version = draft.version
    save(draft, colleague, body="同僚が書いた文章です。二十文字を超える本文にします。")
    with pytest.raises(StaleDraft) as refused:
        save(draft, author, version=stale_version, body="私の文章")
    assert refused.value.status == 409
    assert "同僚" in refused.value.current.body
    draft.refresh_from_db()
    assert draft.body.startswith("同僚")


def test_a_resident_cannot_start_a_draft(assigned, resident):
    with pytest.raises(NotAllowed):
        start(assigned, resident)
    assert not ResponseDraft.objects.exists()


def test_an_official_of_another_department_cannot_start_a_draft(
    assigned, other_official
):
    with pytest.raises(NotAllowed):
        start(assigned, other_official)


# --- Bad input ------------------------------------------------------------------------
def test_a_negative_cost_is_refused(draft, author):
    with pytest.raises(Invalid) as refused:
        save(draft, author, cost_estimate=-1)
    assert refused.value.code == "negative_cost"
    draft.refresh_from_db()
    assert draft.cost_estimate is None


def test_a_cost_that_is_not_a_number_is_refused(draft, author):
    with pytest.raises(Invalid):
        save(draft, author, cost_estimate="1000")


def test_a_period_ending_before_it_starts_is_refused(draft, author):
    with pytest.raises(Invalid) as refused:
        save(
            draft,
            author,
            period_start=datetime.date(2027, 4, 1),
            period_end=datetime.date(2027, 3, 31),
        )
    assert refused.value.code == "period_reversed"


def test_a_tampered_entry_of_another_department_is_refused(
    draft, author, admin_user, other_department
):
    elsewhere = services.tracker_forward(
        actor=admin_user,
        proposal=factories.ProposalFactory(process=draft.entry.process),
    )
    services.tracker_assign(
        actor=admin_user, entry=elsewhere, department=other_department
    )
    with pytest.raises(Invalid):
        save(draft, author, also=[elsewhere.pk])
    with pytest.raises(Invalid):
        save(draft, author, also=[10**12])
    assert not draft.also.exists()


def test_an_unknown_decision_is_refused(draft, author):
    with pytest.raises(Invalid):
        save(draft, author, decision="published")


def test_an_incomplete_draft_cannot_be_submitted(assigned, author, approver):
    empty = start(assigned, author)
    with pytest.raises(Invalid):
        services.draft_submit(actor=author, draft=empty, version=empty.version)
    empty.refresh_from_db()
    assert empty.status == DraftStatus.DRAFT


def test_a_refusal_without_a_reason_cannot_be_submitted(draft, author):
    short = save(draft, author, decision=Decision.NOT_ADOPTED, body="できません。")
    with pytest.raises(Invalid) as refused:
        services.draft_submit(actor=author, draft=short, version=short.version)
    assert refused.value.code == "reason_too_short"


# --- Submitting and deciding ---------------------------------------------------------
def test_submitting_tells_the_approvers_of_the_section(
    draft, author, approver, department_approver, other_section_approver, resident
):
    services.draft_submit(actor=author, draft=draft, version=draft.version)
    told = set(
        Notification.objects.filter(kind="draft.submitted").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {approver.pk, department_approver.pk}


def test_a_submitted_draft_cannot_be_edited(waiting, author):
    with pytest.raises(Conflict):
        save(waiting, author)


def test_approving_publishes_the_answer_signed_by_the_section(
    waiting, approver, section, assigned
):
    services.draft_approve(actor=approver, draft=waiting, version=waiting.version)
    assigned.refresh_from_db()
    revision = assigned.response.current
    assert revision.body == DRAFT_ANSWER
    assert revision.section_name == section.name
    assert revision.section_phone == section.phone
    assert revision.approved_by_id == approver.pk
    waiting.refresh_from_db()
    assert waiting.status == DraftStatus.APPROVED
    assert waiting.revision_id == revision.pk


def test_the_approver_name_is_not_public_by_default(waiting, approver, assigned):
    services.draft_approve(actor=approver, draft=waiting, version=waiting.version)
    revision = ResponseRevision.objects.get()
    assert revision.public_official_name == ""
    event = assigned.events.get(kind="published")
    assert approver.real_name not in event.actor_name
    data = Notification.objects.filter(kind="response.published").first().data
    assert approver.real_name not in str(data)


@override_settings(RESPONSE_SHOW_OFFICIAL_NAME=True)
def test_the_organisation_may_show_the_approver_name(waiting, approver):
    services.draft_approve(actor=approver, draft=waiting, version=waiting.version)
    assert ResponseRevision.objects.get().public_official_name == approver.real_name


def test_the_audit_log_names_the_author_and_the_approver(waiting, approver, author):
    services.draft_approve(actor=approver, draft=waiting, version=waiting.version)
    published = AuditEvent.objects.get(action="response.publish")
    assert published.actor_id == approver.pk
    assert published.after["drafted_by"] == author.pk
    assert AuditEvent.objects.filter(action="draft.approve", actor=approver).exists()


def test_approving_tells_the_author(waiting, approver, author):
    services.draft_approve(actor=approver, draft=waiting, version=waiting.version)
    assert Notification.objects.filter(recipient=author, kind="draft.approved").exists()


def test_returning_needs_a_comment(waiting, approver):
    with pytest.raises(Invalid):
        services.draft_return(
            actor=approver, draft=waiting, version=waiting.version, comment="x"
        )
    waiting.refresh_from_db()
    assert waiting.status == DraftStatus.SUBMITTED


def test_returning_tells_the_author_in_app_and_by_email(waiting, approver, author):
    services.draft_return(
        actor=approver,
        draft=waiting,
        version=waiting.version,
        comment="費用の見込みを書き添えてください。",
    )
    waiting.refresh_from_db()
    assert waiting.status == DraftStatus.RETURNED
    assert waiting.return_comment.startswith("費用")
    notice = Notification.objects.get(recipient=author, kind="draft.returned")
    assert "費用" in notice.data["comment"]
    assert Delivery.objects.filter(notification=notice).exists()


def test_a_returned_draft_can_be_edited_and_submitted_again(waiting, approver, author):
    returned = services.draft_return(
        actor=approver,
        draft=waiting,
        version=waiting.version,
        comment="費用の見込みを書き添えてください。",
    )
    fixed = save(returned, author, cost_estimate=1_200_000)
    again = services.draft_submit(actor=author, draft=fixed, version=fixed.version)
    assert again.status == DraftStatus.SUBMITTED


def test_a_stale_approval_is_refused(waiting, approver):
    with pytest.raises(StaleDraft):
        services.draft_approve(
            actor=approver, draft=waiting, version=waiting.version - 1
        )
    waiting.refresh_from_db()
    assert waiting.status == DraftStatus.SUBMITTED


def test_the_cost_and_period_are_published_with_the_answer(
    draft, author, approver, assigned
):
    dated = save(
        draft,
        author,
        cost_estimate=3_000_000,
        period_start=datetime.date(2027, 4, 1),
        period_end=datetime.date(2028, 3, 31),
    )
    dated = services.draft_submit(actor=author, draft=dated, version=dated.version)
    services.draft_approve(actor=approver, draft=dated, version=dated.version)
    revision = ResponseRevision.objects.get()
    assert revision.cost_estimate == 3_000_000
    assert revision.period_end == datetime.date(2028, 3, 31)


# --- Revisions ------------------------------------------------------------------------
def test_a_draft_after_publication_is_a_revision(
    waiting, approver, colleague, assigned
):
    services.draft_approve(actor=approver, draft=waiting, version=waiting.version)
    revision_draft = start(assigned, colleague)
    assert revision_draft.is_revision
    assert revision_draft.base_revision == 1
    assert revision_draft.body == DRAFT_ANSWER


def test_an_approved_revision_adds_a_public_revision(
    waiting, approver, colleague, assigned
):
    services.draft_approve(actor=approver, draft=waiting, version=waiting.version)
    revision_draft = start(assigned, colleague)
    with pytest.raises(Invalid):  # a revision says what changed
        services.draft_submit(
            actor=colleague, draft=revision_draft, version=revision_draft.version
        )
    revision_draft = save(
        revision_draft,
        colleague,
        body=DRAFT_ANSWER + "設置は七月です。",
        change_note="設置時期を追記しました。",
    )
    revision_draft = services.draft_submit(
        actor=colleague, draft=revision_draft, version=revision_draft.version
    )
    services.draft_approve(
        actor=approver, draft=revision_draft, version=revision_draft.version
    )
    assigned.refresh_from_db()
    assert assigned.response.revision_count == 2
    assert assigned.response.current.change_note == "設置時期を追記しました。"


# --- Approval off --------------------------------------------------------------------
def test_without_approval_the_official_publishes_the_draft(
    assigned, author, monkeypatch
):
    monkeypatch.setattr(approval, "approval_required", lambda department: False)
    draft = save(start(assigned, author), author)
    with pytest.raises(Invalid) as refused:
        services.draft_submit(actor=author, draft=draft, version=draft.version)
    assert refused.value.code == "approval_off"
    services.draft_publish(actor=author, draft=draft, version=draft.version)
    assigned.refresh_from_db()
    assert assigned.response.current.approved_by_id is None
    assert assigned.response.current.author_id == author.pk


def test_with_approval_the_draft_cannot_be_published_directly(draft, author):
    with pytest.raises(NotAllowed) as refused:
        services.draft_publish(actor=author, draft=draft, version=draft.version)
    assert refused.value.code == "approval_required"


# --- Batch work -----------------------------------------------------------------------
def _another_entry(assigned, admin_user, department):
    other = services.tracker_forward(
        actor=admin_user, proposal=factories.ProposalFactory(process=assigned.process)
    )
    return services.tracker_assign(actor=admin_user, entry=other, department=department)


def test_one_approved_draft_answers_several_proposals(
    draft, author, approver, assigned, admin_user, department
):
    second = _another_entry(assigned, admin_user, department)
    grouped = save(draft, author, also=[second.pk])
    grouped = services.draft_submit(
        actor=author, draft=grouped, version=grouped.version
    )
    services.draft_approve(actor=approver, draft=grouped, version=grouped.version)
    assigned.refresh_from_db()
    second.refresh_from_db()
    assert second.response_id == assigned.response_id is not None


def test_one_progress_update_for_several_proposals(
    assigned, admin_user, department, official
):
    second = _another_entry(assigned, admin_user, department)
    for entry in (assigned, second):
        services.response_publish(
            actor=official, entry=entry, decision=Decision.ACCEPTED, body=DRAFT_ANSWER
        )
    posted = services.progress_post_batch(
        actor=official,
        entry_ids=[assigned.pk, second.pk],
        status=Implementation.IN_PROGRESS,
        percent=30,
        body="設計が終わり、工事の発注を始めました。",
    )
    assert len(posted) == 2
    second.refresh_from_db()
    assert second.implementation_percent == 30


def test_a_batch_update_is_all_or_nothing(assigned, admin_user, department, official):
    second = _another_entry(assigned, admin_user, department)
    services.response_publish(
        actor=official, entry=assigned, decision=Decision.ACCEPTED, body=DRAFT_ANSWER
    )
    with pytest.raises(Invalid):  # the second one is not accepted
        services.progress_post_batch(
            actor=official,
            entry_ids=[assigned.pk, second.pk],
            status=Implementation.IN_PROGRESS,
            percent=30,
            body="設計が終わり、工事の発注を始めました。",
        )
    assert not assigned.progress_updates.exists()


def test_a_batch_update_refuses_another_department(
    assigned, admin_user, official, other_department
):
    elsewhere = _another_entry(assigned, admin_user, other_department)
    with pytest.raises(Invalid) as refused:
        services.progress_post_batch(
            actor=official,
            entry_ids=[assigned.pk, elsewhere.pk],
            status=Implementation.IN_PROGRESS,
            percent=30,
            body="設計が終わり、工事の発注を始めました。",
        )
    assert refused.value.code == "wrong_department"


# --- Templates ------------------------------------------------------------------------
def test_a_template_fills_a_new_draft(assigned, author, department, approver):
    template = services.answer_template_create(
        actor=author,
        department=department,
        title="採択(予算化)",
        decision=Decision.ACCEPTED,
        body="ご提案ありがとうございます。来年度予算に計上します。",
    )
    draft = start(assigned, author, template=template)
    assert draft.body == template.body
    assert draft.decision == Decision.ACCEPTED


def test_an_official_of_another_department_cannot_manage_templates(
    other_official, department
):
    with pytest.raises(NotAllowed):
        services.answer_template_create(
            actor=other_official,
            department=department,
            title="採択",
            body="ご提案ありがとうございます。",
        )


def test_a_template_of_another_department_cannot_fill_a_draft(
    assigned, author, other_department, other_official
):
    template = services.answer_template_create(
        actor=other_official,
        department=other_department,
        title="よそ",
        body="別の部局のひな形です。",
    )
    with pytest.raises(Invalid):
        start(assigned, author, template=template)


def test_discarding_keeps_the_text_in_the_audit_log(draft, author):
    services.draft_discard(actor=author, draft=draft, version=draft.version)
    assert not ResponseDraft.objects.exists()
    event = AuditEvent.objects.get(action="draft.discard")
    assert event.before["body"] == DRAFT_ANSWER
