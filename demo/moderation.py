"""Demo moderation: a few reports, one comment hidden automatically after three
reports (left for the facilitator to review), one hide a facilitator confirmed, one
author blocked for seven days, a pinned facilitator note and one closed comment
thread, all made through the moderation services.

Called by ``demo.seed`` inside its seeding settings (no rate limits, staff may act
without MFA) and transaction, after the proposals and discussions exist.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q

from demo import content
from participation.accounts.models import User
from participation.moderation import services
from participation.moderation.models import ReportReason
from participation.spaces.models import Process
from proposals import services as proposal_services
from proposals.models import Comment, Proposal, ProposalState

# Residents who report; the two who misbehave are not among the README accounts,
# so every account a visitor logs in with still works normally.
REPORTERS = ("watanabe", "yamamoto", "kato", "yoshida", "yamada", "sasaki")
RUDE_AUTHOR = "fukuda"
SPAM_AUTHOR = "ishii"

RUDE_TEXT = (
    "こんな提案に賛成している人は、頭がどうかしているとしか思えません。"
    "税金の無駄遣いを喜ぶ人たちとは話になりません。"
)
SPAM_TEXT = (
    "【副業】スマホだけで月収50万円！在宅でかんたんに稼げます。"
    "詳しくは私のプロフィールまで今すぐご連絡ください！"
)
OFF_TOPIC_TEXT = "ところで、来月の市長選挙は誰に投票するのがいいと思いますか？"
NOTE_TEXT = (
    "**ここまでの議論のまとめ**\n\n"
    "- 目的には賛成の声が多く、論点は費用、場所、維持管理の担い手です。\n"
    "- 反対・慎重の意見にも、具体的な理由が挙がっています。\n\n"
    "異なる意見にも敬意を払い、具体的な場所や経験を添えてコメントしてください。"
)
CLOSE_REASON = (
    "論点が出尽くし、同じ内容の繰り返しになってきたため、コメントを締め切ります。"
    "担当部局の回答をお待ちください。"
)


def _users() -> dict[str, User]:
    emails = {p.key: p.email for p in content.PEOPLE}
    by_email = {u.email: u for u in User.objects.filter(email__in=emails.values())}
    return {key: by_email[email] for key, email in emails.items() if email in by_email}


def _open_for_comments(process: Process) -> bool:
    phase = process.current_phase
    return bool(phase is not None and phase.allows_commenting)


def _discussed(process: Process) -> list[Proposal]:
    """Visible, published proposals of a process, most discussed first."""
    return list(
        Proposal.objects.filter(
            process=process,
            hidden_at__isnull=True,
            state=ProposalState.PUBLISHED,
            comments_closed_at__isnull=True,
        )
        .select_related("process", "author")
        .annotate(n=Count("comments", filter=Q(comments__deleted_at__isnull=True)))
        .order_by("-n", "pk")
    )


def _post(author: User, proposal: Proposal, body: str, when: datetime) -> Comment:
    comment = proposal_services.comment_create(
        author=author, proposal=proposal, body=body, alignment="against"
    )
    # Demo history: the remark was posted a little before the reports came in.
    Comment.objects.filter(pk=comment.pk).update(created_at=when)
    comment.refresh_from_db()
    return comment


def seed_moderation(now: datetime) -> None:
    users = _users()
    facilitator = users[content.FACILITATOR.key]
    processes = [
        p
        for p in Process.objects.filter(slug__in=content.PROCESS_SLUGS).order_by("pk")
        if _open_for_comments(p)
    ]
    if not processes:
        return
    process = next((p for p in processes if p.slug == content.GREEN), processes[0])
    proposals = _discussed(process)
    if len(proposals) < 3:
        return
    discussed, second, third = proposals[0], proposals[1], proposals[2]
    reporters = [users[key] for key in REPORTERS]

    # 1. Three residents report a rude comment: it is hidden at once, pending review.
    rude = _post(users[RUDE_AUTHOR], discussed, RUDE_TEXT, now - timedelta(hours=5))
    for reporter in reporters[:3]:
        services.report_create(
            reporter=reporter, target=rude, reason=ReportReason.OFFENSIVE
        )

    # 2. Spam, reported twice; the facilitator hides it and blocks its author.
    spam = _post(users[SPAM_AUTHOR], second, SPAM_TEXT, now - timedelta(days=1))
    services.report_create(
        reporter=reporters[3],
        target=spam,
        reason=ReportReason.SPAM,
        details="副業の勧誘です。",
    )
    services.report_create(reporter=reporters[4], target=spam, reason=ReportReason.SPAM)
    services.content_hide(
        actor=facilitator,
        target=spam,
        reason_code=ReportReason.SPAM,
        reason="提案と関係のない副業の勧誘のため非表示にしました。",
    )
    services.user_block(
        actor=facilitator,
        user=users[SPAM_AUTHOR],
        reason="営利目的の勧誘の繰り返し(利用規約違反)。7日間の参加停止とします。",
        days=7,
        target=spam,
    )

    # 3. An open report below the threshold, waiting in the queue.
    off_topic = _post(users["okada"], third, OFF_TOPIC_TEXT, now - timedelta(hours=9))
    services.report_create(
        reporter=reporters[5],
        target=off_topic,
        reason=ReportReason.OFF_TOPIC,
        details="この提案とは関係のない話題です。",
    )

    # 4. A pinned summary on the most discussed proposal.
    services.note_pin(actor=facilitator, target=discussed, body=NOTE_TEXT)

    # 5. One thread closed, with the reason shown to everyone.
    closable = next(
        (p for p in proposals[3:] if p.threshold_reached_at is not None), third
    )
    services.comments_close(actor=facilitator, proposal=closable, reason=CLOSE_REASON)
