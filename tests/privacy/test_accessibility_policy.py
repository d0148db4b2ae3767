"""The accessibility policy (ウェブアクセシビリティ方針) at /accessibility/: the
organisation's versioned text, never accepted by residents, and the test results
under it read from the report file ``make a11y-report`` writes."""

from __future__ import annotations

import copy
import json

import pytest
from django.urls import reverse

from participation.privacy import a11y_report, services
from participation.privacy.models import PolicyDocument, PolicyKind

pytestmark = pytest.mark.django_db

URL = "/accessibility/"


def run(lang="ja", viewport="phone", **violations):
    counts = {"critical": 0, "serious": 0, "moderate": 0, "minor": 0, **violations}
    rules = [
        {"id": f"rule-{impact}", "impact": impact, "nodes": n}
        for impact, n in violations.items()
        if n
    ]
    return {
        "lang": lang,
        "viewport": viewport,
        "violations": counts,
        "rules": rules,
        "incomplete": 1,
        "criteria_checked": ["1.1.1", "1.4.3", "4.1.2", "1.3.5"],
        "criteria_failed": ["1.4.3"] if violations.get("serious") else [],
    }


REPORT = {
    "format": 1,
    "generated_at": "2026-12-03T03:04:05+00:00",
    "commit": "abc1234",
    "tool": {"name": "axe-core", "version": "4.14.1", "browser": "Chromium 999.0"},
    "languages": ["ja", "en"],
    "viewports": [
        {"name": "phone", "width": 390, "height": 844},
        {"name": "desktop", "width": 1280, "height": 800},
    ],
    "pages": [
        {
            "name": "home",
            "path": "/",
            "who": "visitor",
            "status": 200,
            "titles": {"ja": "ホーム試験", "en": "Home under test"},
            "runs": [run("ja"), run("en", "desktop")],
        },
        {
            "name": "staff-people",
            "path": "/staff/people/",
            "who": "admin",
            "status": 200,
            "titles": {"ja": "職員試験", "en": "Staff under test"},
            "runs": [run("ja", minor=2), run("en", moderate=1)],
        },
    ],
}


@pytest.fixture
def report_file(tmp_path, settings):
    """Write ``data`` (a dict, or text or bytes as they are) as the report file."""

    def write(data):
        path = tmp_path / "a11y_report.json"
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            text = data if isinstance(data, str) else json.dumps(data)
            path.write_text(text, encoding="utf-8")
        settings.A11Y_REPORT_PATH = str(path)
        return path

    return write


def page(client, lang="en"):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response.content.decode()


# --- the policy -----------------------------------------------------------------------


def test_default_policy_ships_in_japanese_and_english():
    document = PolicyDocument.objects.current(PolicyKind.ACCESSIBILITY)
    assert document.version == 1
    for heading in (
        "方針",
        "対象範囲",
        "目標とする適合レベル",
        "対応期限",
        "例外事項",
        "試験結果",
        "お問い合わせ",
    ):
        assert f"{heading}**" in document.body
    assert "JIS X 8341-3:2016 の適合レベルAAに準拠" in document.body
    assert "Target conformance level" in document.body_en
    assert document.body_html.startswith("<p>") and document.body_en_html


def test_page_is_in_japanese_for_japanese_readers(client):
    html = page(client, "ja")
    assert '<html lang="ja"' in html
    assert "<h1>ウェブアクセシビリティ方針</h1>" in html
    assert "目標とする適合レベル" in html


def test_page_is_in_english_for_english_readers(client):
    html = page(client, "en")
    assert '<html lang="en"' in html
    assert "<h1>Web accessibility policy</h1>" in html
    assert "Target conformance level" in html


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_footer_links_to_the_accessibility_policy(client, lang):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert f'href="{URL}"' in html


def test_an_administrators_new_version_is_shown(login, admin_user, client):
    url = reverse("privacy:staff_policy_new", args=["accessibility"])
    staff = login(admin_user)
    form = staff.get(url).content.decode()
    assert "JIS X 8341-3:2016" in form  # the current text, to edit
    assert 'name="requires_acceptance"' not in form  # nobody accepts it
    response = staff.post(
        url,
        {
            "title": "ウェブアクセシビリティ方針",
            "body": "対応期限を改めました。",
            "title_en": "Web accessibility policy",
            "body_en": "The deadline changed.",
            "summary": "Deadline",
        },
    )
    assert response.status_code == 302
    assert "The deadline changed." in page(client, "en")
    assert "対応期限を改めました。" in page(client, "ja")
    earlier = client.get(URL, {"version": 1}, HTTP_ACCEPT_LANGUAGE="en")
    assert "This is an earlier version." in earlier.content.decode()


def test_the_staff_page_lists_the_accessibility_policy(login, admin_user):
    html = login(admin_user).get(reverse("privacy:staff_policies")).content.decode()
    assert f'href="{URL}?version=1"' in html
    assert reverse("privacy:staff_policy_new", args=["accessibility"]) in html


def test_a_new_version_never_asks_residents_to_accept(login, resident):
    services.policies_accept(
        user=resident, documents=services.policies_to_accept(resident)
    )
    document = services.policy_publish(
        actor=None,
        kind=PolicyKind.ACCESSIBILITY,
        title="ウェブアクセシビリティ方針",
        body="改定。",
        requires_acceptance=True,
    )
    assert document.requires_acceptance is False
    assert services.policies_to_accept(resident) == []
    home = login(resident).get("/").content.decode()
    assert "Read and accept the new version" not in home


def test_the_banner_ignores_an_accessibility_row_flagged_for_acceptance(resident):
    services.policies_accept(
        user=resident, documents=services.policies_to_accept(resident)
    )
    PolicyDocument.objects.create(
        kind=PolicyKind.ACCESSIBILITY,
        version=9,
        title="方針",
        body="x",
        requires_acceptance=True,
    )
    assert services.policies_to_accept(resident) == []


def test_accepting_skips_the_accessibility_policy(resident):
    document = PolicyDocument.objects.current(PolicyKind.ACCESSIBILITY)
    assert services.policies_accept(user=resident, documents=[document]) == 0


@pytest.mark.parametrize("version", ["99", "abc"])
def test_unknown_version_is_404(client, version):
    assert client.get(URL, {"version": version}).status_code == 404


def test_without_any_version_the_page_says_so(client):
    PolicyDocument.objects.filter(kind=PolicyKind.ACCESSIBILITY).delete()
    html = page(client)
    assert "has not published its accessibility policy yet" in html


# --- the test results -----------------------------------------------------------------


def test_results_table_renders_from_the_report(client, report_file):
    report_file(REPORT)
    html = page(client, "en")
    assert html.count('class="a11y-report-row"') == 2
    assert (
        "Home under test" in html
        and '<code class="small">/staff/people/</code>' in html
    )
    assert "axe-core 4.14.1" in html and "Chromium 999.0" in html
    assert 'datetime="2026-12-03T12:04:05+09:00"' in html  # shown in local time
    assert "None of the 2 pages tested has a serious or critical violation." in html


def test_results_table_is_in_japanese_for_japanese_readers(client, report_file):
    report_file(REPORT)
    html = page(client, "ja")
    assert "ホーム試験" in html and "試験結果" in html
    assert "非テキストコンテンツ" in html  # 1.1.1, as JIS names it


def test_a_page_with_a_serious_violation_misses_the_target(client, report_file):
    failing = copy.deepcopy(REPORT)
    failing["pages"][0]["runs"][1] = run("en", "desktop", serious=3)
    report_file(failing)
    html = page(client, "en")
    assert "Target not met" in html
    assert "<code>rule-serious</code> en/desktop" in html
    assert "1 of the 2 pages tested have no serious or critical violation." in html


def test_criteria_say_what_was_checked_and_what_needs_a_person():
    report = a11y_report.parse(REPORT)
    states = {c.number: c.state for c in report.criteria}
    assert states["1.1.1"] == "passed" and states["2.4.7"] == "manual"
    assert report.criteria_automated == 3
    assert report.extra_criteria == ["1.3.5"]  # WCAG 2.1, beyond JIS


def test_a_missing_report_is_stated_plainly(client, settings, tmp_path):
    settings.A11Y_REPORT_PATH = str(tmp_path / "none.json")
    assert "No test results have been published yet." in page(client)


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        b"\xff\xfe not utf-8",
        json.dumps({"format": 99}),
        json.dumps({**REPORT, "pages": [{"name": "x"}]}),
        json.dumps({**REPORT, "generated_at": "yesterday"}),
        json.dumps([1, 2]),
    ],
)
def test_a_broken_report_is_stated_plainly_without_an_error(
    client, report_file, content
):
    report_file(content)
    html = page(client)
    assert "The test results cannot be shown at the moment" in html
    assert "a11y-report-row" not in html


def test_the_committed_report_is_readable_and_covers_this_page():
    loaded = a11y_report.load()
    assert loaded.problem == "", "run `make a11y-report`"
    pages = {p.path: p for p in loaded.report.pages}
    assert {run.lang for run in pages[URL].runs} == {"ja", "en"}
