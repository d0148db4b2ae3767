from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation.spaces"
    label = "spaces"
    verbose_name = _("Participatory processes")
