"""Fixtures for the tracker: entries in each state, made through the services, and
the cast of the role × action matrix."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from participation.accounts.models import Role
from participation.live import broadcast
from responses import services
from responses.transitions import Decision
from tests import factories

REASON = (
    "県の予算と既存の計画を確認した結果、今年度は実施が難しいと判断しました。"
    "来年度の計画で改めて検討します。理由の詳細は別紙のとおりです。"
)
ANSWER = "ご提案ありがとうございます。来年度の予算で日よけを設置します。"


@pytest.fixture
def other_department(db):
    return factories.DepartmentFactory(name="環境部", name_en="Environment")


@pytest.fixture
def other_official(db, other_department):
    user = factories.UserFactory(real_name="Mika Other-Official")
    return factories.grant(user, Role.OFFICIAL, department=other_department)


@pytest.fixture
def official_no_mfa(db, department):
    user = factories.UserFactory(real_name="Noa No-MFA")
    return factories.grant(user, Role.OFFICIAL, department=department, mfa=False)


@pytest.fixture
def supporter(db, proposal):
    user = factories.UserFactory(real_name="Sora Supporter")
    factories.SupportFactory(proposal=proposal, user=user)
    return user


@pytest.fixture
def live_events(monkeypatch):
    """Record live broadcasts instead of delivering them."""
    events: list[tuple[str, str, dict]] = []
    monkeypatch.setattr(
        broadcast,
        "_deliver_each",
        lambda groups, event_type, payload: events.extend(
            (group, event_type, payload) for group in groups
        ),
    )
    return events


# --- Entries in each state ----------------------------------------------------------
@pytest.fixture
def entry(db, proposal, admin_user):
    """Tracked (forwarded), not yet assigned."""
    return services.tracker_forward(actor=admin_user, proposal=proposal)


@pytest.fixture
def assigned(entry, admin_user, department):
    return services.tracker_assign(actor=admin_user, entry=entry, department=department)


def publish(entry, actor, decision=Decision.ACCEPTED, body=ANSWER, **kwargs):
    services.response_publish(
        actor=actor, entry=entry, decision=decision, body=body, **kwargs
    )
    entry.refresh_from_db()
    return entry


@pytest.fixture
def accepted(assigned, official):
    return publish(assigned, official)


@pytest.fixture
def completed(accepted, official):
    services.progress_post(
        actor=official,
        entry=accepted,
        status="completed",
        percent=100,
        body="日よけの設置工事が完了しました。",
    )
    accepted.refresh_from_db()
    return accepted


@pytest.fixture
def disputed(completed, resident):
    services.outcome_check(
        user=resident,
        entry=completed,
        verdict="disputed",
        reason="日よけは一部の遊具にしか設置されていません。",
    )
    completed.refresh_from_db()
    return completed


ROLES = (
    "anonymous",
    "resident",
    "author",
    "facilitator",
    "official",
    "other_official",
    "official_no_mfa",
    "admin",
)


@pytest.fixture
def actor(request, db, proposal, facilitator, official, admin_user, department):
    """Build the user playing ``role`` (the author is the proposal's author)."""

    def _actor(role: str):
        if role == "anonymous":
            return AnonymousUser()
        if role == "resident":
            return factories.UserFactory(real_name="Ren Resident")
        if role == "author":
            return proposal.author
        if role == "facilitator":
            return facilitator
        if role == "official":
            return official
        if role == "other_official":
            return request.getfixturevalue("other_official")
        if role == "official_no_mfa":
            return request.getfixturevalue("official_no_mfa")
        if role == "admin":
            return admin_user
        raise AssertionError(role)

    return _actor


# --- Drafts and approval (決裁): sections and who approves -------------------------
DRAFT_ANSWER = (
    "ご提案ありがとうございます。来年度の予算で、通学路の三か所に日よけを設置します。"
)


@pytest.fixture
def section(db, department):
    return factories.SectionFactory(
        department=department,
        name="道路維持課",
        name_en="Road Maintenance",
        phone="099-000-1111",
        email="douro@pref.example.jp",
    )


@pytest.fixture
def other_section(db, department):
    return factories.SectionFactory(department=department, name="交通政策課")


@pytest.fixture
def author(db, section):
    user = factories.UserFactory(real_name="Aoi Author")
    return factories.grant(user, Role.OFFICIAL, section=section)


@pytest.fixture
def colleague(db, section):
    user = factories.UserFactory(real_name="Chika Colleague")
    return factories.grant(user, Role.OFFICIAL, section=section)


@pytest.fixture
def approver(db, section):
    user = factories.UserFactory(real_name="Kacho Approver")
    return factories.grant(user, Role.OFFICIAL, section=section, approver=True)


@pytest.fixture
def other_section_approver(db, other_section):
    user = factories.UserFactory(real_name="Oto Other-Section")
    return factories.grant(user, Role.OFFICIAL, section=other_section, approver=True)


@pytest.fixture
def department_approver(db, department):
    user = factories.UserFactory(real_name="Bucho Department")
    return factories.grant(user, Role.OFFICIAL, department=department, approver=True)


@pytest.fixture
def other_department_approver(db, other_department):
    user = factories.UserFactory(real_name="Yoso Elsewhere")
    return factories.grant(
        user, Role.OFFICIAL, department=other_department, approver=True
    )
