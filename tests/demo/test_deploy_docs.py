"""The operator's documentation keeps up with the settings."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def environment_variables_read_by_settings() -> set[str]:
    source = (ROOT / "participation" / "settings.py").read_text(encoding="utf-8")
    return set(
        re.findall(
            r"\benv(?:_bool|_int|_float|_list)?\(\s*\"([A-Z][A-Z0-9_]+)\"", source
        )
    )


def test_settings_read_their_environment_through_the_env_helpers():
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= (
        environment_variables_read_by_settings()
    )


def test_deploy_readme_describes_every_environment_variable():
    readme = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    missing = sorted(
        name
        for name in environment_variables_read_by_settings()
        if f"`{name}`" not in readme
    )
    assert missing == []
