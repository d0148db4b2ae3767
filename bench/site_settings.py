"""The production settings, with one more URL: the benchmark's ceiling (bench/site.py)."""

from participation.settings import *  # noqa: F403

ROOT_URLCONF = "bench.site_urls"
