"""Names of the audit actions of the tracker and responses (the activity log)."""

from django.utils.translation import gettext_lazy as _

AREAS = {"tracker": _("Tracker"), "response": _("Responses")}

ACTIONS = {
    "tracker.enter": _("Entered the tracker"),
    "tracker.assign": _("Department assigned"),
    "tracker.reassign": _("Department reassigned"),
    "tracker.claim": _("Claimed by an official"),
    "tracker.status": _("Tracker status changed"),
    "tracker.progress": _("Progress update posted"),
    "tracker.complete": _("Marked completed"),
    "tracker.confirm": _("Completion confirmed by a resident"),
    "tracker.dispute": _("Completion disputed by a resident"),
    "tracker.dispute_answer": _("Dispute answered"),
    "response.publish": _("Answer published"),
    "response.revise": _("Answer revised"),
}
