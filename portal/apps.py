from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    """The site-wide doors: home, process page, search, open data, /stats/,
    flyers. They may read every app's selectors; no app imports them."""

    name = "portal"
    label = "portal"
    verbose_name = _("Site pages and open data")
