from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation.search"
    label = "search"
    verbose_name = _("Search")
