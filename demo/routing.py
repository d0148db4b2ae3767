"""The demo's sections (課), routing rules and one proposal routed automatically.

``seed_routing(now)`` runs after the tracker's scenarios (``demo.seed`` calls it):
it gives each demo department its sections with office contacts, puts
official@example.org in the roads section of the public works department, adds
routing rules for some categories, and forwards one untracked proposal of a
routed category to the tracker, where the rule assigns it at once. Idempotent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from demo import content
from participation.accounts.models import Role, RoleGrant, User
from participation.spaces.models import Category, Department, Section
from proposals.models import Proposal, ProposalState
from responses import clock, services
from responses.models import AssignmentRule, TrackerEntry

# department code → (code, name, name_en, phone, e-mail): the office's contact.
SECTIONS = {
    "public-works": (
        ("roads", "道路課", "Roads Section", "099-000-1101", "doro@pref.example.jp"),
        ("rivers", "河川課", "Rivers Section", "099-000-1102", "kasen@pref.example.jp"),
        (
            "parks",
            "都市公園課",
            "Parks Section",
            "099-000-1103",
            "koen@pref.example.jp",
        ),
    ),
    "children-welfare": (
        (
            "childcare",
            "子育て支援課",
            "Childcare Support Section",
            "099-000-1201",
            "kosodate@pref.example.jp",
        ),
        (
            "older-people",
            "高齢福祉課",
            "Older People's Welfare Section",
            "099-000-1202",
            "korei@pref.example.jp",
        ),
    ),
    "environment": (
        (
            "waste",
            "資源循環課",
            "Waste and Recycling Section",
            "099-000-1301",
            "junkan@pref.example.jp",
        ),
        (
            "climate",
            "環境政策課",
            "Climate Policy Section",
            "099-000-1302",
            "kankyo@pref.example.jp",
        ),
    ),
    "regional-development": (
        (
            "transport",
            "交通政策課",
            "Public Transport Section",
            "099-000-1401",
            "kotsu@pref.example.jp",
        ),
        (
            "digital",
            "デジタル推進課",
            "Digital Services Section",
            "099-000-1402",
            "digital@pref.example.jp",
        ),
    ),
}
# Department office contacts.
DEPARTMENT_CONTACTS = {
    "public-works": ("099-000-1100", "doboku@pref.example.jp"),
    "children-welfare": ("099-000-1200", "fukushi@pref.example.jp"),
    "environment": ("099-000-1300", "kankyo-bu@pref.example.jp"),
    "regional-development": ("099-000-1400", "shinko@pref.example.jp"),
}
# category slug → (department code, section code), for every process.
RULES = {
    "roads": ("public-works", "roads"),
    "parks": ("public-works", "parks"),
    "childcare": ("children-welfare", "childcare"),
    "environment": ("environment", "waste"),
    "digital": ("regional-development", "digital"),
}
# official@ belongs to the roads section of public works (and to children and
# welfare as a whole).
OFFICIAL_SECTION = ("public-works", "roads")
FORWARD_NOTE = "道路に関する提案のため、道路課の検討に合わせて回付します。"


def _sections() -> dict[tuple[str, str], Section]:
    found: dict[tuple[str, str], Section] = {}
    for department in Department.objects.filter(code__in=SECTIONS):
        phone, email = DEPARTMENT_CONTACTS.get(department.code, ("", ""))
        if not department.phone and not department.email:
            department.phone, department.email = phone, email
            department.save(update_fields=["phone", "email"])
        for position, (code, name, name_en, phone, email) in enumerate(
            SECTIONS[department.code]
        ):
            section, _created = Section.objects.get_or_create(
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
            found[(department.code, code)] = section
    return found


def _rules(sections: dict[tuple[str, str], Section]) -> None:
    categories = {c.slug: c for c in Category.objects.filter(slug__in=RULES)}
    for slug, place in RULES.items():
        category, section = categories.get(slug), sections.get(place)
        if category is None or section is None:
            continue
        AssignmentRule.objects.get_or_create(
            category=category, process=None, defaults={"section": section}
        )


def _official_in_section(sections: dict[tuple[str, str], Section]) -> None:
    section = sections.get(OFFICIAL_SECTION)
    if section is None:
        return
    RoleGrant.objects.filter(
        user__email=content.OFFICIAL.email,
        role=Role.OFFICIAL,
        department=section.department,
        section__isnull=True,
    ).update(section=section, approver=False)


def _routed_proposal(now: datetime) -> None:
    """Forward one untracked proposal of a routed category: the routing rule
    assigns it on entering the tracker."""
    admin = User.objects.filter(email=content.ADMIN.email).first()
    if admin is None:
        return
    routed = list(RULES)
    if TrackerEntry.objects.filter(
        proposal__category__slug__in=routed, events__kind="auto_assigned"
    ).exists():
        return
    proposal = (
        Proposal.objects.public()
        .filter(
            category__slug="roads",
            state=ProposalState.PUBLISHED,
            hidden_at__isnull=True,
            tracker__isnull=True,
        )
        .order_by("-support_count", "pk")
        .first()
    ) or (
        Proposal.objects.public()
        .filter(
            category__slug__in=routed,
            state=ProposalState.PUBLISHED,
            hidden_at__isnull=True,
            tracker__isnull=True,
        )
        .order_by("-support_count", "pk")
        .first()
    )
    if proposal is None:
        return
    with clock.frozen(now - timedelta(days=2)):
        services.tracker_forward(actor=admin, proposal=proposal, note=FORWARD_NOTE)


def seed_routing(now: datetime) -> None:
    sections = _sections()
    _rules(sections)
    _official_in_section(sections)
    _routed_proposal(now)
