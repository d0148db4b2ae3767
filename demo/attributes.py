"""Demo attributes: what the demo residents chose to tell about themselves.

Enough for /stats/ to break participation down by several age bands and
municipalities, with some groups small enough to be withheld; and the demo
resident (resident@example.org, 佐藤 花子 of みなみ市) with attributes, so that
"For you" shows on the home page. Through the real service, as a resident would.
"""

from __future__ import annotations

import random
from datetime import datetime

from demo import content
from participation.accounts.models import User
from participation.attributes.services import attributes_save
from participation.spaces.models import Area, Category

RANDOM_SEED = 2027

# (key, age band, municipality slug, interests, what they would like to hear about)
NAMED = (
    ("resident", "30s", "minami-city", ("parks", "childcare"), "通学路 公園の遊具"),
    ("resident2", "50s", "kawabe-town", ("safety", "roads"), "消防団"),
)
# For the other residents, in order: a deliberately uneven spread, so that the
# small groups (10s, 50s, 70s; 桜丘町, 北みなみ市) are withheld on /stats/.
AGE_BANDS = ["30s"] * 6 + ["40s"] * 6 + ["20s"] * 5 + ["60s"] * 5
AGE_BANDS += ["50s"] * 2 + ["70s"] * 2 + ["10s"] + [""] * 5
AREAS = ["minami-city"] * 8 + ["asahi-city"] * 7 + ["umihama-city"] * 5
AREAS += ["kawabe-town"] * 3 + ["kita-minami-city"] * 2 + ["sakuragaoka-town"]
AREAS += [""] * 6
HEAR_ABOUT = ("バス路線", "子ども食堂", "防災訓練", "海岸清掃", "", "", "", "")


def seed_attributes(now: datetime) -> None:
    rng = random.Random(RANDOM_SEED)
    users = {
        u.email: u
        for u in User.objects.filter(email__in=[p.email for p in content.RESIDENTS])
    }
    areas = {a.slug: a for a in Area.objects.all()}
    categories = {c.slug: c for c in Category.objects.all()}
    by_key = {p.key: users[p.email] for p in content.RESIDENTS if p.email in users}
    for key, band, area, interests, hear_about in NAMED:
        attributes_save(
            user=by_key[key],
            age_band=band,
            area=areas.get(area),
            interests=[categories[c] for c in interests if c in categories],
            hear_about=hear_about,
        )
    others = [p for p in content.RESIDENTS if p.key not in {k for k, *_ in NAMED}]
    bands = AGE_BANDS[:]
    places = AREAS[:]
    rng.shuffle(bands)
    rng.shuffle(places)
    slugs = sorted(categories)
    for index, person in enumerate(others):
        user = by_key.get(person.key)
        if user is None:
            continue
        band = bands[index % len(bands)]
        place = places[index % len(places)]
        chosen = rng.sample(slugs, k=rng.randint(0, min(3, len(slugs))))
        attributes_save(
            user=user,
            age_band=band,
            area=areas.get(place) if place else None,
            interests=[categories[c] for c in chosen],
            hear_about=rng.choice(HEAR_ABOUT),
        )
