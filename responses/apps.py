from datetime import timedelta
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _filter_proposals(qs: Any, filters: dict[str, Any]) -> Any:
    from responses.api.views import filter_proposals

    return filter_proposals(qs, filters)


class Config(AppConfig):
    name = "responses"
    label = "responses"
    verbose_name = _("Responses and tracker")

    def ready(self) -> None:
        # Imported here, not at the top: services import models, which are not
        # loaded yet when Django imports this AppConfig (app loading order).
        from participation.audit import actions
        from participation.notifications import email, periodic
        from proposals import events
        from responses import (  # noqa: F401
            audit_actions,
            cards,
            live,
            questionnaire,
            reminders,
            selectors,
            services,
        )
        from responses.staff import panels
        from responses.staff import rules as staff_rules  # noqa: F401

        # A proposal reaching its support threshold enters the tracker in the same
        # transaction as the support that tipped it over.
        events.on_threshold_reached(services.on_threshold_reached)
        events.on_handling_department(services.handling_department_id)
        # The proposals API filters by, and shows, where proposals stand here
        # (through a function that imports the API module when first called: DRF
        # is loaded by the first API request, not by every process at start-up).
        events.on_list_filter(_filter_proposals)
        events.on_tracker_summaries(selectors.tracker_summaries)
        # Proposal cards show the tracker's status and department.
        events.on_card_query(selectors.proposals_with_tracker)
        events.on_card_part(cards.card_status_part)
        # The worker runs the reminders (each idempotent for its own items) and the
        # questionnaire's e-mails carry per-recipient signed links.
        for name, job in reminders.JOBS.items():
            periodic.register(name, job, every=timedelta(minutes=15))
        for kind in questionnaire.KINDS:
            email.register_context(kind, questionnaire.questionnaire_email_context)
        from responses import erasure  # noqa: F401  (what leaving erases)

        # The staff dashboard's "Official work" and routing panels.
        panels.register_panels()
        # The activity log names this app's audit actions.
        actions.register(audit_actions.ACTIONS, audit_actions.AREAS)
        # The staff dashboard's "Drafts" panel (drafts and approval, 決裁).
        from participation.staff import registry as staff
        from responses.drafts import panel

        staff.register(panel.PANEL)
        # Comments on responses are found by search (triggers, rows, hits).
        from responses import search

        search.register()
