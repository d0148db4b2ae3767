"""What makes a secret key unfit for production, said once.

The settings refuse to load with such a key unless ``DJANGO_DEBUG`` is on
(``participation/settings.py``), and the deploy system check reports it as the error
``participation.E001`` (``participation/system_checks.py``). The thresholds are
Django's own (its ``security.W009`` warning), made a refusal here: a key of the
example files, shorter than 50 characters or with fewer than 5 different characters
signs sessions, password resets and the open-data pseudonyms that anyone can forge.

This module imports nothing from the project and no models: the settings load it.
"""

from __future__ import annotations

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)

# Every placeholder this repository ships (example files, build steps, the
# development default), whatever its length.
KNOWN_PLACEHOLDERS = frozenset(
    {
        "change-me-to-50-random-characters",
        "change-me",
        "replace-me",
        "build-only-not-a-secret",
        "bench-only-not-secret",
        "insecure-development-key-never-use-in-production",
    }
)
# Words that only a placeholder contains.
PLACEHOLDER_WORDS = ("change-me", "changeme", "replace-me", "replaceme")

GENERATE = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` must not sign anything in production, or None when it may."""
    lowered = key.strip().lower()
    if lowered in KNOWN_PLACEHOLDERS or any(w in lowered for w in PLACEHOLDER_WORDS):
        return "it is the placeholder of an example file"
    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return (
            f"it starts with {SECRET_KEY_INSECURE_PREFIX!r} (generated for development)"
        )
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(key)} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return (
            f"it has fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different characters"
        )
    return None


def refusal_message(problem: str) -> str:
    return (
        f"DJANGO_SECRET_KEY is not fit for production: {problem}. Set it to "
        f"{SECRET_KEY_MIN_LENGTH} or more random characters, e.g. the output of "
        f"{GENERATE} (or set DJANGO_DEBUG=1 for local development only)."
    )
