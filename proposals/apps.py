from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "proposals"
    label = "proposals"
    verbose_name = _("Proposals")
