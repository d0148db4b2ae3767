"""The demo's drafting and approval (決裁): sections of 県土整備部, a second official
who approves for the road section (approver@example.org), the department's answer
templates, and one draft answer waiting for approval.

Run after the tracker's replay (``demo.responses``): from here on 県土整備部's
answers go through approval, so the replayed history was published directly, as a
department without an approver does. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password

from participation.accounts import services as account_services
from participation.accounts.models import Role, RoleGrant, User
from participation.accounts.selectors import forget_standing
from participation.audit import services as audit
from participation.notifications import services as notifications
from participation.spaces.models import Department, Section
from responses import clock, services
from responses.models import AnswerTemplate, ResponseDraft, TrackerEntry
from responses.transitions import Decision

DEPARTMENT = "public-works"
APPROVER_EMAIL = "approver@example.org"
APPROVER_NAME = "山本 恵子"
APPROVER_READING = "やまもと けいこ"

SECTIONS = (
    # The roads section the routing demo (demo/routing.py) made: the same office.
    ("roads", "道路課", "Roads Section", "099-000-1101", "doro@pref.example.jp"),
    (
        "urban-planning",
        "都市計画課",
        "Urban Planning Section",
        "099-286-3600",
        "toshi-keikaku@pref.example.jp",
    ),
)

TEMPLATES = (
    (
        "採択（来年度予算で実施）",
        Decision.ACCEPTED,
        "ご提案ありがとうございます。現地を確認し、来年度の予算で実施します。"
        "工事の時期が決まりましたら、進捗報告でお知らせします。",
    ),
    (
        "不採択（財源・優先度）",
        Decision.NOT_ADOPTED,
        "ご提案ありがとうございます。県内の同種の要望と比べた優先度と、今年度の"
        "財源を確認した結果、現時点での実施は見送ります。状況が変わった場合は改めて"
        "検討し、このページでお知らせします。",
    ),
    (
        "市町村へ移送",
        Decision.REFERRED,
        "ご提案ありがとうございます。ご指摘の場所は市町村が管理しているため、"
        "担当の市町村にご提案をお伝えしました。今後の対応は市町村からお知らせします。",
    ),
)

DRAFT_BODY = (
    "ご提案ありがとうございます。現地を確認したところ、ご指摘のとおり歩道の幅が狭く、"
    "通学時間帯に危険があることがわかりました。来年度の予算で歩道の拡幅と防護柵の"
    "設置を行います。工事の時期が決まりましたら、進捗報告でお知らせします。"
)


def _sections(department: Department) -> dict[str, Section]:
    sections = {}
    for position, (code, name, name_en, phone, email) in enumerate(SECTIONS):
        section, _created = Section.objects.update_or_create(
            department=department,
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "phone": phone,
                "email": email,
                "position": position,
            },
        )
        sections[code] = section
    return sections


def _approver() -> User:
    user = User.objects.filter(email=APPROVER_EMAIL).first()
    if user is None:
        user = User(email=APPROVER_EMAIL, is_demo=True)
        user.password = make_password(settings.DEMO_PASSWORD)
    user.real_name = APPROVER_NAME
    user.name_reading = APPROVER_READING
    user.is_active = True
    user.save()
    EmailAddress.objects.update_or_create(
        user=user,
        email=APPROVER_EMAIL,
        defaults={"verified": True, "primary": True},
    )
    return user


def _place(
    user: User, department: Department, section: Section, approver: bool
) -> None:
    """Give ``user`` an official's grant in ``section`` (through the service, then
    the section and approval, recorded in the audit log)."""
    grant = RoleGrant.objects.filter(
        user=user, role=Role.OFFICIAL, department=department
    ).first()
    if grant is None:
        grant = account_services.role_grant(
            actor=None, user=user, role=Role.OFFICIAL, department=department
        )
    if grant.section_id == section.pk and grant.approver == approver:
        return
    before = {"section": grant.section_id, "approver": grant.approver}
    grant.section = section
    grant.approver = approver
    grant.save(update_fields=["section", "approver"])
    audit.record(
        actor=None,
        action="role.section",
        target=grant,
        before=before,
        after={"section": section.pk, "approver": approver},
    )
    forget_standing(user)


def seed_drafts(now: datetime) -> None:
    department = Department.objects.filter(code=DEPARTMENT).first()
    official = User.objects.filter(email="official@example.org").first()
    if department is None or official is None:
        return  # the core demo is not there
    sections = _sections(department)
    road = sections["roads"]
    _place(official, department, road, approver=False)
    approver = _approver()
    _place(approver, department, road, approver=True)
    with clock.frozen(now), notifications.without_email():
        for title, decision, body in TEMPLATES:
            if not AnswerTemplate.objects.filter(
                department=department, title=title
            ).exists():
                services.answer_template_create(
                    actor=official,
                    department=department,
                    title=title,
                    decision=decision,
                    body=body,
                )
        if ResponseDraft.objects.filter(department=department).exists():
            return
        entry = (
            TrackerEntry.objects.filter(
                department=department,
                response__isnull=True,
                proposal__hidden_at__isnull=True,
            )
            .order_by("response_due_at", "pk")
            .first()
        )
        if entry is None:
            return
        draft = services.draft_start(actor=official, entry=entry)
        draft = services.draft_save(
            actor=official,
            draft=draft,
            version=draft.version,
            decision=Decision.ACCEPTED,
            body=DRAFT_BODY,
            cost_estimate=18_500_000,
        )
        services.draft_submit(actor=official, draft=draft, version=draft.version)
