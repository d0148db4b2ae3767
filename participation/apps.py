from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation"
    label = "participation"
    verbose_name = _("Participation")
