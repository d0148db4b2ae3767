"""The proposal form and page as a resident meets them: a photo taken with GPS EXIF
(gone from the served file), a point on the map, the live preview, the proposal found
again by searching in half-width katakana and in hiragana, then the page phone-first
(text and support button on the first screen of a 390×844 phone, the answer in short
and its timeline collapsed, then comments) and in two columns on a 1280×800 desktop;
both languages, axe-core clean."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.e2e.helpers import GREEN, RESIDENTS, unique

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (35.0, 41.0, 22.2)
    gps[3], gps[4] = "E", (139.0, 41.0, 30.1)
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (60, 140, 90)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def top(locator) -> float:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    return box["y"]


def post_with_photo(page, lang: str) -> str:
    page.goto(f"/processes/{GREEN}/proposals/new/")
    title = unique(
        "公園のベンチとハンモックを直して" if lang == "ja" else "Mend the park bench"
    )
    page.fill("#id_title", title)
    body = page.locator("#id_body")
    body.fill(unique("東口のベンチが壊れていて座れません。"))
    # The toolbar types what a person could type, and the preview shows it bold.
    body.press("End")
    page.locator("[data-format=bold]").click()
    expect(page.locator("[data-preview-body] strong")).to_be_visible()
    page.locator("#id_category").select_option(index=1)
    page.locator("#id_area").select_option(index=1)
    page.set_input_files(
        "#id_photo_1",
        files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg",
                "buffer": jpeg_with_gps()}],
    )  # fmt: skip
    page.fill("#id_photo_1_alt", "東口の壊れたベンチ")
    # A point on the map: a tap on the map (tiles need not load for it).
    canvas = page.locator("[data-map=picker] [data-map-canvas]")
    canvas.scroll_into_view_if_needed()
    canvas.click()
    expect(page.locator("[data-map-status]")).not_to_be_empty()
    assert page.eval_on_selector("[data-map-latitude]", "e => e.value") != ""
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.locator("form.proposal-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(title)
    return page.url


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_photo_preview_and_phone_first_page(user_context, lang):
    author = user_context(RESIDENTS[2], lang, **PHONE).new_page()
    url = post_with_photo(author, lang)
    photo = author.locator(".proposal-photos img").first
    expect(photo).to_have_attribute("alt", "東口の壊れたベンチ")
    served = author.request.get(photo.get_attribute("src"))
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    clean = Image.open(io.BytesIO(served.body()))
    assert dict(clean.getexif()) == {}
    assert b"PhoneMaker" not in served.body()
    expect(author.locator("[data-map=point]")).to_be_attached()
    title = author.locator("h1").inner_text()
    if lang == "ja":
        # Found again however it is typed: half-width katakana, then hiragana.
        for query in ("ﾊﾝﾓｯｸ", "はんもっく"):
            author.goto(f"/search/?q={query}")
            expect(author.locator("main")).to_contain_text(title)

    reader = user_context(RESIDENTS[3], lang, **PHONE).new_page()
    reader.goto(url)
    h1 = reader.locator("h1")
    order = [
        h1,
        reader.locator(".proposal-header .meta"),
        reader.locator(".proposal-body"),
        reader.locator(".proposal-photos"),
        reader.locator("#support button[type=submit]"),
        reader.locator(".tracker-summary"),
        reader.locator("#comments-heading"),
    ]
    tops = [top(item) for item in order]
    assert tops == sorted(tops), tops
    # The text and the support button are on the first screen.
    support = reader.locator("#support button[type=submit]")
    box = support.bounding_box()
    assert box and box["y"] + box["height"] <= 844, box
    # Counters read naturally: 「賛同 0件」 / "0 supports".
    line = reader.locator(".support-count").inner_text()
    assert re.fullmatch(r"賛同 ?0件" if lang == "ja" else r"0 supports", line.strip())
    # The government's answer in short; its full panel and timeline collapsed.
    details = reader.locator("details.tracker-details")
    expect(details).not_to_have_attribute("open", re.compile(".*"))
    expect(reader.locator("#tracker")).to_be_hidden()
    details.locator("summary").click()
    expect(reader.locator("#tracker")).to_be_visible()
    assert axe_violations(reader) == []
    width = reader.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, width


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_desktop_keeps_two_columns(user_context, lang):
    page = user_context(RESIDENTS[3], lang, **DESKTOP).new_page()
    page.goto(f"/processes/{GREEN}/proposals/")
    page.locator(".proposal-card a[href^='/proposals/']").first.click()
    main = page.locator(".proposal-main").bounding_box()
    side = page.locator(".proposal-side").bounding_box()
    answer = page.locator(".proposal-answer").bounding_box()
    assert main and side and answer
    assert side["x"] >= main["x"] + main["width"], (main, side)
    assert abs(side["y"] - main["y"]) < 40, (main, side)  # side by side, at the top
    assert answer["x"] == pytest.approx(main["x"], abs=2)  # the answer under the text
    assert axe_violations(page) == []
