"""A Frictionless Data Package (datapackage.json) describing every dataset: schema,
licence, formats and generation time, for the web page and the exported folder."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from participation.site_url import absolute_url
from portal.opendata import datasets


def describe(*, generated_at: datetime, base_url: str | None = None) -> dict[str, Any]:
    """``base_url``: where the files are ('' for files beside datapackage.json)."""
    if base_url is None:
        base_url = absolute_url("/opendata/")
    resources = []
    for dataset in datasets.all_datasets():
        schema = {
            "fields": [
                {"name": f.name, "type": f.type, "description": str(f.description)}
                for f in dataset.fields
            ]
        }
        for fmt, mediatype, encoding in (
            ("csv", "text/csv", "utf-8-sig"),
            ("jsonl", "application/jsonl", "utf-8"),
        ):
            resources.append(
                {
                    "name": f"{dataset.slug.replace('_', '-')}-{fmt}",
                    "title": str(dataset.title),
                    "description": str(dataset.description),
                    "path": f"{base_url}{dataset.slug}.{fmt}",
                    "format": fmt,
                    "mediatype": mediatype,
                    "encoding": encoding,
                    "schema": schema,
                }
            )
    return {
        "name": "participation-open-data",
        "title": _("Open data of %(site)s")
        % {"site": settings.SITE_NAME or "Participation"},
        "homepage": absolute_url("/opendata/"),
        "created": generated_at.isoformat(),
        "licenses": [
            {"name": settings.OPENDATA_LICENCE, "path": settings.OPENDATA_LICENCE_URL}
        ],
        "resources": resources,
    }
