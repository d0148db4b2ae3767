"""``make a11y-report``: axe-core over every page ``test_accessibility.py`` visits, as
the same visitor, resident or staff member, in Japanese and English, at a phone
(390×844) and a desktop (1280×800) size; writes the report shown on /accessibility/
(``participation/privacy/a11y_report.json``, or the file ``A11Y_REPORT_OUT`` names).

Not collected by ``make test`` or ``make e2e`` (the file name has no ``test_``
prefix): it writes a file. Violations do not fail it (recording them is its
purpose); a page that does not answer as expected does, and then no file is written,
so a report never covers fewer pages than it says. Commit the file it writes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.conftest import AXE_TAGS, ROOT, axe_run
from tests.e2e.helpers import ADMIN, FACILITATOR, OFFICIAL, STAFF
from tests.e2e.test_accessibility import PAGES

LANGUAGES = ("ja", "en")
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 800},
}
IMPACTS = ("critical", "serious", "moderate", "minor")
OUT = Path(
    os.environ.get("A11Y_REPORT_OUT")
    or ROOT / "participation" / "privacy" / "a11y_report.json"
)
RUNS = [
    (name, lang, viewport)
    for name in PAGES
    for lang in LANGUAGES
    for viewport in VIEWPORTS
]
# axe's tags name success criteria as "wcag" + digits: wcag111 is 1.1.1,
# wcag1412 is 1.4.12.
_CRITERION = re.compile(r"^wcag(\d)(\d)(\d+)$")


def criteria(rules: list[dict]) -> list[str]:
    found = {
        ".".join(match.groups())
        for rule in rules
        for tag in rule["tags"]
        if (match := _CRITERION.match(tag))
    }
    return sorted(found, key=lambda n: tuple(int(p) for p in n.split(".")))


def who_of(email: str | None) -> str:
    if email is None:
        return "visitor"
    return {ADMIN: "admin", FACILITATOR: "facilitator", OFFICIAL: "official"}.get(
        email, "resident"
    )


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return ""
    # The report file itself is what this run changes.
    changes = [line for line in changes if not line.endswith(OUT.name)]
    return head + ("+local-changes" if changes else "")


@pytest.fixture(scope="module")
def measured(browser) -> Iterator[dict]:
    """(page, language, viewport) → what axe-core found; written out at the end
    when every run is there."""
    found: dict[tuple[str, str, str], dict] = {}
    started = datetime.now(UTC)
    yield found
    missing = [run for run in RUNS if run not in found]
    if missing:
        pytest.fail(
            f"{len(missing)} of {len(RUNS)} checks missing (first: {missing[0]}); "
            f"{OUT} was not written"
        )
    per_page = {"path", "title", "status", "engine"}
    pages = []
    for name in PAGES:
        runs = [found[(name, lang, vp)] for lang in LANGUAGES for vp in VIEWPORTS]
        pages.append(
            {
                "name": name,
                "path": runs[0]["path"],
                "who": who_of(PAGES[name][0]),
                "status": runs[0]["status"],
                "titles": {run["lang"]: run["title"] for run in runs},
                "runs": [
                    {key: value for key, value in run.items() if key not in per_page}
                    for run in runs
                ],
            }
        )
    engine = next(iter(found.values()))["engine"]
    report = {
        "format": 1,
        "generated_at": started.isoformat(timespec="seconds"),
        "commit": _commit(),
        "tool": {
            "name": "axe-core",
            "version": engine,
            "browser": f"Chromium {browser.version}",
            "rule_tags": list(AXE_TAGS),
        },
        "languages": list(LANGUAGES),
        "viewports": [{"name": name, **size} for name, size in VIEWPORTS.items()],
        "pages": pages,
    }
    OUT.write_text(
        json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"\n{OUT}: {len(pages)} pages, {len(RUNS)} checks")  # noqa: T201


@pytest.mark.parametrize(("name", "lang", "viewport"), RUNS)
def test_measure(name, lang, viewport, measured, new_context, user_context):
    who, target = PAGES[name]
    size = VIEWPORTS[viewport]
    if who is None:
        context = new_context(lang, viewport=size)
    else:
        context = user_context(who, lang, mfa=who in STAFF, viewport=size)
    page = context.new_page()
    url = target(page) if callable(target) else target
    response = page.goto(url)
    expected = 404 if name == "not-found" else 200
    assert response.status == expected, f"{url}: HTTP {response.status}"
    assert page.locator("html").get_attribute("lang") == lang
    result = axe_run(page)
    violations = result["violations"]
    measured[(name, lang, viewport)] = {
        "path": url,
        "title": page.title(),
        "status": response.status,
        "lang": lang,
        "viewport": viewport,
        "engine": result["testEngine"]["version"],
        "violations": {
            impact: sum(1 for v in violations if v["impact"] == impact)
            for impact in IMPACTS
        },
        "rules": [
            {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])}
            for v in violations
        ],
        "incomplete": len(result["incomplete"]),
        "criteria_checked": criteria(
            result["passes"] + result["violations"] + result["incomplete"]
        ),
        "criteria_failed": criteria(violations),
    }
