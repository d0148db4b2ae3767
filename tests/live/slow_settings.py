"""The production settings with tests/live/slow_urls.py's extra view."""

from participation.settings import *  # noqa: F403

ROOT_URLCONF = "tests.live.slow_urls"
