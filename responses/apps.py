from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "responses"
    label = "responses"
    verbose_name = _("Responses and tracker")
