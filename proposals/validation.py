"""Field limits shared by forms, services and the API (checked with
``participation.checks.check_length``)."""

from __future__ import annotations

TITLE_MIN, TITLE_MAX = 10, 150
BODY_MIN, BODY_MAX = 30, 10_000
COMMENT_MIN, COMMENT_MAX = 2, 5_000
LOCATION_MAX = 200
ALT_TEXT_MAX = 300
