from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "participation.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # Imported here: models are not loaded when Django imports an AppConfig.
        from allauth.account.signals import user_logged_in, user_signed_up

        from participation.notifications import periodic
        from participation.privacy import personal_data, services, staff_panel

        personal_data.register_sections()
        staff_panel.register_panel()
        periodic.register(
            "privacy.erase_due_accounts",
            services.erase_due_accounts,
            every=timedelta(hours=1),
        )

        # Signing in during the cooling-off period cancels the deletion.
        def _logged_in(sender: object, request: object, user: object, **kw: object):
            services.deletion_cancel_on_login(user=user, request=request)

        user_logged_in.connect(
            _logged_in, dispatch_uid="privacy.cancel_deletion_on_login", weak=False
        )

        # The sign-up form requires accepting the terms (accounts.forms.SignupForm):
        # the versions in force are recorded as accepted.
        def _signed_up(sender: object, request: object, user: object, **kw: object):
            services.policies_accept_at_signup(user=user)

        user_signed_up.connect(
            _signed_up, dispatch_uid="privacy.accept_at_signup", weak=False
        )
