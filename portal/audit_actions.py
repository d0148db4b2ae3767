"""Names of the audit actions of the site pages (the activity log)."""

from django.utils.translation import gettext_lazy as _

AREAS = {"opendata": _("Open data")}

ACTIONS = {"opendata.export": _("Open data exported")}
