"""Production settings plus one URL: the ceiling of bench/exports.py."""

from participation.settings import *  # noqa: F403

ROOT_URLCONF = "bench.exports_urls"
