from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    """The live transport: event log, broadcast, base consumer, group registry.

    Its label is ``live_transport`` because ``live`` stays with the meetings app
    (``meetings``), whose tables and migration history were written under it.
    """

    name = "participation.live"
    label = "live_transport"
    verbose_name = _("Live transport")
