"""Demo live meeting sessions, replayed through ``meetings.services``.

``seed_live(now)`` (called by ``demo.seed`` after the proposals exist) holds two
sessions in the parks process, facilitated by the demo facilitator:

- a town meeting ten days ago, now closed: opinions from residents and a guest,
  grouped by theme, with highlights, a pinned opinion, one opinion hidden with its
  reason, a facilitator's summary, and a proposal drafted from an opinion that is
  waiting for its author (佐藤 花子, the demo resident);
- an online session open right now that accepts guests, so the projector view and
  posting can be tried at once.

Actions go through the services (permission, validation, audit); the closed
session's timestamps are then moved back to the evening it was held. Idempotent:
a session that already exists (same process and title) is left alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from demo import content
from meetings import services
from meetings.models import LiveSession, Opinion
from meetings.rules import Guest
from participation.accounts.models import User
from participation.spaces.models import Process

PAST_TITLE = "みなみ中央公園リニューアル 住民意見交換会"
OPEN_TITLE = "オンライン意見交換：夏の公園をもっと涼しく"

PAST_THEMES = ("遊具・子ども", "木陰と暑さ対策", "トイレ・水飲み場")

# (author key or None for the guest, theme index or None, text)
PAST_OPINIONS: tuple[tuple[str | None, int | None, str], ...] = (
    ("resident", 0, "幼児向けの遊具と小学生向けの遊具を分けて配置してほしいです。"),
    ("resident2", 1, "夏は日陰がほとんどありません。大きな木を植えるか、パーゴラを。"),
    (
        "carter",
        2,
        "Please add a drinking fountain near the playground. Kids need water.",
    ),
    (None, 1, "ベンチの上に屋根があると、高齢者も休みやすいと思います。"),
    (
        "nguyen",
        0,
        "インクルーシブ遊具（車いすでも遊べる遊具）を一つでも入れてください。",
    ),
    ("yamada", 2, "多目的トイレにおむつ替え台を。今は遠くの施設まで行っています。"),
    ("inoue", 1, "ミストシャワーを設置している他県の公園が好評だと聞きました。"),
    ("kimura", None, "工事期間中も一部エリアは使えるようにしてほしい。"),
    ("saito", None, "夜間の照明が暗く、通り抜けるのが少し怖いです。"),
)
HIDDEN_INDEX = 8  # shown as hidden: it named a neighbour (personal information)
HIDDEN_TEXT = "隣の○○さんの家の前で毎晩騒いでいる若者がいます。名前は…"
PINNED_INDEX = 1
HIGHLIGHTED = (0, 4)
DRAFT_INDEX = 0

OPEN_OPINIONS: tuple[tuple[str | None, str], ...] = (
    ("resident2", "遊具の表面が熱くなりすぎる問題、素材を変えられませんか。"),
    ("ogawa", "朝の涼しい時間帯にラジオ体操やイベントがあるとうれしいです。"),
    (None, "散水車で園路に水をまくだけでも体感温度が下がると思います。"),
)

SUMMARY = (
    "約40名（会場30名・オンライン10名）が参加しました。日陰づくりと子ども向け設備への"
    "関心が特に高く、いただいた意見は基本設計の検討資料として公園緑地課に引き継ぎます。"
    "次回は基本設計案の説明会（6月予定）です。"
)


def _users() -> dict[str, User]:
    emails = {p.key: p.email for p in content.PEOPLE}
    found = {u.email: u for u in User.objects.filter(email__in=emails.values())}
    return {key: found[email] for key, email in emails.items() if email in found}


def _post(
    session: LiveSession, users: dict[str, User], key: str | None, body: str
) -> Opinion:
    if key is None:
        guest = Guest(name="会場参加 ゲスト（みなみ市）", key="demo-guest-" + "0" * 21)
        return services.opinion_post(session=session, guest=guest, body=body)
    return services.opinion_post(session=session, author=users[key], body=body)


def _held_session(
    process: Process, facilitator: User, users: dict[str, User], now: datetime
) -> None:
    day = timezone.localtime(now - timedelta(days=10)).replace(
        hour=18, minute=30, second=0, microsecond=0
    )
    session = services.session_create(
        actor=facilitator,
        process=process,
        title=PAST_TITLE,
        description=(
            "中央公園のリニューアル基本設計に向けて、会場とオンラインで意見を集めます。"
            "投稿された意見は会場のスクリーンにそのまま表示されます。"
        ),
        starts_at=day,
        ends_at=day + timedelta(hours=2),
        venue="みなみ市民会館 大ホール",
        online_url="https://meet.example.org/minami-park",
        allow_guests=True,
    )
    services.session_open(actor=facilitator, session=session)
    themes = [
        services.theme_create(actor=facilitator, session=session, name=n)
        for n in PAST_THEMES
    ]
    opinions = []
    for key, theme_index, body in PAST_OPINIONS:
        text = HIDDEN_TEXT if len(opinions) == HIDDEN_INDEX else body
        opinion = _post(session, users, key, text)
        if theme_index is not None:
            services.opinion_set_theme(
                actor=facilitator, opinion=opinion, theme=themes[theme_index]
            )
        opinions.append(opinion)
    services.opinion_pin(actor=facilitator, opinion=opinions[PINNED_INDEX], pinned=True)
    for index in HIGHLIGHTED:
        services.opinion_highlight(
            actor=facilitator, opinion=opinions[index], highlighted=True
        )
    services.opinion_hide(
        actor=facilitator,
        opinion=opinions[HIDDEN_INDEX],
        reason_code="personal_info",
        reason="特定の個人が分かる内容のため",
    )
    services.session_close(actor=facilitator, session=session, summary=SUMMARY)
    draft_from = opinions[DRAFT_INDEX]
    services.opinion_draft_proposal(
        actor=facilitator,
        opinion=draft_from,
        title="中央公園に年齢別の遊び場エリアを設ける",
        body=(
            f"{draft_from.body}\n\n"
            "幼児が安心して遊べるエリアと、小学生が思い切り体を動かせるエリアを分けることで、"
            "けがを防ぎ、どちらの年齢も楽しめる公園にしてほしいと考えます。\n\n"
            f"（{PAST_TITLE}（{day:%Y-%m-%d}）での意見から）"
        ),
    )
    _backdate(session, day, opinions)


def _backdate(session: LiveSession, day: datetime, opinions: list[Opinion]) -> None:
    """Move the held session back to its evening: opened on time, one opinion every
    few minutes, facilitation a little later, closed at the end."""
    LiveSession.objects.filter(pk=session.pk).update(
        created_at=day - timedelta(days=14),
        opened_at=day,
        closed_at=day + timedelta(hours=1, minutes=55),
    )
    for index, opinion in enumerate(opinions):
        posted = day + timedelta(minutes=12 + 9 * index)
        changes: dict[str, Any] = {"created_at": posted}
        if opinion.pk == opinions[PINNED_INDEX].pk:
            changes["pinned_at"] = posted + timedelta(minutes=3)
        if index == HIDDEN_INDEX:
            changes["hidden_at"] = posted + timedelta(minutes=2)
        Opinion.objects.filter(pk=opinion.pk).update(**changes)


def _open_session(
    process: Process, facilitator: User, users: dict[str, User], now: datetime
) -> None:
    start = now - timedelta(minutes=20)
    session = services.session_create(
        actor=facilitator,
        process=process,
        title=OPEN_TITLE,
        description="暑い夏でも公園で過ごせるアイデアを、どなたでも気軽に投稿してください。",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        online_url="https://meet.example.org/minami-summer",
        allow_guests=True,
    )
    services.session_open(actor=facilitator, session=session)
    services.theme_create(actor=facilitator, session=session, name="暑さ対策")
    for key, body in OPEN_OPINIONS:
        _post(session, users, key, body)


def seed_live(now: datetime) -> None:
    """Hold the demo's live sessions (idempotent)."""
    process = Process.objects.filter(slug=content.GREEN).first()
    users = _users()
    facilitator = users.get(content.FACILITATOR.key)
    if process is None or facilitator is None:
        return  # the core demo is not there
    existing = set(
        LiveSession.objects.filter(process=process).values_list("title", flat=True)
    )
    if PAST_TITLE not in existing:
        _held_session(process, facilitator, users, now)
    if OPEN_TITLE not in existing:
        _open_session(process, facilitator, users, now)
