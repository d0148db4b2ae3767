"""factory_boy factories for the core models. Apps add their own beside their tests."""

from __future__ import annotations

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils import timezone

from participation.accounts.models import Role, RoleGrant, User
from participation.spaces.models import (
    Area,
    Category,
    Department,
    Phase,
    PhaseKind,
    Process,
    ProcessStatus,
    Section,
)
from proposals.models import Comment, Proposal, Support

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    real_name = factory.Sequence(lambda n: f"山田 太郎{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(
                user=self, email=self.email, verified=True, primary=True
            )
        if create:
            self.save()


def with_mfa(user: User) -> User:
    """Give a user a TOTP authenticator (the secret is irrelevant to rules)."""
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    if hasattr(user, "_participation_standing"):
        del user._participation_standing
    return user


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"部局{n}")
    name_en = factory.Sequence(lambda n: f"Department {n}")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    department = factory.SubFactory(DepartmentFactory)
    code = factory.Sequence(lambda n: f"section-{n}")
    name = factory.Sequence(lambda n: f"課{n}")
    name_en = factory.Sequence(lambda n: f"Section {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"分野{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    slug = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"地域{n}")
    name_en = factory.Sequence(lambda n: f"Area {n}")


class ProcessFactory(factory.django.DjangoModelFactory):
    """A published process with one open phase that allows every action."""

    class Meta:
        model = Process
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"process-{n}")
    title = factory.Sequence(lambda n: f"参加プロセス{n}")
    title_en = factory.Sequence(lambda n: f"Process {n}")
    summary = "県の将来について提案を集めます。"
    summary_en = "Collecting proposals about the prefecture's future."
    status = ProcessStatus.PUBLISHED
    support_threshold = 3
    response_days = 30

    @factory.post_generation
    def open_phase(
        self, create: bool, extracted: bool | None, **kwargs: object
    ) -> None:
        if create and extracted is not False:
            PhaseFactory(process=self)


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    process = factory.SubFactory(ProcessFactory, open_phase=False)
    kind = PhaseKind.PROPOSALS
    title = "提案募集"
    title_en = "Collecting proposals"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    allows_proposing = True
    allows_supporting = True
    allows_commenting = True


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    process = factory.SubFactory(ProcessFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"公園に日陰をつくる提案その{n}")
    body = "夏の公園は暑すぎて子どもが遊べません。木陰やパーゴラを増やしてください。"


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    proposal = factory.SubFactory(ProposalFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"賛成です。理由その{n}。")


def replies_below(
    root: Comment, n: int, *, parent: Comment | None = None, start: int = 0
) -> list[Comment]:
    """``n`` replies in ``root``'s thread, to ``parent`` (by default the root
    itself), by one author, one second apart from a day ago, written in one query:
    long threads for the tests of threads in pages."""
    parent = parent or root
    author = UserFactory()
    base = timezone.now() - timedelta(days=1)
    made = Comment.objects.bulk_create(
        Comment(
            proposal_id=root.proposal_id,
            author=author,
            parent=parent,
            root=root,
            depth=parent.depth + 1,
            body=f"reply {start + i}",
            body_html=f"<p>reply {start + i}</p>",
            created_at=base + timedelta(seconds=start + i),
        )
        for i in range(n)
    )
    if made and made[0].pk is None:  # a database that returns no ids on insert
        made = list(
            Comment.objects.filter(parent=parent).order_by("created_at", "id")[-n:]
        )
    return made


class SupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Support

    proposal = factory.SubFactory(ProposalFactory)
    user = factory.SubFactory(UserFactory)


def grant(
    user: User,
    role: str,
    *,
    process: Process | None = None,
    department: Department | None = None,
    section: Section | None = None,
    approver: bool = False,
    mfa: bool = True,
) -> User:
    """Give ``user`` a role directly (tests of the grant service use the service)."""
    RoleGrant.objects.create(
        user=user,
        role=role,
        process=process,
        department=department or (section.department if section else None),
        section=section,
        approver=approver,
    )
    if role == Role.ADMIN:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    if mfa:
        with_mfa(user)
    if hasattr(user, "_participation_standing"):
        del user._participation_standing
    return user
