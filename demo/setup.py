"""Demo process setup: next year's public-transport consultation, still a draft,
made by the administrator through the setup services, so that /staff/processes/
shows a draft to preview and publish on the first ``make run``.

Its title is Japanese only, so its address is the romanised title
(``/processes/reiwa-9-nendo-…/``). Called by ``demo.seed`` inside its seeding
settings and transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from demo import content
from participation.accounts.models import User
from participation.spaces import services
from participation.spaces.models import Area, Category, PhaseKind, Process

TITLE = "令和9年度 地域公共交通計画への意見募集"


def _day(now: datetime, days: int) -> datetime:
    local = timezone.localtime(now) + timedelta(days=days)
    return local.replace(hour=9, minute=0, second=0, microsecond=0)


def seed_setup(now: datetime) -> None:
    if Process.objects.filter(title=TITLE).exists():
        return
    admin = User.objects.get(email=content.ADMIN.email)
    services.process_create(
        actor=admin,
        data=services.ProcessInput(
            title=TITLE,
            summary=(
                "来年度の地域公共交通計画の改定に向けて、バス路線・デマンド交通・"
                "駅の使いやすさについて提案を集めます。"
            ),
            description=(
                "県と市町村は来年度、地域公共交通計画を改定します。\n\n"
                "- 説明期間に計画案（PDF）を公開します。\n"
                "- 提案募集の期間に、どなたでも提案・賛同・コメントができます。\n"
                "- 賛同が基準に達した提案には、担当部局が回答します。"
            ),
            support_threshold=30,
            response_days=60,
            categories=list(Category.objects.all()[:2]),
            areas=list(Area.objects.all()[:3]),
        ),
        phases=[
            services.PhaseInput(
                kind=PhaseKind.INFORMATION,
                title="計画案の説明",
                title_en="The draft plan explained",
                starts_at=_day(now, 30),
                ends_at=_day(now, 44),
                allows_commenting=True,
            ),
            services.PhaseInput(
                kind=PhaseKind.PROPOSALS,
                title="提案募集",
                title_en="Collecting proposals",
                starts_at=_day(now, 44),
                ends_at=_day(now, 90),
                allows_proposing=True,
                allows_supporting=True,
                allows_commenting=True,
            ),
            services.PhaseInput(
                kind=PhaseKind.SUPPORT,
                title="賛同・議論",
                title_en="Supporting and deliberation",
                starts_at=_day(now, 90),
                ends_at=_day(now, 120),
                allows_supporting=True,
                allows_commenting=True,
            ),
        ],
    )
