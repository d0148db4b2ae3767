"""The search index: one row per searchable piece of public text.

Rows are written only by database triggers on the source tables (see ``index.py``),
so every create, edit, hide, unhide, withdrawal and delete reaches the index in the
same transaction, whichever service (or admin action) made the change. Hidden and
deleted content has no row at all; a row whose proposal is hidden is kept but
flagged (``proposal_hidden``) and never returned.

Django only reads this table. The full-text machinery around it is per database:
SQLite keeps two FTS5 tables (trigram, and single/double characters), PostgreSQL a
pg_trgm GIN index and a GIN index over an n-gram array column, both over ``folded``
(the text as search/fold.py folds it; ``content`` keeps the original for display).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from participation.search import sources


class DocumentKind(models.IntegerChoices):
    # The numbers order mixed results: proposals first, then answers, then comments.
    PROPOSAL = 1, _("Proposal")
    RESPONSE = 2, _("Response")
    COMMENT = 3, _("Comment")


# Every kind the public may find, with its slug and labels, is in the registry of
# sources (search/sources.py): the core's three above, and those apps register
# (comments on responses: 5).


class SearchDocument(models.Model):
    kind = models.PositiveSmallIntegerField(choices=DocumentKind.choices)
    object_id = models.BigIntegerField()
    proposal_id = models.BigIntegerField(db_index=True)
    # Null while the proposal is hidden (its own row is then absent).
    process_id = models.BigIntegerField(null=True)
    state = models.CharField(max_length=20, blank=True, default="")
    proposal_hidden = models.BooleanField(default=False)
    content = models.TextField()
    # What is matched: ``content`` folded (search/fold.py); written by the
    # triggers. On PostgreSQL the trigger's fold has no dictionary forms yet
    # while ``pending`` (index.refresh adds them).
    folded = models.TextField(db_default="", editable=False)
    pending = models.BooleanField(db_default=False, editable=False)
    created_at = models.DateTimeField()
    # For responses: the response whose current text this is.
    response_id = models.BigIntegerField(null=True)

    class Meta:
        db_table = "search_document"
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="search_document_one_per_object"
            )
        ]
        indexes = [
            # Covering the visibility and status filters too, so that a search for
            # a very common term can walk these in result order without reading
            # the rows (see selectors._match_conditions).
            models.Index(
                fields=[
                    "kind",
                    "-created_at",
                    *("proposal_hidden", "process_id", "state"),
                ],
                name="search_doc_kind_idx",
            ),
            models.Index(
                fields=[
                    "-created_at",
                    "kind",
                    *("proposal_hidden", "process_id", "state"),
                ],
                name="search_doc_created_idx",
            ),
            models.Index(
                fields=["process_id", "kind", "-created_at"],
                name="search_doc_process_idx",
            ),
            models.Index(fields=["state"], name="search_doc_state_idx"),
            models.Index(fields=["response_id"], name="search_doc_response_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.object_id}"

    @property
    def kind_slug(self) -> str:
        kind = sources.kind_by_number(self.kind)
        return kind.slug if kind is not None else ""
