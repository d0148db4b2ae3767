"""Production settings plus one URL: the ceiling of bench/site.py."""

from participation.settings import *  # noqa: F403

ROOT_URLCONF = "bench.site_urls"
