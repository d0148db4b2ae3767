"""Demo data for the response tracker: official decisions, revisions, progress,
completions and disputes, replayed through the tracker's services at dated moments
so that the timeline, the scorecards and the audit log all look lived in.

``seed_responses(now)`` runs after the proposals exist (``demo.seed`` calls it).
Proposals that reached their threshold during the replay entered the tracker at
seeding time; they are first moved back to the day they really crossed it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from demo import content
from participation.accounts.models import User
from participation.spaces.models import Department
from proposals.models import Proposal, ProposalState, Support
from responses import clock, services
from responses.models import (
    EventKind,
    ResponseComment,
    ResponseRating,
    TrackerEntry,
    TrackerEvent,
)

RANDOM_SEED = 3


@dataclass(frozen=True)
class Step:
    day: float  # days after the proposal entered the tracker (or the forward base)
    action: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    key: str
    department: str
    steps: tuple[Step, ...]
    # For proposals below their threshold: forwarded this many days before now.
    forward_days_ago: float | None = None


def S(day: float, action: str, **args: Any) -> Step:  # noqa: N802 - reads like data
    return Step(day, action, args)


# --- Texts ---------------------------------------------------------------------------
IC_CARD = (
    "県内の路線バス事業者6社と協議し、交通系ICカードの全路線対応を進めることとしました"
    "。"
    "読み取り機の導入費用の3分の2を県が補助します（令和8年度補正予算）。\n\n"
    "導入は利用者の多い路線から順に行い、年度内の全路線対応を目指します。進捗はこのペ"
    "ージでお知らせします。"
)
LICENCE = (
    "運転免許を返納した高齢者の移動支援として、市町村が行うタクシー券・バス回数券の交"
    "付事業に対する県の補助を拡充します。"
    "あわせて、返納時に警察署の窓口で支援制度を案内するチラシを配布します。"
)
CROSSING_REFUSED = (
    "踏切の立体交差化には鉄道事業者との協議と多額の事業費（概算60億円以上）が必要で、"
    "現行の道路整備計画（令和8〜12年度）には位置づけられていないため、現時点では採用で"
    "きません。"
    "交通量調査の結果は来年度に公表します。"
)
CROSSING_PARTIAL = (
    "立体交差化は現行の道路整備計画に位置づけられていないため実施できませんが、"
    "地元の皆さまからの追加のご意見を受けて再検討し、朝夕の渋滞を和らげる対策を実施す"
    "ることにしました。\n\n"
    "- 踏切手前の右折レーンの延長（約40m）\n- 周辺交差点の信号時間の見直し（県警察と協"
    "議済み）\n\n"
    "立体交差化については、次期計画の策定時に改めて検討します。"
)
SIGNS = (
    "みなみ駅のバス乗り場の案内について、ピクトグラムと番号による案内に統一し、"
    "英語・やさしい日本語・中国語・韓国語の4言語表記とします。路線図も同じ表記で作り直"
    "します。"
    "ただし、デジタルサイネージの設置は費用対効果を検証する必要があるため、今回は見送"
    "ります。"
)
SIGNS_REVISED = (
    "みなみ駅のバス乗り場の案内について、ピクトグラムと番号による案内に統一し、"
    "英語・やさしい日本語・中国語・韓国語の4言語表記とします。路線図も同じ表記で作り直"
    "します。"
    "ただし、デジタルサイネージの設置は費用対効果を検証する必要があるため、今回は見送"
    "ります。\n\n"
    "案内板の文案は、外国人住民の皆さまにも確認していただいたうえで確定します（確認会"
    "は県国際交流協会と共催します）。"
)
DEMAND_BUS = (
    "山中村のコミュニティバスを、令和9年度から予約制のデマンド交通に移行する方向で村と"
    "協議します。"
    "県は運行システムの導入費と初年度の運行経費の一部を補助します。"
)
DEMAND_STALLED = (
    "デマンド交通の運行を委託する事業者の公募に応募がなく、運転手の確保の見通しが立っ"
    "ていません。"
    "村とともに地元のタクシー事業者と個別に協議を続けています。次の公募は来年2月の予定"
    "です。"
)
SIGNAL_REFERRED = (
    "信号機の設置は県警察（公安委員会）の所管のため、このご提案を県警察本部交通規制課"
    "に回付しました。"
    "県としては、横断歩道の手前に注意喚起の路面標示を追加する準備を進めており、回付先"
    "の判断も含めてこのページでお知らせします。"
)
SIDEWALK = (
    "県道12号線の朝日市役所前から朝日第二小学校までの約600mについて、歩道を整備します。"
    "用地の一部は朝日市から無償で提供を受けます。工事中は通学時間帯の通行止めを行いま"
    "せん。"
)
BICYCLE = (
    "中央公園前の駐輪場を約80台分拡張し、あわせて放置自転車の撤去を月2回に増やします。"
    "拡張工事は公園の利用の少ない冬季に行います。"
)
OPEN_DATA_ACK = (
    "ご提案を受け付けました。バス事業者と時刻表データの提供形式について確認しています。"
)
FREE_NURSERY = (
    "第2子以降の保育料の完全無償化には、県全体で年間約18億円の新たな財源が必要となり、"
    "現行の財政計画の中では確保できないため、採用できません。"
    "なお、所得制限の緩和については国の制度改正の動向を踏まえて来年度に検討します。"
)
MEDICAL_SUBSIDY = (
    "子ども医療費の助成は、令和9年4月から県内すべての市町村で高校卒業まで拡大すること"
    "が、"
    "すでに9月議会で決定しています（県と市町村の負担割合は2分の1ずつ）。詳しくは県のホ"
    "ームページをご覧ください。"
)
MEDICAL_CARE = (
    "医療的ケア児を受け入れる保育所に看護師を配置するための補助制度を、来年度から新設"
    "します。"
    "対象は県内の認可保育所・認定こども園で、看護師1人あたり年額最大400万円を補助しま"
    "す。"
)
PINES = (
    "海岸の松林の松くい虫対策として、来年度の薬剤樹幹注入の対象を約2倍に広げます。"
    "伐倒した木は地元の森林組合と協力してチップ化し、公園の遊歩道に活用します。"
)
PROGRESS = {
    "ic1": (
        "県内バス事業者6社と補助金の交付決定を行いました。第1期として利用者の多い3路線"
        "で読み取り機の設置を始めます。"
    ),
    "ic2": (
        "第1期の3路線、第2期の9路線で利用できるようになりました。残る山間部の路線は車"
        "載機の納品待ちです。"
    ),
    "ic3": (
        "県内すべての路線バスで交通系ICカードが使えるようになりました。ご提案と応援あ"
        "りがとうございました。"
    ),
    "licence1": (
        "補助要綱を改正し、市町村への説明会を開きました。12市町村が来年度の事業拡充を"
        "予定しています。"
    ),
    "licence2": (
        "警察署の窓口で配布する案内チラシを作成し、県内全署で配布を始めました。補助の"
        "申請受付も開始しています。"
    ),
    "crossing1": (
        "右折レーン延長の詳細設計が終わり、工事の入札を公告しました。信号時間の見直し"
        "は来月実施します。"
    ),
    "signs1": (
        "案内板の文案を外国人住民の皆さま12名に確認していただき、修正を反映しました。"
    ),
    "signs2": "みなみ駅の全12か所の案内板を交換し、4言語の路線図を掲示しました。",
    "signs3": (
        "バス乗り場の番号を時刻表・県のウェブサイトの表記と合わせる作業を進めています。"
    ),
    "demand1": "村と運行計画をまとめ、運行システムの事業者を選定しました。",
    "sidewalk1": (
        "用地の引き渡しを受け、工事を始めました。通学時間帯は誘導員を配置しています。"
    ),
    "sidewalk2": "約600mの歩道が完成し、供用を開始しました。",
    "sidewalk3": (
        "ご指摘の区間（約50m）の段差を解消する追加工事を行いました。残りは縁石の交換で"
        "す。"
    ),
    "bicycle1": (
        "冬季工事で約80台分の拡張が完了し、放置自転車の撤去も月2回に増やしました。"
    ),
}
DISPUTE_SIDEWALK = (
    "歩道はできましたが、小学校の正門前の約50mは段差が大きく、車いすやベビーカーが通れ"
    "ません。これでは完了とは言えないと思います。"
)
ANSWER_SIDEWALK = (
    "ご指摘ありがとうございます。現地を確認したところ、正門前の区間で縁石の段差が基準"
    "を超えていました。"
    "追加工事を行うため、実施状況を「実施中」に戻します。工事の日程はこのページでお知"
    "らせします。"
)
DISPUTE_BICYCLE = (
    "台数は増えましたが、屋根がない区画が多く、雨の日は結局使われていません。放置自転"
    "車も減っていないように感じます。"
)
COMMENTS = (
    "対応していただきありがとうございます。進捗が見えるのは安心できます。",
    "理由が具体的に書かれていて分かりやすいです。来年度の検討結果も楽しみにしています"
    "。",
    "結論は残念ですが、費用の説明には納得しました。",
)


SCENARIOS: tuple[Scenario, ...] = (
    # --- Transport 2025: most decisions are in, some implemented -------------
    Scenario(
        "transport-ic-card",
        "regional-development",
        (
            S(2, "assign"),
            S(6, "status", status="acknowledged"),
            S(21, "publish", decision="accepted", body=IC_CARD),
            S(60, "progress", status="in_progress", percent=40, body=PROGRESS["ic1"]),
            S(120, "progress", status="in_progress", percent=80, body=PROGRESS["ic2"]),
            S(170, "progress", status="completed", percent=100, body=PROGRESS["ic3"]),
            S(172, "confirm", who="author"),
            S(173, "confirm", who="supporter"),
            S(174, "rate", clear=True, satisfied=True),
        ),
    ),
    Scenario(
        "transport-licence-return",
        "children-welfare",
        (
            S(3, "assign"),
            S(
                10,
                "status",
                status="under_review",
                note="市町村と補助の拡充を協議中です。",
            ),
            S(35, "publish", decision="accepted", body=LICENCE),
            S(
                70,
                "progress",
                status="in_progress",
                percent=20,
                body=PROGRESS["licence1"],
            ),
            S(
                150,
                "progress",
                status="in_progress",
                percent=60,
                body=PROGRESS["licence2"],
            ),
            S(151, "rate", clear=True, satisfied=True),
        ),
    ),
    Scenario(
        "transport-level-crossing",
        "public-works",
        (
            S(2, "assign"),
            S(9, "status", status="acknowledged"),
            S(50, "publish", decision="not_adopted", body=CROSSING_REFUSED),
            S(52, "rate", clear=True, satisfied=False),
            S(53, "comment", text=2),
            S(
                80,
                "revise",
                decision="partially_accepted",
                body=CROSSING_PARTIAL,
                change_note="住民説明会でのご意見を受けて再検討し、渋滞対策を実施することにしました。",
            ),
            S(
                140,
                "progress",
                status="in_progress",
                percent=30,
                body=PROGRESS["crossing1"],
            ),
        ),
    ),
    # Assigned early, then answered together with the station signs proposal.
    Scenario("transport-bus-maps-english", "regional-development", (S(1, "assign"),)),
    # Forwarded below its threshold 54 days ago: due within the week, so the
    # department's officials get the deadline reminder as soon as the worker runs.
    Scenario(
        "transport-park-and-ride",
        "public-works",
        (S(1, "assign"),),
        forward_days_ago=54,
    ),
    Scenario(
        "transport-station-signs",
        "regional-development",
        (
            S(1, "assign", department="public-works"),
            S(4, "assign", note="バス案内は交通政策課の所管のため付け替えます。"),
            S(8, "status", status="acknowledged"),
            # One answer for the two similar proposals about bus signs.
            S(
                46,
                "publish",
                decision="partially_accepted",
                body=SIGNS,
                also=("transport-bus-maps-english",),
            ),
            S(47, "rate", clear=True, satisfied=True),
            S(
                66,
                "revise",
                decision="partially_accepted",
                body=SIGNS_REVISED,
                change_note="案内板の文案を外国人住民と確認する手順を追記しました。",
            ),
            S(
                90,
                "progress",
                status="in_progress",
                percent=50,
                body=PROGRESS["signs1"],
            ),
            S(
                150,
                "progress",
                status="completed",
                percent=100,
                body=PROGRESS["signs2"],
            ),
            S(153, "confirm", who="author"),
        ),
    ),
    # Its implementation, after the shared answer below.
    Scenario(
        "transport-bus-maps-english",
        "regional-development",
        (
            S(
                120,
                "progress",
                status="in_progress",
                percent=70,
                body=PROGRESS["signs3"],
            ),
            S(121, "rate", clear=False, satisfied=True),
        ),
    ),
    Scenario(
        "transport-demand-bus",
        "regional-development",
        (
            S(5, "assign"),
            S(20, "status", status="under_review"),
            S(75, "publish", decision="accepted", body=DEMAND_BUS),
            S(
                100,
                "progress",
                status="in_progress",
                percent=25,
                body=PROGRESS["demand1"],
            ),
            S(150, "progress", status="stalled", percent=25, body=DEMAND_STALLED),
            S(152, "rate", clear=True, satisfied=False),
        ),
    ),
    Scenario(
        "transport-crossing-signal",
        "public-works",
        (
            S(2, "assign"),
            S(
                28,
                "publish",
                decision="referred",
                body=SIGNAL_REFERRED,
                referred_to="県警察本部 交通規制課（公安委員会）",
            ),
            S(30, "rate", clear=True, satisfied=False),
        ),
    ),
    Scenario(
        "transport-school-sidewalk",
        "public-works",
        (
            S(1, "assign"),
            S(30, "publish", decision="accepted", body=SIDEWALK),
            S(
                90,
                "progress",
                status="in_progress",
                percent=40,
                body=PROGRESS["sidewalk1"],
            ),
            S(
                160,
                "progress",
                status="completed",
                percent=100,
                body=PROGRESS["sidewalk2"],
            ),
            S(162, "dispute", who="author", reason=DISPUTE_SIDEWALK),
            S(168, "answer", body=ANSWER_SIDEWALK, reopen=True),
            S(
                190,
                "progress",
                status="in_progress",
                percent=90,
                body=PROGRESS["sidewalk3"],
            ),
            S(191, "rate", clear=True, satisfied=True),
            S(192, "comment", text=0),
        ),
    ),
    Scenario(
        "transport-park-bicycle-parking",
        "public-works",
        (
            S(3, "assign"),
            S(40, "publish", decision="accepted", body=BICYCLE),
            S(
                150,
                "progress",
                status="completed",
                percent=100,
                body=PROGRESS["bicycle1"],
            ),
            S(155, "dispute", who="supporter", reason=DISPUTE_BICYCLE),
            S(156, "rate", clear=True, satisfied=False),
        ),
    ),
    Scenario(
        "transport-open-timetables",
        "regional-development",
        (
            S(4, "assign"),
            S(6, "status", status="acknowledged", note=OPEN_DATA_ACK),
            S(30, "status", status="under_review"),
        ),
    ),
    Scenario(
        "transport-bridge-ice",
        "public-works",
        (S(2, "assign"), S(10, "status", status="acknowledged")),
    ),
    # --- Childcare 2026: answers coming in -----------------------------------
    Scenario(
        "children-sick-care-online",
        "children-welfare",
        (S(1, "assign"), S(4, "status", status="acknowledged")),
    ),
    Scenario(
        "children-free-nursery",
        "children-welfare",
        (
            S(2, "assign"),
            S(30, "publish", decision="not_adopted", body=FREE_NURSERY),
            S(31, "rate", clear=True, satisfied=False),
            S(32, "comment", text=2),
        ),
    ),
    Scenario(
        "children-medical-subsidy",
        "children-welfare",
        (
            S(1, "assign"),
            S(14, "publish", decision="already_addressed", body=MEDICAL_SUBSIDY),
            S(15, "rate", clear=True, satisfied=True),
        ),
    ),
    Scenario(
        "children-after-school-hours",
        "children-welfare",
        (
            S(1, "assign", department="public-works"),
            S(3, "assign", note="放課後児童クラブは子ども・福祉部の所管です。"),
            S(10, "status", status="under_review"),
        ),
    ),
    Scenario(
        "children-medical-care-nursery",
        "children-welfare",
        (
            S(2, "assign"),
            S(20, "publish", decision="accepted", body=MEDICAL_CARE),
            S(21, "rate", clear=True, satisfied=True),
            S(22, "comment", text=1),
        ),
    ),
    Scenario("children-paternity-leave", "children-welfare", (S(2, "assign"),)),
    # --- Parks and green 2026: just entering --------------------------------
    Scenario(
        "green-shade-central-park",
        "public-works",
        (S(1, "claim"), S(2, "status", status="acknowledged")),
    ),
    Scenario("green-inclusive-playground", "", ()),
    Scenario(
        "green-nursing-room",
        "public-works",
        (S(1, "assign"),),
        forward_days_ago=5,
    ),
    Scenario(
        "green-coastal-pines",
        "environment",
        (
            S(1, "assign"),
            S(3, "status", status="acknowledged"),
            S(9, "publish", decision="accepted", body=PINES),
            S(9.5, "rate", clear=True, satisfied=True),
        ),
        forward_days_ago=12,
    ),
)


# --- Replay --------------------------------------------------------------------------
class _Replay:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.rng = random.Random(RANDOM_SEED)
        emails = _staff_emails()
        self.users = {
            u.email: u for u in User.objects.filter(email__in=emails.values())
        }
        self.staff = {key: self.users.get(email) for key, email in emails.items()}
        self.departments = {d.code: d for d in Department.objects.all()}
        self.official_for: dict[str, User] = {}
        for person_key, codes in content.OFFICIAL_DEPARTMENTS.items():
            user = self.staff.get(person_key)
            for code in codes:
                if user is not None:
                    self.official_for.setdefault(code, user)
        titles = {spec.key: (spec.process, spec.title) for spec in content.PROPOSALS}
        self.proposals: dict[str, Proposal] = {}
        for key, (process_slug, title) in titles.items():
            proposal = (
                Proposal.objects.select_related("process", "author")
                .filter(process__slug=process_slug, title=title)
                .first()
            )
            if proposal is not None:
                self.proposals[key] = proposal

    def at(self, when: datetime) -> datetime:
        return min(when, self.now - timedelta(minutes=30))

    def redate_threshold_entries(self) -> None:
        """Entries created by the threshold hook during the replay of supports carry
        the seeding time: move them to the backdated threshold moment."""
        entries = TrackerEntry.objects.select_related("proposal", "process").filter(
            proposal__threshold_reached_at__isnull=False,
            entered_via="threshold",
        )
        for entry in entries:
            when = entry.proposal.threshold_reached_at
            if when is None or entry.entered_at <= when:
                continue
            entry.entered_at = when
            entry.response_due_at = when + timedelta(days=entry.process.response_days)
            entry.last_update_at = when
            entry.save(
                update_fields=["entered_at", "response_due_at", "last_update_at"]
            )
            # The demo replays history: the one sanctioned rewrite of an event's date
            # (the public model refuses updates; this goes through a plain queryset).
            models.QuerySet(TrackerEvent).filter(
                entry=entry, kind=EventKind.ENTERED
            ).update(created_at=when)

    def entry_for(self, scenario: Scenario) -> tuple[TrackerEntry | None, datetime]:
        proposal = self.proposals.get(scenario.key)
        if proposal is None or proposal.state != ProposalState.PUBLISHED:
            return None, self.now
        if scenario.forward_days_ago is not None:
            facilitator = self.staff["facilitator"]
            base = self.at(self.now - timedelta(days=scenario.forward_days_ago))
            existing = TrackerEntry.objects.filter(proposal=proposal).first()
            if existing is not None:
                return existing, existing.entered_at
            with clock.frozen(base):
                entry = services.tracker_forward(
                    actor=facilitator,
                    proposal=proposal,
                    note="賛同数はまだ基準に達していませんが、関連する予算の検討時期に合わせて回付します。",
                )
            return entry, base
        entry = TrackerEntry.objects.filter(proposal=proposal).first()
        if entry is None:
            return None, self.now
        return entry, entry.entered_at

    def supporter_of(self, proposal: Proposal, index: int = 0) -> User | None:
        users = list(
            User.objects.filter(supports__proposal=proposal)
            .exclude(pk=proposal.author_id)
            .order_by("pk")
        )
        if not users:
            return None
        return users[index % len(users)]

    def raters(self, proposal: Proposal, department_id: int | None) -> list[User]:
        ids = list(
            Support.objects.filter(proposal=proposal).values_list("user_id", flat=True)
        ) + [proposal.author_id]
        official_ids = set(
            User.objects.filter(
                grants__role="official", grants__department_id=department_id
            ).values_list("pk", flat=True)
        )
        people = [
            u for u in User.objects.filter(pk__in=ids) if u.pk not in official_ids
        ]
        self.rng.shuffle(people)
        return people[: max(1, len(people) // 2)]

    def run(self, scenario: Scenario) -> None:
        entry, base = self.entry_for(scenario)
        if entry is None:
            return
        proposal = entry.proposal
        official = self.official_for.get(scenario.department)
        admin = self.staff["admin"]
        facilitator = self.staff["facilitator"]
        last = base
        for step in scenario.steps:
            when = self.at(
                max(base + timedelta(days=step.day), last + timedelta(minutes=5))
            )
            if when <= last:
                break  # the step would happen in the future: the story stops here
            last = when
            entry.refresh_from_db()
            with clock.frozen(when):
                self.apply(step, entry, proposal, official, admin, facilitator, when)

    def apply(
        self,
        step: Step,
        entry: TrackerEntry,
        proposal: Proposal,
        official: User | None,
        admin: User,
        facilitator: User,
        when: datetime,
    ) -> None:
        args = dict(step.args)
        action = step.action
        if action == "assign":
            code = args.get("department") or _scenario(self, proposal).department
            services.tracker_assign(
                actor=facilitator,
                entry=entry,
                department=self.departments[code],
                note=args.get("note", ""),
            )
        elif action == "claim":
            assert official is not None
            services.tracker_claim(
                actor=official,
                entry=entry,
                department=self.departments[_scenario(self, proposal).department],
            )
        elif action == "status":
            services.tracker_set_status(
                actor=official or admin,
                entry=entry,
                status=args["status"],
                note=args.get("note", ""),
            )
        elif action == "publish":
            also = [
                TrackerEntry.objects.get(proposal=self.proposals[key]).pk
                for key in args.get("also", ())
                if key in self.proposals
            ]
            services.response_publish(
                actor=official or admin,
                entry=entry,
                decision=args["decision"],
                body=args["body"],
                referred_to=args.get("referred_to", ""),
                also=also,
            )
        elif action == "revise":
            services.response_revise(
                actor=official or admin,
                entry=entry,
                decision=args["decision"],
                body=args["body"],
                referred_to=args.get("referred_to", ""),
                change_note=args["change_note"],
            )
        elif action == "progress":
            services.progress_post(
                actor=official or admin,
                entry=entry,
                status=args["status"],
                percent=args["percent"],
                body=args["body"],
                happened_on=timezone.localdate(when),
            )
        elif action in ("confirm", "dispute"):
            user = (
                proposal.author
                if args.get("who") == "author"
                else self.supporter_of(proposal)
            )
            if user is not None:
                services.outcome_check(
                    user=user,
                    entry=entry,
                    verdict="confirmed" if action == "confirm" else "disputed",
                    reason=args.get("reason", ""),
                )
        elif action == "answer":
            services.dispute_answer(
                actor=official or admin,
                entry=entry,
                body=args["body"],
                reopen=args.get("reopen", False),
            )
        elif action == "rate":
            self.rate(entry, proposal, when, args)
        elif action == "comment":
            self.comment(entry, proposal, when, COMMENTS[args["text"]])
        else:  # pragma: no cover - a typo in the scenarios above
            raise ValueError(action)

    def rate(
        self, entry: TrackerEntry, proposal: Proposal, when: datetime, args: dict
    ) -> None:
        if entry.response is None:
            return
        for i, person in enumerate(self.raters(proposal, entry.department_id)):
            # Most agree with the scenario's tone; a few see it differently.
            flip = i % 4 == 3
            clear = args["clear"] != flip
            satisfied = args["satisfied"] != (i % 3 == 2)
            if ResponseRating.objects.filter(
                response=entry.response, user=person
            ).exists():
                continue
            rating = services.response_rate(
                user=person, response=entry.response, clear=clear, satisfied=satisfied
            )
            moment = when + timedelta(hours=2 + i * 5)
            moment = self.at(moment)
            ResponseRating.objects.filter(pk=rating.pk).update(
                created_at=moment, updated_at=moment
            )

    def comment(
        self, entry: TrackerEntry, proposal: Proposal, when: datetime, text: str
    ) -> None:
        if entry.response is None:
            return
        author = self.supporter_of(proposal, 1) or proposal.author
        comment = services.response_comment_create(
            author=author, response=entry.response, proposal=proposal, body=text
        )
        ResponseComment.objects.filter(pk=comment.pk).update(created_at=when)


def _staff_emails() -> dict[str, str]:
    return {person.key: person.email for person in content.STAFF}


def _key_of(replay: _Replay, proposal: Proposal) -> str:
    return next(key for key, p in replay.proposals.items() if p.pk == proposal.pk)


def _scenario(replay: _Replay, proposal: Proposal) -> Scenario:
    key = _key_of(replay, proposal)
    return next(s for s in SCENARIOS if s.key == key)


def seed_responses(now: datetime) -> None:
    """Replay the tracker scenarios (idempotent per entry: a proposal that already
    has tracker activity beyond entering it is left alone)."""
    replay = _Replay(now)
    if replay.staff.get("facilitator") is None or replay.staff.get("admin") is None:
        return  # the core demo is not there: nothing to answer
    replay.redate_threshold_entries()
    done = set(
        TrackerEvent.objects.exclude(kind__in=[EventKind.ENTERED, EventKind.FORWARDED])
        .values_list("entry__proposal_id", flat=True)
        .distinct()
    )
    for scenario in SCENARIOS:
        proposal = replay.proposals.get(scenario.key)
        if proposal is None or proposal.pk in done:
            continue
        replay.run(scenario)
    with clock.frozen(now):
        services.notify_overdue()
