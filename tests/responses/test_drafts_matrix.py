"""The role × action matrix of drafts (決裁): who may see, edit, submit, approve and
return a draft, and a refusal changes nothing.

Every action is tried by every role through the service (the same refusal functions
serve the pages and their templates)."""

from __future__ import annotations

import pytest
import rules as rules_pkg
from django.contrib.auth.models import AnonymousUser

from participation.errors import DomainError
from responses import services
from responses.drafts import rules
from responses.models import DraftStatus, ResponseDraft, ResponseRevision
from responses.transitions import Decision
from tests.responses.conftest import DRAFT_ANSWER

pytestmark = pytest.mark.django_db

CAST = [
    "author",
    "colleague",
    "approver",
    "department_approver",
    "other_section_approver",
    "other_department_approver",
    "facilitator",
    "resident",
    "anonymous",
    "admin_user",
]


@pytest.fixture
def cast(request):
    def person(name):
        if name == "anonymous":
            return AnonymousUser()
        return request.getfixturevalue(name)

    return person


@pytest.fixture
def open_draft(assigned, author, approver):
    draft = services.draft_start(actor=author, entry=assigned)
    return services.draft_save(
        actor=author,
        draft=draft,
        version=draft.version,
        decision=Decision.ACCEPTED,
        body=DRAFT_ANSWER,
    )


@pytest.fixture
def submitted_draft(open_draft, author):
    return services.draft_submit(
        actor=author, draft=open_draft, version=open_draft.version
    )


VIEW = {
    "author": True,
    "colleague": True,
    "approver": True,
    "department_approver": True,
    "other_section_approver": True,  # same department: sees, cannot approve
    "other_department_approver": False,
    "facilitator": False,
    "resident": False,
    "anonymous": False,
    "admin_user": True,
}


@pytest.mark.parametrize("who", CAST)
def test_who_sees_a_draft(who, cast, open_draft):
    user = cast(who)
    assert (rules.view_refusal(user, open_draft) is None) is VIEW[who]
    assert rules_pkg.has_perm("responses.view_draft", user, open_draft) is VIEW[who]


@pytest.mark.parametrize("who", CAST)
def test_who_edits_a_draft(who, cast, open_draft):
    user = cast(who)
    before = (open_draft.version, open_draft.body)
    try:
        services.draft_save(
            actor=user,
            draft=open_draft,
            version=open_draft.version,
            decision=Decision.ACCEPTED,
            body=DRAFT_ANSWER + "追記",
        )
    except DomainError as refused:
        assert not VIEW[who], refused
        assert refused.status == 403
        open_draft.refresh_from_db()
        assert (open_draft.version, open_draft.body) == before
    else:
        assert VIEW[who]


APPROVE = {
    "author": "not_approver",  # an approver's own draft: see below
    "colleague": "not_approver",
    "approver": None,
    "department_approver": None,
    "other_section_approver": "not_approver",
    "other_department_approver": "not_department",
    "facilitator": "not_department",
    "resident": "not_department",
    "anonymous": "not_authenticated",
    "admin_user": "not_approver",
}


@pytest.mark.parametrize("who", CAST)
def test_who_approves_a_draft(who, cast, submitted_draft, assigned):
    user = cast(who)
    expected = APPROVE[who]
    try:
        services.draft_approve(
            actor=user, draft=submitted_draft, version=submitted_draft.version
        )
    except DomainError as refused:
        assert refused.code == expected
        assert refused.status == 403
        submitted_draft.refresh_from_db()
        assert submitted_draft.status == DraftStatus.SUBMITTED
        assert not ResponseRevision.objects.exists()
    else:
        assert expected is None
        assigned.refresh_from_db()
        assert assigned.response_id is not None


@pytest.mark.parametrize("who", CAST)
def test_who_returns_a_draft(who, cast, submitted_draft):
    user = cast(who)
    expected = APPROVE[who]
    try:
        services.draft_return(
            actor=user,
            draft=submitted_draft,
            version=submitted_draft.version,
            comment="根拠の資料を添えてください。",
        )
    except DomainError as refused:
        assert refused.code == expected
        submitted_draft.refresh_from_db()
        assert submitted_draft.status == DraftStatus.SUBMITTED
        assert submitted_draft.return_comment == ""
    else:
        assert expected is None


def test_an_approver_who_submitted_a_colleague_draft_cannot_approve_it(
    assigned, colleague, approver
):
    draft = services.draft_start(actor=colleague, entry=assigned)
    draft = services.draft_save(
        actor=approver,
        draft=draft,
        version=draft.version,
        decision=Decision.ACCEPTED,
        body=DRAFT_ANSWER,
    )
    draft = services.draft_submit(actor=approver, draft=draft, version=draft.version)
    refusal = rules.approve_refusal(approver, draft)
    assert refusal is not None and refusal.code == "own_draft"


def test_an_approver_own_draft_is_approved_by_another(
    assigned, approver, department_approver
):
    draft = services.draft_start(actor=approver, entry=assigned)
    draft = services.draft_save(
        actor=approver,
        draft=draft,
        version=draft.version,
        decision=Decision.ACCEPTED,
        body=DRAFT_ANSWER,
    )
    draft = services.draft_submit(actor=approver, draft=draft, version=draft.version)
    assert rules.approve_refusal(approver, draft).code == "own_draft"
    services.draft_approve(
        actor=department_approver, draft=draft, version=draft.version
    )
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED


START = {
    "author": True,
    "colleague": True,
    "approver": True,
    "department_approver": True,
    "other_section_approver": True,
    "other_department_approver": False,
    "facilitator": False,
    "resident": False,
    "anonymous": False,
    "admin_user": True,
}


@pytest.mark.parametrize("who", CAST)
def test_who_starts_a_draft(who, cast, assigned, approver):
    user = cast(who)
    try:
        services.draft_start(actor=user, entry=assigned)
    except DomainError as refused:
        assert not START[who], refused
        assert refused.status == 403
        assert not ResponseDraft.objects.exists()
    else:
        assert START[who]


@pytest.mark.parametrize("who", CAST)
def test_who_manages_the_department_templates(who, cast, department):
    user = cast(who)
    try:
        services.answer_template_create(
            actor=user,
            department=department,
            title="採択(予算化)",
            body="ご提案ありがとうございます。来年度予算に計上します。",
        )
    except DomainError as refused:
        assert not START[who], refused
        assert department.answer_templates.count() == 0
    else:
        assert START[who]
