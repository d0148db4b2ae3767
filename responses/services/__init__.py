"""Every write to the response tracker.

Each function checks permission and state (``rules.py`` refusals, ``transitions.py``),
writes inside a transaction with the entry row locked, appends the public timeline
event and the audit event (before/after), and schedules notifications and live
broadcasts for after commit. Bad input raises a domain error and changes nothing.

One module per topic, all re-exported here (``from responses import services``):

- ``tracking``: entering the tracker, statuses before a decision, overdue
- ``assignment``: the routing table, automatic assignment on entry, assignment,
  reassignment and claim (department, section, official in charge)
- ``notes``: internal notes of a department on a tracked proposal (never public)
- ``answers``: publishing a response and revising it
- ``implementation``: progress updates up to completion
- ``feedback``: residents confirm or dispute the outcome, rate and discuss a response
- ``_shared``: the helpers they share, among them ``_record_change``, the tail of
  every write (event, save, audit, notification, broadcast)
"""

from responses.services.answers import response_publish, response_revise
from responses.services.assignment import (
    assignment_rule_create,
    assignment_rule_delete,
    assignment_rule_update,
    tracker_assign,
    tracker_claim,
)
from responses.services.feedback import (
    dispute_answer,
    outcome_check,
    response_comment_create,
    response_comment_delete,
    response_rate,
)
from responses.services.implementation import progress_post
from responses.services.notes import internal_note_create
from responses.services.tracking import (
    handling_department_id,
    notify_overdue,
    on_threshold_reached,
    tracker_forward,
    tracker_set_status,
)

__all__ = [
    # tracking
    "handling_department_id",
    "on_threshold_reached",
    "tracker_forward",
    # assignment
    "tracker_assign",
    "tracker_claim",
    "assignment_rule_create",
    "assignment_rule_update",
    "assignment_rule_delete",
    # notes
    "internal_note_create",
    "tracker_set_status",
    "notify_overdue",
    # answers
    "response_publish",
    "response_revise",
    # implementation
    "progress_post",
    # feedback
    "outcome_check",
    "dispute_answer",
    "response_rate",
    "response_comment_create",
    "response_comment_delete",
]

# Drafts and approval (決裁), answer templates, and batch work: their own modules.
from responses.services.batch import progress_post_batch  # noqa: E402
from responses.services.drafting import (  # noqa: E402
    StaleDraft,
    answer_template_create,
    answer_template_delete,
    answer_template_update,
    draft_approve,
    draft_discard,
    draft_publish,
    draft_return,
    draft_save,
    draft_start,
    draft_submit,
)

__all__ += [
    "progress_post_batch",
    "StaleDraft",
    "draft_start",
    "draft_save",
    "draft_submit",
    "draft_approve",
    "draft_return",
    "draft_publish",
    "draft_discard",
    "answer_template_create",
    "answer_template_update",
    "answer_template_delete",
]
