"""A page of proposal cards and tracker rows with every badge they show, for the
card tests (tests/responses/test_cards.py): made through the services, except the
photos (rows naming files, as a card reads no file)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from participation.accounts.models import Role
from participation.spaces.models import Process
from proposals.models import Proposal, ProposalImage, ProposalState, Support
from responses import services
from responses.models import TrackerEntry
from responses.transitions import Decision
from tests import factories

SCRIPT = "<script>alert(1)</script>"
ANSWER = (
    "県の予算と既存の計画を確認した結果、今年度は実施が難しいと判断しました。"
    "来年度の計画で改めて検討します。理由の詳細は別紙のとおりです。"
)


def _photo(proposal: Proposal, *, small: bool, position: int = 0) -> ProposalImage:
    return ProposalImage.objects.create(
        proposal=proposal,
        file=f"proposals/{proposal.pk}/big-{position}.jpg",
        small_file=f"proposals/{proposal.pk}/small-{position}.jpg" if small else "",
        alt_text=f'写真 "{position}" & {SCRIPT}',
        width=1200,
        height=900,
        small_width=320 if small else 0,
        small_height=240 if small else 0,
        content_type="image/jpeg",
        byte_size=1000,
        position=position,
    )


def build(process: Process | None = None) -> dict:
    """Proposals (plain with user text to escape; withdrawn with a photo; over the
    threshold, supported, accepted and being implemented; overdue and unassigned;
    completed and disputed; not adopted with its review due; referred with a
    review date), their tracker entries, and who looks; in a new process unless
    one is given."""
    now = timezone.now()
    admin = factories.grant(factories.UserFactory(real_name="Aki Admin"), Role.ADMIN)
    department = factories.DepartmentFactory(name="都市整備部", name_en="Urban Works")
    section = factories.SectionFactory(
        department=department, name="公園緑地課", name_en="Parks"
    )
    official = factories.grant(
        factories.UserFactory(real_name="Kenji Official"),
        Role.OFFICIAL,
        department=department,
    )
    category = factories.CategoryFactory(name="公園", name_en="Parks and green")
    area = factories.AreaFactory(name="北区", name_en="North ward")
    process = process or factories.ProcessFactory()
    author = factories.UserFactory(real_name=f"Hanako {SCRIPT} Sato")
    viewer = factories.UserFactory(real_name="Sora Supporter")

    def proposal(title: str, **kwargs) -> Proposal:
        return factories.ProposalFactory(
            process=process, author=author, title=title, **kwargs
        )

    plain = proposal(
        f"Plain {SCRIPT} & co",
        body=f"{SCRIPT} " + "長い本文です。" * 40,
        category=category,
    )
    withdrawn = proposal("Withdrawn one", area=area, category=category)
    Proposal.objects.filter(pk=withdrawn.pk).update(state=ProposalState.WITHDRAWN)
    _photo(withdrawn, small=True)
    _photo(withdrawn, small=True, position=1)
    supported = proposal("Supported and accepted", area=area)
    _photo(supported, small=False)
    overdue = proposal("Overdue one")
    waiting = proposal("Waiting one")
    disputed = proposal("Disputed one")
    review_due = proposal("Review due one")
    referred = proposal("Referred one")

    entries = {}
    for key, p in (
        ("supported", supported),
        ("overdue", overdue),
        ("waiting", waiting),
        ("disputed", disputed),
        ("review_due", review_due),
        ("referred", referred),
    ):
        entries[key] = services.tracker_forward(actor=admin, proposal=p)
    for key in ("supported", "disputed", "review_due", "referred"):
        entries[key] = services.tracker_assign(
            actor=admin,
            entry=entries[key],
            department=department,
            section=section if key == "supported" else None,
        )
    services.response_publish(
        actor=official, entry=entries["supported"], decision="accepted", body=ANSWER
    )
    services.progress_post(
        actor=official,
        entry=entries["supported"],
        status="in_progress",
        percent=40,
        body="日よけの工事を始めました。",
    )
    services.response_publish(
        actor=official, entry=entries["disputed"], decision="accepted", body=ANSWER
    )
    services.progress_post(
        actor=official,
        entry=entries["disputed"],
        status="completed",
        percent=100,
        body="日よけの設置工事が完了しました。",
    )
    services.outcome_check(
        user=author,
        entry=entries["disputed"],
        verdict="disputed",
        reason="日よけは一部の遊具にしか設置されていません。",
    )
    services.response_publish(
        actor=official,
        entry=entries["review_due"],
        decision=Decision.NOT_ADOPTED,
        body=ANSWER,
        review_on=timezone.localdate() + timedelta(days=1),
    )
    services.response_publish(
        actor=official,
        entry=entries["referred"],
        decision=Decision.REFERRED,
        body=ANSWER,
        referred_to=f"国土交通省 {SCRIPT}",
        review_on=timezone.localdate() + timedelta(days=30),
    )
    # The review date has come (a date in the past is refused when published), and
    # the overdue entry's deadline has passed three days ago.
    TrackerEntry.objects.filter(pk=entries["review_due"].pk).update(
        review_on=timezone.localdate() - timedelta(days=2),
        last_update_at=now - timedelta(days=5),
    )
    TrackerEntry.objects.filter(pk=entries["waiting"].pk).update(
        entered_at=now - timedelta(days=2, hours=1)
    )
    TrackerEntry.objects.filter(pk=entries["overdue"].pk).update(
        entered_at=now - timedelta(days=40),
        response_due_at=now - timedelta(days=3, hours=1),
    )
    # Counters as the pages print them: 19 supports and 2 comments, 1 and 1.
    Proposal.objects.filter(pk=supported.pk).update(
        support_count=19, comment_count=2, threshold_reached_at=now
    )
    Proposal.objects.filter(pk=plain.pk).update(support_count=1, comment_count=1)
    Support.objects.create(proposal=supported, user=viewer)
    return {
        "process": process,
        "department": department,
        "viewer": viewer,
        "proposals": {
            "plain": plain,
            "withdrawn": withdrawn,
            "supported": supported,
            "overdue": overdue,
            "waiting": waiting,
            "disputed": disputed,
            "review_due": review_due,
            "referred": referred,
        },
    }
