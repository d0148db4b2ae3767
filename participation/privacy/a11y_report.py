"""The accessibility test results shown under the accessibility policy.

``make a11y-report`` (``tests/e2e/a11y_report.py``) runs axe-core in Chromium over the
site's main pages, in both languages, at a phone and a desktop size, and writes
``settings.A11Y_REPORT_PATH`` (by default ``participation/privacy/a11y_report.json``,
committed with the code it measured). This module reads that file, checks its shape,
and turns it into what ``/accessibility/`` shows: one row per page, the violations by
impact, and the JIS X 8341-3:2016 success criteria axe-core checked. A missing or
unreadable file is a state the page states plainly, never an error page.

The file's shape (``"format": 1``)::

    {"format": 1, "generated_at": "<ISO 8601>", "commit": "<git revision>",
     "tool": {"name": "axe-core", "version": "4.14.1", "browser": "Chromium 1xx",
              "rule_tags": ["wcag2a", ...]},
     "languages": ["ja", "en"],
     "viewports": [{"name": "phone", "width": 390, "height": 844}, ...],
     "pages": [{"name": "home", "path": "/", "who": "visitor", "status": 200,
                "titles": {"ja": "...", "en": "..."},
                "runs": [{"lang": "ja", "viewport": "phone",
                          "violations": {"critical": 0, "serious": 0,
                                         "moderate": 0, "minor": 0},
                          "rules": [{"id": "...", "impact": "...", "nodes": 1}],
                          "incomplete": 2,
                          "criteria_checked": ["1.1.1", ...],
                          "criteria_failed": []}, ...]}, ...]}
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

FORMAT = 1
IMPACTS = ("critical", "serious", "moderate", "minor")
# Violations of these impacts fail a page (the target: none).
BLOCKING = ("critical", "serious")

# JIS X 8341-3:2016 (= WCAG 2.0) success criteria of levels A and AA, in order, with
# their names as the standard gives them (the Japanese names are the JIS ones).
CRITERIA: tuple[tuple[str, str, Promise], ...] = (
    ("1.1.1", "A", _("Non-text content")),
    ("1.2.1", "A", _("Audio-only and video-only (prerecorded)")),
    ("1.2.2", "A", _("Captions (prerecorded)")),
    ("1.2.3", "A", _("Audio description or media alternative (prerecorded)")),
    ("1.2.4", "AA", _("Captions (live)")),
    ("1.2.5", "AA", _("Audio description (prerecorded)")),
    ("1.3.1", "A", _("Info and relationships")),
    ("1.3.2", "A", _("Meaningful sequence")),
    ("1.3.3", "A", _("Sensory characteristics")),
    ("1.4.1", "A", _("Use of color")),
    ("1.4.2", "A", _("Audio control")),
    ("1.4.3", "AA", _("Contrast (minimum)")),
    ("1.4.4", "AA", _("Resize text")),
    ("1.4.5", "AA", _("Images of text")),
    ("2.1.1", "A", _("Keyboard")),
    ("2.1.2", "A", _("No keyboard trap")),
    ("2.2.1", "A", _("Timing adjustable")),
    ("2.2.2", "A", _("Pause, stop, hide")),
    ("2.3.1", "A", _("Three flashes or below threshold")),
    ("2.4.1", "A", _("Bypass blocks")),
    ("2.4.2", "A", _("Page titled")),
    ("2.4.3", "A", _("Focus order")),
    ("2.4.4", "A", _("Link purpose (in context)")),
    ("2.4.5", "AA", _("Multiple ways")),
    ("2.4.6", "AA", _("Headings and labels")),
    ("2.4.7", "AA", _("Focus visible")),
    ("3.1.1", "A", _("Language of page")),
    ("3.1.2", "AA", _("Language of parts")),
    ("3.2.1", "A", _("On focus")),
    ("3.2.2", "A", _("On input")),
    ("3.2.3", "AA", _("Consistent navigation")),
    ("3.2.4", "AA", _("Consistent identification")),
    ("3.3.1", "A", _("Error identification")),
    ("3.3.2", "A", _("Labels or instructions")),
    ("3.3.3", "AA", _("Error suggestion")),
    ("3.3.4", "AA", _("Error prevention (legal, financial, data)")),
    ("4.1.1", "A", _("Parsing")),
    ("4.1.2", "A", _("Name, role, value")),
)
JIS_CRITERIA = frozenset(number for number, _level, _name in CRITERIA)

WHO = {
    "visitor": _("Visitor (signed out)"),
    "resident": _("Resident"),
    "facilitator": _("Facilitator"),
    "official": _("Official"),
    "admin": _("Administrator"),
}


class ReportError(ValueError):
    """The report file is not what ``make a11y-report`` writes."""


@dataclass(frozen=True)
class Run:
    lang: str
    viewport: str
    violations: dict[str, int]
    rules: list[dict[str, Any]]
    incomplete: int
    criteria_checked: frozenset[str]
    criteria_failed: frozenset[str]


@dataclass(frozen=True)
class PageResult:
    name: str
    path: str
    who: str
    status: int
    titles: dict[str, str]
    runs: list[Run]

    @property
    def title(self) -> str:
        """The page's title as the run in the reader's language saw it (else in
        another language, else its path)."""
        lang = (get_language() or "ja")[:2]
        return self.titles.get(lang) or next(iter(self.titles.values()), self.path)

    @property
    def who_label(self) -> Any:
        return WHO.get(self.who, self.who)

    def total(self, impact: str) -> int:
        return sum(run.violations.get(impact, 0) for run in self.runs)

    @property
    def critical(self) -> int:
        return self.total("critical")

    @property
    def serious(self) -> int:
        return self.total("serious")

    @property
    def moderate(self) -> int:
        return self.total("moderate")

    @property
    def minor(self) -> int:
        return self.total("minor")

    @property
    def incomplete(self) -> int:
        return sum(run.incomplete for run in self.runs)

    @property
    def passed(self) -> bool:
        return not any(self.total(impact) for impact in BLOCKING)

    @property
    def criteria_checked(self) -> frozenset[str]:
        return frozenset().union(*(run.criteria_checked for run in self.runs))

    @property
    def failures(self) -> list[dict[str, Any]]:
        """Each rule violated, with the runs (language, viewport) it was seen in."""
        seen: dict[str, dict[str, Any]] = {}
        for run in self.runs:
            for rule in run.rules:
                entry = seen.setdefault(
                    rule["id"], {"id": rule["id"], "impact": rule["impact"], "in": []}
                )
                entry["in"].append(f"{run.lang}/{run.viewport}")
        order = {impact: i for i, impact in enumerate(IMPACTS)}
        return sorted(seen.values(), key=lambda r: (order.get(r["impact"], 9), r["id"]))


@dataclass(frozen=True)
class Criterion:
    number: str
    level: str
    name: Any
    pages_checked: int
    pages_failed: int

    @property
    def state(self) -> str:
        if not self.pages_checked:
            return "manual"
        return "failed" if self.pages_failed else "passed"


@dataclass(frozen=True)
class Report:
    generated_at: datetime
    commit: str
    tool: dict[str, Any]
    languages: list[str]
    viewports: list[dict[str, Any]]
    pages: list[PageResult]
    extra_criteria: list[str] = field(default_factory=list)

    @property
    def runs(self) -> int:
        return sum(len(page.runs) for page in self.pages)

    @property
    def pages_passed(self) -> int:
        return sum(1 for page in self.pages if page.passed)

    @property
    def passed(self) -> bool:
        return self.pages_passed == len(self.pages)

    def total(self, impact: str) -> int:
        return sum(page.total(impact) for page in self.pages)

    @property
    def totals(self) -> list[tuple[str, int]]:
        return [(impact, self.total(impact)) for impact in IMPACTS]

    @property
    def criteria(self) -> list[Criterion]:
        """The JIS X 8341-3:2016 A and AA criteria: on how many pages axe-core
        checked each, and on how many it found a violation."""
        return [
            Criterion(
                number=number,
                level=level,
                name=name,
                pages_checked=sum(
                    1 for page in self.pages if number in page.criteria_checked
                ),
                pages_failed=sum(
                    1
                    for page in self.pages
                    if any(number in run.criteria_failed for run in page.runs)
                ),
            )
            for number, level, name in CRITERIA
        ]

    @property
    def criteria_automated(self) -> int:
        return sum(1 for criterion in self.criteria if criterion.pages_checked)


@dataclass(frozen=True)
class Loaded:
    """What the page shows: a report, or why there is none (``missing``,
    ``broken``)."""

    report: Report | None
    problem: str = ""


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ReportError(f"{what}: expected text")
    return value


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ReportError(f"{what}: expected a count")
    return value


def _criteria(value: Any, what: str) -> frozenset[str]:
    if not isinstance(value, list):
        raise ReportError(f"{what}: expected a list")
    return frozenset(_text(item, what) for item in value)


def _run(data: Any, where: str) -> Run:
    if not isinstance(data, dict):
        raise ReportError(f"{where}: expected an object")
    violations = data.get("violations")
    if not isinstance(violations, dict):
        raise ReportError(f"{where}.violations: expected an object")
    rules = data.get("rules", [])
    if not isinstance(rules, list) or not all(
        isinstance(rule, dict)
        and isinstance(rule.get("id"), str)
        and isinstance(rule.get("impact"), str)
        for rule in rules
    ):
        raise ReportError(f"{where}.rules: expected a list of rules")
    return Run(
        lang=_text(data.get("lang"), f"{where}.lang"),
        viewport=_text(data.get("viewport"), f"{where}.viewport"),
        violations={
            impact: _count(violations.get(impact, 0), f"{where}.{impact}")
            for impact in IMPACTS
        },
        rules=rules,
        incomplete=_count(data.get("incomplete", 0), f"{where}.incomplete"),
        criteria_checked=_criteria(
            data.get("criteria_checked", []), f"{where}.criteria_checked"
        ),
        criteria_failed=_criteria(
            data.get("criteria_failed", []), f"{where}.criteria_failed"
        ),
    )


def _page(data: Any, where: str) -> PageResult:
    if not isinstance(data, dict):
        raise ReportError(f"{where}: expected an object")
    titles = data.get("titles", {})
    if not isinstance(titles, dict) or not all(
        isinstance(v, str) for v in titles.values()
    ):
        raise ReportError(f"{where}.titles: expected text by language")
    runs = data.get("runs")
    if not isinstance(runs, list) or not runs:
        raise ReportError(f"{where}.runs: expected a list of runs")
    return PageResult(
        name=_text(data.get("name"), f"{where}.name"),
        path=_text(data.get("path"), f"{where}.path"),
        who=_text(data.get("who", "visitor"), f"{where}.who"),
        status=_count(data.get("status", 200), f"{where}.status"),
        titles=titles,
        runs=[_run(run, f"{where}.runs[{i}]") for i, run in enumerate(runs)],
    )


def parse(data: Any) -> Report:
    """The report in ``data`` (the file's JSON), or :class:`ReportError`."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ReportError(f"not a report of format {FORMAT}")
    try:
        generated_at = datetime.fromisoformat(
            _text(data.get("generated_at"), "generated_at")
        )
    except ValueError as exc:
        raise ReportError("generated_at: expected an ISO 8601 time") from exc
    if generated_at.tzinfo is None:
        raise ReportError("generated_at: expected a time zone")
    tool = data.get("tool")
    if not isinstance(tool, dict):
        raise ReportError("tool: expected an object")
    pages = data.get("pages")
    if not isinstance(pages, list) or not pages:
        raise ReportError("pages: expected a list of pages")
    viewports = data.get("viewports", [])
    languages = data.get("languages", [])
    if not isinstance(viewports, list) or not all(
        isinstance(v, dict) for v in viewports
    ):
        raise ReportError("viewports: expected a list of objects")
    if not isinstance(languages, list):
        raise ReportError("languages: expected a list")
    parsed = [_page(page, f"pages[{i}]") for i, page in enumerate(pages)]
    checked = frozenset().union(*(page.criteria_checked for page in parsed))
    return Report(
        generated_at=generated_at,
        commit=str(data.get("commit", "")),
        tool=tool,
        languages=[str(lang) for lang in languages],
        viewports=viewports,
        pages=parsed,
        extra_criteria=sorted(
            checked - JIS_CRITERIA, key=lambda n: tuple(int(p) for p in n.split("."))
        ),
    )


_cache: dict[str, tuple[float, int, Loaded]] = {}
_lock = threading.Lock()


def report_path() -> Path:
    return Path(settings.A11Y_REPORT_PATH)


def load() -> Loaded:
    """The report file, parsed (kept in memory until the file changes)."""
    path = report_path()
    try:
        stat = path.stat()
    except OSError:
        return Loaded(report=None, problem="missing")
    key = str(path)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[:2] == (stat.st_mtime, stat.st_size):
            return cached[2]
    try:
        loaded = Loaded(report=parse(json.loads(path.read_text(encoding="utf-8"))))
    except (OSError, TypeError, KeyError, ValueError) as exc:
        # json.JSONDecodeError, UnicodeDecodeError and ReportError are ValueErrors.
        logger.warning("accessibility report %s is unreadable: %s", path, exc)
        loaded = Loaded(report=None, problem="broken")
    with _lock:
        _cache[key] = (stat.st_mtime, stat.st_size, loaded)
    return loaded
