"""Choice sets named in the OpenAPI description (SPECTACULAR_SETTINGS
["ENUM_NAME_OVERRIDES"]). Plain lists: importable before the apps are ready."""

COMMENT_STATES = [("visible", "visible"), ("hidden", "hidden"), ("deleted", "deleted")]
PROPOSAL_STATES = [("published", "published"), ("withdrawn", "withdrawn")]
PROPOSAL_STATE_FILTERS = [
    ("published", "published"),
    ("withdrawn", "withdrawn"),
    ("threshold", "threshold"),
    ("all", "all"),
]

# Tracker filters: a decision, or a word for a group of them.
DECISIONS = [
    "awaiting",
    "acknowledged",
    "under_review",
    "accepted",
    "partially_accepted",
    "not_adopted",
    "already_addressed",
    "referred",
]
TRACKER_STATUS_FILTERS = [(v, v) for v in [*DECISIONS, "pending", "decided", "overdue"]]
IMPLEMENTATIONS = [
    (v, v) for v in ["not_started", "in_progress", "completed", "stalled"]
]
