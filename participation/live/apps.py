from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation.live"
    label = "live"
    verbose_name = _("Live")
