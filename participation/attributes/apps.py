from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    """Attributes a resident chooses to give (age band, municipality, interests,
    what they would like to hear about): private, optional, removable."""

    name = "participation.attributes"
    label = "attributes"
    verbose_name = _("Attributes residents choose")

    def ready(self) -> None:
        # Models are loaded only now (see ARCHITECTURE.md, "function-local imports").
        from participation.attributes import personal_data

        personal_data.register_section()
