"""The demo prefecture: みなみ県 (Minami Prefecture), a fictional prefecture.

Everything here is data: people, departments, categories, areas (municipalities),
three participatory processes in different phases, forty proposals and their
discussions. ``demo.seed`` replays it through the services, so the demo is built by
the same rules a resident meets on the site.

Government-authored text comes in Japanese with an English version; what residents
write is shown as written (mostly Japanese, some English).

Other demo seeders (``demo/responses.py``, ``demo/moderation.py``, ``demo/live.py``)
may import the stable keys below: ``PROCESS_SLUGS``, ``ACCOUNTS``, the department
codes and ``DEPARTMENT_FOR_CATEGORY``.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- People -----------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    key: str
    email: str
    real_name: str
    name_reading: str = ""
    bio: str = ""


# The five accounts named in the README, one per role, plus two more officials so
# that every department has someone to answer for it.
RESIDENT = Person(
    "resident",
    "resident@example.org",
    "佐藤 花子",
    "さとう はなこ",
    "みなみ市在住。小学生と保育園児の母です。公園と通学路のことをよく考えています。",
)
RESIDENT2 = Person(
    "resident2",
    "resident2@example.org",
    "鈴木 次郎",
    "すずき じろう",
    "川辺町で農業をしながら、地域の消防団に入っています。",
)
FACILITATOR = Person(
    "facilitator",
    "facilitator@example.org",
    "田中 文",
    "たなか ふみ",
    "県民参加プロセスのファシリテーターを務めています。議論を整理し、ルールを守る手伝いをします。",
)
OFFICIAL = Person(
    "official",
    "official@example.org",
    "高橋 健二",
    "たかはし けんじ",
    "県土整備部・子ども・福祉部の県民提案担当です。",
)
ADMIN = Person(
    "admin",
    "admin@example.org",
    "伊藤 明",
    "いとう あきら",
    "県デジタル推進課。このサイトの運営担当です。",
)
OFFICIAL_ENVIRONMENT = Person(
    "official_env",
    "official.environment@example.org",
    "中村 由美",
    "なかむら ゆみ",
    "環境部 自然環境課の職員です。",
)
OFFICIAL_REGIONAL = Person(
    "official_regional",
    "official.regional@example.org",
    "小林 誠",
    "こばやし まこと",
    "地域振興部 交通政策課の職員です。",
)

STAFF = (FACILITATOR, OFFICIAL, ADMIN, OFFICIAL_ENVIRONMENT, OFFICIAL_REGIONAL)

RESIDENTS = (
    RESIDENT,
    RESIDENT2,
    Person(
        "watanabe",
        "misaki.watanabe@example.org",
        "渡辺 美咲",
        "わたなべ みさき",
        "朝日市で保育士をしています。",
    ),
    Person(
        "yamamoto", "daisuke.yamamoto@example.org", "山本 大輔", "やまもと だいすけ"
    ),
    Person(
        "kato",
        "keiko.kato@example.org",
        "加藤 恵子",
        "かとう けいこ",
        "山中村の民生委員です。",
    ),
    Person(
        "yoshida",
        "shota.yoshida@example.org",
        "吉田 翔太",
        "よしだ しょうた",
        "みなみ大学の学生。自転車通学です。",
    ),
    Person("yamada", "naomi.yamada@example.org", "山田 直美", "やまだ なおみ"),
    Person(
        "sasaki",
        "takuya.sasaki@example.org",
        "佐々木 拓也",
        "ささき たくや",
        "海浜市で民宿を営んでいます。",
    ),
    Person(
        "yamaguchi", "mayumi.yamaguchi@example.org", "山口 真由美", "やまぐち まゆみ"
    ),
    Person(
        "matsumoto",
        "hiroshi.matsumoto@example.org",
        "松本 浩",
        "まつもと ひろし",
        "定年退職後、地域の自主防災会で活動中。",
    ),
    Person("inoue", "aya.inoue@example.org", "井上 彩", "いのうえ あや"),
    Person("kimura", "kenta.kimura@example.org", "木村 健太", "きむら けんた"),
    Person(
        "hayashi",
        "tomoko.hayashi@example.org",
        "林 智子",
        "はやし ともこ",
        "桜丘町の小学校でPTA役員をしています。",
    ),
    Person("saito", "takashi.saito@example.org", "斎藤 隆", "さいとう たかし"),
    Person("shimizu", "hina.shimizu@example.org", "清水 陽菜", "しみず ひな"),
    Person(
        "yamazaki",
        "kazuo.yamazaki@example.org",
        "山崎 和夫",
        "やまざき かずお",
        "北みなみ市の町内会長。",
    ),
    Person("mori", "sakura.mori@example.org", "森 さくら", "もり さくら"),
    Person("ikeda", "ryo.ikeda@example.org", "池田 亮", "いけだ りょう"),
    Person(
        "hashimoto",
        "yuko.hashimoto@example.org",
        "橋本 優子",
        "はしもと ゆうこ",
        "医療的ケアが必要な子どもを育てています。",
    ),
    Person("abe", "osamu.abe@example.org", "阿部 修", "あべ おさむ"),
    Person("ishikawa", "yui.ishikawa@example.org", "石川 結衣", "いしかわ ゆい"),
    Person("maeda", "yuki.maeda@example.org", "前田 勇気", "まえだ ゆうき"),
    Person("fujita", "chihiro.fujita@example.org", "藤田 千尋", "ふじた ちひろ"),
    Person(
        "goto",
        "masato.goto@example.org",
        "後藤 正人",
        "ごとう まさと",
        "路線バスの運転士をしています。",
    ),
    Person("okada", "miho.okada@example.org", "岡田 美穂", "おかだ みほ"),
    Person("hasegawa", "satoru.hasegawa@example.org", "長谷川 悟", "はせがわ さとる"),
    Person("murakami", "ai.murakami@example.org", "村上 愛", "むらかみ あい"),
    Person(
        "kondo",
        "mitsuko.kondo@example.org",
        "近藤 光子",
        "こんどう みつこ",
        "80歳。川辺町で一人暮らしです。",
    ),
    Person("ishii", "ren.ishii@example.org", "石井 蓮", "いしい れん"),
    Person("sakamoto", "noriko.sakamoto@example.org", "坂本 典子", "さかもと のりこ"),
    Person(
        "carter",
        "emily.carter@example.org",
        "Emily Carter",
        "エミリー・カーター",
        "English teacher in Umihama City, living in Minami since 2019.",
    ),
    Person(
        "nguyen",
        "an.nguyen@example.org",
        "Nguyen Van An",
        "グエン・ヴァン・アン",
        "Engineer from Vietnam, working in Minami City.",
    ),
    Person("ogawa", "kaori.ogawa@example.org", "小川 香織", "おがわ かおり"),
    Person("fukuda", "shin.fukuda@example.org", "福田 真", "ふくだ しん"),
)

PEOPLE = RESIDENTS + STAFF
ACCOUNTS = {p.key: p.email for p in (RESIDENT, RESIDENT2, FACILITATOR, OFFICIAL, ADMIN)}

# --- Departments, categories, areas -----------------------------------------------


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    name_en: str
    description: str
    description_en: str


DEPARTMENTS = (
    Department(
        "public-works",
        "県土整備部",
        "Public Works Department",
        "県道・橋・河川・県立公園の整備と維持管理を担当します。",
        "Builds and maintains prefectural roads, bridges, rivers and prefectural "
        "parks.",
    ),
    Department(
        "children-welfare",
        "子ども・福祉部",
        "Children and Welfare Department",
        "子育て支援、保育、児童福祉、高齢者・障害者福祉を担当します。",
        "Childcare support, nurseries, child welfare, and welfare for older and "
        "disabled people.",
    ),
    Department(
        "environment",
        "環境部",
        "Environment Department",
        "自然環境の保全、ごみ減量・リサイクル、脱炭素の取組を担当します。",
        "Nature conservation, waste reduction and recycling, and decarbonisation.",
    ),
    Department(
        "regional-development",
        "地域振興部",
        "Regional Development Department",
        "公共交通、観光、中山間地域の振興、デジタル化の推進を担当します。",
        "Public transport, tourism, rural revitalisation and the digital agenda.",
    ),
)

# Officials: official@ answers for two departments, the others for one each.
OFFICIAL_DEPARTMENTS = {
    OFFICIAL.key: ("public-works", "children-welfare"),
    OFFICIAL_ENVIRONMENT.key: ("environment",),
    OFFICIAL_REGIONAL.key: ("regional-development",),
}

CATEGORIES = (
    ("parks", "公園・緑地", "Parks and green spaces"),
    ("roads", "道路・交通", "Roads and transport"),
    ("childcare", "子育て・教育", "Childcare and education"),
    ("welfare", "福祉・高齢者", "Welfare and older people"),
    ("environment", "環境・ごみ", "Environment and waste"),
    ("safety", "防災・安全", "Disaster preparedness and safety"),
    ("tourism", "観光・地域活性化", "Tourism and local economy"),
    ("digital", "デジタル・行政サービス", "Digital and public services"),
)

# Which department would normally answer a proposal of each category.
DEPARTMENT_FOR_CATEGORY = {
    "parks": "public-works",
    "roads": "public-works",
    "childcare": "children-welfare",
    "welfare": "children-welfare",
    "environment": "environment",
    "safety": "public-works",
    "tourism": "regional-development",
    "digital": "regional-development",
}

AREAS = (
    ("minami-city", "みなみ市", "Minami City"),
    ("asahi-city", "朝日市", "Asahi City"),
    ("umihama-city", "海浜市", "Umihama City"),
    ("kita-minami-city", "北みなみ市", "Kita-Minami City"),
    ("kawabe-town", "川辺町", "Kawabe Town"),
    ("sakuragaoka-town", "桜丘町", "Sakuragaoka Town"),
    ("yamanaka-village", "山中村", "Yamanaka Village"),
)

# --- Processes and phases ----------------------------------------------------------


@dataclass(frozen=True)
class PhaseSpec:
    kind: str
    title: str
    title_en: str
    description: str
    description_en: str
    # Days relative to "now" (negative: in the past).
    starts: int
    ends: int
    proposing: bool = False
    supporting: bool = False
    commenting: bool = False


@dataclass(frozen=True)
class ProcessSpec:
    slug: str
    title: str
    title_en: str
    summary: str
    summary_en: str
    description: str
    description_en: str
    categories: tuple[str, ...]
    areas: tuple[str, ...]
    support_threshold: int
    response_days: int
    created_days_ago: int
    phases: tuple[PhaseSpec, ...]


GREEN = "parks-and-green-2026"
CHILDREN = "childcare-plan-2026"
TRANSPORT = "local-transport-2025"
PROCESS_SLUGS = (GREEN, CHILDREN, TRANSPORT)

PROCESSES = (
    ProcessSpec(
        slug=GREEN,
        title="公園と緑のまちづくり 2026",
        title_en="Parks and Green Spaces 2026",
        summary=(
            "県立公園・緑地・街路樹をもっと使いやすく、暑さや災害に強くするための"
            "提案を募集しています。"
        ),
        summary_en=(
            "Share your ideas for prefectural parks, green spaces and street trees: "
            "easier to use, cooler in summer and safer in a disaster."
        ),
        description=(
            "みなみ県では、県立公園と緑地の再整備計画（2027〜2031年度）を策定します。"
            "計画に県民の声を反映するため、次のようなテーマで提案を募集します。\n\n"
            "- 夏の暑さ対策（日陰、水飲み場、ミスト）\n"
            "- 子どもや障害のある人も一緒に遊べる遊具・トイレ\n"
            "- 災害時に避難場所となる公園の整備\n"
            "- 里山や海岸林など、身近な自然の保全\n\n"
            "提案募集の後、賛同・議論の期間を設けます。"
            "**賛同が15件に達した提案**には、担当部局が期限内に公開で回答します。"
        ),
        description_en=(
            "Minami Prefecture is drawing up its plan for prefectural parks and green "
            "spaces for fiscal years 2027 to 2031. To build residents' views into the "
            "plan, we are collecting proposals on themes such as:\n\n"
            "- coping with summer heat (shade, drinking fountains, mist)\n"
            "- play equipment and toilets that children and disabled people can use "
            "together\n"
            "- parks that serve as evacuation sites in a disaster\n"
            "- protecting the nature close to home: satoyama woodland, coastal "
            "pines\n\n"
            "After the proposal period comes a period for supports and discussion. "
            "**Every proposal that reaches 15 supports** gets a public answer from "
            "the responsible department, within a set deadline."
        ),
        categories=("parks", "environment", "childcare", "safety", "digital"),
        areas=(
            "minami-city",
            "asahi-city",
            "umihama-city",
            "kita-minami-city",
            "kawabe-town",
            "sakuragaoka-town",
            "yamanaka-village",
        ),
        support_threshold=15,
        response_days=60,
        created_days_ago=80,
        phases=(
            PhaseSpec(
                "information",
                "説明・意見交換会",
                "Briefings and information",
                "県内7会場で計画の概要を説明し、現状の課題を共有しました。",
                "Briefings in seven venues across the prefecture on the plan and the "
                "problems it must solve.",
                -75,
                -45,
            ),
            PhaseSpec(
                "proposals",
                "提案募集",
                "Collecting proposals",
                "どなたでも提案・賛同・コメントができます。",
                "Anyone may post proposals, support them and comment.",
                -45,
                30,
                proposing=True,
                supporting=True,
                commenting=True,
            ),
            PhaseSpec(
                "support",
                "賛同・議論",
                "Supporting and deliberation",
                "新しい提案の受付は終了し、賛同と議論を続けます。",
                "No new proposals; supports and discussion continue.",
                30,
                60,
                supporting=True,
                commenting=True,
            ),
            PhaseSpec(
                "response",
                "県からの回答",
                "Official responses",
                "担当部局が、賛同が基準に達した提案に回答します。",
                "Departments answer every proposal that reached the threshold.",
                60,
                150,
                commenting=True,
            ),
        ),
    ),
    ProcessSpec(
        slug=CHILDREN,
        title="子育てしやすい県へ：次期子ども・子育て支援計画への提案",
        title_en=(
            "A prefecture for raising children: proposals for the next childcare plan"
        ),
        summary=(
            "次期「みなみ県子ども・子育て支援計画」に向けて寄せられた提案について、"
            "賛同と議論を受け付けています。"
        ),
        summary_en=(
            "Proposals for the next Minami Prefecture childcare support plan are in: "
            "support the ones you back and join the discussion."
        ),
        description=(
            "保育、放課後の居場所、子どもの医療、ひとり親家庭への支援など、"
            "子育て世帯の声を次期計画に反映します。\n\n"
            "提案の受付は終了しました。現在は**賛同・議論の期間**です。"
            "賛同が10件に達した提案は、子ども・福祉部などの担当部局が"
            "45日以内に公開で回答します。"
        ),
        description_en=(
            "Nurseries, after-school care, children's healthcare, support for "
            "single-parent families: what families raise here goes into the next "
            "plan.\n\n"
            "The proposal period has closed. We are now in the **supporting and "
            "deliberation** period. Every proposal with 10 supports gets a public "
            "answer from the responsible department within 45 days."
        ),
        categories=("childcare", "welfare", "safety", "digital", "parks"),
        areas=(
            "minami-city",
            "asahi-city",
            "umihama-city",
            "kita-minami-city",
            "kawabe-town",
            "sakuragaoka-town",
            "yamanaka-village",
        ),
        support_threshold=10,
        response_days=45,
        created_days_ago=130,
        phases=(
            PhaseSpec(
                "proposals",
                "提案募集",
                "Collecting proposals",
                "子育てに関する提案を募集しました。",
                "Proposals about raising children were collected.",
                -120,
                -30,
                proposing=True,
                supporting=True,
                commenting=True,
            ),
            PhaseSpec(
                "support",
                "賛同・議論",
                "Supporting and deliberation",
                "寄せられた提案に賛同し、議論してください。",
                "Support the proposals you back and discuss them.",
                -30,
                20,
                supporting=True,
                commenting=True,
            ),
            PhaseSpec(
                "response",
                "県からの回答",
                "Official responses",
                "担当部局が公開で回答します。",
                "Departments publish their answers.",
                20,
                110,
                commenting=True,
            ),
        ),
    ),
    ProcessSpec(
        slug=TRANSPORT,
        title="地域の足を守る：公共交通と道路の県民提案 2025",
        title_en="Keeping communities moving: public transport and roads 2025",
        summary=(
            "バス・鉄道・道路・通学路について寄せられた提案に、県の担当部局が回答し、"
            "実施状況を公開しています。"
        ),
        summary_en=(
            "Departments are answering the proposals on buses, railways, roads and "
            "school routes, and reporting in public on what gets done."
        ),
        description=(
            "人口減少と高齢化が進むなか、地域の移動手段をどう守るか。"
            "2025年度に寄せられた提案のうち、賛同が8件に達したものに、"
            "県土整備部と地域振興部が回答しています。\n\n"
            "回答の内容・期限・進捗は[対応状況トラッカー](/tracker/)で誰でも確認できます。"
            "回答へのご意見もコメントでお寄せください。"
        ),
        description_en=(
            "With a shrinking and ageing population, how do we keep people moving? "
            "The Public Works and Regional Development departments are answering "
            "every 2025 proposal that reached 8 supports.\n\n"
            "Anyone can follow the answers, deadlines and progress on the "
            "[response tracker](/tracker/). Comments on the answers are welcome."
        ),
        categories=("roads", "safety", "welfare", "tourism", "digital", "parks"),
        areas=(
            "minami-city",
            "asahi-city",
            "umihama-city",
            "kita-minami-city",
            "kawabe-town",
            "sakuragaoka-town",
            "yamanaka-village",
        ),
        support_threshold=8,
        response_days=60,
        created_days_ago=320,
        phases=(
            PhaseSpec(
                "proposals",
                "提案募集",
                "Collecting proposals",
                "公共交通と道路に関する提案を募集しました。",
                "Proposals about public transport and roads were collected.",
                -300,
                -200,
                proposing=True,
                supporting=True,
                commenting=True,
            ),
            PhaseSpec(
                "support",
                "賛同・議論",
                "Supporting and deliberation",
                "寄せられた提案への賛同と議論の期間でした。",
                "Residents supported and discussed the proposals.",
                -200,
                -150,
                supporting=True,
                commenting=True,
            ),
            PhaseSpec(
                "response",
                "県からの回答",
                "Official responses",
                "担当部局が回答を公開しています。回答へのコメントができます。",
                "Departments are publishing their answers; comments are open.",
                -150,
                30,
                commenting=True,
            ),
            PhaseSpec(
                "implementation",
                "実施・進捗報告",
                "Implementation",
                "採用された提案の実施状況を報告します。",
                "Progress reports on the accepted proposals.",
                30,
                400,
                commenting=True,
            ),
        ),
    ),
)

# --- Proposals and their discussions ----------------------------------------------

FAVOUR, AGAINST, NEUTRAL = "favour", "against", "neutral"


@dataclass(frozen=True)
class C:
    """A comment in a scripted thread. ``author`` None: a resident picked at random."""

    author: str | None
    alignment: str
    body: str
    replies: tuple[C, ...] = ()
    # Later edited by its author to this text (shown as "edited").
    edit_to: str = ""
    # Later deleted by its author (a placeholder keeps the replies in context).
    deleted: bool = False


@dataclass(frozen=True)
class ProposalSpec:
    key: str
    process: str
    author: str
    title: str
    body: str
    category: str
    area: str
    location: str = ""
    supports: int = 0
    thread: tuple[C, ...] = ()
    extra_comments: int = 0
    withdrawn: bool = False
    # Written by the author before anyone reacted (then marked as edited).
    edited_body: str = ""


PROPOSALS: tuple[ProposalSpec, ...] = (
    # ---------------------------------------------------------------- parks 2026
    ProposalSpec(
        key="green-shade-central-park",
        process=GREEN,
        author="resident",
        title="中央公園に日陰とミストシャワーを増やしてください",
        body=(
            "みなみ中央公園は子どもたちの遊び場ですが、夏は遊具が焼けるように熱くなり、"
            "日中はほとんど使えません。\n\n"
            "- 遊具広場にパーゴラや日よけテントを設置する\n"
            "- 夏季（7〜9月）だけでもミストシャワーを稼働させる\n"
            "- 冷たい水が出る水飲み場を増やす\n\n"
            "熱中症対策としても、まず遊具広場の周辺から優先して進めてほしいです。"
        ),
        category="parks",
        area="minami-city",
        location="みなみ中央公園 遊具広場",
        supports=19,
        thread=(
            C(
                "watanabe",
                FAVOUR,
                "保育園の散歩で毎日使っていますが、7月は10時を過ぎると遊具に触れません。"
                "日よけがあれば本当に助かります。",
                (
                    C(
                        "resident",
                        NEUTRAL,
                        "同じです。せめて滑り台の上だけでも日陰になるといいのですが。",
                        (
                            C(
                                "watanabe",
                                FAVOUR,
                                "滑り台は金属なので特に熱くなりますよね。樹脂製への更新も合わせて検討してほしいです。",
                            ),
                        ),
                    ),
                ),
            ),
            C(
                "saito",
                AGAINST,
                "ミストシャワーは水道代と維持費がかかります。まずは植樹で木陰を増やすほうが長い目で見て安上がりでは。",
                (
                    C(
                        "resident",
                        NEUTRAL,
                        "木が育つまで10年はかかるので、当面はテント、並行して植樹、という組み合わせはどうでしょうか。",
                    ),
                    C(
                        "mori",
                        FAVOUR,
                        "植樹とテントの組み合わせに賛成です。",
                        edit_to="植樹とテントの組み合わせに賛成です。テントは台風の前に外せるものにしてください。",
                    ),
                ),
            ),
            C(
                "facilitator",
                NEUTRAL,
                "ファシリテーターの田中です。ここまでの議論は「すぐできる日よけ（テント・パーゴラ）」と"
                "「長期的な植樹」の二つに整理できそうです。どちらを優先すべきか、ご意見をお寄せください。",
            ),
            C(
                "official",
                NEUTRAL,
                "県土整備部の高橋です。中央公園の遊具広場では、夏季の表面温度を今年測定しています。"
                "結果はこの提案への回答の中でお示しします。",
            ),
        ),
        extra_comments=4,
    ),
    ProposalSpec(
        key="green-inclusive-playground",
        process=GREEN,
        author="resident2",
        title="県立公園にインクルーシブ遊具（誰もが遊べる遊具）を導入してほしい",
        body=(
            "車いすの子も、障害のない子も一緒に遊べる「インクルーシブ遊具」を、"
            "県立公園のうち少なくとも各地域に1か所は導入してほしいです。\n"
            "東京都や他県では導入が進んでおり、親同士の交流の場にもなっています。"
            "地面をゴムチップ舗装にすることも合わせてお願いします。"
        ),
        category="parks",
        area="kawabe-town",
        location="川辺町 県立川辺運動公園",
        supports=16,
        thread=(
            C(
                "hashimoto",
                FAVOUR,
                "医療的ケアが必要な娘がいます。今の公園では娘が遊べる遊具がなく、"
                "きょうだいが遊ぶのを見ているだけです。ぜひ実現してほしいです。",
                (
                    C(
                        "resident2",
                        FAVOUR,
                        "貴重なお話をありがとうございます。こういう声を県に届けたくて提案しました。",
                    ),
                ),
            ),
            C(
                "abe",
                NEUTRAL,
                "費用はどれくらいでしょうか。遊具1基で数千万円という話も聞きます。"
                "優先順位を付ける必要がありそうです。",
            ),
            C(
                "carter",
                FAVOUR,
                "In my hometown in Canada these playgrounds became the busiest in the "
                "city. Strongly support.",
            ),
        ),
        extra_comments=3,
    ),
    ProposalSpec(
        key="green-dog-run",
        process=GREEN,
        author="yamamoto",
        title="川辺町の河川敷公園にドッグランを作ってください",
        body=(
            "川辺町の河川敷公園は広いのに、平日はほとんど使われていません。"
            "一角をフェンスで囲ってドッグランにすれば、犬の飼い主が集まり、"
            "ノーリードで散歩させるトラブルも減ると思います。"
            "利用ルールは飼い主の会で作り、清掃も協力します。"
        ),
        category="parks",
        area="kawabe-town",
        location="川辺町 河川敷公園（東橋付近）",
        supports=9,
        thread=(
            C(
                "kondo",
                AGAINST,
                "河川敷は散歩やグラウンドゴルフにも使っています。犬が苦手な人への配慮もお願いします。",
                (
                    C(
                        "yamamoto",
                        NEUTRAL,
                        "ご意見ありがとうございます。グラウンドから離れた東橋側の一角を想定しています。",
                    ),
                ),
            ),
            C(
                "resident2",
                FAVOUR,
                "増水時の対策（フェンスが流されないか）も検討が必要ですね。",
            ),
        ),
        extra_comments=2,
    ),
    ProposalSpec(
        key="green-park-toilets",
        process=GREEN,
        author="kondo",
        title="公園のトイレを洋式・バリアフリーにしてください",
        body=(
            "県立公園のトイレの多くがまだ和式で、膝の悪い高齢者には使えません。"
            "孫を連れて公園に行っても、トイレが心配で長くいられません。"
            "洋式化と手すりの設置、できれば多目的トイレの整備をお願いします。"
        ),
        category="parks",
        area="kawabe-town",
        supports=14,
        thread=(
            C(
                "kato",
                FAVOUR,
                "山中村の公園も同じです。冬は便座が冷たいので、暖房便座もあると助かります。",
            ),
            C("resident", FAVOUR, "おむつ替えの台も一緒にお願いしたいです。"),
        ),
        extra_comments=3,
    ),
    ProposalSpec(
        key="green-disaster-park",
        process=GREEN,
        author="matsumoto",
        title="朝日市の空き地を防災公園として整備してください",
        body=(
            "朝日市の旧県営住宅跡地は、数年間空き地のままになっています。"
            "周辺は木造住宅が密集しており、大きな地震の際に避難できる広い場所がありません。"
            "かまどベンチ、防災トイレ、備蓄倉庫を備えた防災公園として整備し、"
            "平常時は地域の広場として使えるようにしてほしいです。"
        ),
        category="safety",
        area="asahi-city",
        location="朝日市 旧県営朝日団地跡地",
        supports=12,
        thread=(
            C(
                "watanabe",
                FAVOUR,
                "この地区は道が狭く、消防車も入りにくいです。避難場所は本当に必要です。",
            ),
            C(
                "official",
                NEUTRAL,
                "県土整備部の高橋です。跡地の活用については朝日市とも協議中です。"
                "防災機能のご提案は協議の材料とさせていただきます。",
            ),
        ),
        extra_comments=3,
    ),
    ProposalSpec(
        key="green-ball-games",
        process=GREEN,
        author="hayashi",
        title="公園で子どもがボール遊びできる時間帯やエリアを設けてほしい",
        body=(
            "県立公園の多くで「ボール遊び禁止」の看板があり、子どもたちがキャッチボールも"
            "できません。時間帯やエリアを区切って、ボール遊びができるようにしてください。"
            "地域の見守りボランティアと協力すれば、安全も確保できると思います。"
        ),
        category="parks",
        area="sakuragaoka-town",
        supports=11,
        thread=(
            C(
                "abe",
                AGAINST,
                "幼児連れの家族もいるので、エリアをしっかり分けないと危ないと思います。",
                (
                    C(
                        "hayashi",
                        NEUTRAL,
                        "おっしゃる通りです。ネットで区切ったエリアを想定しています。",
                        (C("abe", NEUTRAL, "ネットで区切るなら賛成です。"),),
                    ),
                ),
            ),
        ),
        extra_comments=3,
    ),
    ProposalSpec(
        key="green-satoyama",
        process=GREEN,
        author="kato",
        title="山中村の里山を「自然観察の森」として整備・保全してほしい",
        body=(
            "山中村の県有林は、かつて炭焼きに使われた里山で、春はカタクリ、"
            "夏はホタルが見られます。しかし手入れが行き届かず竹林が広がっています。"
            "遊歩道と案内板を整備し、地元の小学校や都市部の子どもたちが"
            "自然観察できる場所にしてほしいです。竹の伐採は地元でも協力できます。"
        ),
        category="environment",
        area="yamanaka-village",
        location="山中村 県有林（上野地区）",
        supports=8,
        thread=(
            C(
                "official_env",
                NEUTRAL,
                "環境部の中村です。里山保全は県の生物多様性戦略でも重点にしています。"
                "地元の協力体制についても詳しく伺えればと思います。",
            ),
        ),
        extra_comments=3,
    ),
    ProposalSpec(
        key="green-coastal-pines",
        process=GREEN,
        author="sasaki",
        title="海浜公園の松林を松くい虫から守り、次の世代に残したい",
        body=(
            "海浜市の海岸林は、防風・防砂の役目を果たしてきた大切な松林です。"
            "ここ数年、松くい虫の被害で枯れる木が目立ちます。"
            "薬剤の樹幹注入と枯れ木の早期伐採、抵抗性のある松の植樹を進めてください。"
            "植樹には市民ボランティアも参加できるようにしてほしいです。"
        ),
        category="environment",
        area="umihama-city",
        location="海浜市 海浜公園 松林",
        supports=10,
        thread=(
            C(
                "carter",
                FAVOUR,
                "The pine forest is one of the reasons I moved to Umihama. I would "
                "volunteer for the planting.",
            ),
        ),
        extra_comments=3,
    ),
    ProposalSpec(
        key="green-umihama-shade",
        process=GREEN,
        author="carter",
        title="More shade trees and benches along the Umihama seaside park promenade",
        body=(
            "The promenade in Umihama Seaside Park is beautiful but has almost no "
            "shade between the car park and the beach. Older visitors and families "
            "with small children struggle in July and August.\n\n"
            "Please plant salt-tolerant shade trees and add benches every 200 metres "
            "or so, ideally with a few drinking fountains."
        ),
        category="parks",
        area="umihama-city",
        location="Umihama Seaside Park promenade",
        supports=7,
        thread=(
            C(
                "sasaki",
                FAVOUR,
                "海沿いは潮風が強いので、樹種の選び方が大事ですね。賛成です。",
            ),
            C(
                "nguyen",
                FAVOUR,
                "Benches would help a lot. My parents visited last summer and had to "
                "rest in the car.",
            ),
        ),
        extra_comments=2,
    ),
    ProposalSpec(
        key="green-multilingual-signs",
        process=GREEN,
        author="nguyen",
        title="Multilingual and easy-Japanese signs in prefectural parks",
        body=(
            "Many foreign residents and visitors use the prefectural parks, but the "
            "rules and the evacuation maps are in Japanese only. Please add English, "
            "simple Japanese (やさしい日本語) and pictograms to the main signs, "
            "especially the disaster evacuation information."
        ),
        category="parks",
        area="minami-city",
        supports=6,
        thread=(
            C(
                "resident",
                FAVOUR,
                "やさしい日本語は、子どもや高齢者にも分かりやすいので良いと思います。",
            ),
        ),
        extra_comments=2,
    ),
    ProposalSpec(
        key="green-street-trees",
        process=GREEN,
        author="yamazaki",
        title="街路樹の剪定を「ぶつ切り」ではなく丁寧に行ってほしい",
        body=(
            "北みなみ市の県道沿いのケヤキ並木が、毎年幹だけになるほど強く剪定されています。"
            "夏の木陰がなくなり、景観も損なわれています。"
            "樹木医の意見を聞き、樹形を生かした剪定に切り替えてください。"
            "落ち葉が問題であれば、地域で清掃を手伝う仕組みも考えられます。"
        ),
        category="environment",
        area="kita-minami-city",
        location="北みなみ市 県道5号線 ケヤキ並木",
        supports=5,
        extra_comments=3,
        edited_body=(
            "北みなみ市の県道沿いのケヤキ並木が、毎年幹だけになるほど強く剪定されています。"
            "夏の木陰がなくなり、景観も損なわれています。"
            "樹木医の意見を聞き、樹形を生かした剪定に切り替えてください。"
            "落ち葉が問題であれば、町内会で清掃を手伝う仕組みも考えられます"
            "（町内会では既に協力の意向を確認しています）。"
        ),
    ),
    ProposalSpec(
        key="green-leaf-compost",
        process=GREEN,
        author="ishikawa",
        title="公園の落ち葉や刈草を堆肥にして地域で使う仕組みを",
        body=(
            "県立公園で出る落ち葉や刈草は、焼却処分されていると聞きました。"
            "公園内に堆肥場をつくり、できた堆肥を市民農園や学校の花壇で使えば、"
            "ごみの削減と環境教育の両方に役立ちます。"
        ),
        category="environment",
        area="sakuragaoka-town",
        supports=4,
        extra_comments=3,
    ),
    ProposalSpec(
        key="green-nursing-room",
        process=GREEN,
        author="shimizu",
        title="大きな公園には授乳室とおむつ替えスペースを設けてほしい",
        body=(
            "赤ちゃん連れで県立公園に行くと、授乳できる場所がなく車に戻るしかありません。"
            "管理事務所の一角でもよいので、授乳室とおむつ替え台、"
            "ミルク用のお湯が使える場所を用意してください。"
        ),
        category="childcare",
        area="asahi-city",
        supports=13,
        thread=(
            C(
                "okada",
                FAVOUR,
                "父親も使えるように、男女どちらも入れる場所にしてほしいです。",
            ),
        ),
        extra_comments=3,
    ),
    ProposalSpec(
        key="green-camp-booking",
        process=GREEN,
        author="maeda",
        title="県立公園のキャンプ場をオンラインで予約できるようにしてほしい",
        body=(
            "県立山中高原公園のキャンプ場は、予約が電話と窓口だけで、"
            "平日の昼間しか受け付けていません。空き状況の確認とオンライン予約・"
            "キャンセルができるようにしてください。県外からの観光客も増えると思います。"
        ),
        category="digital",
        area="yamanaka-village",
        location="県立山中高原公園 キャンプ場",
        supports=8,
        extra_comments=3,
    ),
    # ---------------------------------------------------------- childcare 2026
    ProposalSpec(
        key="children-sick-care-online",
        process=CHILDREN,
        author="resident",
        title="病児保育の空き状況をスマホで確認・予約できるようにしてください",
        body=(
            "子どもが熱を出した朝、病児保育施設に一つずつ電話して空きを探すのがとても大変です。"
            "県内の病児保育施設の空き状況を一覧で確認でき、そのまま予約できる"
            "仕組みを県で作ってほしいです。市町村ごとに別々のシステムではなく、"
            "県内共通にしてください。"
        ),
        category="childcare",
        area="minami-city",
        supports=21,
        thread=(
            C(
                "watanabe",
                FAVOUR,
                "保育士として、朝の電話対応の負担も大きいと感じています。施設側にもメリットがあります。",
            ),
            C(
                "ogawa",
                FAVOUR,
                "隣の市の施設も使えるようになると、選択肢が広がりますね。",
            ),
            C(
                "official",
                NEUTRAL,
                "子ども・福祉部の高橋です。現在、病児保育の広域利用について市町村と協議を始めています。"
                "空き状況の公開についても検討します。",
            ),
        ),
        extra_comments=4,
    ),
    ProposalSpec(
        key="children-after-school-hours",
        process=CHILDREN,
        author="watanabe",
        title="放課後児童クラブの開所時間を19時まで延長してほしい",
        body=(
            "多くの放課後児童クラブが18時で閉まるため、フルタイムで働く親はお迎えに"
            "間に合いません。19時までの延長と、延長に必要な支援員の確保のための"
            "県の補助をお願いします。"
        ),
        category="childcare",
        area="asahi-city",
        supports=14,
        thread=(
            C("inoue", FAVOUR, "通勤に1時間かかるので、18時は本当にぎりぎりです。"),
            C(
                "yamaguchi",
                NEUTRAL,
                "支援員の方の働き方も大事です。延長するなら処遇改善もセットでお願いしたいです。",
                (
                    C(
                        "watanabe",
                        FAVOUR,
                        "その通りだと思います。提案にも支援員の確保を含めています。",
                    ),
                ),
            ),
        ),
        extra_comments=3,
    ),
    ProposalSpec(
        key="children-free-nursery",
        process=CHILDREN,
        author="inoue",
        title="第2子以降の保育料を所得にかかわらず完全無償にしてください",
        body=(
            "第2子の保育料が半額になる制度はありますが、所得制限や年齢の条件があり、"
            "対象にならない家庭も多いです。少子化対策として、第2子以降の保育料を"
            "所得にかかわらず無償にしてほしいです。"
        ),
        category="childcare",
        area="minami-city",
        supports=12,
        thread=(
            C(
                "saito",
                AGAINST,
                "財源はどうするのでしょうか。一律の無償化より、保育士の確保に予算を使うべきだと思います。",
                (
                    C(
                        "inoue",
                        NEUTRAL,
                        "保育士の確保も大切ですね。両方必要だと思いますが、優先順位の議論は必要だと思います。",
                    ),
                ),
                deleted=True,
            ),
            C(
                "saito",
                NEUTRAL,
                "先ほどのコメントは削除しました。言葉が足りなかったので改めて書きます。"
                "無償化に反対ではなく、保育士の確保と同時に進めてほしいという意見です。",
            ),
        ),
        extra_comments=3,
    ),
    ProposalSpec(
        key="children-school-route-watch",
        process=CHILDREN,
        author="hayashi",
        title="通学路の見守りボランティアへの支援（ベスト・保険・研修）を",
        body=(
            "桜丘町では高齢化で見守りボランティアが減っています。"
            "新しく参加しやすいよう、ベストや旗の支給、ボランティア保険の県負担、"
            "短い研修の機会をつくってください。"
        ),
        category="safety",
        area="sakuragaoka-town",
        supports=7,
        extra_comments=3,
    ),
    ProposalSpec(
        key="children-medical-subsidy",
        process=CHILDREN,
        author="yamaguchi",
        title="子ども医療費の助成を高校卒業まで、県内どこでも同じに",
        body=(
            "子ども医療費の助成は市町村によって対象年齢が違い、中学生までのところと"
            "高校生までのところがあります。住む場所で差が出ないよう、"
            "県の助成を高校卒業まで広げてください。"
        ),
        category="welfare",
        area="umihama-city",
        supports=15,
        thread=(
            C(
                "sasaki",
                FAVOUR,
                "海浜市は中学生までなので、隣の市に引っ越す家族もいます。",
            ),
        ),
        extra_comments=3,
    ),
    ProposalSpec(
        key="children-park-outreach",
        process=CHILDREN,
        author="shimizu",
        title="公園で子育て支援センターの「出張ひろば」を開いてほしい",
        body=(
            "子育て支援センターは駅から遠く、車のない家庭は通いにくいです。"
            "天気の良い日に公園で出張ひろばを開けば、気軽に保育士さんに相談でき、"
            "ほかの親とも知り合えます。"
        ),
        category="childcare",
        area="kita-minami-city",
        supports=6,
        extra_comments=3,
    ),
    ProposalSpec(
        key="children-paternity-leave",
        process=CHILDREN,
        author="kimura",
        title="県内の中小企業で男性が育休を取りやすくなる支援を",
        body=(
            "大企業では男性の育休が増えていますが、従業員の少ない会社では"
            "代わりの人がいないため言い出せません。代替要員を雇う費用の助成や、"
            "取得実績のある企業の表彰などで後押ししてください。"
        ),
        category="childcare",
        area="minami-city",
        supports=11,
        thread=(
            C(
                "fukuda",
                FAVOUR,
                "従業員10人の会社で働いています。制度があっても使えないのが現実です。",
            ),
        ),
        extra_comments=3,
    ),
    ProposalSpec(
        key="children-free-school",
        process=CHILDREN,
        author="murakami",
        title="不登校の子どもの居場所（フリースクール等）の利用料への補助",
        body=(
            "不登校の子どもが通えるフリースクールは月3〜5万円の費用がかかり、"
            "家庭の負担が大きいです。利用料の一部補助と、"
            "県内の居場所の情報をまとめて案内する窓口をつくってください。"
        ),
        category="childcare",
        area="asahi-city",
        supports=9,
        extra_comments=4,
    ),
    ProposalSpec(
        key="children-single-parent-desk",
        process=CHILDREN,
        author="okada",
        title="ひとり親家庭の相談窓口を夜間・土日やオンラインでも",
        body=(
            "ひとり親で働いていると、平日の昼間に窓口へ行くことができません。"
            "夜間や土日の相談日、オンライン相談、LINEでの予約受付などを始めてください。"
        ),
        category="welfare",
        area="umihama-city",
        supports=8,
        extra_comments=3,
    ),
    ProposalSpec(
        key="children-uniform-reuse",
        process=CHILDREN,
        author="yamada",
        title="県立高校の制服をリユースできる仕組みをつくってほしい",
        body=(
            "高校の制服は一式で5万円以上かかります。卒業生の制服を集めて"
            "必要な家庭に安く譲る仕組みを、県立高校全体でつくってください。"
        ),
        category="childcare",
        area="minami-city",
        supports=3,
        thread=(
            C(
                "hayashi",
                NEUTRAL,
                "いくつかの高校ではPTAがすでに制服バザーをしています。まずはその情報を集めるのが早いかもしれません。",
                (
                    C(
                        "yamada",
                        NEUTRAL,
                        "知りませんでした。PTAの取り組みを調べてみます。",
                    ),
                ),
            ),
        ),
        withdrawn=True,
    ),
    ProposalSpec(
        key="children-english-info",
        process=CHILDREN,
        author="carter",
        title="Childcare information for families who do not read Japanese well",
        body=(
            "Registering for nursery school, applying for child allowances and "
            "finding a paediatrician are hard for foreign families. Please publish "
            "the key procedures in English and easy Japanese, and offer interpreting "
            "(even by video call) at the municipal childcare desks."
        ),
        category="childcare",
        area="umihama-city",
        supports=5,
        thread=(
            C(
                "nguyen",
                FAVOUR,
                "Vietnamese families in Minami would benefit too. Machine translation "
                "of official forms is often wrong.",
            ),
        ),
        extra_comments=2,
    ),
    ProposalSpec(
        key="children-medical-care-nursery",
        process=CHILDREN,
        author="hashimoto",
        title="医療的ケア児が地元の保育園に通えるよう看護師配置の支援を",
        body=(
            "たんの吸引などの医療的ケアが必要な子どもは、看護師のいる保育園が少なく、"
            "遠くの施設に通うか、親が仕事を辞めるしかありません。"
            "保育園への看護師配置の費用を県が支援し、地元で通えるようにしてください。"
        ),
        category="welfare",
        area="kawabe-town",
        supports=17,
        thread=(
            C(
                "watanabe",
                FAVOUR,
                "保育の現場でも受け入れたい気持ちはあるのですが、看護師がいないと難しいのが実情です。",
            ),
            C(
                "official",
                NEUTRAL,
                "子ども・福祉部の高橋です。医療的ケア児支援センターと連携し、"
                "受け入れ園の拡大を検討しています。現場の声をありがとうございます。",
            ),
        ),
        extra_comments=3,
    ),
    # ---------------------------------------------------------- transport 2025
    ProposalSpec(
        key="transport-demand-bus",
        process=TRANSPORT,
        author="kato",
        title="山中村のコミュニティバスを予約制のデマンド交通に",
        body=(
            "山中村のコミュニティバスは1日4便で、乗客がいない便も多いです。"
            "一方で、病院や買い物に行きたい時間に便がなく、困っている高齢者が大勢います。"
            "電話やアプリで予約すると自宅近くまで迎えに来てくれるデマンド交通に"
            "切り替えてください。"
        ),
        category="roads",
        area="yamanaka-village",
        supports=24,
        thread=(
            C(
                "kondo",
                FAVOUR,
                "免許を返納してから、通院は息子に頼むしかありません。予約制でも家の近くまで来てくれるなら助かります。",
            ),
            C(
                "goto",
                NEUTRAL,
                "バスの運転士です。運転手不足は深刻なので、予約制にして効率よく運行するのは現実的だと思います。",
                edit_to=(
                    "路線バスの運転士です。運転手不足は深刻なので、予約制にして効率よく運行するのは"
                    "現実的だと思います。隣県の実証運行では、利用者が1.5倍に増えたそうです。"
                ),
                replies=(C("kato", FAVOUR, "現場の方のご意見、心強いです。"),),
            ),
            C(
                "official_regional",
                NEUTRAL,
                "地域振興部の小林です。山中村と共同で、来年度にデマンド交通の実証運行を行う方向で調整しています。",
            ),
        ),
        extra_comments=4,
    ),
    ProposalSpec(
        key="transport-school-sidewalk",
        process=TRANSPORT,
        author="watanabe",
        title="県道12号線（朝日市）の通学路に歩道を整備してください",
        body=(
            "朝日市の県道12号線は、小学校の通学路なのに歩道がなく、"
            "白線の内側を子どもたちが一列で歩いています。朝はトラックも多く、"
            "何度も危ない場面を見ています。歩道の整備か、せめてガードレールの設置をお願いします。"
        ),
        category="roads",
        area="asahi-city",
        location="朝日市 県道12号線 朝日第二小学校付近",
        supports=26,
        thread=(
            C(
                "resident",
                FAVOUR,
                "通学時間帯だけでも大型車の通行を規制できないでしょうか。",
            ),
            C(
                "hayashi",
                FAVOUR,
                "PTAでも毎年要望しています。県民提案として正式に回答をもらいたいです。",
            ),
            C(
                "official",
                NEUTRAL,
                "県土整備部の高橋です。用地の確保が必要な区間があるため、まずガードレール設置と"
                "路面のカラー舗装から検討しています。",
            ),
        ),
        extra_comments=4,
    ),
    ProposalSpec(
        key="transport-station-signs",
        process=TRANSPORT,
        author="ikeda",
        title="みなみ駅のバス乗り場の案内を分かりやすくしてほしい",
        body=(
            "みなみ駅前のバス乗り場は8か所に分かれていて、どの乗り場から"
            "どこ行きのバスが出るのか分かりにくいです。駅の改札を出たところに"
            "大きな案内図と、次に出発するバスの表示板を設置してください。"
        ),
        category="roads",
        area="minami-city",
        location="みなみ駅 東口バスターミナル",
        supports=15,
        extra_comments=4,
    ),
    ProposalSpec(
        key="transport-bus-maps-english",
        process=TRANSPORT,
        author="nguyen",
        title="Bus route maps at Minami Station in English and easy Japanese",
        body=(
            "The bus terminal at Minami Station only has route information in "
            "Japanese. Please add a simple map in English and easy Japanese with "
            "route numbers and the main destinations (hospital, university, city "
            "hall). Numbering the routes would help everyone, not only foreigners."
        ),
        category="tourism",
        area="minami-city",
        location="Minami Station bus terminal",
        supports=9,
        thread=(
            C(
                "ikeda",
                FAVOUR,
                "路線番号を付けるのは日本人にも分かりやすくなるので大賛成です。",
            ),
        ),
        extra_comments=2,
    ),
    ProposalSpec(
        key="transport-licence-return",
        process=TRANSPORT,
        author="kondo",
        title="運転免許を返納した高齢者の移動を支える支援を",
        body=(
            "免許を返納すると、買い物にも病院にも行けなくなります。"
            "返納した人へのタクシー券やバスの回数券の支給を、"
            "県内どこに住んでいても受けられるようにしてください。"
        ),
        category="welfare",
        area="kawabe-town",
        supports=18,
        thread=(
            C(
                "resident2",
                FAVOUR,
                "うちの父も返納を迷っています。支援があれば決断しやすいと思います。",
            ),
        ),
        extra_comments=3,
    ),
    ProposalSpec(
        key="transport-ic-card",
        process=TRANSPORT,
        author="yoshida",
        title="交通系ICカードを県内すべての路線バスで使えるように",
        body=(
            "鉄道ではICカードが使えるのに、県内の路線バスの半分以上は現金しか使えません。"
            "小銭の用意が大変で、観光客も困っています。バス事業者への導入補助をお願いします。"
        ),
        category="digital",
        area="kita-minami-city",
        supports=13,
        extra_comments=3,
    ),
    ProposalSpec(
        key="transport-level-crossing",
        process=TRANSPORT,
        author="resident2",
        title="川辺町の踏切の渋滞を解消してください",
        body=(
            "川辺町中央の踏切は朝夕に長い渋滞が起き、救急車も足止めされることがあります。"
            "立体交差化が難しいのであれば、右折レーンの設置や信号の時間調整など、"
            "すぐにできる対策を進めてください。"
        ),
        category="roads",
        area="kawabe-town",
        location="川辺町 中央踏切（県道8号線）",
        supports=11,
        extra_comments=3,
    ),
    ProposalSpec(
        key="transport-bike-lanes",
        process=TRANSPORT,
        author="yoshida",
        title="Safe bike lanes between Minami Station and Minami University",
        body=(
            "Hundreds of students cycle between Minami Station and the university "
            "every day on narrow pavements shared with pedestrians. Please paint "
            "bike lanes on the road (blue markings, as in other prefectures) and "
            "add bike parking at the station."
        ),
        category="roads",
        area="minami-city",
        supports=6,
        thread=(
            C(
                "carter",
                FAVOUR,
                "I cycle this route to work. Blue lane markings would make drivers "
                "much more aware of us.",
            ),
            C("saito", NEUTRAL, "自転車のマナー向上も合わせて取り組んでほしいです。"),
        ),
        extra_comments=2,
    ),
    ProposalSpec(
        key="transport-bridge-ice",
        process=TRANSPORT,
        author="yamazaki",
        title="冬の橋の凍結対策を強化してください（北みなみ市）",
        body=(
            "北みなみ市の川沿いの橋は、冬の朝に路面が凍結し、毎年スリップ事故が起きています。"
            "凍結防止剤の散布を早めること、凍結注意の電光表示の設置をお願いします。"
        ),
        category="safety",
        area="kita-minami-city",
        location="北みなみ市 北大橋・南大橋",
        supports=10,
        extra_comments=3,
    ),
    ProposalSpec(
        key="transport-park-and-ride",
        process=TRANSPORT,
        author="sasaki",
        title="海浜市の夏の観光渋滞にパークアンドライドを",
        body=(
            "夏の海水浴シーズンは、海浜市の海岸道路が大渋滞し、住民の生活にも影響しています。"
            "郊外の駐車場に車を停めてシャトルバスで海岸へ行くパークアンドライドを、"
            "週末だけでも実施してください。"
        ),
        category="tourism",
        area="umihama-city",
        supports=7,
        extra_comments=3,
    ),
    ProposalSpec(
        key="transport-crossing-signal",
        process=TRANSPORT,
        author="hayashi",
        title="桜丘町の信号のない横断歩道に押しボタン式信号を",
        body=(
            "桜丘小学校前の県道の横断歩道には信号がなく、車がなかなか止まってくれません。"
            "押しボタン式の信号を設置してください。"
        ),
        category="safety",
        area="sakuragaoka-town",
        location="桜丘小学校前 県道3号線",
        supports=12,
        thread=(
            C(
                "matsumoto",
                FAVOUR,
                "見守り活動をしていますが、旗を持っていても止まらない車があります。",
            ),
        ),
        extra_comments=3,
    ),
    ProposalSpec(
        key="transport-open-timetables",
        process=TRANSPORT,
        author="ishii",
        title="路線バスの時刻表と運行情報をオープンデータで公開してください",
        body=(
            "県内の路線バスの時刻表を標準的な形式（GTFS）でオープンデータとして公開すれば、"
            "乗換案内アプリで検索できるようになります。"
            "遅延などのリアルタイム情報も公開してほしいです。"
        ),
        category="digital",
        area="minami-city",
        supports=8,
        extra_comments=3,
    ),
    ProposalSpec(
        key="transport-ev-chargers",
        process=TRANSPORT,
        author="fukuda",
        title="道の駅にEV急速充電器を増やしてほしい",
        body=(
            "県内の道の駅の急速充電器は1台だけのところが多く、休日は順番待ちです。"
            "観光客のEVも増えているので、台数を増やしてください。"
        ),
        category="tourism",
        area="yamanaka-village",
        supports=4,
        withdrawn=True,
    ),
    ProposalSpec(
        key="transport-park-bicycle-parking",
        process=TRANSPORT,
        author="mori",
        title="中央公園前の駐輪場を広げて、放置自転車を減らしてください",
        body=(
            "みなみ中央公園の入口には駐輪場が小さく、休日は歩道に自転車があふれて"
            "ベビーカーや車いすが通れません。公園の駐輪場の拡張と、"
            "放置自転車の定期的な撤去をお願いします。"
        ),
        category="parks",
        area="minami-city",
        location="みなみ中央公園 北口",
        supports=9,
        extra_comments=3,
    ),
)

# --- Comment pools -------------------------------------------------------------------
# Extra comments for each proposal are drawn from these (by the proposal's category,
# then the general pools). ``{area}`` is replaced by the proposal's area name.

CATEGORY_COMMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "parks": (
        (FAVOUR, "週末は家族でよく行く公園なので、ぜひ実現してほしいです。"),
        (FAVOUR, "{area}の公園は古い設備が多いので、この機会に見直してほしいです。"),
        (FAVOUR, "高齢の母と散歩するので、ベンチや日陰が増えるのはありがたいです。"),
        (
            AGAINST,
            "整備後の維持管理費も考える必要があると思います。年間の費用も示してほしいです。",
        ),
        (
            NEUTRAL,
            "地元の利用者の声を聞く場を設けてから、計画を決めてはどうでしょうか。",
        ),
        (
            FAVOUR,
            "子どもが安心して遊べる公園が近くにあるかどうかで、住む場所を決める家庭も多いと思います。",
        ),
        (NEUTRAL, "夜間の照明や防犯カメラについても一緒に考えてほしいです。"),
        (
            FAVOUR,
            "公園は災害時の避難場所でもあるので、整備は防災にも役立つと思います。",
        ),
    ),
    "environment": (
        (FAVOUR, "次の世代に自然を残すために大切な提案だと思います。"),
        (FAVOUR, "地域の学校と連携すれば、環境教育の場にもなりますね。"),
        (NEUTRAL, "ボランティアの募集方法も具体的に決めておくとよいと思います。"),
        (
            AGAINST,
            "効果がどれくらいあるのか、データで示してもらえると判断しやすいです。",
        ),
        (FAVOUR, "{area}でも同じような取り組みができたらいいなと思います。"),
    ),
    "childcare": (
        (FAVOUR, "共働きで子育て中です。切実な問題なので、ぜひ進めてほしいです。"),
        (
            FAVOUR,
            "県外から移住してきましたが、子育て支援の充実は移住先を選ぶ決め手になります。",
        ),
        (NEUTRAL, "市町村によって制度が違うので、県全体で基準をそろえてほしいです。"),
        (
            AGAINST,
            "子育て世帯以外の県民にも、費用と効果を分かりやすく説明してほしいです。",
        ),
        (FAVOUR, "祖父母が近くにいない家庭には、本当に必要な支援だと思います。"),
        (
            NEUTRAL,
            "現場の保育士さんや先生の負担が増えないような仕組みにしてほしいです。",
        ),
    ),
    "welfare": (
        (FAVOUR, "当事者の声がもっと反映されるべき分野だと思います。賛同します。"),
        (FAVOUR, "{area}では支援が届いていない家庭がまだ多いと感じます。"),
        (
            NEUTRAL,
            "支援制度があっても知られていないことが多いので、周知の方法も大事です。",
        ),
        (
            AGAINST,
            "財源の裏付けがないまま広げると、他の福祉サービスが削られないか心配です。",
        ),
    ),
    "roads": (
        (FAVOUR, "毎日通る道なので、改善されれば本当に助かります。"),
        (FAVOUR, "高齢者や子どもの安全を最優先に考えてほしいです。"),
        (NEUTRAL, "工事をする場合は、期間中の迂回路の案内もしっかりお願いします。"),
        (AGAINST, "他にも危険な場所は多いので、優先順位の付け方を公開してほしいです。"),
        (FAVOUR, "{area}に住んでいます。朝夕の時間帯は特に危ないと感じています。"),
        (NEUTRAL, "警察や市町村との役割分担も分かりやすく示してもらえるとよいです。"),
    ),
    "safety": (
        (FAVOUR, "事故が起きてからでは遅いので、早めの対策をお願いします。"),
        (FAVOUR, "地域の自主防災会としても協力できることがあると思います。"),
        (NEUTRAL, "すぐにできる対策と、時間がかかる対策を分けて示してほしいです。"),
        (AGAINST, "設備だけでなく、運転者へのマナー啓発も必要だと思います。"),
    ),
    "tourism": (
        (FAVOUR, "観光客が増えれば地元の店にもお客さんが来るので、賛成です。"),
        (AGAINST, "観光客向けより、まず住民の生活を優先してほしいです。"),
        (NEUTRAL, "夏だけでなく、年間を通した対策を考えてほしいです。"),
        (FAVOUR, "{area}の魅力を知ってもらう良い機会になると思います。"),
    ),
    "digital": (
        (FAVOUR, "電話しか手段がないのは、働いている人にはとても不便です。"),
        (NEUTRAL, "スマホを使わない高齢者向けに、電話や窓口も残してほしいです。"),
        (
            FAVOUR,
            "県内共通の仕組みにすれば、市町村ごとに作るより費用も抑えられるはずです。",
        ),
        (
            AGAINST,
            "システムを作って終わりにならないよう、運用の体制も考えてほしいです。",
        ),
    ),
}

GENERAL_COMMENTS: tuple[tuple[str, str], ...] = (
    (FAVOUR, "とても具体的で良い提案だと思います。賛同しました。"),
    (FAVOUR, "同じことを感じていました。提案してくださりありがとうございます。"),
    (FAVOUR, "家族とも話しましたが、全員賛成でした。"),
    (
        NEUTRAL,
        "実現した場合の費用の目安を県から示してもらえると、議論しやすいと思います。",
    ),
    (NEUTRAL, "他県で同じような取り組みをしている例があれば知りたいです。"),
    (AGAINST, "趣旨は分かりますが、優先度はそれほど高くないように思います。"),
    (FAVOUR, "小さなことから始めて、少しずつ広げていけばよいと思います。"),
    (NEUTRAL, "地元の自治会や町内会の意見も聞いてみてはどうでしょうか。"),
    (AGAINST, "県ではなく市町村が担当すべき内容ではないでしょうか。"),
    (FAVOUR, "県の回答を楽しみにしています。"),
    (NEUTRAL, "試験的に1か所で始めて、効果を確かめてから広げるのが良さそうです。"),
    (FAVOUR, "I agree with this proposal. It would make a real difference."),
    (NEUTRAL, "Could the prefecture share how much this would cost?"),
)

GENERAL_REPLIES: tuple[tuple[str, str], ...] = (
    (NEUTRAL, "ご意見ありがとうございます。参考になります。"),
    (FAVOUR, "私もそう思います。"),
    (NEUTRAL, "その点は確かに考える必要がありますね。"),
    (AGAINST, "私は少し違う意見です。まずは現状をきちんと調べるべきだと思います。"),
    (NEUTRAL, "具体的な場所を教えていただけますか。"),
    (FAVOUR, "同感です。県の回答で触れてほしい点ですね。"),
    (NEUTRAL, "なるほど、そういう見方もあるのですね。"),
    (FAVOUR, "Thank you, that is a good point."),
)
