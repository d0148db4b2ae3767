from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation.opendata"
    label = "opendata"
    verbose_name = _("Open data")
