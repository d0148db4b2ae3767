"""What a phase's kind opens (spaces.phases.OPENS) and the timeline's overlaps."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from participation.spaces import phases
from participation.spaces.models import PhaseKind


def flags(p: bool = False, s: bool = False, c: bool = False) -> dict[str, bool]:
    return {
        "allows_proposing": p,
        "allows_supporting": s,
        "allows_commenting": c,
    }


def test_every_kind_has_a_row_in_the_table():
    assert set(phases.OPENS) == set(PhaseKind.values)


@pytest.mark.parametrize(
    ("kind", "p", "s", "c"),
    [
        ("information", False, False, False),
        ("information", False, False, True),
        ("proposals", True, True, True),
        ("proposals", True, False, False),
        ("support", False, True, True),
        ("response", False, False, True),
        ("implementation", False, False, True),
    ],
)
def test_sensible_combinations_are_accepted(kind, p, s, c):
    assert phases.flags_refusal(kind, flags(p, s, c)) is None


@pytest.mark.parametrize(
    ("kind", "p", "s", "c", "code"),
    [
        ("proposals", False, True, True, "kind_requires_flag"),
        ("support", True, True, True, "kind_forbids_flag"),
        ("support", False, False, True, "kind_requires_flag"),
        ("information", True, False, False, "kind_forbids_flag"),
        ("response", False, True, False, "kind_forbids_flag"),
        ("implementation", True, False, True, "kind_forbids_flag"),
    ],
)
def test_contradictory_combinations_are_refused(kind, p, s, c, code):
    refusal = phases.flags_refusal(kind, flags(p, s, c))
    assert refusal is not None and refusal.code == code
    assert refusal.status == 400


def test_an_unknown_kind_is_refused():
    assert phases.flags_refusal("lottery", flags()).code == "invalid_kind"


def test_every_demo_phase_fits_the_table():
    """Existing data stays valid: the demo's phases are what earlier releases wrote."""
    source = Path("demo/content.py").read_text()
    specs = re.findall(r'PhaseSpec\(\s*"(\w+)",(.*?)\n            \)', source, re.S)
    assert len(specs) >= 5
    for kind, body in specs:
        values = flags(
            "proposing=True" in body,
            "supporting=True" in body,
            "commenting=True" in body,
        )
        assert phases.flags_refusal(kind, values) is None, kind


def test_defaults_for_a_kind_are_valid_for_it():
    for kind in PhaseKind.values:
        assert phases.flags_refusal(kind, phases.defaults_for(kind)) is None


def test_touching_phases_do_not_overlap():
    now = timezone.now()
    spans = [
        phases.Span(now, now + timedelta(days=1), "a"),
        phases.Span(now + timedelta(days=1), now + timedelta(days=2), "b"),
    ]
    assert phases.overlap_refusal(spans) is None


def test_overlapping_phases_are_named_in_the_refusal():
    now = timezone.now()
    spans = [
        phases.Span(now + timedelta(days=1), now + timedelta(days=3), "second"),
        phases.Span(now, now + timedelta(days=2), "first"),
    ]
    refusal = phases.overlap_refusal(spans)
    assert refusal is not None
    assert "“first” and “second”" in str(refusal)


def test_a_phase_ending_before_it_starts_is_refused():
    now = timezone.now()
    assert phases.span_refusal(now, now).code == "ends_before_start"
    assert phases.span_refusal(now, None).code == "phase_dates_missing"
